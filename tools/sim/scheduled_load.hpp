// tools/sim/scheduled_load.hpp: a load switched by a schedule, a condition or the occupancy.
//
// Covers lighting zones (on with occupancy above a threshold, dimmed by daylight), corridors and
// AHUs on the opening or HVAC schedule (each day's switching time jittered), exterior lighting
// at night, servers and controls always on (with a slow random wander), workstations and plug
// loads following the occupancy continuously, pumps following the heating or cooling demand.
// An optional inrush at each start. Not thread-safe (owned by one CommercialBuilding).
#pragma once

#include "tools/sim/appliance.hpp"

namespace meterd::sim {

enum class Switching {
  always,          // on all the time
  opening_hours,   // from open - lead_h to close + lag_h on open days
  hvac_schedule,   // the building's HVAC comfort schedule
  occupancy_zone,  // on while the occupancy is above `threshold` (±0.03 hysteresis)
  occupancy,       // continuous: base + (1 - base) × occupancy
  dark,            // while the daylight is below 0.05
  heating,         // while the building needs heat (and, with lead_h >= 0, on the HVAC schedule)
  cooling,         // while the building needs cooling
  window,          // on open days from on_h to off_h (kitchen hoods, bain-marie)
};

struct ScheduledSpec {
  Switching switching = Switching::always;
  double lead_h = 0.0;          // opening_hours: before opening; heating: < 0 = any time
  double lag_h = 0.0;           // opening_hours: after closing
  double jitter_h = 0.0;        // each day's switching times move by up to ± this
  double threshold = 0.0;       // occupancy_zone
  double on_h = 0.0;            // window
  double off_h = 0.0;
  double base = 0.0;            // share of rated drawn when off (standby) or at zero occupancy
  double daylight_dimming = 0.0;  // share of the power saved in full daylight (dimmable LED)
  double wander = 0.0;          // relative standard deviation of a slow random fluctuation
  double wander_tau_s = 600.0;
  std::int64_t tick_s = 10;     // how often the condition is re-evaluated
  Inrush inrush{};
};

class ScheduledLoad final : public Appliance {
 public:
  // Draws the initial wander and this load's offset on the tick grid from rng.
  ScheduledLoad(ApplianceBase base, ScheduledSpec spec, SimRng& rng);
  std::int64_t update(const SiteEnvironment& env, SimRng& rng) override;

 private:
  bool condition(const SiteEnvironment& env) const noexcept;

  ScheduledSpec spec_;
  double wander_a_;         // OU decay per tick
  double wander_b_;         // OU innovation scale per tick
  double wander_x_ = 0.0;
  double phase_s_;          // offset of this load's tick within the tick period
  long long day_ = -1;
  double shift_on_h_ = 0.0;
  double shift_off_h_ = 0.0;
  bool on_ = false;
  int inrush_t_ = -1;       // seconds into the current inrush, -1 when none
};

}  // namespace meterd::sim
