// EnginePresent: the usages a site does not have (EngineConfig::present) are never estimated.
// On the synthetic site (lighting, IT, a 2 kW heating element, a 150 W fridge-like `other`),
// an absent usage gets exactly 0 Wh on every step, closure holds, no event is labelled with it,
// and its energy goes to `other`; the default (all present) is what the other tests run.
#include <gtest/gtest.h>

#include <cmath>

#include "engine_driver.hpp"
#include "src/nilm/engine.hpp"

namespace meterd::nilm {
namespace {

using namespace testing;

// Only heating_elements (and `other`).
UsageSet heating_only() {
  UsageSet present{};
  present[index_of(Usage::heating_elements)] = true;
  return present;  // `other` is always present, even when not marked
}

EngineConfig config_with(const UsageSet& present) {
  EngineConfig c;
  c.present = present;
  return c;
}

double day_energy(const std::vector<StepResult>& steps, Usage u) {
  double wh = 0.0;
  for (const auto& s : steps) wh += s.energy_wh[index_of(u)];
  return wh;
}

// Day 1 with the heating element's complete sub-meter, day 2 on the mains alone.
std::vector<StepResult> run_boiler_site(Engine& engine, std::vector<SwitchEvent>* events) {
  std::vector<StepResult> steps;
  for (std::int64_t t = kMonday; t < kMonday + 2 * kDayMs; t += 1000) {
    if (t < kMonday + kDayMs)
      engine.push_submeter(0, power_sample(t, site_truth(t).p_w[index_of(Usage::heating_elements)]));
    engine.push_mains(mains_sample(t));
    for (auto& s : engine.take_steps()) steps.push_back(s);
    if (events != nullptr)
      for (const auto& e : engine.take_events()) events->push_back(e);
  }
  engine.finish();
  for (auto& s : engine.take_steps()) steps.push_back(s);
  return steps;
}

TEST(EnginePresent, AnAbsentUsageGetsNothingAndItsShareGoesToOther) {
  EngineConfig config;
  config.submeters = {{"boiler", Usage::heating_elements, true}};
  config.present = heating_only();
  Engine engine(config);
  EXPECT_TRUE(engine.config().present[index_of(Usage::other)]);
  std::vector<SwitchEvent> events;
  const auto steps = run_boiler_site(engine, &events);
  ASSERT_EQ(steps.size(), 2u * 144u);
  const std::size_t h = index_of(Usage::heating_elements);
  const std::size_t o = index_of(Usage::other);
  for (const auto& s : steps) {
    for (const Usage u : kAllUsages) {
      if (u == Usage::heating_elements || u == Usage::other) continue;
      EXPECT_EQ(s.energy_wh[index_of(u)], 0.0) << to_string(u) << " at " << s.start_ms;
      EXPECT_EQ(s.avg_w[index_of(u)], 0.0) << to_string(u);
    }
    EXPECT_NEAR(sum_energy(s), s.total_wh, 1e-9 * std::max(1.0, s.total_wh));
    EXPECT_NEAR(s.energy_wh[o], s.total_wh - s.energy_wh[h], 1e-9 * std::max(1.0, s.total_wh));
  }
  // Day 1: the element is measured, so `other` is exactly the rest of the truth: lighting, IT
  // and the fridge (the site has them, the installer said it has not: they are `other`'s).
  const std::vector<StepResult> day1(steps.begin(), steps.begin() + 144);
  const std::int64_t end1 = kMonday + kDayMs;
  EXPECT_NEAR(day_energy(day1, Usage::heating_elements),
              truth_wh(kMonday, end1, Usage::heating_elements), 1e-6);
  EXPECT_NEAR(day_energy(day1, Usage::other),
              truth_wh(kMonday, end1, Usage::lighting) + truth_wh(kMonday, end1, Usage::it) +
                  truth_wh(kMonday, end1, Usage::other),
              1e-6);
  ASSERT_FALSE(events.empty());
  for (const auto& e : events) {
    EXPECT_TRUE(e.usage == Usage::heating_elements || e.usage == Usage::other)
        << to_string(e.usage) << " at " << e.t_ms;
  }

  // The same site with every usage present: the priors estimate the untaught categories (here
  // IT, from the base load), which is what `present` turns off.
  config.present = kAllUsagesPresent;
  Engine all(config);
  const auto all_steps = run_boiler_site(all, nullptr);
  EXPECT_GT(day_energy(all_steps, Usage::it), 0.0);
}

TEST(EnginePresent, AModelThatLearnedAnAbsentUsageNoLongerEstimatesIt) {
  // Trained with lighting, IT and the element as complete sub-meters (all usages present) ...
  Engine trained(training_config());
  run(trained, kMonday, kMonday + 7 * kDayMs, /*train=*/true);
  trained.take_steps();
  const std::string model = trained.save_model();
  // ... then run without sub-meters, on a site declared to have IT and the element only, and
  // on the reference: the same with lighting (no untaught usage in either, so no prior).
  UsageSet present{};
  present[index_of(Usage::it)] = true;
  present[index_of(Usage::heating_elements)] = true;
  Engine engine(config_with(present));
  ASSERT_TRUE(engine.load_model(model));
  present[index_of(Usage::lighting)] = true;
  Engine reference(config_with(present));
  ASSERT_TRUE(reference.load_model(model));

  const std::int64_t from = kMonday + 7 * kDayMs;  // the next Monday, mains only
  auto steps = run(engine, from, from + kDayMs, /*train=*/false);
  engine.finish();
  for (const auto& s : engine.take_steps()) steps.push_back(s);
  auto ref = run(reference, from, from + kDayMs, /*train=*/false);
  reference.finish();
  for (const auto& s : reference.take_steps()) ref.push_back(s);
  ASSERT_EQ(steps.size(), 144u);
  ASSERT_EQ(ref.size(), 144u);
  const double eps = 1e-9;
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const StepResult& s = steps[k];
    for (const Usage u : kAllUsages) {
      if (u != Usage::it && u != Usage::heating_elements && u != Usage::other) {
        EXPECT_EQ(s.energy_wh[index_of(u)], 0.0) << to_string(u) << " at " << s.start_ms;
      }
    }
    EXPECT_NEAR(sum_energy(s), s.total_wh, eps * std::max(1.0, s.total_wh));
    // Nothing is taken from the other categories: IT and the element keep what the reference
    // gave them (more where the reference scaled its estimates down to fit the total), and
    // `other` gets at least the reference's `other`.
    for (const Usage u : {Usage::it, Usage::heating_elements, Usage::other}) {
      EXPECT_GE(s.energy_wh[index_of(u)], ref[k].energy_wh[index_of(u)] - eps)
          << to_string(u) << " at " << s.start_ms;
    }
  }
  for (const auto& e : engine.take_events()) EXPECT_NE(e.usage, Usage::lighting) << e.t_ms;
  // The reference splits lighting out (within 5 %, as in EngineLearning); here it is `other`'s.
  const std::int64_t to = from + kDayMs;
  const double lighting = truth_wh(from, to, Usage::lighting);
  EXPECT_NEAR(day_energy(ref, Usage::lighting), lighting, 0.05 * lighting);
  // By closure, `other` is off the truth of lighting + the fridge by no more than IT and the
  // element are off theirs (each within 5 %, as in EngineLearning).
  const double it = truth_wh(from, to, Usage::it);
  const double element = truth_wh(from, to, Usage::heating_elements);
  EXPECT_NEAR(day_energy(steps, Usage::it), it, 0.05 * it);
  EXPECT_NEAR(day_energy(steps, Usage::heating_elements), element, 0.05 * element);
  EXPECT_NEAR(day_energy(steps, Usage::other), lighting + truth_wh(from, to, Usage::other),
              0.05 * (it + element));
}

}  // namespace
}  // namespace meterd::nilm
