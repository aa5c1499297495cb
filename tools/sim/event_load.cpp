#include "tools/sim/event_load.hpp"

#include <algorithm>
#include <cmath>

namespace meterd::sim {

EventLoad::EventLoad(ApplianceBase base, EventSpec spec) : Appliance(std::move(base)), spec_(spec) {
  set_power(spec_.standby_w);
}

std::int64_t EventLoad::update(const SiteEnvironment& env, SimRng& rng) {
  if (end_s_ >= 0) {
    if (env.now_s < end_s_) {  // inside a run: only the inrush changes anything
      if (inrush_t_ >= 0 && inrush_t_ < spec_.inrush.seconds) {
        set_inrush_power(run_w_, spec_.inrush, inrush_t_++);
        return std::min(env.now_s + 1, end_s_);
      }
      inrush_t_ = -1;
      set_power(run_w_);
      return end_s_;
    }
    end_s_ = -1;  // the run is over
    set_power(spec_.standby_w);
  }
  const double occupancy = (!spec_.open_only || env.open) ? env.occupancy : 0.0;
  const double rate_per_s = (spec_.rate_per_h * occupancy + spec_.idle_rate_per_h) / 3600.0;
  const auto tick = static_cast<double>(spec_.tick_s);
  if (start_s_ < 0) {
    if (!rng.chance(rate_per_s * tick)) {
      set_power(spec_.standby_w);
      return env.now_s + spec_.tick_s;
    }
    // A run starts somewhere in this tick, not on the tick grid.
    start_s_ = env.now_s + static_cast<std::int64_t>(rng.uniform() * tick);
    if (start_s_ > env.now_s) return start_s_;
  }
  start_s_ = -1;
  const auto length = static_cast<std::int64_t>(std::llround(rng.uniform(spec_.min_s, spec_.max_s)));
  end_s_ = env.now_s + std::max<std::int64_t>(length, 1);
  run_w_ = base().rated_w * (1.0 + spec_.spread * (2.0 * rng.uniform() - 1.0));
  if (spec_.inrush.seconds > 0) {
    inrush_t_ = 0;
    set_inrush_power(run_w_, spec_.inrush, inrush_t_++);
    return std::min(env.now_s + 1, end_s_);
  }
  set_power(run_w_);
  return end_s_;
}

}  // namespace meterd::sim
