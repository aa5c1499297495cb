// tools/sim/site_environment.hpp: what every appliance of a commercial building reacts to.
//
// EnvironmentModel advances the calendar, the weather (tools/sim/weather.hpp), the occupancy
// (the profile's curve times a random "how busy is today" factor) and the space heating and
// cooling demand of the building (steady-state UA balance against the comfort or setback
// setpoint, minus internal and solar gains, with a morning boost after the night setback).
// It is updated every kEnvironmentStepS seconds; appliances read the latest SiteEnvironment.
// Deterministic for a seed; not thread-safe (owned by one CommercialBuilding).
#pragma once

#include "tools/sim/building_profile.hpp"
#include "tools/sim/local_calendar.hpp"
#include "tools/sim/weather.hpp"

#include <cstdint>
#include <random>

namespace meterd::sim {

inline constexpr std::int64_t kEnvironmentStepS = 10;

struct SiteEnvironment {
  std::int64_t now_s = 0;          // seconds since the start of the simulation
  long long day = 0;               // local day number (changes at local midnight)
  LocalCalendar cal;
  OpeningHours hours;              // today's opening hours (closed on weekends and holidays)
  bool open = false;               // within today's opening hours
  bool hvac_on = false;            // HVAC comfort schedule
  double occupancy = 0.0;          // [0, 1]
  double daylight = 0.0;           // [0, 1]
  double outdoor_c = 10.0;
  double heating_demand_w = 0.0;   // thermal, >= 0
  double cooling_demand_w = 0.0;   // thermal, >= 0
  const BuildingProfile* profile = nullptr;
};

class EnvironmentModel {
 public:
  EnvironmentModel(const BuildingProfile& profile, UtcTime start, double utc_offset_h,
                   std::uint64_t seed);

  // Brings the environment to second now_s (>= the previous one).
  void update(std::int64_t now_s);
  // Moves only the clock to second now_s (between two updates).
  void set_now(std::int64_t now_s) noexcept { env_.now_s = now_s; }

  const SiteEnvironment& env() const noexcept { return env_; }

 private:
  const BuildingProfile& profile_;
  UtcTime start_;
  double utc_offset_h_;
  std::mt19937_64 rng_;
  SiteLocation site_;
  Weather weather_;
  double day_factor_ = 1.0;
  std::int64_t last_s_ = -1;
  SiteEnvironment env_;
};

}  // namespace meterd::sim
