#include "src/nilm/continuous_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace meterd::nilm {
namespace {

TEST(ContinuousModel, LearnsALinearShareOfTheResidual) {
  ContinuousModel m;
  // In slot 20, lighting = 200 + 0.5 * (R - 1000) for R in 600..1400.
  for (int i = 0; i < 4000; ++i) {
    const double r = 600.0 + (i % 81) * 10.0;
    m.learn(20, Usage::lighting, r, 200.0 + 0.5 * (r - 1000.0), 1.0);
  }
  EXPECT_NEAR(m.estimate(20, Usage::lighting, 1000.0), 200.0, 1.0);
  EXPECT_NEAR(m.estimate(20, Usage::lighting, 1300.0), 350.0,
              10.0);  // the ridge shrinks the slope a little
  EXPECT_GT(m.confidence(20, Usage::lighting), 0.5);
  EXPECT_TRUE(m.learned(Usage::lighting));
  EXPECT_FALSE(m.learned(Usage::it));
  EXPECT_DOUBLE_EQ(m.estimate(20, Usage::it, 1000.0), 0.0);
}

TEST(ContinuousModel, ASlotWithoutDataFallsBackToThePooledFit) {
  ContinuousModel m;
  for (int i = 0; i < 3000; ++i) m.learn(5, Usage::it, 900.0, 300.0, 1.0);
  EXPECT_NEAR(m.estimate(100, Usage::it, 900.0), 300.0, 1e-9);
  EXPECT_DOUBLE_EQ(m.confidence(100, Usage::it), 0.0);
}

TEST(ContinuousModel, LearnsANegativeCorrectionAndIgnoresBadInput) {
  ContinuousModel m;
  // The tracked appliances over-attribute 40 W: the continuous part learns -40 W.
  for (int i = 0; i < 3000; ++i) m.learn(7, Usage::ventilation, 500.0, -40.0, 1.0);
  m.learn(7, Usage::ventilation, std::nan(""), 1e9, 1.0);
  m.learn(7, Usage::ventilation, 500.0, std::numeric_limits<double>::infinity(), 1.0);
  m.learn(kSlotCount, Usage::ventilation, 1.0, 1e9, 1.0);
  EXPECT_NEAR(m.estimate(7, Usage::ventilation, 500.0), -40.0, 1e-9);
  EXPECT_DOUBLE_EQ(m.estimate(kSlotCount, Usage::ventilation, 500.0), 0.0);
}

TEST(ContinuousModel, ASlotWithItsOwnDataIsHardlyPulledTowardsThePooledFit) {
  // Lighting draws 800 W in slot 30 and nothing in slot 31: the pooled fit says 400 W. At the
  // memory's full weight a slot keeps w / (w + kMinWeightS) of its own fit.
  ContinuousModel m;
  for (int i = 0; i < 150; ++i) {
    m.learn(30, Usage::lighting, 1000.0, 800.0, 60.0);
    m.learn(31, Usage::lighting, 1000.0, 0.0, 60.0);
  }
  const double w = ContinuousModel::kMaxWeightS;
  const double k = w / (w + ContinuousModel::kMinWeightS);  // 0.9375
  EXPECT_NEAR(m.estimate(30, Usage::lighting, 1000.0), k * 800.0 + (1.0 - k) * 400.0, 1e-6);
  EXPECT_NEAR(m.estimate(31, Usage::lighting, 1000.0), (1.0 - k) * 400.0, 1e-6);
}

}  // namespace
}  // namespace meterd::nilm
