#include "tools/sim/local_calendar.hpp"

#include <chrono>
#include <cmath>

namespace meterd::sim {

LocalCalendar local_calendar(UtcTime t, double utc_offset_h) noexcept {
  using namespace std::chrono;
  const auto local = t + milliseconds{std::llround(utc_offset_h * 3'600'000.0)};
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  LocalCalendar c;
  c.hour = duration<double, std::ratio<3600>>(local - day).count();
  c.weekday = static_cast<int>(weekday{day}.iso_encoding()) - 1;
  c.day_of_year = static_cast<int>((day - sys_days{ymd.year() / January / 1}).count());
  c.year = static_cast<int>(ymd.year());
  return c;
}

}  // namespace meterd::sim
