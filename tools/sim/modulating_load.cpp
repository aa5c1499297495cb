#include "tools/sim/modulating_load.hpp"

#include <algorithm>
#include <cmath>

namespace meterd::sim {

ModulatingLoad::ModulatingLoad(ApplianceBase base, ModulatingSpec spec, SimRng& rng)
    : Appliance(std::move(base)), spec_(spec) {
  const auto dt = static_cast<double>(spec_.tick_s);
  wander_a_ = std::exp(-dt / std::max(spec_.wander_tau_s, 1.0));
  wander_b_ = spec_.wander * std::sqrt(1.0 - wander_a_ * wander_a_);
  wander_x_ = spec_.wander * rng.normal();
}

double ModulatingLoad::target(const SiteEnvironment& env) const noexcept {
  const double speed = spec_.min_fraction + (1.0 - spec_.min_fraction) * env.occupancy;
  switch (spec_.drive) {
    case Drive::ventilation: return env.hvac_on ? speed : 0.0;
    case Drive::always_fan: return speed;
    case Drive::space_heating:
    case Drive::space_cooling: {
      const double demand = spec_.drive == Drive::space_heating ? env.heating_demand_w : env.cooling_demand_w;
      const double f = spec_.share * demand / spec_.output_w;
      // Below its minimum modulation the unit stops (with a little hysteresis).
      const double stop = fraction_ > 0.0 ? 0.8 * spec_.min_fraction : spec_.min_fraction;
      return f < stop ? 0.0 : std::clamp(f, spec_.min_fraction, 1.0);
    }
  }
  return 0.0;
}

std::int64_t ModulatingLoad::update(const SiteEnvironment& env, SimRng& rng) {
  const double dt = last_s_ < 0 ? 1.0 : static_cast<double>(env.now_s - last_s_);
  last_s_ = env.now_s;
  const double goal = target(env);
  const double step = spec_.ramp_per_s * dt;
  if (goal <= 0.0 && fraction_ <= spec_.min_fraction * 0.5) {
    fraction_ = 0.0;  // stopped: the drive cuts the motor
  } else {
    fraction_ = goal > fraction_ ? std::min(goal, fraction_ + step) : std::max(goal, fraction_ - step);
  }
  if (spec_.wander > 0.0) wander_x_ = wander_a_ * wander_x_ + wander_b_ * rng.normal();
  const bool fan = spec_.drive == Drive::ventilation || spec_.drive == Drive::always_fan;
  const double electric = fan ? fraction_ * fraction_ * fraction_ : fraction_;
  set_power(fraction_ > 0.0 ? base().rated_w * electric * (1.0 + wander_x_) : 0.0);
  const bool ramping = std::abs(goal - fraction_) > 1e-9;
  return env.now_s + (ramping ? 1 : spec_.tick_s);
}

}  // namespace meterd::sim
