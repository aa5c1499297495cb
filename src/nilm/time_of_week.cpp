#include "src/nilm/time_of_week.hpp"

namespace meterd::nilm {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

// Floor division (the local day of an instant before the epoch is negative).
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace

int local_weekday(std::int64_t t_ms, std::int64_t utc_offset_ms) noexcept {
  const std::int64_t day = floor_div(t_ms + utc_offset_ms, kDayMs);
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  const std::int64_t wd = (day + 3) % 7;
  return static_cast<int>(wd < 0 ? wd + 7 : wd);
}

std::size_t time_of_week_slot(std::int64_t t_ms, std::int64_t utc_offset_ms) noexcept {
  const std::int64_t local = t_ms + utc_offset_ms;
  const std::int64_t in_day = local - floor_div(local, kDayMs) * kDayMs;
  const auto period = static_cast<std::size_t>(in_day / kSlotMs);
  const int wd = local_weekday(t_ms, utc_offset_ms);
  const std::size_t kind = wd == 5 ? 1 : (wd == 6 ? 2 : 0);
  return kind * kSlotsPerDay + period;
}

}  // namespace meterd::nilm
