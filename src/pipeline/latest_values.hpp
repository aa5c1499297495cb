// pipeline/latest_values.hpp: the latest value of every (meter, OBIS code), for the REST API.
//
// A ReadingSink that keeps, per meter, the most recent value of each OBIS code with its time,
// time sync and quality (a value the driver flagged stays flagged: the cache never turns it into
// a good one, and a later flagged value replaces an earlier good one). It holds no history and
// a bounded amount of memory: one entry per (meter, OBIS code) ever seen.
// Thread contract: publish() on the event loop (cheap: one lock, no I/O); the getters from any
// thread return copies taken under the same lock.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meterd/obis.hpp"
#include "meterd/reading.hpp"
#include "meterd/reading_sink.hpp"

namespace meterd::pipeline {

struct LatestValue {
  ObisCode obis;
  double value = 0.0;  // SI unit; NaN when the quality says it is missing
  Unit unit = Unit::none;
  Quality quality = Quality::good;
  UtcTime time{};  // the time of the reading it came from
  TimeSync time_sync = TimeSync::unsynchronized;

  friend bool operator==(const LatestValue&, const LatestValue&) = default;
};

// One meter's latest values, ordered by OBIS code.
struct MeterValues {
  std::string meter_id;
  std::uint64_t readings = 0;  // readings received for this meter since start
  UtcTime last_reading{};      // time of the most recent one
  std::vector<LatestValue> values;
};

class LatestValues final : public ReadingSink {
 public:
  // Replaces the cached value of every OBIS code in `reading`; other codes keep theirs.
  void publish(const Reading& reading) override;

  // The latest value of `obis` of `meter_id`, or nullopt if none was ever received.
  std::optional<LatestValue> get(std::string_view meter_id, const ObisCode& obis) const;
  // One meter's values, or nullopt for a meter that never delivered a reading.
  std::optional<MeterValues> meter(std::string_view meter_id) const;
  // Every meter, ordered by meter id.
  std::vector<MeterValues> snapshot() const;
  // Forgets everything (e.g. when the configured meters change).
  void clear();

 private:
  struct Entry {
    std::uint64_t readings = 0;
    UtcTime last_reading{};
    std::map<ObisCode, LatestValue> values;
  };
  static MeterValues to_values(const std::string& id, const Entry& e);

  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> meters_;
};

}  // namespace meterd::pipeline
