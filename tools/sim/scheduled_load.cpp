#include "tools/sim/scheduled_load.hpp"

#include <algorithm>
#include <cmath>

namespace meterd::sim {

ScheduledLoad::ScheduledLoad(ApplianceBase base, ScheduledSpec spec, SimRng& rng)
    : Appliance(std::move(base)), spec_(spec) {
  const double dt = static_cast<double>(spec_.tick_s);
  wander_a_ = std::exp(-dt / std::max(spec_.wander_tau_s, 1.0));
  wander_b_ = spec_.wander * std::sqrt(1.0 - wander_a_ * wander_a_);
  wander_x_ = spec_.wander * rng.normal();
  phase_s_ = std::floor(rng.uniform(0.0, dt));
}

bool ScheduledLoad::condition(const SiteEnvironment& env) const noexcept {
  const double h = env.cal.hour;
  switch (spec_.switching) {
    case Switching::always:
    case Switching::occupancy:
      return true;
    case Switching::opening_hours:
      return env.hours.open() && h >= env.hours.open_h - spec_.lead_h + shift_on_h_ &&
             h < env.hours.close_h + spec_.lag_h + shift_off_h_;
    case Switching::hvac_schedule:
      return env.hours.open() && h >= env.hours.open_h - env.profile->hvac_lead_h + shift_on_h_ &&
             h < env.hours.close_h + env.profile->hvac_lag_h + shift_off_h_;
    case Switching::occupancy_zone:
      return env.occupancy > spec_.threshold + (on_ ? -0.03 : 0.03);
    case Switching::dark:
      return env.daylight < (on_ ? 0.07 : 0.05);
    case Switching::heating:
      return env.heating_demand_w > 0.0 && (spec_.lead_h < 0.0 || env.hvac_on);
    case Switching::cooling:
      return env.cooling_demand_w > 0.0;
    case Switching::window:
      return env.hours.open() && h >= spec_.on_h + shift_on_h_ && h < spec_.off_h + shift_off_h_;
  }
  return false;
}

std::int64_t ScheduledLoad::update(const SiteEnvironment& env, SimRng& rng) {
  if (env.day != day_) {
    day_ = env.day;
    shift_on_h_ = spec_.jitter_h * (2.0 * rng.uniform() - 1.0);
    shift_off_h_ = spec_.jitter_h * (2.0 * rng.uniform() - 1.0);
  }
  const bool was_on = on_;
  on_ = condition(env);
  if (on_ && !was_on && spec_.inrush.seconds > 0) inrush_t_ = 0;
  if (!on_) inrush_t_ = -1;

  double level = on_ ? 1.0 : spec_.base;
  if (on_ && spec_.switching == Switching::occupancy)
    level = spec_.base + (1.0 - spec_.base) * env.occupancy;
  if (on_) level *= 1.0 - spec_.daylight_dimming * env.daylight;
  const double rated = base().rated_w;
  if (inrush_t_ >= 0) {
    set_inrush_power(rated * level, spec_.inrush, inrush_t_);
    if (++inrush_t_ >= spec_.inrush.seconds) inrush_t_ = -1;
    return env.now_s + 1;
  }
  if (spec_.wander > 0.0) wander_x_ = wander_a_ * wander_x_ + wander_b_ * rng.normal();
  set_power(std::max(rated * level * (1.0 + wander_x_), 0.0));
  // Stay on a common grid so each load is re-evaluated right after the environment is.
  const std::int64_t tick = spec_.tick_s;
  const auto offset = static_cast<std::int64_t>(phase_s_);
  return ((env.now_s - offset) / tick + 1) * tick + offset;
}

}  // namespace meterd::sim
