#include "src/nilm/engine.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine_driver.hpp"

namespace meterd::nilm {
namespace {

using namespace testing;

std::vector<StepResult> drain(Engine& e) {
  e.finish();
  return e.take_steps();
}

TEST(EngineBadInput, ASilenceIsAGapWithoutInventedEnergy) {
  Engine engine(EngineConfig{});
  auto steps = run(engine, kMonday, kMonday + 12 * kMinute, false);
  // 20 minutes of silence, then data again until 40 min.
  const auto after = run(engine, kMonday + 32 * kMinute, kMonday + 40 * kMinute, false);
  steps.insert(steps.end(), after.begin(), after.end());
  for (const auto& s : drain(engine)) steps.push_back(s);
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(engine.stats().gaps, 1u);
  EXPECT_DOUBLE_EQ(steps[0].covered_s, 600.0);
  EXPECT_DOUBLE_EQ(steps[1].covered_s, 120.0);  // 10:00..12:00, the last sample holds its 1 s
  EXPECT_DOUBLE_EQ(steps[2].covered_s, 0.0);
  EXPECT_DOUBLE_EQ(steps[2].total_wh, 0.0);
  EXPECT_DOUBLE_EQ(steps[3].covered_s, 480.0);  // 32:00..40:00
  EXPECT_NEAR(steps[1].total_wh, mains_wh(kMonday + 10 * kMinute, kMonday + 12 * kMinute), 1e-9);
  EXPECT_NEAR(steps[3].total_wh, mains_wh(kMonday + 32 * kMinute, kMonday + 40 * kMinute), 1e-9);
  for (const auto& s : steps) EXPECT_NEAR(sum_energy(s), s.total_wh, 1e-9);
}

TEST(EngineBadInput, NaNSamplesAreDroppedAndCounted) {
  Engine engine(EngineConfig{});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t bad = 0;
  for (std::int64_t t = kMonday; t < kMonday + 10 * kMinute; t += 1000) {
    if ((t / 1000) % 10 == 3) {
      engine.push_mains(power_sample(t, nan));
      ++bad;
    } else {
      engine.push_mains(power_sample(t, 1000.0));
    }
  }
  PowerSample three_phase = power_sample(kMonday + 10 * kMinute, 300.0);
  three_phase.phases = 3;
  three_phase.p_w[1] = 300.0;
  three_phase.p_w[2] = nan;  // one phase missing: the sample is not used
  engine.push_mains(three_phase);
  PowerSample no_phase = power_sample(kMonday + 10 * kMinute + 1, 300.0);
  no_phase.phases = 0;
  engine.push_mains(no_phase);
  const auto steps = drain(engine);
  EXPECT_EQ(engine.stats().dropped_samples, bad + 2);
  EXPECT_EQ(engine.stats().mains_samples, 600u - bad);
  EXPECT_EQ(engine.stats().gaps, 0u);
  ASSERT_EQ(steps.size(), 1u);
  // The sample before a NaN holds over it: 1000 W for the whole step.
  EXPECT_NEAR(steps[0].total_wh, 1000.0 / 6.0, 1e-9);
  for (const auto& s : steps) {
    EXPECT_TRUE(std::isfinite(s.total_wh));
    for (double e : s.energy_wh) EXPECT_TRUE(std::isfinite(e));
  }
}

TEST(EngineBadInput, OutOfOrderAndRepeatedSamplesAreDroppedAndCounted) {
  EngineConfig config;
  config.submeters = {{"m", Usage::it, false}};
  Engine engine(config);
  engine.push_mains(power_sample(kMonday + 5000, 500.0));
  engine.push_mains(power_sample(kMonday + 4000, 9e9));
  engine.push_mains(power_sample(kMonday + 5000, 9e9));
  engine.push_mains(power_sample(kMonday + 6000, 500.0));
  engine.push_submeter(0, power_sample(kMonday + 5000, 10.0));
  engine.push_submeter(0, power_sample(kMonday + 1000, 10.0));
  engine.push_submeter(7, power_sample(kMonday + 7000, 10.0));  // no such sub-meter
  EXPECT_EQ(engine.stats().dropped_samples, 4u);
  EXPECT_EQ(engine.stats().mains_samples, 2u);
  EXPECT_EQ(engine.stats().submeter_samples, 1u);
  const auto steps = drain(engine);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_NEAR(steps[0].total_wh, 500.0 * 2.0 / 3600.0, 1e-12);
}

TEST(EngineBadInput, AClockJumpBackwardsDropsTheRepeatedHourWithoutCrashing) {
  Engine engine(EngineConfig{});
  auto steps = run(engine, kMonday, kMonday + 30 * kMinute, false);
  // The clock steps back 20 minutes and runs on for 30 minutes.
  const auto back = run(engine, kMonday + 10 * kMinute, kMonday + 40 * kMinute, false);
  steps.insert(steps.end(), back.begin(), back.end());
  for (const auto& s : drain(engine)) steps.push_back(s);
  EXPECT_EQ(engine.stats().dropped_samples, 20u * 60u);
  ASSERT_EQ(steps.size(), 4u);
  double total = 0.0;
  for (const auto& s : steps) {
    EXPECT_NEAR(sum_energy(s), s.total_wh, 1e-9);
    total += s.total_wh;
  }
  EXPECT_NEAR(total, mains_wh(kMonday, kMonday + 40 * kMinute), 1e-6);
}

TEST(EngineBadInput, AClockJumpForwardsIsAGapAndItsStepsAreEmittedEmpty) {
  Engine engine(EngineConfig{});
  auto steps = run(engine, kMonday, kMonday + 10 * kMinute, false);
  const std::int64_t later = kMonday + 3 * 3600'000;  // three hours ahead
  const auto after = run(engine, later, later + 10 * kMinute, false);
  steps.insert(steps.end(), after.begin(), after.end());
  for (const auto& s : drain(engine)) steps.push_back(s);
  EXPECT_EQ(engine.stats().gaps, 1u);
  ASSERT_EQ(steps.size(), 19u);
  EXPECT_DOUBLE_EQ(steps[0].covered_s, 600.0);
  for (std::size_t i = 1; i < 18; ++i) EXPECT_DOUBLE_EQ(steps[i].covered_s, 0.0) << i;
  EXPECT_DOUBLE_EQ(steps[18].covered_s, 600.0);
  for (std::size_t i = 1; i < steps.size(); ++i) EXPECT_EQ(steps[i].start_ms, steps[i - 1].end_ms);
}

TEST(EngineBadInput, AMainsMeterOfflineClosesItsStepsAsGaps) {
  Engine engine(EngineConfig{});
  run(engine, kMonday, kMonday + 10 * kMinute, false);
  engine.take_steps();
  // The meter stops answering; the daemon keeps telling the engine the time.
  std::vector<StepResult> steps;
  for (std::int64_t now = kMonday + 10 * kMinute; now <= kMonday + 60 * kMinute; now += 5000) {
    engine.advance_to(now);
    for (const auto& s : engine.take_steps()) {
      EXPECT_LE(s.end_ms, now);
      EXPECT_GE(s.end_ms + engine.config().max_lag_ms, now);  // emitted within max_lag
      steps.push_back(s);
    }
  }
  ASSERT_EQ(steps.size(), 6u);
  EXPECT_EQ(engine.stats().gaps, 1u);
  EXPECT_DOUBLE_EQ(steps[0].covered_s, 600.0);  // the last sample holds its 1 s, no more
  for (std::size_t i = 1; i < steps.size(); ++i) {
    EXPECT_DOUBLE_EQ(steps[i].covered_s, 0.0);
    EXPECT_DOUBLE_EQ(steps[i].total_wh, 0.0);
    for (double e : steps[i].energy_wh) EXPECT_DOUBLE_EQ(e, 0.0);
  }
  // It comes back: no energy for the silence, steps continue.
  run(engine, kMonday + 60 * kMinute, kMonday + 70 * kMinute, false);
  const auto back = drain(engine);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].start_ms, kMonday + 60 * kMinute);
  EXPECT_EQ(engine.stats().gaps, 1u);
}

TEST(EngineBadInput, SlowRatesAreIntegratedAsWell) {
  Engine engine(EngineConfig{});
  auto steps = run(engine, kMonday, kMonday + 60 * kMinute, false, 60'000);
  for (const auto& s : drain(engine)) steps.push_back(s);
  ASSERT_EQ(steps.size(), 6u);
  EXPECT_EQ(engine.stats().gaps, 0u);
  for (const auto& s : steps) {
    EXPECT_DOUBLE_EQ(s.covered_s, 600.0);
    EXPECT_NEAR(s.total_wh, mains_wh(s.start_ms, s.end_ms, 60'000), 1e-9);
  }
}

// A sub-meter reading above the mains (a wrong CT ratio, a sub-meter not under the mains) is
// scaled down to the mains, closure kept, and counted so that someone is told; one just within
// the meters' accuracy is not.
TEST(EngineBadInput, SubmetersAboveTheMainsAreCountedAndScaledDown) {
  EngineConfig config;
  config.submeters = {{"lights", Usage::lighting, true}};
  Engine engine(config);
  for (std::int64_t t = kMonday; t < kMonday + 20 * kMinute; t += 1000) {
    const bool scaled_wrong = t >= kMonday + 10 * kMinute;
    engine.push_submeter(0, power_sample(t, scaled_wrong ? 1500.0 : 1040.0));
    engine.push_mains(power_sample(t, 1000.0));
  }
  const auto steps = drain(engine);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(engine.stats().submeters_over_mains, 600u);
  for (const auto& s : steps) {
    EXPECT_NEAR(s.energy_wh[index_of(Usage::lighting)], s.total_wh, 1e-6);
    EXPECT_NEAR(sum_energy(s), s.total_wh, 1e-9);
  }
}

}  // namespace
}  // namespace meterd::nilm
