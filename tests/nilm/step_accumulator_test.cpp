#include "src/nilm/step_accumulator.hpp"

#include <gtest/gtest.h>

#include "synthetic_site.hpp"

namespace meterd::nilm {
namespace {

using testing::kMonday;
constexpr std::int64_t kStep = 600'000;

UsageArray split(double lighting, double other) {
  UsageArray a{};
  a[index_of(Usage::lighting)] = lighting;
  a[index_of(Usage::other)] = other;
  return a;
}

TEST(StepAccumulator, CutsAPieceAtTheStepBoundary) {
  StepAccumulator acc(kStep, 0);
  // 1200 W held 2 minutes across the boundary at kMonday + 10 min.
  acc.add(kMonday + 9 * 60'000, 120'000, 1200.0, split(1000.0, 200.0), split(0.5, 0.25));
  std::vector<StepResult> out;
  acc.close_until(kMonday + kStep, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].start_ms, kMonday);
  EXPECT_DOUBLE_EQ(out[0].covered_s, 60.0);
  EXPECT_NEAR(out[0].total_wh, 20.0, 1e-12);
  EXPECT_NEAR(out[0].energy_wh[index_of(Usage::lighting)], 1000.0 / 60.0, 1e-12);
  EXPECT_NEAR(out[0].avg_w[index_of(Usage::lighting)], 1000.0, 1e-9);
  EXPECT_NEAR(out[0].confidence[index_of(Usage::lighting)], 0.5, 1e-12);
  acc.close_all(out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].start_ms, kMonday + kStep);
  EXPECT_DOUBLE_EQ(out[1].covered_s, 60.0);
  EXPECT_NEAR(out[1].energy_wh[index_of(Usage::other)], 200.0 / 60.0, 1e-12);
}

TEST(StepAccumulator, EmitsEmptyStepsForASilence) {
  StepAccumulator acc(kStep, 0);
  acc.add(kMonday, 1000, 500.0, split(0.0, 500.0), split(0.0, 0.0));
  std::vector<StepResult> out;
  acc.close_until(kMonday + 3 * kStep + 5, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_DOUBLE_EQ(out[0].covered_s, 1.0);
  EXPECT_DOUBLE_EQ(out[1].covered_s, 0.0);
  EXPECT_DOUBLE_EQ(out[2].total_wh, 0.0);
  EXPECT_EQ(out[2].end_ms, kMonday + 3 * kStep);
}

TEST(StepAccumulator, BoundsTheEmptyStepsOfAVeryLongSilence) {
  StepAccumulator acc(kStep, 0);
  acc.add(kMonday, 1000, 500.0, split(0.0, 500.0), split(0.0, 0.0));
  std::vector<StepResult> out;
  acc.close_until(kMonday + kStep, out);
  ASSERT_EQ(out.size(), 1u);
  out.clear();
  acc.close_until(kMonday + 100'000 * kStep, out);
  ASSERT_EQ(static_cast<std::int64_t>(out.size()), StepAccumulator::kMaxEmptySteps);
  EXPECT_EQ(out.back().end_ms, kMonday + 100'000 * kStep);
}

TEST(StepAccumulator, AlignsStepsOnLocalTime) {
  const std::int64_t day = 86'400'000;
  StepAccumulator acc(day, 3'600'000);
  EXPECT_EQ(acc.step_start(kMonday + 1000), kMonday - 3'600'000);
  EXPECT_EQ(acc.step_start(kMonday - 3'600'000), kMonday - 3'600'000);
}

}  // namespace
}  // namespace meterd::nilm
