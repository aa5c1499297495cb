// tools/sim/local_calendar.hpp: the building's local clock (hour, weekday, day of year).
//
// The simulated building lives at a fixed UTC offset (no daylight saving: schedules in a real
// building management system usually ignore it too). Pure functions, thread-safe.
#pragma once

#include "meterd/time.hpp"

namespace meterd::sim {

struct LocalCalendar {
  double hour = 0.0;    // local time of day, [0, 24)
  int weekday = 0;      // 0 = Monday ... 6 = Sunday
  int day_of_year = 0;  // 0 = 1 January
  int year = 1970;
  bool weekend() const noexcept { return weekday >= 5; }
};

// The local calendar at UTC time `t` for a site at `utc_offset_h` hours east of UTC.
LocalCalendar local_calendar(UtcTime t, double utc_offset_h) noexcept;

}  // namespace meterd::sim
