// drivers/modbus/energy_guard.hpp: plausibility of energy counters from one poll to the next.
//
// An energy register only counts up, and no faster than the meter's power allows. A value that
// goes backwards gets Quality::counter_regression; one that rose more than
// max(meter maximum power, measured power) x elapsed time x margin + slack gets
// Quality::counter_jump. Flagged values are passed on with their quality (never dropped,
// never smoothed into a fake spike) and do not become the reference: the next value is judged
// against the last good one, so a single corrupt read is isolated. If the next value is
// plausible against the suspect one instead (a meter reset or swap), the counter re-bases on it
// and carries on from there. Time is a parameter (pure, testable). Not thread-safe: owned by
// one meter on its bus thread.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "meterd/quality.hpp"
#include "meterd/time.hpp"

namespace meterd::modbus {

struct EnergyGuardSettings {
  // The meter's largest possible power: 230 V x 80 A x 1.2 continuous overload (manual §4).
  double max_power_w = 230.0 * 80.0 * 1.2;
  double margin = 1.5;     // factor on the allowed rise, for timing jitter between polls
  double slack_wh = 10.0;  // always allowed: counter resolution (0.01 kWh) and rounding
};

class EnergyGuard {
 public:
  explicit EnergyGuard(EnergyGuardSettings settings = {}) : settings_(settings) {}

  // Judges counter `key` (e.g. an OBIS code packed) reading `value_wh` (Wh, varh or VAh) at
  // `t`. `measured_power_w` is the largest |power| measured for it since the previous check
  // (0 when unknown). Returns good, counter_regression or counter_jump. A non-finite value is
  // not judged (returns good; the decoder has already flagged it) and changes nothing.
  Quality check(std::uint64_t key, double value_wh, UtcTime t, double measured_power_w = 0.0);

  // Forgets every counter (after a meter swap).
  void reset() { counters_.clear(); }

 private:
  struct Sample {
    double value = 0.0;
    UtcTime time{};
  };
  struct Counter {
    Sample good;
    std::optional<Sample> suspect;
  };
  bool plausible(const Sample& from, double value, UtcTime t, double measured_power_w) const;

  EnergyGuardSettings settings_;
  std::unordered_map<std::uint64_t, Counter> counters_;
};

}  // namespace meterd::modbus
