#include "tools/sim/site_environment.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace meterd::sim {

EnvironmentModel::EnvironmentModel(const BuildingProfile& profile, UtcTime start,
                                   double utc_offset_h, std::uint64_t seed)
    : profile_(profile), start_(start), utc_offset_h_(utc_offset_h), rng_(seed), weather_(rng_) {
  env_.profile = &profile_;
  env_.day = -1;
}

void EnvironmentModel::update(std::int64_t now_s) {
  const double dt_s = last_s_ < 0 ? 1.0 : static_cast<double>(std::max<std::int64_t>(now_s - last_s_, 1));
  last_s_ = now_s;
  const UtcTime t = start_ + std::chrono::seconds{now_s};
  weather_.step(t, site_, dt_s, rng_);
  env_.now_s = now_s;
  env_.cal = local_calendar(t, utc_offset_h_);
  const long long day = std::chrono::floor<std::chrono::days>(
                            t + std::chrono::milliseconds{std::llround(utc_offset_h_ * 3.6e6)})
                            .time_since_epoch()
                            .count();
  if (day != env_.day) {
    env_.day = day;
    env_.hours = profile_.hours(env_.cal);
    day_factor_ = std::uniform_real_distribution<double>{0.8, 1.0}(rng_);
  }
  const double h = env_.cal.hour;
  env_.open = env_.hours.open() && h >= env_.hours.open_h && h < env_.hours.close_h;
  env_.hvac_on = profile_.hvac_on(env_.cal);
  env_.occupancy = std::clamp(profile_.occupancy(env_.cal) * day_factor_, 0.0, 1.0);
  env_.daylight = weather_.daylight();
  env_.outdoor_c = weather_.outdoor_c();

  // Steady-state heat balance of the conditioned space at today's setpoints.
  const double area = profile_.floor_area_m2;
  const double gains = area * (profile_.gains_w_per_m2 * env_.occupancy + 4.0 * env_.daylight);
  const double heat_sp = env_.hvac_on ? profile_.heat_setpoint_c : 16.0;
  double heating = profile_.ua_w_per_k * (heat_sp - env_.outdoor_c) - gains;
  if (env_.hvac_on && h < env_.hours.open_h) heating *= 1.5;  // morning boost after the setback
  env_.heating_demand_w = std::max(heating, 0.0);
  const double cooling = gains + profile_.ua_w_per_k * (env_.outdoor_c - profile_.cool_setpoint_c);
  env_.cooling_demand_w = env_.hvac_on ? std::max(cooling, 0.0) : 0.0;
}

}  // namespace meterd::sim
