// tests/api/usage_steps_test.cpp: the regrouping of the NILM virtual meter's readings (pure):
// local-time grid, clipping by the range, covered time from energy over power, a republished
// step counted once, an unusable step skipped whole.
#include "src/api/usage_steps.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace meterd::api {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

const UtcTime kDay0 = UtcTime{} + std::chrono::days(20'000);  // a UTC midnight

// A step of the virtual meter at `t`: every category `w` W over `covered_s`, confidence `c`.
Reading step(UtcTime t, double w, double covered_s, double c = 0.5) {
  Reading r{"usages", t, TimeSync::synchronized, {}};
  for (const Usage u : kAllUsages) {
    r.values.push_back({usage_power_obis(u), w, Unit::watt, Quality::estimated});
    r.values.push_back(
        {usage_energy_obis(u), w * covered_s / 3600, Unit::watt_hour, Quality::estimated});
    r.values.push_back({usage_confidence_obis(u), c, Unit::none, Quality::estimated});
  }
  r.values.push_back({kTotalPowerObis, w * kUsageCount, Unit::watt, Quality::good});
  r.values.push_back(
      {kTotalEnergyObis, w * kUsageCount * covered_s / 3600, Unit::watt_hour, Quality::good});
  return r;
}

TEST(UsageSteps, GridAlignsOnLocalTime) {
  const UsageGrid day{minutes(10), hours(24), hours(-5), {}};  // UTC-5: local midnight = 05:00Z
  EXPECT_EQ(grid_start(kDay0 + hours(4), day), kDay0 - hours(19));
  EXPECT_EQ(grid_start(kDay0 + hours(5), day), kDay0 + hours(5));
  EXPECT_EQ(local_midnight(kDay0 + hours(3), hours(2)), kDay0 - hours(2));
  EXPECT_EQ(local_midnight(kDay0 + hours(23), hours(2)), kDay0 + hours(22));
  const UsageGrid hour{minutes(10), hours(1), minutes(330), {}};  // UTC+5:30
  EXPECT_EQ(grid_start(kDay0 + minutes(45), hour), kDay0 + minutes(30));
}

// A time zone whose offset is `before` until `change` and `after` from it.
UsageGrid zone_grid(milliseconds step, UtcTime change, hours before, hours after) {
  UsageGrid g{minutes(10), step, after, {}};
  g.offset_at = [=](UtcTime t) -> milliseconds { return t < change ? before : after; };
  return g;
}

TEST(UsageSteps, DaysFollowTheWallClockAcrossDaylightSavingChanges) {
  // Spring, as Paris: 01:00Z, +1 -> +2. The day of the change is 23 h, from 23:00Z.
  const auto spring = zone_grid(hours(24), kDay0 + hours(1), hours(1), hours(2));
  EXPECT_EQ(grid_start(kDay0 + hours(10), spring), kDay0 - hours(1));
  EXPECT_EQ(grid_start(kDay0 + minutes(30), spring), kDay0 - hours(1));  // before the change
  EXPECT_EQ(grid_end(kDay0 - hours(1), spring), kDay0 + hours(22));
  EXPECT_EQ(grid_start(kDay0 + hours(22), spring), kDay0 + hours(22));
  EXPECT_EQ(grid_end(kDay0 - hours(25), spring), kDay0 - hours(1));  // the day before: 24 h
  EXPECT_EQ(local_midnight(kDay0 + hours(10), spring.offset_at), kDay0 - hours(1));
  // Autumn: 01:00Z, +2 -> +1. The day is 25 h, from 22:00Z.
  const auto autumn = zone_grid(hours(24), kDay0 + hours(1), hours(2), hours(1));
  EXPECT_EQ(grid_start(kDay0 + hours(10), autumn), kDay0 - hours(2));
  EXPECT_EQ(grid_start(kDay0 + minutes(30), autumn), kDay0 - hours(2));
  EXPECT_EQ(grid_end(kDay0 - hours(2), autumn), kDay0 + hours(23));
  // A change at local midnight (-3 -> -2 at 03:00Z): that day begins at the change, at 01:00.
  const auto midnight = zone_grid(hours(24), kDay0 + hours(3), hours(-3), hours(-2));
  EXPECT_EQ(grid_start(kDay0 + hours(10), midnight), kDay0 + hours(3));
  EXPECT_EQ(grid_end(grid_start(kDay0 + hours(1), midnight), midnight), kDay0 + hours(3));
  EXPECT_EQ(grid_start(kDay0 + hours(1), midnight), kDay0 - hours(21));
}

TEST(UsageSteps, SeveralHourStepsTakeTheRepeatedHourOnceAndShortStepsTwice) {
  // Autumn at 01:00Z, +2 -> +1: local 02:00-03:00 comes twice.
  const auto two_hours = zone_grid(hours(2), kDay0 + hours(1), hours(2), hours(1));
  // Local 02:00-04:00 is 3 h: from 00:00Z (02:00 at +2) to 03:00Z (04:00 at +1).
  EXPECT_EQ(grid_start(kDay0 + minutes(30), two_hours), kDay0);
  EXPECT_EQ(grid_start(kDay0 + minutes(90), two_hours), kDay0);  // 02:30 the second time
  EXPECT_EQ(grid_end(kDay0, two_hours), kDay0 + hours(3));
  // Spring at 01:00Z, +1 -> +2: local 02:00 never comes; that step begins at the change.
  const auto spring = zone_grid(hours(2), kDay0 + hours(1), hours(1), hours(2));
  EXPECT_EQ(grid_start(kDay0 + minutes(90), spring), kDay0 + hours(1));
  EXPECT_EQ(grid_end(kDay0 - hours(1), spring), kDay0 + hours(1));
  // 1 h steps stay on the UTC grid: the repeated hour is two steps, as the clock shows it.
  const auto hourly = zone_grid(hours(1), kDay0 + hours(1), hours(2), hours(1));
  EXPECT_EQ(grid_start(kDay0 + minutes(30), hourly), kDay0);
  EXPECT_EQ(grid_start(kDay0 + minutes(90), hourly), kDay0 + hours(1));
  EXPECT_EQ(grid_end(kDay0, hourly), kDay0 + hours(1));
}

TEST(UsageSteps, ADayOfTwentyFiveHoursHoldsAllItsSteps) {
  const auto autumn = zone_grid(hours(24), kDay0 + hours(1), hours(2), hours(1));
  std::vector<Reading> in;
  for (int i = 0; i < 6 * 30; ++i) in.push_back(step(kDay0 - hours(3) + minutes(10 * i), 100, 600));
  const auto t = usage_table(in, autumn, kDay0 - hours(3), kDay0 + hours(27));
  ASSERT_EQ(t.steps.size(), 3u);
  EXPECT_EQ(t.steps[0].end, kDay0 - hours(2));  // 01:00-00:00 local, cut by `from`
  EXPECT_EQ(t.steps[1].start, kDay0 - hours(2));
  EXPECT_EQ(t.steps[1].end, kDay0 + hours(23));
  EXPECT_EQ(t.steps[1].engine_steps, 150u);  // 25 h of 10-min steps
  EXPECT_DOUBLE_EQ(t.steps[1].covered_s, 25 * 3600.0);
  EXPECT_EQ(t.steps[2].start, kDay0 + hours(23));
  EXPECT_EQ(t.steps[2].engine_steps, 24u);  // 23:00Z to 03:00Z
}

TEST(UsageSteps, GroupsClipsAndWeighsConfidenceByEnergy) {
  const UsageGrid grid{minutes(10), hours(1), milliseconds{0}, {}};
  std::vector<Reading> in;
  in.push_back(step(kDay0 + minutes(40), 100, 600, 0.2));   // ends before `from`: left out
  in.push_back(step(kDay0 + minutes(50), 100, 600, 0.2));   // cut by `from`: its last 5 min
  in.push_back(step(kDay0 + minutes(70), 100, 600, 0.2));   // 01:10, full
  in.push_back(step(kDay0 + minutes(60), 300, 600, 0.6));   // 01:00, full (out of order)
  in.push_back(step(kDay0 + minutes(130), 200, 300, 0.9));  // 02:10, half covered
  const auto t = usage_table(in, grid, kDay0 + minutes(55), kDay0 + minutes(140));
  ASSERT_EQ(t.steps.size(), 3u);
  EXPECT_EQ(t.steps[0].start, kDay0 + minutes(55));  // cut by `from`
  EXPECT_EQ(t.steps[0].end, kDay0 + minutes(60));
  EXPECT_DOUBLE_EQ(t.steps[0].covered_s, 300.0);
  EXPECT_DOUBLE_EQ(t.steps[0].energy_wh[0], 100 * 300.0 / 3600);
  EXPECT_EQ(t.steps[1].start, kDay0 + minutes(60));
  EXPECT_EQ(t.steps[1].end, kDay0 + minutes(120));
  EXPECT_EQ(t.steps[1].engine_steps, 2u);
  EXPECT_DOUBLE_EQ(t.steps[1].covered_s, 1200.0);
  EXPECT_DOUBLE_EQ(t.steps[1].energy_wh[0], (100 + 300) * 600.0 / 3600);
  EXPECT_DOUBLE_EQ(*t.steps[1].confidence[0], (0.2 * 100 + 0.6 * 300) / 400);
  EXPECT_EQ(t.steps[2].start, kDay0 + minutes(120));
  EXPECT_EQ(t.steps[2].end, kDay0 + minutes(140));  // cut by `to`
  EXPECT_DOUBLE_EQ(t.steps[2].covered_s, 300.0);
  EXPECT_EQ(t.totals.start, kDay0 + minutes(55));
  EXPECT_DOUBLE_EQ(t.totals.covered_s, 1800.0);
  EXPECT_EQ(t.totals.engine_steps, 4u);
  double sum = 0;
  for (double e : t.totals.energy_wh) sum += e;
  EXPECT_DOUBLE_EQ(sum, t.totals.total_wh);
  EXPECT_EQ(t.skipped, 0u);
}

// A range that cuts an engine step counts the part inside it, never the whole step: one second
// of a 10-min step is a 600th of its energy, and covers at most that second.
TEST(UsageSteps, ARangeCuttingAnEngineStepCountsItsPartInside) {
  const UsageGrid grid{minutes(10), minutes(10), milliseconds{0}, {}};
  const auto t = usage_table({step(kDay0, 600, 600)}, grid, kDay0 + std::chrono::seconds(30),
                             kDay0 + std::chrono::seconds(31));
  ASSERT_EQ(t.steps.size(), 1u);
  EXPECT_DOUBLE_EQ(t.steps[0].covered_s, 1.0);
  EXPECT_DOUBLE_EQ(t.steps[0].total_wh, 600.0 * kUsageCount * 600 / 3600 / 600);
  EXPECT_EQ(t.steps[0].end - t.steps[0].start, std::chrono::seconds(1));
}

// A step closed early by a restart or a reload and its rest published by the next engine under
// the same start: both parts count.
TEST(UsageSteps, AStepPublishedInTwoPartsAddsThemUp) {
  const UsageGrid grid{minutes(10), minutes(10), milliseconds{0}, {}};
  const auto t = usage_table({step(kDay0, 100, 240), step(kDay0, 200, 360)}, grid, kDay0,
                             kDay0 + hours(1));
  ASSERT_EQ(t.steps.size(), 1u);
  EXPECT_DOUBLE_EQ(t.steps[0].covered_s, 600.0);
  EXPECT_DOUBLE_EQ(t.steps[0].energy_wh[0], (100 * 240 + 200 * 360) / 3600.0);
  EXPECT_EQ(t.steps[0].engine_steps, 2u);
}

// History made with another nilm.step keeps its own length (kStepLengthObis): 1 h readings read
// with 10-min engine steps are spread over the six grid steps they span, not taken as 10 min.
TEST(UsageSteps, HistoryKeepsTheStepItWasMadeWith) {
  const UsageGrid grid{minutes(10), minutes(10), milliseconds{0}, {}};
  Reading hourly = step(kDay0, 1000, 3600);
  hourly.values.push_back({kStepLengthObis, 3600.0, Unit::second, Quality::good});
  const auto t = usage_table({hourly}, grid, kDay0, kDay0 + hours(1));
  ASSERT_EQ(t.steps.size(), 6u);
  for (const auto& s : t.steps) {
    EXPECT_DOUBLE_EQ(s.covered_s, 600.0);
    EXPECT_DOUBLE_EQ(s.total_wh * 3600.0 / s.covered_s, 1000.0 * kUsageCount);  // power kept
  }
  EXPECT_DOUBLE_EQ(t.totals.total_wh, 1000.0 * kUsageCount);
  EXPECT_EQ(t.totals.engine_steps, 1u);
}

// Two readings of one start covering more than the step together are copies, not parts: the
// later one stands. A reading with a category's energy unusable is skipped whole.
TEST(UsageSteps, ACopiedStepCountsOnceAndBrokenStepIsSkipped) {
  const UsageGrid grid{minutes(10), minutes(10), milliseconds{0}, {}};
  std::vector<Reading> in{step(kDay0, 100, 600), step(kDay0, 200, 600),
                          step(kDay0 + minutes(10), 100, 600)};
  in[2].values[1].value = NAN;  // lighting's energy
  in[2].values[1].quality = Quality::not_a_number;
  const auto t = usage_table(in, grid, kDay0, kDay0 + hours(1));
  ASSERT_EQ(t.steps.size(), 1u);
  EXPECT_DOUBLE_EQ(t.steps[0].energy_wh[0], 200 * 600.0 / 3600);  // the later one
  EXPECT_EQ(t.skipped, 1u);
  // No confidence stored: none made up.
  Reading bare = step(kDay0, 100, 600);
  std::erase_if(bare.values, [](const Value& v) { return v.obis.c() == 128; });
  const auto b = usage_table({bare}, grid, kDay0, kDay0 + hours(1));
  ASSERT_EQ(b.steps.size(), 1u);
  EXPECT_FALSE(b.steps[0].confidence[3].has_value());
}

// A partly covered step of a site exporting (negative energy and power) keeps its covered time.
TEST(UsageSteps, AnExportingStepKeepsItsCoveredTime) {
  const UsageGrid grid{minutes(10), minutes(10), milliseconds{0}, {}};
  const auto t = usage_table({step(kDay0, -100, 240)}, grid, kDay0, kDay0 + hours(1));
  ASSERT_EQ(t.steps.size(), 1u);
  EXPECT_DOUBLE_EQ(t.steps[0].covered_s, 240.0);
  EXPECT_DOUBLE_EQ(t.steps[0].total_wh, -100.0 * kUsageCount * 240 / 3600);
}

// Two readings of one start with the same values are one step stored twice, even when each
// covers less than half of it: counted once.
TEST(UsageSteps, IdenticalReadingsOfOneStartAreOneStep) {
  const UsageGrid grid{minutes(10), minutes(10), milliseconds{0}, {}};
  const auto t = usage_table({step(kDay0, 100, 200), step(kDay0, 100, 200)}, grid, kDay0,
                             kDay0 + hours(1));
  ASSERT_EQ(t.steps.size(), 1u);
  EXPECT_DOUBLE_EQ(t.steps[0].covered_s, 200.0);
  EXPECT_EQ(t.steps[0].engine_steps, 1u);
}

// Without energy, a category's confidence is the plain mean over the engine steps, each counted
// by the share of it inside: an hour-long step split over six grid steps votes once, not six
// times.
TEST(UsageSteps, ASplitStepVotesOnceInThePlainMeanOfConfidence) {
  const UsageGrid grid{minutes(10), minutes(10), milliseconds{0}, {}};
  Reading hourly = step(kDay0, 0, 3600, 0.9);
  hourly.values.push_back({kStepLengthObis, 3600.0, Unit::second, Quality::good});
  const auto t = usage_table({hourly, step(kDay0 + hours(1), 0, 600, 0.1)}, grid, kDay0,
                             kDay0 + hours(2));
  ASSERT_TRUE(t.totals.confidence[0].has_value());
  EXPECT_DOUBLE_EQ(*t.totals.confidence[0], 0.5);
  EXPECT_EQ(t.totals.engine_steps, 2u);
}

}  // namespace
}  // namespace meterd::api
