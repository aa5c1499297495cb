// api/params.hpp: query parameters of the API: time ranges, steps, aggregates, OBIS codes.
//
// Pure functions of text; every failure is a Error whose detail names the parameter and what was
// expected, returned to the client as 400. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "meterd/data_sources.hpp"
#include "meterd/error.hpp"
#include "meterd/time.hpp"

namespace meterd::api {

using Query = std::map<std::string, std::string, std::less<>>;

struct TimeRange {
  UtcTime from{};
  UtcTime to{};
};

// `from` and `to` (ISO 8601, see parse_utc); a missing `to` is just after `now` (a value
// stamped now is included), a missing `from` is
// `to - default_span`. Errc::parse_error for a malformed time, Errc::invalid_argument when
// from >= to or the span exceeds `max_span`.
Result<TimeRange> parse_range(const Query& q, UtcTime now, std::chrono::milliseconds default_span,
                              std::chrono::milliseconds max_span);

// "90", "90s", "15m" or "15min", "1h", "1d", "500ms" -> a positive duration; Errc::parse_error otherwise.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// "raw", "avg", "min", "max", "last"; Errc::parse_error otherwise.
Result<SeriesAggregate> parse_aggregate(std::string_view text);
std::string_view to_string(SeriesAggregate a) noexcept;

}  // namespace meterd::api
