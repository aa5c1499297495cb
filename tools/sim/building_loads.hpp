// tools/sim/building_loads.hpp: the electrical loads of a simulated small office building.
//
// One object holds the state of every load (indoor temperature and heat-pump thermostat, water
// heater tank, refrigerator cycle, kettle events, slow random fluctuations) and advances it in
// fixed steps. Each meterd::Usage's power is kept separate. Deterministic for a given random
// generator state; not thread-safe (owned by one BuildingModel).
#pragma once

#include "tools/sim/complex_power.hpp"
#include "tools/sim/local_calendar.hpp"

#include <random>

namespace meterd::sim {

class BuildingLoads {
 public:
  // Draws the initial state (temperatures, cycle phases) from `rng`.
  explicit BuildingLoads(std::mt19937_64& rng);

  // Advances every load by `dt_s` seconds at local time `cal`, with `daylight` in [0, 1]
  // (1 = bright day) and the outdoor temperature in °C; returns each category's power
  // during that step.
  LoadPowers step(const LocalCalendar& cal, double outdoor_c, double daylight, double dt_s,
                  std::mt19937_64& rng);

  // Occupancy in [0, 1] (share of staff present) at local time `cal`, before the day's factor.
  static double scheduled_occupancy(const LocalCalendar& cal) noexcept;

  double indoor_c() const noexcept { return indoor_c_; }

 private:
  ComplexPower heat_pump(const LocalCalendar& cal, double outdoor_c, double internal_gain_w,
                         double daylight, double dt_s, std::mt19937_64& rng);
  ComplexPower water_heater(double occupancy, double dt_s, std::mt19937_64& rng);
  ComplexPower kitchen_and_plugs(double occupancy, double dt_s, std::mt19937_64& rng);

  int day_index_ = -1;
  double day_factor_ = 1.0;   // how busy today is
  double indoor_c_ = 20.0;
  bool compressor_on_ = false;
  double compressor_timer_s_ = 0.0;  // time in the current on/off state
  double tank_c_ = 55.0;
  bool element_on_ = false;
  bool fridge_on_ = false;
  double fridge_timer_s_ = 0.0;
  double fridge_period_s_ = 900.0;
  double kettle_left_s_ = 0.0;
  double it_wander_ = 0.0;    // slow relative fluctuation of the IT base load
  double vent_wander_ = 0.0;  // of the fan load
};

}  // namespace meterd::sim
