// tools/sim/modulating_load.hpp: a variable-speed drive whose power follows a continuous demand.
//
// Air-handling units with VSD fans (speed between a minimum and 100 % with the occupancy, on the
// HVAC schedule; power ∝ speed³ by the fan affinity laws, soft start, no inrush) and an inverter
// heat pump (power ∝ its share of the building's heat demand, between a minimum modulation and
// full load; below the minimum it stops). The power moves towards its target at a bounded rate
// with a small random wander. Not thread-safe (owned by one CommercialBuilding).
#pragma once

#include "tools/sim/appliance.hpp"

namespace meterd::sim {

enum class Drive {
  ventilation,     // on the HVAC schedule, speed = min + (1 - min) × occupancy
  always_fan,      // runs all the time at min + (1 - min) × occupancy
  space_heating,   // fraction = share × heating demand / output_w
  space_cooling,   // fraction = share × cooling demand / output_w
};

struct ModulatingSpec {
  Drive drive = Drive::ventilation;
  double min_fraction = 0.3;   // minimum speed (fans) or modulation (heat pump)
  double share = 0.0;          // of the building's heating/cooling demand
  double output_w = 1.0;       // thermal output at full load
  double ramp_per_s = 0.01;    // fraction of full load per second
  double wander = 0.0;         // relative standard deviation
  double wander_tau_s = 300.0;
  std::int64_t tick_s = 5;
};

class ModulatingLoad final : public Appliance {
 public:
  // Draws the initial wander from rng; the drive starts stopped.
  ModulatingLoad(ApplianceBase base, ModulatingSpec spec, SimRng& rng);
  std::int64_t update(const SiteEnvironment& env, SimRng& rng) override;

 private:
  double target(const SiteEnvironment& env) const noexcept;

  ModulatingSpec spec_;
  double wander_a_;
  double wander_b_;
  double wander_x_ = 0.0;
  double fraction_ = 0.0;  // current speed or modulation, 0 = stopped
  std::int64_t last_s_ = -1;
};

}  // namespace meterd::sim
