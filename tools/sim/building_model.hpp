// tools/sim/building_model.hpp: what a B-Smart meter in a small office building measures.
//
// The meter sits at the grid connection of a single-phase building with a PV inverter: CT1
// measures the grid (building load minus solar; import positive, so it goes negative when the
// building exports at midday), CT2 measures the solar production. The model advances in fixed
// one-second steps from a start time; its state at time t is a pure function of (seed, start,
// config, t) regardless of how the caller chunks advance_to(), so a test can run a day in
// milliseconds. Each step produces a measurement with noise at the meter's accuracy class, in
// which S² = P² + Q² and P = V·I·PF hold exactly, and integrates that measurement into the
// energy counters as the meter does. Not thread-safe: one owner (or a caller's lock).
#pragma once

#include "meterd/time.hpp"
#include "tools/sim/building_loads.hpp"
#include "tools/sim/complex_power.hpp"
#include "tools/sim/weather.hpp"

#include <chrono>
#include <cstdint>
#include <random>

namespace meterd::sim {

struct BuildingConfig {
  SiteLocation site;
  double utc_offset_h = 1.0;       // the building's local time (schedules)
  double solar_peak_w = 6000.0;    // PV inverter AC rating
  double nominal_voltage_v = 230.0;
  double nominal_frequency_hz = 50.0;
  double grid_resistance_ohm = 0.05;  // supply impedance: voltage drops under import
};

// One phase as the meter reports it, SI units. current_a >= 0; power_factor = P / S, signed.
struct PhaseValues {
  double voltage_v = 0.0;
  double current_a = 0.0;
  double active_w = 0.0;
  double reactive_var = 0.0;
  double apparent_va = 0.0;
  double power_factor = 0.0;
};

// Energy registers, Wh / varh / VAh, monotonic. Import = forward (P > 0), export = reverse.
struct EnergyCounters {
  double active_import_wh = 0.0;
  double active_export_wh = 0.0;
  double reactive_import_varh = 0.0;
  double reactive_export_varh = 0.0;
  double apparent_vah = 0.0;
};

struct ChannelValues {
  PhaseValues phase_a;
  EnergyCounters energy;
};

struct MeterSnapshot {
  UtcTime time{};
  double frequency_hz = 0.0;
  ChannelValues grid;   // CT1
  ChannelValues solar;  // CT2
  LoadPowers loads{};   // true (noise-free) power of each category, the future NILM ground truth
  double solar_w = 0.0; // true PV production
  double indoor_c = 0.0;
  double outdoor_c = 0.0;
};

// A well-mixed 64-bit seed for stream `stream` of base seed `base` (splitmix64).
std::uint64_t derive_seed(std::uint64_t base, std::uint64_t stream) noexcept;

class BuildingModel {
 public:
  static constexpr std::chrono::seconds kStep{1};

  // The state at `start` (first measurement taken, energy counters at plausible values).
  BuildingModel(std::uint64_t seed, UtcTime start, BuildingConfig config = {});

  // Steps forward until the last whole step <= t; earlier t is a no-op.
  void advance_to(UtcTime t);

  const MeterSnapshot& snapshot() const noexcept { return snap_; }

 private:
  void step(double dt_s);
  PhaseValues measure(ComplexPower truth, double voltage_v);

  std::mt19937_64 rng_;
  BuildingConfig config_;
  Weather weather_;
  BuildingLoads loads_;
  double voltage_walk_ = 0.0;    // relative departure of the supply from nominal
  double frequency_walk_ = 0.0;  // Hz
  MeterSnapshot snap_;
};

}  // namespace meterd::sim
