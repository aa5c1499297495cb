// tools/sim/thermostat_unit.hpp: an on/off machine that keeps a thermal store within a band.
//
// The store is a first-order thermal mass (a heating buffer tank, a chilled-water loop, a room,
// a hot-water tank, a fridge cabinet, an oven) at temperature T:
//   C dT/dt = ±output_w (while on) ∓ load_w(env) + ua (T_ambient - T)
// A heating unit switches on below `low_c` and off above `high_c`; a cooling unit the other way
// round, a random 1..tick_s - 1 seconds after the check that found the band edge crossed (so the
// switchings do not fall on a grid). Minimum on and off times (anti-short-cycle) hold the
// compressor in its state, and each start may draw an inrush. The electrical power may drift up during a run (compressor head
// pressure). Covers heat pumps, chillers, split systems, water heaters, convectors, fridges,
// display cases, ovens. Not thread-safe (owned by one CommercialBuilding).
#pragma once

#include "tools/sim/appliance.hpp"

namespace meterd::sim {

enum class ThermalLoad {
  none,
  space_heating,   // share × the building's heating demand
  space_cooling,   // share × the building's cooling demand
  constant,        // share W all the time (servers in a server room)
  hot_water,       // draws of mean share W × occupancy, in random lumps
};

enum class Enable {
  always,
  heating_season,  // outdoor below 15 °C or the building needs heat
  cooling_season,  // the building needs cooling
  open_window,     // on open days between window_on_h and window_off_h (kitchen ovens)
};

struct ThermostatSpec {
  bool cooling = false;
  double output_w = 0.0;          // thermal power delivered (heating) or removed (cooling) when on
  double capacity_j_per_k = 1e6;
  double ua_w_per_k = 0.0;
  double ambient_c = 20.0;        // used when !ambient_outdoor
  bool ambient_outdoor = false;
  ThermalLoad load = ThermalLoad::none;
  double load_share = 0.0;
  double low_c = 0.0;
  double high_c = 1.0;
  double min_on_s = 0.0;
  double min_off_s = 0.0;
  Enable enable = Enable::always;
  double window_on_h = 0.0;
  double window_off_h = 24.0;
  double run_drift = 0.0;         // relative rise of the electrical power over 30 min of a run
  std::int64_t tick_s = 10;
  Inrush inrush{};
};

class ThermostatUnit final : public Appliance {
 public:
  // Draws the initial temperature (within the band) and state (on with probability 0.3).
  ThermostatUnit(ApplianceBase base, ThermostatSpec spec, SimRng& rng);
  std::int64_t update(const SiteEnvironment& env, SimRng& rng) override;

  double temperature_c() const noexcept { return t_c_; }

 private:
  bool enabled(const SiteEnvironment& env) const noexcept;
  double load_w(const SiteEnvironment& env, SimRng& rng) const noexcept;

  ThermostatSpec spec_;
  double t_c_;
  bool on_ = false;
  bool switch_pending_ = false;  // decided, switches at the next update
  std::int64_t last_s_ = -1;
  std::int64_t since_s_ = -1000000;  // when the current state began
  int inrush_t_ = -1;
};

}  // namespace meterd::sim
