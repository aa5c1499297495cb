#include "src/nilm/time_of_week.hpp"

#include <gtest/gtest.h>

#include "synthetic_site.hpp"

namespace meterd::nilm {
namespace {

using testing::kMonday;
constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 24 * kHour;

TEST(TimeOfWeek, WeekdaysShareTheirSlots) {
  EXPECT_EQ(local_weekday(kMonday, 0), 0);
  EXPECT_EQ(time_of_week_slot(kMonday, 0), 0u);
  EXPECT_EQ(time_of_week_slot(kMonday + 9 * kHour + 45 * 60'000, 0), 19u);
  EXPECT_EQ(time_of_week_slot(kMonday + 4 * kDay + 9 * kHour, 0), 18u);  // Friday
}

TEST(TimeOfWeek, SaturdayAndSundayHaveTheirOwnSlots) {
  EXPECT_EQ(local_weekday(kMonday + 5 * kDay, 0), 5);
  EXPECT_EQ(time_of_week_slot(kMonday + 5 * kDay, 0), kSlotsPerDay);
  EXPECT_EQ(time_of_week_slot(kMonday + 6 * kDay + 23 * kHour + 59 * 60'000, 0), kSlotCount - 1);
}

TEST(TimeOfWeek, UsesLocalTime) {
  // Sunday 23:30 UTC is Monday 00:30 at UTC+1.
  const std::int64_t t = kMonday - 30 * 60'000;
  EXPECT_EQ(local_weekday(t, 0), 6);
  EXPECT_EQ(local_weekday(t, kHour), 0);
  EXPECT_EQ(time_of_week_slot(t, kHour), 1u);
}

TEST(TimeOfWeek, BeforeTheEpoch) {
  EXPECT_EQ(local_weekday(-1, 0), 2);  // 1969-12-31 was a Wednesday
  EXPECT_EQ(time_of_week_slot(-1, 0), kSlotsPerDay - 1);
}

}  // namespace
}  // namespace meterd::nilm
