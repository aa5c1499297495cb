#include "src/nilm/engine.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "engine_driver.hpp"

namespace meterd::nilm {
namespace {

using namespace testing;

TEST(EngineLearning, SplitsTheMainsLikeTheSubmetersItLearnedFrom) {
  Engine engine(training_config());
  run(engine, kMonday, kMonday + 7 * kDayMs, /*train=*/true);
  engine.take_steps();
  const std::int64_t from = kMonday + 7 * kDayMs;  // the next Monday, mains only
  auto steps = run(engine, from, from + kDayMs, /*train=*/false);
  engine.finish();
  for (const auto& s : engine.take_steps()) steps.push_back(s);
  for (const Usage u : {Usage::lighting, Usage::it, Usage::heating_elements}) {
    double est = 0.0;
    for (const auto& s : steps) est += s.energy_wh[index_of(u)];
    const double truth = truth_wh(from, from + kDayMs, u);
    EXPECT_NEAR(est, truth, 0.05 * truth) << to_string(u);
  }
}

TEST(EngineLearning, AttributesALearnedAppliancesEventsToItsCategory) {
  Engine engine(training_config());
  run(engine, kMonday, kMonday + 2 * kDayMs, /*train=*/true);
  engine.take_steps();
  engine.take_events();
  const std::int64_t from = kMonday + 2 * kDayMs;
  run(engine, from, from + 6 * 3600'000, /*train=*/false);
  const auto events = engine.take_events();
  int element = 0;
  int fridge = 0;
  for (const auto& e : events) {
    EXPECT_GE(e.t_ms, from - 60'000);
    EXPECT_GE(e.cluster, 0);
    if (std::abs(std::abs(e.dp_w) - 2000.0) < 100.0) {
      ++element;
      EXPECT_EQ(e.usage, Usage::heating_elements) << e.t_ms << " " << e.dp_w;
      EXPECT_NEAR(e.dq_var, 0.0, 20.0);
    } else if (std::abs(std::abs(e.dp_w) - 150.0) < 20.0) {
      ++fridge;  // not sub-metered in training: nothing claims it
      EXPECT_EQ(e.usage, Usage::other);
      EXPECT_NEAR(std::abs(e.dq_var), 132.0, 20.0);
    }
  }
  // 6 hours: 18 element cycles (36 steps), 14.4 fridge cycles (28 steps); where both switch in
  // the same second (every 100 min) the detector sees one combined step.
  EXPECT_GE(element, 27);
  EXPECT_GE(fridge, 20);
}

}  // namespace
}  // namespace meterd::nilm
