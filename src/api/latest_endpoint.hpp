// api/latest_endpoint.hpp: GET /api/v1/meters/{id}/latest, the API's hottest path.
//
// Same JSON as json_views.hpp's latest_json() (byte for byte; tests/api/latest_endpoint_test.cpp
// checks it), built cheaply:
// - the part of each value that depends only on the value (obis, value, unit, quality, time,
//   stale_after_s) is serialised once and reused while the meter's latest values are unchanged
//   (compared by content on every request, so a publish invalidates it at once); only `age_s`,
//   `stale` and the response's `time`, which depend on now, are written per request;
// - the meter list (identity, online state, poll intervals) is taken from the MeterStatusSource
//   at most every `meter_ttl` of the clock's monotonic time (a snapshot of every meter's
//   statistics costs far more than one answer): a meter's `online` flag may lag by that much,
//   never its values' ages or staleness, which are computed from `now` on every request.
// Thread contract: respond() may run on any thread, concurrently (one mutex, held while the
// answer is written: microseconds, no I/O); the sources and the clock must outlive this.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "meterd/clock.hpp"
#include "meterd/data_sources.hpp"
#include "src/api/http_types.hpp"

namespace meterd::api {

inline constexpr std::chrono::milliseconds kMeterListTtl{100};

class LatestEndpoint {
 public:
  LatestEndpoint(const Clock& clock, const MeterStatusSource& meters, const LatestSource& latest,
                 std::chrono::milliseconds meter_ttl = kMeterListTtl);

  // 200 with the latest values of meter `meter_id` (an empty list before its first reading), or
  // 404 unknown_meter for a meter that is not configured.
  HttpResponse respond(std::string_view meter_id) const;

  // How often a meter's serialised values were reused / rebuilt since construction.
  std::size_t hits() const;
  std::size_t misses() const;

 private:
  // One meter's values, serialised but for age_s and stale (in that order in each value).
  struct Serialised {
    std::vector<LatestSample> samples;  // what it was built from
    std::chrono::milliseconds poll_interval{};
    std::chrono::milliseconds energy_interval{};
    std::string meter;  // the response's start: {"meter":<id>
    struct Piece {
      UtcTime time{};
      std::chrono::milliseconds stale_after{};
      std::string between;  // after age_s, up to the value of "stale"
      std::string after;    // after the value of "stale", to the end of the object
    };
    std::vector<Piece> pieces;
  };
  const MeterEntry* find_meter(std::string_view id, MonoTime now) const;  // under mutex_
  const Serialised& serialised(const MeterEntry& m, std::vector<LatestSample> samples) const;

  const Clock& clock_;
  const MeterStatusSource& meters_;
  const LatestSource& latest_;
  std::chrono::milliseconds meter_ttl_;
  mutable std::mutex mutex_;
  mutable std::vector<MeterEntry> meter_list_;
  mutable MonoTime meter_list_taken_{};
  mutable bool meter_list_valid_ = false;
  mutable std::map<std::string, Serialised, std::less<>> by_meter_;
  mutable UtcTime now_{};  // the last response's time and its text (shared within a millisecond)
  mutable std::string now_text_;
  mutable std::size_t hits_ = 0;
  mutable std::size_t misses_ = 0;
};

}  // namespace meterd::api
