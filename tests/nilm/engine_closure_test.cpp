#include <gtest/gtest.h>

#include <cmath>

#include "engine_driver.hpp"
#include "src/nilm/engine.hpp"

namespace meterd::nilm {
namespace {

using namespace testing;

TEST(EngineClosure, CategoriesAddUpToTheMeasuredTotalOnEveryStep) {
  Engine engine(training_config());
  auto steps = run(engine, kMonday, kMonday + 2 * kDayMs, /*train=*/true);
  const auto test = run(engine, kMonday + 2 * kDayMs, kMonday + 3 * kDayMs, /*train=*/false);
  steps.insert(steps.end(), test.begin(), test.end());
  engine.finish();
  for (const auto& s : engine.take_steps()) steps.push_back(s);
  ASSERT_EQ(steps.size(), 3u * 144u);
  double total = 0.0;
  for (const auto& s : steps) {
    EXPECT_NEAR(sum_energy(s), s.total_wh, 1e-9 * std::max(1.0, s.total_wh));
    EXPECT_DOUBLE_EQ(s.covered_s, 600.0);
    for (const Usage u : kAllUsages) {
      EXPECT_GE(s.energy_wh[index_of(u)], -1e-9) << to_string(u);
      EXPECT_GE(s.confidence[index_of(u)], 0.0);
      EXPECT_LE(s.confidence[index_of(u)], 1.0);
    }
    total += s.total_wh;
  }
  EXPECT_NEAR(total, mains_wh(kMonday, kMonday + 3 * kDayMs), 1e-6 * total);
  EXPECT_EQ(engine.stats().steps, steps.size());
  EXPECT_EQ(engine.stats().mains_samples, 3u * 86'400u);
}

TEST(EngineClosure, StepsAreEmittedOnceClosedWithoutWaitingForFinish) {
  Engine engine(EngineConfig{});
  const auto steps = run(engine, kMonday, kMonday + 3600'000, false);
  ASSERT_EQ(steps.size(), 5u);  // the 6th ends with the last sample's hold, at finish()
  EXPECT_EQ(steps.back().end_ms, kMonday + 50 * kMinute);
  engine.advance_to(kMonday + 3600'000 + 5 * kMinute);  // the mains went silent: a gap
  const auto last = engine.take_steps();
  ASSERT_EQ(last.size(), 1u);
  EXPECT_DOUBLE_EQ(last[0].covered_s, 600.0);
  EXPECT_EQ(engine.stats().gaps, 1u);
}

TEST(EngineClosure, ACompleteSubmeterIsTakenAsMeasuredWithFullConfidence) {
  EngineConfig config;
  config.submeters = {{"boiler", Usage::heating_elements, true}};
  Engine engine(config);
  for (std::int64_t t = kMonday; t < kMonday + 20 * kMinute; t += 1000) {
    engine.push_submeter(0, power_sample(t, site_truth(t).p_w[index_of(Usage::heating_elements)]));
    engine.push_mains(mains_sample(t));
  }
  engine.finish();
  const auto steps = engine.take_steps();
  ASSERT_EQ(steps.size(), 2u);
  for (const auto& s : steps) {
    const std::size_t h = index_of(Usage::heating_elements);
    EXPECT_NEAR(s.energy_wh[h], truth_wh(s.start_ms, s.end_ms, Usage::heating_elements), 1e-9);
    EXPECT_DOUBLE_EQ(s.confidence[h], 1.0);
    // The rest: `other` and the priors of the categories nothing taught (signature_priors.hpp).
    double rest_wh = 0.0;
    for (std::size_t c = 0; c < kUsageCount; ++c)
      if (c != h) rest_wh += s.energy_wh[c];
    EXPECT_NEAR(rest_wh, s.total_wh - s.energy_wh[h], 1e-9);
  }
}

TEST(EngineClosure, APartialSubmeterIsSubtractedAsAKnownLoad) {
  EngineConfig config;
  config.submeters = {{"zone-b lights", Usage::lighting, false}};
  Engine engine(config);
  for (std::int64_t t = kMonday; t < kMonday + 10 * kMinute; t += 1000) {
    engine.push_submeter(0, power_sample(t, 400.0));
    engine.push_mains(mains_sample(t));
  }
  engine.finish();
  const auto steps = engine.take_steps();
  ASSERT_EQ(steps.size(), 1u);
  // The zone as measured, plus what the priors give the rest of the lighting (not sub-metered).
  EXPECT_GE(steps[0].avg_w[index_of(Usage::lighting)], 400.0 - 1e-9);
  EXPECT_NEAR(sum_energy(steps[0]), steps[0].total_wh, 1e-9);
  EXPECT_EQ(engine.stats().submeter_samples, 600u);
}

TEST(EngineClosure, SubmetersAboveTheTotalAreScaledDownToIt) {
  EngineConfig config;
  config.submeters = {{"a", Usage::ventilation, true}, {"b", Usage::it, true}};
  Engine engine(config);
  for (std::int64_t t = kMonday; t < kMonday + 10 * kMinute; t += 1000) {
    engine.push_submeter(0, power_sample(t, 600.0));
    engine.push_submeter(1, power_sample(t, 600.0));
    engine.push_mains(power_sample(t, 1000.0));
  }
  engine.finish();
  const auto steps = engine.take_steps();
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_NEAR(steps[0].avg_w[index_of(Usage::ventilation)], 500.0, 1e-9);
  EXPECT_NEAR(steps[0].avg_w[index_of(Usage::it)], 500.0, 1e-9);
  EXPECT_NEAR(steps[0].avg_w[index_of(Usage::other)], 0.0, 1e-9);
}

}  // namespace
}  // namespace meterd::nilm
