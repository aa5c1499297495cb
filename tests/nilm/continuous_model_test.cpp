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

TEST(ContinuousModel, TheResidualsQTellsAMotorFromAResistiveLoad) {
  // The residual is a fan (P = Q) plus a heater (no Q) whose powers vary independently over
  // 0..800 W. On R alone each gets half of any change (cov(x, R) / var(R) = 1/2 up to the
  // ridge); with dQ (the fan's power minus its mean 400 W) each is recovered up to the ridges
  // (within 50 W of 800 W, where R alone misses by 400 W).
  ContinuousModel on_r;
  ContinuousModel on_rq;
  for (int i = 0; i < 9000; ++i) {
    const double fan = (i % 9) * 100.0;
    const double heater = ((i / 9) % 9) * 100.0;
    const double r = fan + heater;
    const double dq = fan - 400.0;
    on_r.learn(3, Usage::ventilation, r, fan, 1.0);
    on_r.learn(3, Usage::heating_elements, r, heater, 1.0);
    on_rq.learn(3, Usage::ventilation, r, fan, 1.0, dq);
    on_rq.learn(3, Usage::heating_elements, r, heater, 1.0, dq);
  }
  // The fan at 800 W, the heater at 0: R = 800, dQ = +400.
  EXPECT_NEAR(on_r.estimate(3, Usage::ventilation, 800.0), 400.0 + 0.5 * 0.0, 20.0);
  EXPECT_NEAR(on_r.estimate(3, Usage::heating_elements, 800.0), 400.0, 20.0);
  EXPECT_NEAR(on_rq.estimate(3, Usage::ventilation, 800.0, 400.0), 800.0, 50.0);
  EXPECT_NEAR(on_rq.estimate(3, Usage::heating_elements, 800.0, 400.0), 0.0, 50.0);
  // The heater at 800 W, the fan at 0: R = 800, dQ = -400.
  EXPECT_NEAR(on_rq.estimate(3, Usage::ventilation, 800.0, -400.0), 0.0, 50.0);
  EXPECT_NEAR(on_rq.estimate(3, Usage::heating_elements, 800.0, -400.0), 800.0, 50.0);
}

TEST(ContinuousModel, WithoutQTheFitIsTheOneOnTheResidualAlone) {
  // dQ = 0 (mains without Q) and a non-finite dQ learn and predict exactly as on R alone.
  ContinuousModel a;
  ContinuousModel b;
  for (int i = 0; i < 4000; ++i) {
    const double r = 600.0 + (i % 81) * 10.0;
    a.learn(20, Usage::lighting, r, 200.0 + 0.5 * (r - 1000.0), 1.0);
    b.learn(20, Usage::lighting, r, 200.0 + 0.5 * (r - 1000.0), 1.0, std::nan(""));
  }
  EXPECT_EQ(b.table()[20][index_of(Usage::lighting)].qq, 0.0);
  EXPECT_EQ(a.estimate(20, Usage::lighting, 1300.0), b.estimate(20, Usage::lighting, 1300.0));
  EXPECT_EQ(a.estimate(20, Usage::lighting, 1300.0),
            a.estimate(20, Usage::lighting, 1300.0, std::nan("")));
}

TEST(ContinuousModel, TheSlopeOnQIsBounded) {
  // A category that moves 10 W per var of dQ (R constant) gets at most 2 W per var.
  ContinuousModel m;
  for (int i = 0; i < 4200; ++i) {  // whole periods: the mean of dQ is 0
    const double dq = (i % 21) * 10.0 - 100.0;
    m.learn(9, Usage::it, 1000.0, 1500.0 + 10.0 * dq, 1.0, dq);
  }
  EXPECT_NEAR(m.estimate(9, Usage::it, 1000.0, 0.0), 1500.0, 1e-3);
  EXPECT_NEAR(m.estimate(9, Usage::it, 1000.0, 100.0), 1500.0 + 2.0 * 100.0, 1e-3);
}

}  // namespace
}  // namespace meterd::nilm
