// tools/sim/event_load.hpp: an appliance used now and then: a run of random length.
//
// Runs start at random (a Poisson process whose rate grows with the occupancy, drawn once per
// tick, not every second, the start placed at a random second of the tick) and last a random time: coffee machines, kettles, microwaves,
// printers, dishwashers, lift trips, meeting-room lights, computer-room lessons, gym lights.
// Each run draws its own power around the rating; an optional inrush at each start and a
// standby draw between runs. Not thread-safe (owned by one CommercialBuilding).
#pragma once

#include "tools/sim/appliance.hpp"

namespace meterd::sim {

struct EventSpec {
  double rate_per_h = 1.0;       // runs per hour at full occupancy
  double idle_rate_per_h = 0.0;  // runs per hour whatever the occupancy
  bool open_only = true;         // no occupancy-driven runs outside the opening hours
  double min_s = 60.0;           // run length, uniform in [min_s, max_s]
  double max_s = 120.0;
  double spread = 0.05;          // each run's power: rated × (1 ± spread)
  double standby_w = 0.0;
  std::int64_t tick_s = 10;
  Inrush inrush{};
};

class EventLoad final : public Appliance {
 public:
  // Idle (standby) until the first run.
  EventLoad(ApplianceBase base, EventSpec spec);
  std::int64_t update(const SiteEnvironment& env, SimRng& rng) override;

 private:
  EventSpec spec_;
  std::int64_t start_s_ = -1;  // start of a run drawn in the last tick, -1 when none
  std::int64_t end_s_ = -1;    // end of the current run, -1 when idle
  double run_w_ = 0.0;
  int inrush_t_ = -1;
};

}  // namespace meterd::sim
