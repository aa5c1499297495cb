// tools/sim/commercial_meter_feed.hpp: a commercial building seen by one B-Smart per phase.
//
// `meterd-sim bsmart --building TYPE[:SEED]` puts three B-Smart meters on the bus: the meter at
// address k (1..3) measures phase Lk of a CommercialBuilding on its CT1; CT2 measures nothing.
// The feed owns the building, advances it in one-second steps to the time a meter is read, and
// turns each phase's P and Q into what a B-Smart reports: voltage (230 V with a slow wander and
// the drop across the supply), current, S, PF, frequency, and energy counters integrating the
// measured power. S² = P² + Q² and P = V·I·PF hold as in BuildingModel. Not thread-safe: the
// RtuSlave that owns the three devices serialises access.
#pragma once

#include "tools/sim/building_model.hpp"
#include "tools/sim/commercial_building.hpp"
#include "tools/sim/sim_rng.hpp"

#include <array>
#include <cstdint>

namespace meterd::sim {

struct CommercialSite {
  BuildingType type = BuildingType::office;
  std::uint64_t seed = 1;
};

class CommercialMeterFeed {
 public:
  // The building from `start` (rounded down to the second), its first second measured.
  CommercialMeterFeed(const CommercialSite& site, UtcTime start);

  // Steps forward until the last whole second <= t; earlier t is a no-op.
  void advance_to(UtcTime t);

  // What the meter on phase `phase` (0..2) measures now. `loads` stays zero: the ground truth
  // is per building, not per phase (see meterd-sim building).
  const MeterSnapshot& snapshot(int phase) const noexcept { return snaps_.at(static_cast<std::size_t>(phase)); }

 private:
  void step(double dt_s);

  CommercialBuilding building_;
  SimRng rng_;
  std::array<MeterSnapshot, 3> snaps_{};
  std::array<double, 3> voltage_walk_{};
  double frequency_walk_ = 0.0;
};

}  // namespace meterd::sim
