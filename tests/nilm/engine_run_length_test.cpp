// tests/nilm/engine_run_length_test.cpp: an appliance whose runs grow longer than any run the
// engine has seen (a convector in a colder week) is still tracked: the instance dropped at the
// end of the learned run lengths is closed by its OFF step, so the longer runs are learned
// (docs/nilm.md, "No censoring of the learned runs"). 1 Hz, one phase, the real engine.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include "src/nilm/engine.hpp"

namespace meterd::nilm {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kMonday = 1'767'571'200'000;  // 2026-01-05T00:00:00Z
constexpr double kBaseW = 400.0;
constexpr double kConvectorW = 1500.0;

// A 1500 W convector on a 20-minute cycle: on for 500 s on the first three days, then on for
// 700 s (longer than any run of the first days).
double convector_w(std::int64_t t_ms) {
  const std::int64_t on_s = t_ms - kMonday < 3 * kDayMs ? 500 : 700;
  return (t_ms / 1000) % 1200 < on_s ? kConvectorW : 0.0;
}

// An unmetered 2500 W load on its own 13-minute cycle (on for 5 minutes): the rest of the
// building varies, so the convector cannot be read off the residual by a linear model.
double other_w(std::int64_t t_ms) { return (t_ms / 1000) % 780 < 300 ? 2500.0 : 0.0; }

PowerSample sample(std::int64_t t_ms, double p_w) {
  PowerSample s;
  s.t_ms = t_ms;
  s.p_w[0] = p_w;
  s.q_var[0] = 0.0;
  return s;
}

TEST(EngineRunLength, AnApplianceWhoseRunsGrowLongerIsStillTracked) {
  EngineConfig config;
  config.submeters = {{"convector", Usage::heating_elements, true}};
  Engine engine(config);
  const std::int64_t test_from = kMonday + 6 * kDayMs;
  for (std::int64_t t = kMonday; t < test_from; t += 1000) {  // 6 days with the sub-meter
    engine.push_submeter(0, sample(t, convector_w(t)));
    engine.push_mains(sample(t, kBaseW + other_w(t) + convector_w(t)));
    (void)engine.take_steps();
  }
  std::map<std::int64_t, double> truth_wh;  // per 10-min step of the test day
  std::vector<StepResult> steps;
  for (std::int64_t t = test_from; t < test_from + kDayMs; t += 1000) {  // mains only
    truth_wh[t - t % 600'000] += convector_w(t) / 3600.0;
    engine.push_mains(sample(t, kBaseW + other_w(t) + convector_w(t)));
    for (auto& s : engine.take_steps()) steps.push_back(s);
  }
  engine.finish();
  for (auto& s : engine.take_steps()) steps.push_back(s);

  double truth = 0.0;
  double est = 0.0;
  double abs_error = 0.0;
  for (const StepResult& s : steps) {
    const auto it = truth_wh.find(s.start_ms);
    if (it == truth_wh.end()) continue;
    const double e = s.energy_wh[index_of(Usage::heating_elements)];
    truth += it->second;
    est += e;
    abs_error += std::abs(e - it->second);
  }
  // 72 runs of 700 s at 1500 W.
  ASSERT_NEAR(truth, 72 * 700 * kConvectorW / 3600.0, 1.0);
  // Tracked, the convector's energy is its runs'. Each 20-minute cycle is a 10-min step with
  // 250 Wh and one with 41.7 Wh: a smooth estimate (what is left when its runs are not tracked)
  // is off by 2/3 of the energy at 10 min; tracked, it is off by less than half of that.
  // (Without the dropped instances' pairing: 40 % of the energy missing, 0.55 at 10 min.)
  EXPECT_NEAR(est, truth, 0.05 * truth);
  EXPECT_LT(abs_error / truth, 1.0 / 3.0);
}

}  // namespace
}  // namespace meterd::nilm
