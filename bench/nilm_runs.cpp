#include "bench/nilm_runs.hpp"

#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include "src/nilm/change_detector.hpp"

namespace meterd::bench::nilm {
namespace {

using meterd::nilm::Engine;
using meterd::nilm::EngineConfig;
using meterd::nilm::PowerSample;
using meterd::nilm::StepResult;

constexpr std::int64_t kSimStartMs = 1'767'571'200'000;  // 2026-01-05T00:00:00Z, a Monday
constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kSimUtcOffsetMs = 3'600'000;     // the simulated buildings' local time

// Takes the steps and events the engine holds for its owner (as the daemon does), discarding
// them: what is left in the engine is its own state.
void discard_output(Engine& engine) {
  (void)engine.take_steps();
  (void)engine.take_events();
}

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Scores the engine's steps that start at or after test_start_ms and have data, and the
// baseline (training means) on the same steps.
void score_steps(const std::vector<StepResult>& steps, std::int64_t test_start_ms,
                 const TruthSteps& truth, const UsageWh& mean_w, Evaluation& engine,
                 Evaluation& baseline) {
  for (const StepResult& s : steps) {
    if (s.start_ms < test_start_ms || s.covered_s <= 0.0) continue;
    const UsageWh* t = truth.find(s.start_ms);
    if (t == nullptr) continue;
    engine.add(s, *t);
    UsageWh base{};
    for (std::size_t c = 0; c < kUsageCount; ++c) base[c] = mean_w[c] * s.covered_s / 3600.0;
    baseline.add(s.start_ms, base, s.total_wh, *t);
  }
}

EngineConfig sim_config(std::int64_t step_ms, bool submeters) {
  EngineConfig c;
  c.step_ms = step_ms;
  c.utc_offset_ms = kSimUtcOffsetMs;
  if (!submeters) return c;
  for (const Usage u : kAllUsages) {
    c.submeters.push_back({.name = "truth:" + std::string{to_string(u)}, .usage = u, .complete = true});
  }
  return c;
}

sim::SiteConfig site_config(const SimRunOptions& o) {
  return {.type = o.type,
          .seed = o.seed,
          .start = UtcTime{std::chrono::milliseconds{kSimStartMs}},
          .phases = 3,
          .utc_offset_h = static_cast<double>(kSimUtcOffsetMs) / 3'600'000.0};
}

// The engine's events of one category with the phases of one switching summed: events of the
// same direction within 2 s of the first are one switching.
std::vector<meterd::nilm::SwitchEvent> merge_phases(std::vector<meterd::nilm::SwitchEvent> in) {
  std::vector<meterd::nilm::SwitchEvent> out;
  for (const auto& e : in) {
    if (!out.empty() && e.t_ms - out.back().t_ms <= 2'000 && (e.dp_w > 0) == (out.back().dp_w > 0)) {
      out.back().dp_w += e.dp_w;
      continue;
    }
    out.push_back(e);
  }
  std::erase_if(out, [](const auto& e) { return std::abs(e.dp_w) < kEventThresholdW; });
  return out;
}

PowerSample mains_of(const sim::SiteSample& s) {
  PowerSample m;
  m.t_ms = s.time.time_since_epoch().count();
  m.phases = s.phases;
  m.p_w = s.p_w;
  m.q_var = s.q_var;
  return m;
}

}  // namespace

SimRun run_sim(const SimRunOptions& o) {
  const double cpu0 = thread_cpu_s();
  sim::CommercialBuilding building{site_config(o)};
  Engine engine{sim_config(o.step_ms, o.submeters)};
  const std::int64_t train_s = std::int64_t{o.train_days} * 86'400;
  const std::int64_t test_s = std::int64_t{o.test_days} * 86'400;
  const std::int64_t test_start_ms = kSimStartMs + train_s * 1000;

  SimRun run;
  UsageWh sum_w{};
  for (std::int64_t i = 0; i < train_s; ++i) {
    const sim::SiteSample& s = building.step();
    const std::int64_t t = s.time.time_since_epoch().count();
    for (std::size_t c = 0; c < kUsageCount; ++c) {
      PowerSample sub;
      sub.t_ms = t;
      sub.p_w[0] = s.truth_w[c];
      sub.q_var[0] = s.truth_q_var[c];
      if (o.submeters) engine.push_submeter(c, sub);
      sum_w[c] += s.truth_w[c];
    }
    engine.push_mains(mains_of(s));
    if (i % 600 == 599) discard_output(engine);
  }
  discard_output(engine);
  run.model = engine.save_model();
  UsageWh mean_w{};
  for (std::size_t c = 0; c < kUsageCount; ++c) mean_w[c] = sum_w[c] / static_cast<double>(train_s);

  TruthSteps truth{o.step_ms};
  Evaluation eval{o.step_ms}, base{o.step_ms};
  std::vector<StepResult> pending;
  std::vector<meterd::nilm::ChangeDetector> truth_detectors;
  for (std::size_t c = 0; c < kUsageCount; ++c) {
    truth_detectors.emplace_back(0, meterd::nilm::DetectorConfig{});
  }
  std::array<std::vector<TrueSwitch>, kUsageCount> true_events;
  std::array<std::vector<meterd::nilm::SwitchEvent>, kUsageCount> engine_events;
  auto keep_true = [&](std::size_t c, const std::optional<meterd::nilm::SwitchEvent>& e) {
    if (e && std::abs(e->dp_w) >= kEventThresholdW) true_events[c].push_back({e->t_ms, e->dp_w > 0});
  };
  auto keep_engine = [&] {
    for (const auto& e : engine.take_events()) engine_events[index_of(e.usage)].push_back(e);
  };
  for (std::int64_t i = 0; i < test_s; ++i) {
    const sim::SiteSample& s = building.step();
    const std::int64_t t = s.time.time_since_epoch().count();
    truth.add(t, 1000, s.truth_w);
    for (std::size_t c = 0; c < kUsageCount; ++c) {
      keep_true(c, truth_detectors[c].push(t, s.truth_w[c], s.truth_q_var[c]));
    }
    engine.push_mains(mains_of(s));
    if (i % 600 == 599) {
      for (auto& step : engine.take_steps()) pending.push_back(step);
      keep_engine();
    }
  }
  engine.finish();
  for (auto& step : engine.take_steps()) pending.push_back(step);
  keep_engine();
  for (std::size_t c = 0; c < kUsageCount; ++c) {
    keep_true(c, truth_detectors[c].take_pending());
    run.figures.events[c] = score_events(true_events[c], merge_phases(std::move(engine_events[c])));
  }
  score_steps(pending, test_start_ms, truth, mean_w, eval, base);
  run.figures.engine = eval.figures();
  run.figures.baseline = base.figures();
  run.figures.stats = engine.stats();
  run.figures.cpu_s = thread_cpu_s() - cpu0;
  return run;
}

Result<RunFigures> run_real(const RealDataset& d, std::int64_t step_ms) {
  const double cpu0 = thread_cpu_s();
  EngineConfig config;
  config.step_ms = step_ms;
  config.present = present_usages(d);  // a house: its sub-metered slots and other
  for (const Appliance& a : d.appliances) {
    config.submeters.push_back({.name = a.name, .usage = a.usage, .complete = true});
  }
  Engine engine{config};
  UsageWh sum_w{};
  for (std::size_t i = 0; i < d.train_mains.size(); ++i) {
    double rest = d.train_mains[i].p_w[0];
    for (std::size_t k = 0; k < d.appliances.size(); ++k) {
      const PowerSample& s = d.appliances[k].train[i];
      engine.push_submeter(k, s);
      sum_w[index_of(d.appliances[k].usage)] += s.p_w[0];
      rest -= s.p_w[0];
    }
    sum_w[index_of(Usage::other)] += rest;
    engine.push_mains(d.train_mains[i]);
  }
  UsageWh mean_w{};
  for (std::size_t c = 0; c < kUsageCount; ++c) {
    mean_w[c] = sum_w[c] / static_cast<double>(std::max<std::size_t>(1, d.train_mains.size()));
  }
  discard_output(engine);
  // The test day may be older than the training: a restarted engine with the trained model.
  const std::string model = engine.save_model();
  engine = Engine{config};
  if (auto loaded = engine.load_model(model); !loaded) return loaded.error();

  TruthSteps truth{step_ms};
  for (std::size_t i = 0; i < d.test_mains.size(); ++i) {
    UsageWh w{};
    double rest = d.test_mains[i].p_w[0];
    for (const Appliance& a : d.appliances) {
      w[index_of(a.usage)] += a.test[i].p_w[0];
      rest -= a.test[i].p_w[0];
    }
    w[index_of(Usage::other)] += rest;
    truth.add(d.test_mains[i].t_ms, d.sample_ms, w);
    engine.push_mains(d.test_mains[i]);
  }
  engine.finish();
  Evaluation eval{step_ms}, base{step_ms};
  const std::int64_t test_start = d.test_mains.empty() ? 0 : d.test_mains.front().t_ms;
  score_steps(engine.take_steps(), test_start, truth, mean_w, eval, base);
  RunFigures f;
  f.engine = eval.figures();
  f.baseline = base.figures();
  f.stats = engine.stats();
  f.cpu_s = thread_cpu_s() - cpu0;
  return f;
}

std::vector<LabScore> run_lab(const std::vector<LabRecording>& recordings, double threshold_w) {
  std::vector<LabScore> out;
  for (const LabRecording& rec : recordings) {
    meterd::nilm::ChangeDetector detector{0, meterd::nilm::DetectorConfig{}};
    std::vector<meterd::nilm::SwitchEvent> events;
    for (const PowerSample& s : rec.mains) {
      if (auto e = detector.push(s.t_ms, s.p_w[0], s.q_var[0])) events.push_back(*e);
    }
    while (auto e = detector.take_pending()) events.push_back(*e);
    std::vector<TrueSwitch> truth;
    for (const auto& appliance : rec.appliances) {
      for (const TrueSwitch& t : true_switches(appliance, threshold_w)) truth.push_back(t);
    }
    out.push_back({rec.name, score_events(truth, events)});
  }
  return out;
}

Throughput measure_throughput(const SimRunOptions& o, const std::string& model, int runs) {
  sim::CommercialBuilding building{site_config(o)};
  const std::int64_t skip_s = std::int64_t{std::max(o.train_days, 1) - 1} * 86'400;
  for (std::int64_t i = 0; i < skip_s; ++i) (void)building.step();
  // The last training day: mains and the truth per category (complete sub-meters 0..6).
  std::vector<PowerSample> learning_mains;
  std::vector<std::array<PowerSample, kUsageCount>> learning_subs;
  learning_mains.reserve(86'400);
  learning_subs.reserve(86'400);
  for (std::int64_t i = 0; i < 86'400; ++i) {
    const sim::SiteSample& s = building.step();
    const std::int64_t t = s.time.time_since_epoch().count();
    std::array<PowerSample, kUsageCount> subs{};
    for (std::size_t c = 0; c < kUsageCount; ++c) {
      subs[c].t_ms = t;
      subs[c].p_w[0] = s.truth_w[c];
      subs[c].q_var[0] = s.truth_q_var[c];
    }
    learning_subs.push_back(subs);
    learning_mains.push_back(mains_of(s));
  }
  std::vector<PowerSample> samples;
  samples.reserve(static_cast<std::size_t>(o.test_days) * 86'400);
  for (std::int64_t i = 0; i < std::int64_t{o.test_days} * 86'400; ++i) {
    samples.push_back(mains_of(building.step()));
  }
  // The median over `runs` fresh engines of `with`, loaded with the model, of the mains samples
  // per CPU second that push(engine, i) feeds for i < n (steps taken every 600).
  const auto median_rate = [&](const EngineConfig& with, std::size_t n, const auto& push) {
    std::vector<double> rates;
    for (int r = 0; r < runs; ++r) {
      Engine engine{with};
      (void)engine.load_model(model);
      const double cpu0 = thread_cpu_s();
      for (std::size_t i = 0; i < n; ++i) {
        push(engine, i);
        if (i % 600 == 599) discard_output(engine);
      }
      engine.finish();
      discard_output(engine);
      rates.push_back(static_cast<double>(n) / (thread_cpu_s() - cpu0));
    }
    std::sort(rates.begin(), rates.end());
    return rates.empty() ? 0.0 : rates[rates.size() / 2];
  };
  const EngineConfig config = sim_config(o.step_ms, o.submeters);
  Throughput t;
  t.samples = samples.size();
  t.samples_per_s = median_rate(config, samples.size(),
                                [&](Engine& e, std::size_t i) { e.push_mains(samples[i]); });
  t.learning_samples = learning_mains.size();
  t.learning_samples_per_s =
      median_rate(sim_config(o.step_ms, true), learning_mains.size(), [&](Engine& e, std::size_t i) {
        for (std::size_t c = 0; c < kUsageCount; ++c) e.push_submeter(c, learning_subs[i][c]);
        e.push_mains(learning_mains[i]);
      });
  learning_mains = {};  // freed before the heap is measured
  learning_subs = {};

  // Heap: in-use bytes (small blocks and mmapped ones) before the engine exists, and at most
  // during its run, sampled every 4096 samples and at the end.
  auto in_use = [] {
    const struct mallinfo2 m = mallinfo2();
    return static_cast<double>(m.uordblks + m.hblkhd);
  };
  const double before = in_use();
  double peak = before;
  {
    Engine engine{config};
    (void)engine.load_model(model);
    for (std::size_t i = 0; i < samples.size(); ++i) {
      engine.push_mains(samples[i]);
      if (i % 600 == 599) discard_output(engine);
      if (i % 4096 == 0) peak = std::max(peak, in_use());
    }
    peak = std::max(peak, in_use());
    engine.finish();
    discard_output(engine);
    peak = std::max(peak, in_use());
  }
  t.heap_bytes = peak - before;
  return t;
}

}  // namespace meterd::bench::nilm
