#include "drivers/modbus/energy_guard.hpp"

#include <algorithm>
#include <cmath>

namespace meterd::modbus {

bool EnergyGuard::plausible(const Sample& from, double value, UtcTime t,
                            double measured_power_w) const {
  if (value < from.value) return false;
  // A wall clock stepped backwards gives a negative interval: allow only the slack then.
  const double hours =
      std::max(0.0, std::chrono::duration<double, std::ratio<3600>>(t - from.time).count());
  const double power = std::max(settings_.max_power_w, std::fabs(measured_power_w));
  return value - from.value <= power * hours * settings_.margin + settings_.slack_wh;
}

Quality EnergyGuard::check(std::uint64_t key, double value_wh, UtcTime t, double measured_power_w) {
  if (!std::isfinite(value_wh)) return Quality::good;
  auto [it, fresh] = counters_.try_emplace(key);
  Counter& c = it->second;
  if (fresh) {
    c.good = {value_wh, t};
    return Quality::good;
  }
  if (plausible(c.good, value_wh, t, measured_power_w)) {
    c.good = {value_wh, t};
    c.suspect.reset();
    return Quality::good;
  }
  if (c.suspect && plausible(*c.suspect, value_wh, t, measured_power_w)) {
    c.good = {value_wh, t};  // two consistent values: the counter really moved (reset, swap)
    c.suspect.reset();
    return Quality::good;
  }
  c.suspect = Sample{value_wh, t};
  return value_wh < c.good.value ? Quality::counter_regression : Quality::counter_jump;
}

}  // namespace meterd::modbus
