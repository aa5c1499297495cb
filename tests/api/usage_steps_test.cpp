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
  const UsageGrid day{minutes(10), hours(24), hours(-5)};  // UTC-5: local midnight = 05:00Z
  EXPECT_EQ(grid_start(kDay0 + hours(4), day), kDay0 - hours(19));
  EXPECT_EQ(grid_start(kDay0 + hours(5), day), kDay0 + hours(5));
  EXPECT_EQ(local_midnight(kDay0 + hours(3), hours(2)), kDay0 - hours(2));
  EXPECT_EQ(local_midnight(kDay0 + hours(23), hours(2)), kDay0 + hours(22));
  const UsageGrid hour{minutes(10), hours(1), minutes(330)};  // UTC+5:30
  EXPECT_EQ(grid_start(kDay0 + minutes(45), hour), kDay0 + minutes(30));
}

TEST(UsageSteps, GroupsClipsAndWeighsConfidenceByEnergy) {
  const UsageGrid grid{minutes(10), hours(1), milliseconds{0}};
  std::vector<Reading> in;
  in.push_back(step(kDay0 + minutes(50), 100, 600, 0.2));   // before `from`: left out
  in.push_back(step(kDay0 + minutes(70), 100, 600, 0.2));   // 01:10, full
  in.push_back(step(kDay0 + minutes(60), 300, 600, 0.6));   // 01:00, full (out of order)
  in.push_back(step(kDay0 + minutes(130), 200, 300, 0.9));  // 02:10, half covered
  const auto t = usage_table(in, grid, kDay0 + minutes(55), kDay0 + minutes(140));
  ASSERT_EQ(t.steps.size(), 2u);
  EXPECT_EQ(t.steps[0].start, kDay0 + minutes(60));
  EXPECT_EQ(t.steps[0].end, kDay0 + minutes(120));
  EXPECT_EQ(t.steps[0].engine_steps, 2u);
  EXPECT_DOUBLE_EQ(t.steps[0].covered_s, 1200.0);
  EXPECT_DOUBLE_EQ(t.steps[0].energy_wh[0], (100 + 300) * 600.0 / 3600);
  EXPECT_DOUBLE_EQ(*t.steps[0].confidence[0], (0.2 * 100 + 0.6 * 300) / 400);
  EXPECT_EQ(t.steps[1].start, kDay0 + minutes(120));
  EXPECT_EQ(t.steps[1].end, kDay0 + minutes(140));  // cut by `to`
  EXPECT_DOUBLE_EQ(t.steps[1].covered_s, 300.0);
  EXPECT_EQ(t.totals.start, kDay0 + minutes(55));
  EXPECT_DOUBLE_EQ(t.totals.covered_s, 1500.0);
  double sum = 0;
  for (double e : t.totals.energy_wh) sum += e;
  EXPECT_DOUBLE_EQ(sum, t.totals.total_wh);
  EXPECT_EQ(t.skipped, 0u);
}

TEST(UsageSteps, RepublishedStepCountsOnceAndBrokenStepIsSkipped) {
  const UsageGrid grid{minutes(10), minutes(10), milliseconds{0}};
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

}  // namespace
}  // namespace meterd::api
