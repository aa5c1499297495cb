// tests/nilm/step_clamp_test.cpp: an estimate's clamp at 0 over an output step rather than at
// each sample (src/nilm/total_split.hpp, StepClamp).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "src/nilm/total_split.hpp"

namespace meterd::nilm {
namespace {

constexpr std::int64_t kStep = 600'000;

TEST(StepClamp, NegativeEnergyIsTakenOffTheStepsNextPositiveSamples) {
  StepClamp clamp;
  // A fit that is noise around 0: -100, +300, +50 W for 1 s each. Per sample the clamp would
  // give 0 + 300 + 50 = 350 J; over the step 250 J.
  EXPECT_DOUBLE_EQ(clamp.take(0, -100.0, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(clamp.take(0, 300.0, 1.0), 200.0);
  EXPECT_DOUBLE_EQ(clamp.take(0, 50.0, 1.0), 50.0);
  // Carried energy is in joules: -100 W for 2 s, then +150 W for 1 s gives nothing, the 50 J
  // left are taken off the next sample of 2 s (+100 W: 200 - 50 = 150 J, 75 W).
  EXPECT_DOUBLE_EQ(clamp.take(0, -100.0, 2.0), 0.0);
  EXPECT_DOUBLE_EQ(clamp.take(0, 150.0, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(clamp.take(0, 100.0, 2.0), 75.0);
}

TEST(StepClamp, ANonFiniteEstimateCountsAsNothing) {
  StepClamp clamp;
  EXPECT_DOUBLE_EQ(clamp.take(0, -100.0, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(clamp.take(0, std::nan(""), 1.0), 0.0);
  EXPECT_DOUBLE_EQ(clamp.take(0, 300.0, 1.0), 200.0);  // the -100 J still carried, not NaN
}

TEST(StepClamp, NothingIsCarriedIntoTheNextStep) {
  StepClamp clamp;
  EXPECT_DOUBLE_EQ(clamp.take(0, -500.0, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(clamp.take(kStep, 200.0, 1.0), 200.0);  // a new step: the -500 J are gone
  EXPECT_DOUBLE_EQ(clamp.take(kStep, 300.0, 1.0), 300.0);
  // A step that stays negative gives 0 throughout (the clamp at 0 of its energy).
  EXPECT_DOUBLE_EQ(clamp.take(2 * kStep, -10.0, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(clamp.take(2 * kStep, 5.0, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(clamp.take(2 * kStep, 5.0, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(clamp.take(2 * kStep, 5.0, 1.0), 5.0);
}

}  // namespace
}  // namespace meterd::nilm
