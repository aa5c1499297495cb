#include "tools/sim/thermostat_unit.hpp"

#include <algorithm>
#include <cmath>

namespace meterd::sim {

ThermostatUnit::ThermostatUnit(ApplianceBase base, ThermostatSpec spec, SimRng& rng)
    : Appliance(std::move(base)), spec_(spec), t_c_(rng.uniform(spec.low_c, spec.high_c)) {
  on_ = rng.chance(0.3);
}

bool ThermostatUnit::enabled(const SiteEnvironment& env) const noexcept {
  switch (spec_.enable) {
    case Enable::always: return true;
    case Enable::heating_season: return env.outdoor_c < 15.0 || env.heating_demand_w > 0.0;
    case Enable::cooling_season: return env.cooling_demand_w > 0.0;
    case Enable::open_window:
      return env.hours.open() && env.cal.hour >= spec_.window_on_h && env.cal.hour < spec_.window_off_h;
  }
  return false;
}

double ThermostatUnit::load_w(const SiteEnvironment& env, SimRng& rng) const noexcept {
  switch (spec_.load) {
    case ThermalLoad::none: return 0.0;
    case ThermalLoad::space_heating: return spec_.load_share * env.heating_demand_w;
    case ThermalLoad::space_cooling: return spec_.load_share * env.cooling_demand_w;
    case ThermalLoad::constant: return spec_.load_share;
    case ThermalLoad::hot_water:
      // Lumps of 20 × the mean over one tick, one tick in 20 on average (taps, showers, sinks).
      return rng.chance(env.occupancy / 20.0) ? 20.0 * spec_.load_share : 0.0;
  }
  return 0.0;
}

std::int64_t ThermostatUnit::update(const SiteEnvironment& env, SimRng& rng) {
  const double dt = last_s_ < 0 ? 0.0 : static_cast<double>(env.now_s - last_s_);
  last_s_ = env.now_s;
  {  // the thermal balance over the elapsed interval, at the previous state
    const double sign = spec_.cooling ? -1.0 : 1.0;
    const double out = on_ ? sign * spec_.output_w : 0.0;
    const double ambient = spec_.ambient_outdoor ? env.outdoor_c : spec_.ambient_c;
    const double net = out - sign * load_w(env, rng) + spec_.ua_w_per_k * (ambient - t_c_);
    t_c_ += net * dt / spec_.capacity_j_per_k;
  }
  if (switch_pending_) {  // the contactor acts a few seconds after the thermostat decided
    switch_pending_ = false;
    on_ = !on_;
    since_s_ = env.now_s;
    if (on_ && spec_.inrush.seconds > 0) inrush_t_ = 0;
  } else if (inrush_t_ < 0) {
    const double in_state = static_cast<double>(env.now_s - since_s_);
    const bool allowed = enabled(env);
    const bool too_cold = t_c_ < spec_.low_c, too_warm = t_c_ > spec_.high_c;
    const bool stop = on_ && (!allowed || (spec_.cooling ? too_cold : too_warm)) && in_state >= spec_.min_on_s;
    const bool start = !on_ && allowed && (spec_.cooling ? too_warm : too_cold) && in_state >= spec_.min_off_s;
    if (stop || start) {
      switch_pending_ = true;
      return env.now_s + 1 + static_cast<std::int64_t>(rng.uniform() * static_cast<double>(spec_.tick_s - 1));
    }
  }
  if (!on_) {
    set_power(0.0);
    return env.now_s + spec_.tick_s;
  }
  const double run_min = static_cast<double>(env.now_s - since_s_) / 60.0;
  const double steady = base().rated_w * (1.0 + spec_.run_drift * std::min(run_min / 30.0, 1.0));
  if (inrush_t_ >= 0) {
    set_inrush_power(steady, spec_.inrush, inrush_t_);
    if (++inrush_t_ >= spec_.inrush.seconds) inrush_t_ = -1;
    return env.now_s + 1;
  }
  set_power(steady);
  return env.now_s + spec_.tick_s;
}

}  // namespace meterd::sim
