#include "src/api/params.hpp"

#include <charconv>
#include <string>

namespace meterd::api {
namespace {

// A time parameter as an error names it; a space where an offset's sign goes is a '+' the query
// decoding turned into a space (RFC 3986 forms: '+' means a space), so say how to write it.
Error time_error(std::string_view name, const std::string& value, const Error& e) {
  std::string detail = std::string{name} + ": " + e.detail;
  if (value.size() > 19 && value.find(' ', 19) != std::string::npos) {
    detail += " (a '+' in a query reads as a space: write +01:00 as %2B01:00)";
  }
  return Error{Errc::parse_error, std::move(detail)};
}

}  // namespace

Result<TimeRange> parse_range(const Query& q, UtcTime now, std::chrono::milliseconds default_span,
                              std::chrono::milliseconds max_span) {
  TimeRange r;
  r.to = now + std::chrono::milliseconds{1};  // "until now", including a value stamped now
  if (auto it = q.find("to"); it != q.end()) {
    auto t = parse_utc(it->second);
    if (!t) return time_error("to", it->second, t.error());
    r.to = *t;
  }
  r.from = r.to - default_span;
  if (auto it = q.find("from"); it != q.end()) {
    auto t = parse_utc(it->second);
    if (!t) return time_error("from", it->second, t.error());
    r.from = *t;
  }
  if (r.from >= r.to) {
    return Error{Errc::invalid_argument, "from must be before to"};
  }
  if (r.to - r.from > max_span) {
    return Error{
        Errc::out_of_range,
        "the range spans more than " +
            std::to_string(std::chrono::duration_cast<std::chrono::hours>(max_span).count()) +
            " h"};
  }
  return r;
}

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  long long n = 0;
  const auto* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, n);
  const std::string_view unit(p, static_cast<std::size_t>(end - p));
  long long ms_per = 0;
  if (unit.empty() || unit == "s")
    ms_per = 1000;
  else if (unit == "ms")
    ms_per = 1;
  else if (unit == "m" || unit == "min")
    ms_per = 60'000;
  else if (unit == "h")
    ms_per = 3'600'000;
  else if (unit == "d")
    ms_per = 86'400'000;
  if (ec != std::errc{} || p == text.data() || ms_per == 0 || n <= 0 ||
      n > 366LL * 86'400'000 / ms_per) {
    return Error{Errc::parse_error,
                 "expected a positive duration such as 60s, 15m, 10min, 1h or 1d, got '" +
                     std::string{text} + "'"};
  }
  return std::chrono::milliseconds{n * ms_per};
}

Result<SeriesAggregate> parse_aggregate(std::string_view text) {
  if (text == "raw") return SeriesAggregate::raw;
  if (text == "avg") return SeriesAggregate::avg;
  if (text == "min") return SeriesAggregate::min;
  if (text == "max") return SeriesAggregate::max;
  if (text == "last") return SeriesAggregate::last;
  return Error{Errc::parse_error,
               "aggregate: expected raw, avg, min, max or last, got '" + std::string{text} + "'"};
}

std::string_view to_string(SeriesAggregate a) noexcept {
  switch (a) {
    case SeriesAggregate::raw:
      return "raw";
    case SeriesAggregate::avg:
      return "avg";
    case SeriesAggregate::min:
      return "min";
    case SeriesAggregate::max:
      return "max";
    case SeriesAggregate::last:
      return "last";
  }
  return "raw";
}

}  // namespace meterd::api
