#include "src/nilm/continuous_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

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

TEST(ContinuousModel, ThePooledFitsBlockMeansKeepTheSlopeThatFastResidualNoiseAttenuates) {
  // The residual is a slow part S (constant within each minute, 600..1400 W) plus a fast one
  // (+-1500 W every other second: short untracked loads) that cancels within a minute;
  // lighting = 200 + 0.5 (S - 1000) follows the slow part only. Learned in slot 20; slot 21
  // has no data, so its estimate is the pooled fit's.
  ContinuousModel per_sample;
  ContinuousModel blocks;
  const std::int64_t t0 = 1'767'571'200'000;  // a whole minute
  for (std::int64_t i = 0; i < 300 * 60; ++i) {
    const double slow = 600.0 + static_cast<double>((i / 60) % 81) * 10.0;
    const double r = slow + (i % 2 == 0 ? 1500.0 : -1500.0);
    const double x = 200.0 + 0.5 * (slow - 1000.0);
    per_sample.learn(20, Usage::lighting, r, x, 1.0);
    blocks.observe(t0 + i * 1000, 20, Usage::lighting, r, x, 1.0);
  }
  // Block means see S exactly: slope 0.5 x var(S) / (var(S) + 50^2) = 0.48 (var(S) ~ 54,000),
  // so 200 + 0.48 x 300 at R = 1300 (within the means' offset from 1000).
  EXPECT_NEAR(blocks.estimate(21, Usage::lighting, 1000.0), 200.0, 5.0);
  EXPECT_NEAR(blocks.estimate(21, Usage::lighting, 1300.0), 350.0, 10.0);
  // Per sample the fast part (variance 1500^2, 40 times var(S)) shrinks the slope to ~0.012:
  // the estimate barely follows the residual.
  EXPECT_LT(per_sample.estimate(21, Usage::lighting, 1300.0), 215.0);
  // The slot's own fit and states keep the samples: its sums are those of learn().
  const std::size_t c = index_of(Usage::lighting);
  EXPECT_EQ(blocks.table()[20][c].w, per_sample.table()[20][c].w);
  EXPECT_EQ(blocks.table()[20][c].rr, per_sample.table()[20][c].rr);
  EXPECT_EQ(blocks.table()[20][c].xr, per_sample.table()[20][c].xr);
  EXPECT_EQ(blocks.table()[20][c].rr1, per_sample.table()[20][c].rr1);
  EXPECT_EQ(blocks.pooled()[c].rr1, per_sample.pooled()[c].rr1);
}

TEST(ContinuousModel, APooledBlockIsLearnedWhenItsMinuteEnds) {
  ContinuousModel m;
  const std::int64_t t0 = 1'767'571'200'000;
  const std::size_t c = index_of(Usage::it);
  for (int i = 0; i < 59; ++i) m.observe(t0 + i * 1000, 3, Usage::it, 900.0, 300.0, 1.0);
  EXPECT_FALSE(m.learned(Usage::it));         // the minute is still open for the pooled fit
  EXPECT_DOUBLE_EQ(m.table()[3][c].w, 59.0);  // the slot learns each sample
  m.observe(t0 + 60'000, 3, Usage::it, 900.0, 300.0, 1.0);
  EXPECT_TRUE(m.learned(Usage::it));
  EXPECT_DOUBLE_EQ(m.pooled()[c].w, 59.0);
  EXPECT_DOUBLE_EQ(m.pooled()[c].x, 59.0 * 300.0);
  // A new slot within the minute does not close the pooled block (it spans all slots).
  m.observe(t0 + 61'000, 4, Usage::it, 900.0, 300.0, 1.0);
  EXPECT_DOUBLE_EQ(m.pooled()[c].w, 59.0);
  EXPECT_DOUBLE_EQ(m.table()[3][c].w, 60.0);
  EXPECT_DOUBLE_EQ(m.table()[4][c].w, 1.0);
  // Bad input is ignored as by learn().
  m.observe(t0 + 62'000, 4, Usage::it, std::nan(""), 300.0, 1.0);
  m.observe(t0 + 63'000, kSlotCount, Usage::it, 900.0, 300.0, 1.0);
  EXPECT_DOUBLE_EQ(m.table()[4][c].w, 1.0);
  m.observe(t0 + 120'000, 4, Usage::it, 900.0, 300.0, 1.0);
  EXPECT_DOUBLE_EQ(m.pooled()[c].w, 61.0);
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

TEST(ContinuousModel, AnEstimateStaysWithinSixStandardDeviationsOfWhatTheCategoryDrew) {
  // A fridge cycles 0 / 130 W (10 min on, 20 off) in a quiet night slot whose residual swings
  // are its own, so its slope on R is large; then a 4.5 kW oven the slot never saw comes on. The
  // fit would give the fridge a share of the oven; the bound keeps it at its mean + 6 sd.
  ContinuousModel m;
  for (int i = 0; i < 5 * 1800; ++i) {
    const double x = (i % 1800) < 600 ? 130.0 : 0.0;
    m.learn(40, Usage::hvac_auxiliaries, 300.0 + x, x, 1.0);
  }
  const double mean = 130.0 / 3.0;
  const double sd = 130.0 * std::sqrt(1.0 / 3.0 * 2.0 / 3.0);
  EXPECT_NEAR(m.estimate(40, Usage::hvac_auxiliaries, 430.0), 130.0, 60.0);  // within its range
  EXPECT_NEAR(m.estimate(40, Usage::hvac_auxiliaries, 300.0 + 4500.0), mean + 6.0 * sd, 1e-6);
  // A model saved before the x^2 sum has no bound.
  ContinuousModel::Sums older;
  older.w = 10.0;
  older.x = 500.0;
  EXPECT_TRUE(std::isinf(ContinuousModel::upper_bound(older)));
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

TEST(ContinuousModel, ACategoryOffWhenTheResidualSaysSoGetsNothing) {
  // Slot 40 on five days: a fan draws 6000 W + 0.1 (R - 20000) while R is 20000 +- 2000 W (the
  // building open) on four of them; on the fifth (closed) R is 5000 +- 500 W and the fan is off
  // (x = 0). The linear fit over both states leaves about 150 W at R = 5000 (its slope, about
  // 0.39, is flattened by the open days' spread); the states' Gaussians on R are 10 standard
  // deviations apart there, so the on state's probability is ~0, and ~1 at R = 20000.
  ContinuousModel m;
  for (int i = 0; i < 9000; ++i) {
    const double wave = std::sin(0.01 * i);
    const bool closed = (i / 1800) % 5 == 2;
    const double r = closed ? 5000.0 + 500.0 * wave : 20000.0 + 2000.0 * wave;
    const double x = closed ? 0.0 : 6000.0 + 0.1 * (r - 20000.0);
    m.learn(40, Usage::ventilation, r, x, 1.0, 0.0, closed);
    m.learn(40, Usage::it, r, 800.0, 1.0, 0.0, false);
  }
  EXPECT_GT(m.estimate(40, Usage::ventilation, 5000.0), 100.0);
  EXPECT_LT(m.on_probability(40, Usage::ventilation, 5000.0), 1e-6);
  EXPECT_GT(m.on_probability(40, Usage::ventilation, 20000.0), 0.999);
  // A slot with no data of its own takes the pooled states.
  EXPECT_LT(m.on_probability(41, Usage::ventilation, 5000.0), 1e-6);
  // A category never seen off, one never learned, an unknown slot: on.
  EXPECT_DOUBLE_EQ(m.on_probability(40, Usage::it, 5000.0), 1.0);
  EXPECT_DOUBLE_EQ(m.on_probability(40, Usage::lighting, 5000.0), 1.0);
  EXPECT_DOUBLE_EQ(m.on_probability(kSlotCount, Usage::ventilation, 5000.0), 1.0);
}

TEST(ContinuousModel, StatesTheResidualDoesNotTellApartAreNotUsed) {
  // A thermostatic element off or on with R around 3000 or 3500 W (+- 1000 W): the states'
  // means are half a standard deviation apart, under the 2 that the switching regression
  // needs, so the category is taken as on (its fit over both states stands, as before).
  ContinuousModel m;
  for (int i = 0; i < 9000; ++i) {
    const bool off = i % 3 == 0;
    const double r = (off ? 3000.0 : 3500.0) + 1000.0 * std::sin(0.37 * i);
    m.learn(12, Usage::heating_elements, r, off ? 0.0 : 500.0, 1.0, 0.0, off);
  }
  EXPECT_DOUBLE_EQ(m.on_probability(12, Usage::heating_elements, 3000.0), 1.0);
  EXPECT_DOUBLE_EQ(m.on_probability(12, Usage::heating_elements, 1000.0), 1.0);
  // A slot where the category was only ever off: the on state has no weight there (the pooled
  // states, which saw both, count as kMinWeightS of the slot's data).
  ContinuousModel n;
  for (int i = 0; i < 9000; ++i) n.learn(13, Usage::ventilation, 4000.0, 0.0, 1.0, 0.0, true);
  for (int i = 0; i < 9000; ++i) n.learn(14, Usage::ventilation, 20000.0, 6000.0, 1.0, 0.0, false);
  const double k =
      ContinuousModel::kMaxWeightS / (ContinuousModel::kMaxWeightS + ContinuousModel::kMinWeightS);
  EXPECT_NEAR(n.on_probability(13, Usage::ventilation, 4000.0), 0.0, 1e-9);
  EXPECT_NEAR(n.on_probability(13, Usage::ventilation, 20000.0), 1.0 - k, 1e-9);
}

TEST(ContinuousModel, TheShadowsPowerIsARegressor) {
  // Heating's continuous part is exactly its shadow instance's power S (0 or 1000 W, a second
  // heater whose ON step restarted the first's instance); the residual R = B + S, B the other
  // categories' part (600..1400 W), independent of S by construction.
  ContinuousModel with;
  ContinuousModel without;
  for (int i = 0; i < 81 * 2 * 20; ++i) {
    const double b = 600.0 + (i % 81) * 10.0;
    const double s = ((i / 81) % 2) * 1000.0;
    with.learn(3, Usage::heating_elements, b + s, s, 1.0, 0.0, false, s);
    without.learn(3, Usage::heating_elements, b + s, s, 1.0);
  }
  // The ridge normal equations in (beta on R, delta on S), no Q (var(dQ) = 0, its own ridge):
  // [vB + vS + 50^2, vS; vS, vS + 300^2] (beta, delta) = (vS, vS).
  const double v_b = 100.0 * (81.0 * 81.0 - 1.0) / 12.0;
  const double v_s = 500.0 * 500.0;
  const double a = v_b + v_s + 50.0 * 50.0;
  const double d = v_s + ContinuousModel::kRidgeShadowW * ContinuousModel::kRidgeShadowW;
  const double det = a * d - v_s * v_s;
  const double delta = v_s * (a - v_s) / det;
  EXPECT_NEAR(with.shadow_slope(Usage::heating_elements), delta, 1e-9);
  EXPECT_DOUBLE_EQ(without.shadow_slope(Usage::heating_elements), 0.0);
  // estimate = delta S + the fit on R of x - delta S: mean 500 (1 - delta), slope
  // (1 - delta) vS / (vB + vS + 50^2).
  const double beta = (1.0 - delta) * v_s / a;
  const auto expected = [&](double r, double s) {
    return 500.0 * (1.0 - delta) + beta * (r - 1500.0) + delta * s;
  };
  EXPECT_NEAR(with.estimate(3, Usage::heating_elements, 2000.0, 0.0, 1000.0),
              expected(2000.0, 1000.0), 1e-6);
  EXPECT_NEAR(with.estimate(3, Usage::heating_elements, 1400.0, 0.0, 0.0), expected(1400.0, 0.0),
              1e-6);
  // Closer to the truth (1000 W with the shadow, 0 without) than the fit on R alone.
  EXPECT_LT(std::abs(with.estimate(3, Usage::heating_elements, 2000.0, 0.0, 1000.0) - 1000.0),
            std::abs(without.estimate(3, Usage::heating_elements, 2000.0) - 1000.0));
  EXPECT_LT(std::abs(with.estimate(3, Usage::heating_elements, 1400.0, 0.0, 0.0)),
            std::abs(without.estimate(3, Usage::heating_elements, 1400.0)));
  // Never a shadow: the estimate is the fit on R alone, bit for bit.
  EXPECT_EQ(without.estimate(3, Usage::heating_elements, 1234.0, 0.0, 700.0),
            without.estimate(3, Usage::heating_elements, 1234.0));
}

// The running mean of a memory of `max_s` seconds as ContinuousModel keeps it (sums of weight
// and value, both scaled back to max_s when the weight exceeds it).
struct Memory {
  double max_s;
  double w = 0.0;
  double x = 0.0;
  void add(double v) {
    w += 1.0;
    x += v;
    if (w > max_s) {
      x *= max_s / w;
      w = max_s;
    }
  }
  double mean() const { return x / w; }
};

// Ten days of one 1800 s visit a day of slot 10 by lighting drawing day_w(day) at a residual of
// 2000 W (slope 0), learned by a ContinuousModel and followed by the two memories it keeps.
struct LevelRun {
  ContinuousModel m;
  Memory whole{ContinuousModel::kMaxWeightS};
  Memory recent{ContinuousModel::kLevelWeightS};
  double mean = 0.0;  // over all the samples: the pooled fit's level
  // The slot's weight against the pooled fit's in estimate() (the slot at its full memory).
  static constexpr double k =
      ContinuousModel::kMaxWeightS / (ContinuousModel::kMaxWeightS + ContinuousModel::kMinWeightS);

  template <class DayW>
  explicit LevelRun(DayW day_w) {
    const int n = 10 * 1800;
    for (int i = 0; i < n; ++i) {
      const double x = day_w(i / 1800);
      m.learn(10, Usage::lighting, 2000.0, x, 1.0);
      whole.add(x);
      recent.add(x);
      mean += x / n;
    }
  }
};

TEST(ContinuousModel, ALevelThatDriftsIsTakenFromTheLastDays) {
  // Lighting's part falls by 50 W a day (the days lengthen), the residual does not move. The
  // level taking in the short memory's predicted better in training, so the estimate is the mean
  // of the two memories' levels, blended with the pooled fit as always.
  LevelRun run([](int day) { return 1000.0 - 50.0 * day; });
  const double level =
      run.whole.mean() + ContinuousModel::kLevelBlend * (run.recent.mean() - run.whole.mean());
  EXPECT_NEAR(run.m.estimate(10, Usage::lighting, 2000.0),
              LevelRun::k * level + (1.0 - LevelRun::k) * run.mean, 1e-6);
  // The last day drew 550 W; the whole memory's level lags by about 2.5 days, the short one's
  // by about 1.
  EXPECT_LT(run.recent.mean(), run.whole.mean() - 50.0);
}

TEST(ContinuousModel, AStationaryLevelKeepsTheWholeMemory) {
  // A level that changes from day to day without drifting (900 and 1100 W on alternate days):
  // the short memory follows the last days and predicts worse, so the whole memory's level is
  // kept.
  LevelRun run([](int day) { return day % 2 == 0 ? 900.0 : 1100.0; });
  EXPECT_GT(run.recent.mean(), run.whole.mean() + 15.0);  // the last day drew 1100 W
  EXPECT_NEAR(run.m.estimate(10, Usage::lighting, 2000.0),
              LevelRun::k * run.whole.mean() + (1.0 - LevelRun::k) * run.mean, 1e-6);
}

// A three-phase residual: a balanced load b (a heat pump: a third on each phase) and two
// single-phase loads, p on phase 1 and q on phase 3, each varying on its own. Then
// R = b + p + q, C_0 = R_1 - R_2 = p, C_1 = R_2 - R_3 = -q, and each category is exactly linear
// in (R, C_0, C_1) with slopes within the bounds: b = R - C_0 + C_1, p = C_0, q = -C_1.
struct ThreePhaseRun {
  static constexpr int kSlot = 40;
  static double b(int i) { return 6000.0 + 4000.0 * std::sin(i * 0.0101); }
  static double p(int i) { return 4000.0 + 3000.0 * std::cos(i * 0.0373); }
  static double q(int i) { return 3000.0 + 3000.0 * std::sin(i * 0.0229 + 1.0); }
  // Learned with the contrasts (three phases) or without (the same samples on one phase).
  explicit ThreePhaseRun(bool phases) {
    for (int i = 0; i < 3000; ++i) {
      const double r = b(i) + p(i) + q(i);
      const ContinuousModel::Contrasts c =
          phases ? ContinuousModel::Contrasts{p(i), -q(i)} : ContinuousModel::Contrasts{};
      m.learn(kSlot, Usage::heat_cold_production, r, b(i), 1.0, 0.0, false, 0.0, c);
      m.learn(kSlot, Usage::lighting, r, p(i), 1.0, 0.0, false, 0.0, c);
      m.learn(kSlot, Usage::it, r, q(i), 1.0, 0.0, false, 0.0, c);
    }
  }
  double at(Usage u, double db, double dp, double dq, bool phases) const {
    const double r = 6000.0 + db + 4000.0 + dp + 3000.0 + dq;
    const ContinuousModel::Contrasts c = phases
                                             ? ContinuousModel::Contrasts{4000.0 + dp, -3000.0 - dq}
                                             : ContinuousModel::Contrasts{};
    return m.estimate(kSlot, u, r, 0.0, 0.0, c);
  }
  ContinuousModel m;
};

TEST(ContinuousModel, ThePhaseContrastsTellABalancedLoadFromSinglePhaseLoads) {
  const ThreePhaseRun phases(true);
  const ThreePhaseRun one(false);
  // The single-phase load on phase 1 rises by 2000 W, the others stay at their means: with the
  // contrasts lighting takes the rise (the 600 W ridge on a contrast whose variance is 2121^2
  // shrinks its slope by about 7 %) and the heat pump stays; on R alone the three categories
  // share it by their variances (b's 2828^2 against p's and q's 2121^2: 47 %, 26 %, 26 %).
  const double mean_b = phases.at(Usage::heat_cold_production, 0.0, 0.0, 0.0, true);
  const double mean_p = phases.at(Usage::lighting, 0.0, 0.0, 0.0, true);
  EXPECT_NEAR(mean_b, 6000.0, 100.0);
  EXPECT_NEAR(mean_p, 4000.0, 100.0);
  EXPECT_NEAR(phases.at(Usage::lighting, 0.0, 2000.0, 0.0, true) - mean_p, 2000.0, 200.0);
  EXPECT_NEAR(phases.at(Usage::heat_cold_production, 0.0, 2000.0, 0.0, true) - mean_b, 0.0, 200.0);
  EXPECT_NEAR(
      phases.at(Usage::it, 0.0, 2000.0, 0.0, true) - phases.at(Usage::it, 0.0, 0.0, 0.0, true), 0.0,
      200.0);
  // The heat pump rises by 2000 W: it takes it, the single-phase loads stay.
  EXPECT_NEAR(phases.at(Usage::heat_cold_production, 2000.0, 0.0, 0.0, true) - mean_b, 2000.0,
              200.0);
  EXPECT_NEAR(phases.at(Usage::lighting, 2000.0, 0.0, 0.0, true) - mean_p, 0.0, 200.0);
  // On one phase: R's share.
  const double one_b = one.at(Usage::heat_cold_production, 0.0, 0.0, 0.0, false);
  const double one_p = one.at(Usage::lighting, 0.0, 0.0, 0.0, false);
  EXPECT_NEAR(one.at(Usage::lighting, 0.0, 2000.0, 0.0, false) - one_p, 0.26 * 2000.0, 100.0);
  EXPECT_NEAR(one.at(Usage::heat_cold_production, 0.0, 2000.0, 0.0, false) - one_b, 0.47 * 2000.0,
              100.0);
}

TEST(ContinuousModel, AContrastNotMeasuredIsHeldAtItsLevel) {
  // A sample without one of the phases (NaN contrasts): 0 is not neutral for a contrast, whose
  // mean is the site's standing imbalance (here +4000 and -3000 W).
  ThreePhaseRun phases(true);
  const ContinuousModel::Sums& s = phases.m.table()[ThreePhaseRun::kSlot][index_of(Usage::lighting)];
  const ContinuousModel::Contrasts at_means{s.c[0] / s.w, s.c[1] / s.w};
  const ContinuousModel::Contrasts unknown{std::nan(""), std::nan("")};
  const double r = 13000.0;
  const double held = phases.m.estimate(ThreePhaseRun::kSlot, Usage::lighting, r, 0.0, 0.0, unknown);
  EXPECT_DOUBLE_EQ(held,
                   phases.m.estimate(ThreePhaseRun::kSlot, Usage::lighting, r, 0.0, 0.0, at_means));
  // At 0 the fit would read a 4 kW swing of the single-phase load.
  EXPECT_GT(std::abs(phases.m.estimate(ThreePhaseRun::kSlot, Usage::lighting, r, 0.0, 0.0, {}) - held),
            1000.0);
  // Learned, such a sample leaves the contrasts' means where they were.
  phases.m.learn(ThreePhaseRun::kSlot, Usage::lighting, r, 4000.0, 1.0, 0.0, false, 0.0, unknown);
  EXPECT_NEAR(s.c[0] / s.w, at_means[0], 1e-9);
  EXPECT_NEAR(s.c[1] / s.w, at_means[1], 1e-9);
}

TEST(ContinuousModel, ADamagedModelsSumsGiveNothingRatherThanNaN) {
  // Finite sums that overflow in the fit (a model text that passed the codec's checks).
  ContinuousModel m;
  ContinuousModel::Sums& p = m.pooled()[index_of(Usage::lighting)];
  p.w = 1e-300;
  p.x = 1e10;
  p.r = 1e10;
  p.w1 = 1e-300;
  p.r1 = 1e300;
  p.w0 = 1.0;
  EXPECT_EQ(m.estimate(3, Usage::lighting, 1000.0), 0.0);
  EXPECT_TRUE(std::isfinite(m.on_probability(3, Usage::lighting, 1000.0)));
}

// The fit without contrasts, computed from the samples as the model did before them: the ridge
// least squares on R (and dQ when seen), the slope on R clamped to [0, 1] and dQ's refitted
// given it, bounded to [-2, 2].
double old_fit(const std::vector<std::array<double, 3>>& rxq, double r, double dq) {
  double w = 0.0, mr = 0.0, mx = 0.0, mq = 0.0;
  for (const auto& s : rxq) {
    w += 1.0;
    mr += s[0];
    mx += s[1];
    mq += s[2];
  }
  mr /= w;
  mx /= w;
  mq /= w;
  double vr = 0.0, vq = 0.0, crq = 0.0, cxr = 0.0, cxq = 0.0;
  for (const auto& s : rxq) {
    vr += (s[0] - mr) * (s[0] - mr) / w;
    vq += (s[2] - mq) * (s[2] - mq) / w;
    crq += (s[0] - mr) * (s[2] - mq) / w;
    cxr += (s[1] - mx) * (s[0] - mr) / w;
    cxq += (s[1] - mx) * (s[2] - mq) / w;
  }
  if (vq <= 0.0) return mx + std::clamp(cxr / (vr + 50.0 * 50.0), 0.0, 1.0) * (r - mr);
  vr += 50.0 * 50.0;
  vq += 50.0 * 50.0;
  const double beta = std::clamp((cxr * vq - cxq * crq) / (vr * vq - crq * crq), 0.0, 1.0);
  const double gamma = std::clamp((cxq - beta * crq) / vq, -2.0, 2.0);
  return mx + beta * (r - mr) + gamma * (dq - mq);
}

TEST(ContinuousModel, OnOnePhaseTheFitIsTheOneOnTheResidualAndItsQ) {
  // Without contrasts (one phase) the joint fit reduces to the closed forms on R alone and on
  // (R, dQ).
  for (const bool with_q : {false, true}) {
    ContinuousModel m;
    std::vector<std::array<double, 3>> rxq;
    for (int i = 0; i < 3000; ++i) {
      const double r = 2000.0 + 800.0 * std::sin(i * 0.013);
      const double dq = with_q ? 300.0 * std::cos(i * 0.031) : 0.0;
      const double x = 500.0 + 0.3 * (r - 2000.0) + 0.8 * dq + 100.0 * std::sin(i * 0.17);
      m.learn(9, Usage::ventilation, r, x, 1.0, dq);
      rxq.push_back({r, x, dq});
    }
    for (const double r : {1500.0, 2000.0, 2600.0}) {
      const double dq = with_q ? 200.0 : 0.0;
      EXPECT_NEAR(m.estimate(9, Usage::ventilation, r, dq), old_fit(rxq, r, dq), 1e-6)
          << "R " << r << " with Q " << with_q;
    }
  }
}

// Three-phase samples of a ventilation category in slots 12 and 13 (R, dQ, contrasts, x).
void learn_three_phase(ContinuousModel& m, int from, int to) {
  for (int i = from; i < to; ++i) {
    const double r = 3000.0 + 900.0 * std::sin(i * 0.011);
    const double dq = 250.0 * std::cos(i * 0.029);
    const ContinuousModel::Contrasts c{150.0 * std::sin(i * 0.007), 90.0 * std::cos(i * 0.019)};
    const double x = 700.0 + 0.25 * (r - 3000.0) + 0.5 * dq + 0.3 * c[0];
    m.observe(i * 1000LL, i % 2 == 0 ? 12 : 13, Usage::ventilation, r, x, 1.0, dq, false, 0.0, c);
  }
}

TEST(ContinuousModel, TheFitsCachedBetweenEstimatesFollowEveryChangeOfTheSums) {
  // estimate() keeps each category's fits for the slot it last estimated until the sums change:
  // a model estimated between its lessons estimates exactly as one that was not.
  const ContinuousModel::Contrasts c{40.0, -25.0};
  const auto at = [&](const ContinuousModel& m, std::size_t slot, double r) {
    return m.estimate(slot, Usage::ventilation, r, 60.0, 0.0, c);
  };
  ContinuousModel asked;
  ContinuousModel quiet;
  learn_three_phase(asked, 0, 4000);
  learn_three_phase(quiet, 0, 4000);
  const double before = at(asked, 12, 3500.0);
  EXPECT_EQ(before, at(quiet, 12, 3500.0));
  EXPECT_EQ(at(asked, 12, 2800.0), at(quiet, 12, 2800.0));  // same slot, other values
  EXPECT_EQ(at(asked, 13, 3500.0), at(quiet, 13, 3500.0));  // another slot
  EXPECT_EQ(at(asked, 12, 3500.0), before);                 // and back
  // More lessons (observe(): the slot's sums and, a minute later, the pooled ones).
  learn_three_phase(asked, 4000, 9000);
  learn_three_phase(quiet, 4000, 9000);
  ContinuousModel fresh;
  learn_three_phase(fresh, 0, 9000);
  const double after = at(fresh, 12, 3500.0);
  EXPECT_NE(after, before);
  EXPECT_EQ(at(asked, 12, 3500.0), after);
  EXPECT_EQ(at(quiet, 12, 3500.0), after);
  // learn() too; and each category's fits apart (another one learning leaves them).
  const auto it_at = [&](const ContinuousModel& m) {
    return m.estimate(12, Usage::it, 3500.0, 60.0, 0.0, c);
  };
  for (ContinuousModel* m : {&asked, &fresh})
    for (int i = 0; i < 600; ++i) m->learn(12, Usage::it, 3000.0 + i, 800.0 + 0.1 * i, 1.0);
  const double it_before = it_at(asked);
  EXPECT_EQ(it_before, it_at(fresh));
  for (ContinuousModel* m : {&asked, &fresh})
    for (int i = 0; i < 600; ++i) m->learn(12, Usage::ventilation, 3600.0, 1500.0, 1.0);
  EXPECT_EQ(at(asked, 12, 3500.0), at(fresh, 12, 3500.0));
  EXPECT_NE(at(asked, 12, 3500.0), after);
  EXPECT_EQ(it_at(asked), it_before);
  for (ContinuousModel* m : {&asked, &fresh})
    for (int i = 0; i < 600; ++i) m->learn(12, Usage::it, 2000.0, 300.0, 1.0);
  EXPECT_EQ(it_at(asked), it_at(fresh));
  EXPECT_NE(it_at(asked), it_before);
  // Sums written through table() and pooled() (the model codec) after an estimate.
  const double read = at(asked, 12, 3500.0);
  asked.table()[12][index_of(Usage::ventilation)].x += 600.0 * 1000.0;
  fresh.table()[12][index_of(Usage::ventilation)].x += 600.0 * 1000.0;
  const double written = at(fresh, 12, 3500.0);
  EXPECT_NE(written, read);
  EXPECT_EQ(at(asked, 12, 3500.0), written);
  asked.pooled()[index_of(Usage::ventilation)].x *= 2.0;
  fresh.pooled()[index_of(Usage::ventilation)].x *= 2.0;
  EXPECT_EQ(at(asked, 12, 3500.0), at(fresh, 12, 3500.0));
  EXPECT_NE(at(asked, 12, 3500.0), written);
}

}  // namespace
}  // namespace meterd::nilm
