// The engine without any sub-meter on a simulated commercial building (tools/sim): what the
// signature priors (src/nilm/signature_priors.hpp) make of its switching steps and its energy.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "src/nilm/engine.hpp"
#include "tools/sim/commercial_building.hpp"

namespace meterd::nilm {
namespace {

constexpr std::int64_t kStartMs = 1'767'571'200'000;  // 2026-01-05T00:00:00Z, a Monday
constexpr std::int64_t kOffsetMs = 3'600'000;         // the simulated building's local time
constexpr std::int64_t kDayS = 86'400;

struct SiteRun {
  std::vector<std::array<double, kUsageCount>> truth;  // per second
  std::vector<SwitchEvent> events;
  std::vector<StepResult> steps;
};

// An untrained engine (no sub-meter, no model) over `days` of a simulated office in winter.
SiteRun run_office(std::uint64_t seed, int days) {
  sim::CommercialBuilding building{{.type = sim::BuildingType::office,
                                    .seed = seed,
                                    .start = UtcTime{std::chrono::milliseconds{kStartMs}},
                                    .phases = 3,
                                    .utc_offset_h = 1.0}};
  EngineConfig config;
  config.utc_offset_ms = kOffsetMs;
  Engine engine{config};
  SiteRun run;
  run.truth.reserve(static_cast<std::size_t>(days * kDayS));
  for (std::int64_t i = 0; i < days * kDayS; ++i) {
    const sim::SiteSample& s = building.step();
    run.truth.push_back(s.truth_w);
    PowerSample m;
    m.t_ms = s.time.time_since_epoch().count();
    m.phases = s.phases;
    m.p_w = s.p_w;
    m.q_var = s.q_var;
    engine.push_mains(m);
    if (i % 3600 == 0) {
      for (auto& e : engine.take_events()) run.events.push_back(e);
      for (auto& st : engine.take_steps()) run.steps.push_back(st);
    }
  }
  engine.finish();
  for (auto& e : engine.take_events()) run.events.push_back(e);
  for (auto& st : engine.take_steps()) run.steps.push_back(st);
  return run;
}

// The category whose true power changed across event `e` by most of its step, if any.
std::optional<Usage> true_category(const SiteRun& run, const SwitchEvent& e) {
  const auto i = (e.t_ms - kStartMs) / 1000;
  if (i < 5 || i + 15 >= static_cast<std::int64_t>(run.truth.size())) return std::nullopt;
  for (const Usage u : kAllUsages) {
    const double before = run.truth[static_cast<std::size_t>(i - 3)][index_of(u)];
    const double after = run.truth[static_cast<std::size_t>(i + 12)][index_of(u)];
    if ((after - before) / e.dp_w >= 0.8) return u;
  }
  return std::nullopt;
}

double share_right(const std::array<int, kUsageCount>& seen,
                   const std::array<int, kUsageCount>& right, Usage u) {
  return seen[index_of(u)] > 0
             ? static_cast<double>(right[index_of(u)]) / static_cast<double>(seen[index_of(u)])
             : 0.0;
}

// Two days of a simulated office in January (heating season, heat pumps cycling on their buffer
// tanks, water heaters and convectors on their thermostats), mains only, no model: the first day
// teaches the clusters their run durations, the second is scored.
TEST(EnginePriors, UntrainedEngineNamesHeatPumpAndWaterHeaterSteps) {
  const SiteRun run = run_office(2, 2);
  const std::int64_t scored_from = kStartMs + kDayS * 1000;
  // Events: each switching of more than 1 kW on a phase whose truth is one category's change.
  std::array<int, kUsageCount> seen{}, right{};
  for (const SwitchEvent& e : run.events) {
    if (std::abs(e.dp_w) < 1000.0 || e.t_ms < scored_from) continue;
    const auto truth = true_category(run, e);
    if (!truth) continue;
    ++seen[index_of(*truth)];
    if (e.usage == *truth) ++right[index_of(*truth)];
  }
  ASSERT_GE(seen[index_of(Usage::heat_cold_production)], 50);
  ASSERT_GE(seen[index_of(Usage::heating_elements)], 50);
  EXPECT_GE(share_right(seen, right, Usage::heat_cold_production), 0.85);
  EXPECT_GE(share_right(seen, right, Usage::heating_elements), 0.8);
  // Coffee machines, microwave, lifts: brief runs stay `other`.
  EXPECT_GE(share_right(seen, right, Usage::other), 0.8);

  // Energy of the scored day: without priors both would be 0 (everything `other`).
  std::array<double, kUsageCount> truth_wh{}, engine_wh{};
  double total_wh = 0.0;
  for (const StepResult& st : run.steps) {
    if (st.start_ms < scored_from) continue;
    total_wh += st.total_wh;
    for (std::size_t c = 0; c < kUsageCount; ++c) engine_wh[c] += st.energy_wh[c];
  }
  for (std::size_t i = static_cast<std::size_t>(kDayS); i < run.truth.size(); ++i)
    for (std::size_t c = 0; c < kUsageCount; ++c) truth_wh[c] += run.truth[i][c] / 3600.0;
  for (const Usage u : {Usage::heat_cold_production, Usage::heating_elements}) {
    const double t = truth_wh[index_of(u)];
    ASSERT_GT(t, 0.05 * total_wh) << to_string(u);
    EXPECT_NEAR(engine_wh[index_of(u)], t, 0.5 * t) << to_string(u);
  }
  double sum_wh = 0.0;
  for (double v : engine_wh) sum_wh += v;
  EXPECT_NEAR(sum_wh, total_wh, 1e-6 * total_wh);  // closure holds with priors
  EXPECT_LT(engine_wh[index_of(Usage::other)], 0.35 * total_wh);
}

}  // namespace
}  // namespace meterd::nilm
