#include "tools/sim/building_profile.hpp"

#include <algorithm>
#include <chrono>

namespace meterd::sim {
namespace {

double smoothstep(double x, double a, double b) noexcept {
  const double u = std::clamp((x - a) / (b - a), 0.0, 1.0);
  return u * u * (3.0 - 2.0 * u);
}

constexpr OpeningHours kClosed{};

}  // namespace

int iso_week(const LocalCalendar& cal) noexcept {
  // ISO 8601: a week belongs to the year of its Thursday; week 1 holds the first Thursday.
  const auto days_in = [](int y) { return std::chrono::year{y}.is_leap() ? 366 : 365; };
  int thursday = cal.day_of_year - cal.weekday + 3;  // day of year of this week's Thursday
  if (thursday < 0) thursday += days_in(cal.year - 1);
  else if (thursday >= days_in(cal.year)) thursday -= days_in(cal.year);
  return thursday / 7 + 1;
}

bool BuildingProfile::holiday(const LocalCalendar& cal) const noexcept {
  return std::find(holiday_weeks.begin(), holiday_weeks.end(), iso_week(cal)) != holiday_weeks.end();
}

OpeningHours BuildingProfile::hours(const LocalCalendar& cal) const noexcept {
  if (holiday(cal)) return kClosed;
  return week[static_cast<std::size_t>(cal.weekday)];
}

double BuildingProfile::occupancy(const LocalCalendar& cal) const noexcept {
  const OpeningHours h = hours(cal);
  if (!h.open()) return 0.02;  // security, cleaning
  const double x = cal.hour;
  double occ = smoothstep(x, h.open_h - 0.75, h.open_h + 0.75) *
               (1.0 - smoothstep(x, h.close_h - 0.75, h.close_h + 0.5));
  occ *= 1.0 - lunch_dip * smoothstep(x, 11.75, 12.25) * (1.0 - smoothstep(x, 13.25, 13.75));
  if (afternoon_peak > 0.0) occ *= 1.0 - afternoon_peak + afternoon_peak * smoothstep(x, 10.0, 17.0);
  return std::max(occ, 0.02);
}

bool BuildingProfile::hvac_on(const LocalCalendar& cal) const noexcept {
  const OpeningHours h = hours(cal);
  return h.open() && cal.hour >= h.open_h - hvac_lead_h && cal.hour < h.close_h + hvac_lag_h;
}

BuildingProfile make_profile(BuildingType type, SimRng& rng) {
  BuildingProfile p;
  p.type = type;
  switch (type) {
    case BuildingType::office: {
      p.floor_area_m2 = rng.uniform(1200.0, 2800.0);
      const OpeningHours day{7.5 + rng.uniform(0.0, 0.75), 18.0 + rng.uniform(0.0, 1.0)};
      p.week = {day, day, day, day, OpeningHours{day.open_h, day.close_h - 1.5}, kClosed, kClosed};
      p.lunch_dip = 0.3;
      p.ua_w_per_k = 0.85 * p.floor_area_m2;
      p.gains_w_per_m2 = 9.0;
      break;
    }
    case BuildingType::retail: {
      p.floor_area_m2 = rng.uniform(1000.0, 2200.0);
      const OpeningHours day{9.0, 19.0 + (rng.chance(0.5) ? 0.5 : 0.0)};
      const bool sunday_morning = rng.chance(0.5);
      p.week = {day, day, day, day, OpeningHours{9.0, 20.0}, OpeningHours{8.5, 19.0},
                sunday_morning ? OpeningHours{9.0, 12.5} : kClosed};
      p.hvac_lead_h = 1.0;
      p.afternoon_peak = 0.35;
      p.ua_w_per_k = 0.8 * p.floor_area_m2;
      p.gains_w_per_m2 = 14.0;
      break;
    }
    case BuildingType::school: {
      p.floor_area_m2 = rng.uniform(1800.0, 3000.0);
      const OpeningHours day{8.0, 16.5 + rng.uniform(0.0, 0.5)};
      p.week = {day, day, OpeningHours{8.0, 12.5}, day, day, kClosed, kClosed};
      // School holidays (ISO weeks): winter, spring, summer, autumn, Christmas.
      p.holiday_weeks = {1, 7, 8, 15, 16, 28, 29, 30, 31, 32, 33, 34, 35, 43, 44, 52};
      p.hvac_lead_h = 2.0;
      p.lunch_dip = 0.15;
      p.ua_w_per_k = 0.95 * p.floor_area_m2;
      p.gains_w_per_m2 = 11.0;
      p.heat_setpoint_c = 20.0;
      break;
    }
  }
  return p;
}

}  // namespace meterd::sim
