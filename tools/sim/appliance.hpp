// tools/sim/appliance.hpp: one electrical load of a simulated commercial building.
//
// An appliance belongs to one meterd::Usage and sits on one phase (or on all three, balanced).
// It is event-driven: update() brings it to the current second and returns the second at which
// it next needs an update (the next thermostat check, the end of a run, the next second of an
// inrush...), so the building only touches the few appliances that are due each second. Between
// updates its power is constant. Not thread-safe (owned by one CommercialBuilding).
#pragma once

#include "meterd/usage.hpp"
#include "tools/sim/site_environment.hpp"
#include "tools/sim/sim_rng.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

namespace meterd::sim {

inline constexpr int kThreePhase = 3;

// What every appliance has: identity, placement and power factor.
struct ApplianceBase {
  std::string name;
  Usage usage = Usage::other;
  int phase = 0;             // 0..2, or kThreePhase
  double rated_w = 0.0;      // at full load
  double pf = 1.0;           // displacement power factor at full load
  bool capacitive = false;   // LED drivers and PSUs lead; motors lag
};

// Start-up overshoot of a direct-on-line motor: power × (1 + (factor - 1) e^(-t/tau)) for
// `seconds` seconds, at a lower power factor.
struct Inrush {
  double factor = 1.0;
  double tau_s = 1.0;
  int seconds = 0;
  double pf = 0.5;
};

class Appliance {
 public:
  explicit Appliance(ApplianceBase base)
      : base_(std::move(base)),
        q_ratio_(std::tan(std::acos(std::clamp(base_.pf, 0.05, 1.0))) * (base_.capacitive ? -1.0 : 1.0)) {}
  virtual ~Appliance() = default;
  Appliance(const Appliance&) = delete;
  Appliance& operator=(const Appliance&) = delete;

  // Brings the appliance to env.now_s; returns the second of its next update (> env.now_s).
  virtual std::int64_t update(const SiteEnvironment& env, SimRng& rng) = 0;

  const ApplianceBase& base() const noexcept { return base_; }
  double p_w() const noexcept { return p_w_; }
  double q_var() const noexcept { return q_var_; }

 protected:
  // Draws p_w at the appliance's power factor.
  void set_power(double p_w) noexcept {
    p_w_ = p_w;
    q_var_ = p_w * q_ratio_;
  }
  // Draws `steady_w` during second `t_s` of an inrush (t_s = 0 is the start), a lower power
  // factor while the overshoot lasts.
  void set_inrush_power(double steady_w, const Inrush& inrush, int t_s) noexcept {
    const double extra = steady_w * (inrush.factor - 1.0) * std::exp(-t_s / inrush.tau_s);
    const double q_extra = extra * std::tan(std::acos(std::clamp(inrush.pf, 0.05, 1.0)));
    p_w_ = steady_w + extra;
    q_var_ = steady_w * q_ratio_ + q_extra;
  }

 private:
  ApplianceBase base_;
  double q_ratio_;
  double p_w_ = 0.0;
  double q_var_ = 0.0;
};

}  // namespace meterd::sim
