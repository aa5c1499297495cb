// tests/nilm/engine_three_phase_test.cpp: a three-phase heat pump whose start on phase 3 is summed
// with a display case starting in the same second is still tracked on all three phases, through
// the real engine (the three-phase completion of src/nilm/phase_completion.hpp, wired into the
// engine's event path with its hold until the other phases settle). 1 Hz, P and Q.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/nilm/engine.hpp"

namespace meterd::nilm {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kMonday = 1'767'571'200'000;  // 2026-01-05T00:00:00Z
constexpr double kLegW = 2700.0;
constexpr double kLegVar = 1700.0;
constexpr double kCaseW = 2400.0;
constexpr double kCaseVar = 1400.0;

// The heat pump runs 15 minutes every half hour, its three legs alike.
bool pump_on(std::int64_t t_ms) { return (t_ms / 1000) % 1800 < 900; }
// The display case (unmetered, phase 3) runs 5 minutes every hour, starting with the heat pump:
// every other heat-pump start on phase 3 is a +5100 W step.
bool case_on(std::int64_t t_ms) { return (t_ms / 1000) % 3600 < 300; }

PowerSample mains(std::int64_t t_ms) {
  PowerSample s;
  s.t_ms = t_ms;
  s.phases = 3;
  for (std::size_t ph = 0; ph < 3; ++ph) {
    s.p_w[ph] = 500.0 + (pump_on(t_ms) ? kLegW : 0.0);
    s.q_var[ph] = 100.0 + (pump_on(t_ms) ? kLegVar : 0.0);
  }
  if (case_on(t_ms)) {
    s.p_w[2] += kCaseW;
    s.q_var[2] += kCaseVar;
  }
  return s;
}

PowerSample pump_meter(std::int64_t t_ms) {
  PowerSample s;
  s.t_ms = t_ms;
  s.p_w[0] = pump_on(t_ms) ? 3 * kLegW : 0.0;
  s.q_var[0] = pump_on(t_ms) ? 3 * kLegVar : 0.0;
  return s;
}

TEST(EngineThreePhase, ALegSummedWithACoincidentStartIsStillTracked) {
  EngineConfig config;
  config.submeters = {{"heat-pump", Usage::heat_cold_production, true}};
  Engine engine(config);
  const std::int64_t test_from = kMonday + 4 * kDayMs;
  for (std::int64_t t = kMonday; t < test_from; t += 1000) {  // 4 days with the sub-meter
    engine.push_submeter(0, pump_meter(t));
    engine.push_mains(mains(t));
    (void)engine.take_steps();
    (void)engine.take_events();
  }
  std::vector<StepResult> steps;
  std::vector<SwitchEvent> events;
  for (std::int64_t t = test_from; t < test_from + kDayMs; t += 1000) {  // mains only
    engine.push_mains(mains(t));
    for (auto& s : engine.take_steps()) steps.push_back(s);
    for (auto& e : engine.take_events()) events.push_back(e);
  }
  engine.finish();
  for (auto& s : engine.take_steps()) steps.push_back(s);
  for (auto& e : engine.take_events()) events.push_back(e);

  // Every heat-pump start on phase 3 is an event of the heat pump's leg, the 24 summed ones
  // included (split into the leg and the display case's +2400 W).
  int pump_starts_phase3 = 0;
  int case_starts_phase3 = 0;
  for (const SwitchEvent& e : events) {
    if (e.phase != 2 || e.dp_w <= 0.0) continue;
    if (std::abs(e.dp_w - kLegW) < 100.0) {
      ++pump_starts_phase3;
      EXPECT_EQ(e.usage, Usage::heat_cold_production) << e.t_ms;
    } else if (std::abs(e.dp_w - kCaseW) < 100.0) {
      ++case_starts_phase3;
      EXPECT_NEAR(e.dq_var, kCaseVar, 100.0) << e.t_ms;
    } else {
      ADD_FAILURE() << "unexpected step on phase 3: " << e.dp_w << " W at " << e.t_ms;
    }
  }
  EXPECT_EQ(pump_starts_phase3, 48);
  EXPECT_EQ(case_starts_phase3, 24);

  // Its energy is its runs': 48 runs of 900 s at 8100 W. Without the completion one leg of every
  // other run (1/6 of its energy) would be missing from the tracked part.
  double est = 0.0;
  for (const StepResult& s : steps) {
    if (s.start_ms >= test_from) est += s.energy_wh[index_of(Usage::heat_cold_production)];
  }
  const double truth = 48 * 900 * 3 * kLegW / 3600.0;
  EXPECT_NEAR(est, truth, 0.03 * truth);
}

// A cold room's single-phase compressor on phase 1 with the heat pump's leg signature (2700 W /
// 1700 var, unmetered: `other`) runs 5 minutes from minute 20 of every half hour, when the heat
// pump is off.
bool compressor_on(std::int64_t t_ms) {
  const std::int64_t s = (t_ms / 1000) % 1800;
  return s >= 1200 && s < 1500;
}

TEST(EngineThreePhase, ALoneStepOfALegsSizeIsAnotherAppliance) {
  EngineConfig config;
  config.submeters = {{"heat-pump", Usage::heat_cold_production, true}};
  Engine engine(config);
  const auto site = [](std::int64_t t) {
    PowerSample s = mains(t);
    if (case_on(t)) {  // no display case here
      s.p_w[2] -= kCaseW;
      s.q_var[2] -= kCaseVar;
    }
    if (compressor_on(t)) {
      s.p_w[0] += kLegW;
      s.q_var[0] += kLegVar;
    }
    return s;
  };
  const std::int64_t test_from = kMonday + 4 * kDayMs;
  for (std::int64_t t = kMonday; t < test_from; t += 1000) {
    engine.push_submeter(0, pump_meter(t));
    engine.push_mains(site(t));
    (void)engine.take_steps();
    (void)engine.take_events();
  }
  std::vector<StepResult> steps;
  for (std::int64_t t = test_from; t < test_from + kDayMs; t += 1000) {
    engine.push_mains(site(t));
    for (auto& s : engine.take_steps()) steps.push_back(s);
  }
  engine.finish();
  for (auto& s : engine.take_steps()) steps.push_back(s);

  // The compressor's steps are lone, the heat pump's are legs: two clusters on phase 1, and the
  // compressor's instances give heat/cold production nothing. Sharing the legs' cluster, half of
  // its labelled steps would be the heat pump's: 1350 W for 300 s, 112 Wh in each of the 48
  // steps from minute 20 to 30 of a half hour.
  double est = 0.0;
  double compressor_steps = 0.0;
  for (const StepResult& s : steps) {
    if (s.start_ms < test_from) continue;
    const double hc = s.energy_wh[index_of(Usage::heat_cold_production)];
    est += hc;
    if ((s.start_ms / 1000) % 1800 == 1200) compressor_steps += hc;
  }
  // What is left there is the continuous part's (the compressor is in the residual): below a
  // third of what the shared cluster's shares would give (with one cluster: 7.5 kWh).
  EXPECT_LT(compressor_steps, 48 * 0.5 * kLegW * 300.0 / 3600.0 / 3.0);
  const double truth = 48 * 900 * 3 * kLegW / 3600.0;
  EXPECT_NEAR(est, truth, 0.03 * truth);
}

// The leg flags of the clusters a day of two 2 kW heaters on phases 1 and 2 learns, sampled
// every `dt_ms`: both switch in the same second, on for 10 minutes every half hour.
std::vector<int> leg_flags_of_two_heaters(std::int64_t dt_ms) {
  Engine engine(EngineConfig{});
  for (std::int64_t t = kMonday; t < kMonday + kDayMs / 4; t += dt_ms) {
    PowerSample s;
    s.t_ms = t;
    s.phases = 3;
    const bool on = (t / 1000) % 1800 < 600;
    for (std::size_t ph = 0; ph < 3; ++ph) s.p_w[ph] = 500.0 + (on && ph < 2 ? 2000.0 : 0.0);
    engine.push_mains(s);
    (void)engine.take_steps();
    (void)engine.take_events();
  }
  engine.finish();
  std::vector<int> flags;
  const auto model = nlohmann::json::parse(engine.save_model());
  for (const auto& c : model["clusters"]) flags.push_back(c.back().get<int>());
  return flags;
}

TEST(EngineThreePhase, AtSlowSamplingStepsInOneSampleAreNoLegs) {
  // At 1 Hz two phases stepping alike in the same second are a three-phase appliance's legs; at
  // 1 min every step of a sample shares its time, so they are two loads (lone clusters).
  const std::vector<int> fast = leg_flags_of_two_heaters(1'000);
  ASSERT_FALSE(fast.empty());
  EXPECT_EQ(std::count(fast.begin(), fast.end(), 1), static_cast<long>(fast.size()));
  const std::vector<int> slow = leg_flags_of_two_heaters(60'000);
  ASSERT_FALSE(slow.empty());
  EXPECT_EQ(std::count(slow.begin(), slow.end(), 1), 0);
}

}  // namespace
}  // namespace meterd::nilm
