// tools/sim/building_profile.hpp: how a commercial building type is used and how it loses heat.
//
// Opening hours per weekday, the lead of the HVAC schedule, holidays (ISO weeks, schools only),
// the occupancy curve over a day, and the envelope (UA) and internal gains that set the space
// heating and cooling demand. make_profile() draws the size of one building from a seed.
// Plain values and pure functions, thread-safe.
#pragma once

#include "tools/sim/commercial_building.hpp"
#include "tools/sim/local_calendar.hpp"
#include "tools/sim/sim_rng.hpp"

#include <array>
#include <vector>

namespace meterd::sim {

struct OpeningHours {
  double open_h = 0.0;   // local hours; closed all day when close_h <= open_h
  double close_h = 0.0;
  bool open() const noexcept { return close_h > open_h; }
};

struct BuildingProfile {
  BuildingType type = BuildingType::office;
  double floor_area_m2 = 2000.0;
  std::array<OpeningHours, 7> week{};   // Monday ... Sunday
  double hvac_lead_h = 1.5;             // HVAC comfort mode starts this long before opening
  double hvac_lag_h = 0.5;              // and ends this long after closing
  std::vector<int> holiday_weeks;       // ISO week numbers the building is closed
  double lunch_dip = 0.0;               // share of the occupants away around 12:00-13:30
  double afternoon_peak = 0.0;          // retail: customers peak in the late afternoon
  double ua_w_per_k = 2000.0;           // envelope and ventilation losses
  double gains_w_per_m2 = 8.0;          // people and equipment at full occupancy (thermal)
  double heat_setpoint_c = 21.0;        // occupied; setback 16 °C
  double cool_setpoint_c = 25.0;        // occupied; off when unoccupied

  // Whether the building is closed for a holiday on this local day.
  bool holiday(const LocalCalendar& cal) const noexcept;
  // Today's opening hours (closed on holidays).
  OpeningHours hours(const LocalCalendar& cal) const noexcept;
  // Scheduled occupancy in [0.02, 1] at local time cal (before the day's random factor).
  double occupancy(const LocalCalendar& cal) const noexcept;
  // Whether the HVAC runs in comfort mode at local time cal.
  bool hvac_on(const LocalCalendar& cal) const noexcept;
};

// ISO 8601 week number (1..53) of a local calendar day (ISO 8601-1:2019 §5.2.3.1: weeks start on
// Monday, week 1 holds the year's first Thursday).
int iso_week(const LocalCalendar& cal) noexcept;

// The profile of one building of `type`, its size drawn from rng.
BuildingProfile make_profile(BuildingType type, SimRng& rng);

}  // namespace meterd::sim
