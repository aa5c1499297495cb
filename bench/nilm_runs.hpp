// bench/nilm_runs.hpp: the runs of bench-nilm, each driving the real engine (or detector)
// in-process with a chronological train/test split.
//
//   run_sim   a simulated building (tools/sim CommercialBuilding, 1 Hz, three phases): the
//             training days with every category's ground truth fed as a *complete* sub-meter
//             (1 Hz, P and Q), then the test days with the mains only, scored against the truth
//             (energy figures, and the event F1 of each category).
//   run_real  AMPds2 / UK-DALE: the training file with its sub-meters, then the test file's mains
//             on an engine restarted with the trained model.
//   run_lab   the change detector alone on the lab-1hz mains, against the switchings of each
//             appliance's own trace across 150 W.
//   measure_throughput  push_mains on a trained engine (model loaded), thread CPU time, and the
//             heap it grows (glibc mallinfo2: in-use bytes, sampled during the run). Steps and
//             events are taken from the engine every 600 samples, as the daemon does.
// Each run also scores the trivial baseline: every category at its training-mean power.
// Single-threaded; deterministic for the simulated buildings.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/nilm_datasets.hpp"
#include "bench/nilm_metrics.hpp"
#include "tools/sim/commercial_building.hpp"

namespace meterd::bench::nilm {

inline constexpr double kEventThresholdW = 150.0;

struct RunFigures {
  Figures engine;
  Figures baseline;
  // Simulated buildings only: per category, the engine's switching events attributed to it
  // (the phases of one switching summed) against the switchings of the category's own
  // noise-free truth found by the same detector, both above kEventThresholdW.
  std::array<EventScore, kUsageCount> events{};
  meterd::nilm::EngineStats stats;
  double cpu_s = 0.0;  // whole run (training and test), this thread
};

struct SimRunOptions {
  sim::BuildingType type = sim::BuildingType::office;
  std::uint64_t seed = 101;
  int train_days = 14;
  int test_days = 7;
  std::int64_t step_ms = 600'000;
  bool submeters = true;  // false: no sub-meter at all, the training days feed the mains only
                          // (the untrained engine: signature priors, docs/nilm.md)
};

struct SimRun {
  RunFigures figures;
  std::string model;  // the engine's model at the end of training (for measure_throughput)
};

SimRun run_sim(const SimRunOptions& options);

// Trains an engine on the training file, saves its model, and tests a new engine that loaded it
// (as after a restart: the test file may be older than the training). Error: a model that does
// not load back.
Result<RunFigures> run_real(const RealDataset& data, std::int64_t step_ms);

struct LabScore {
  std::string name;
  EventScore score;
};
std::vector<LabScore> run_lab(const std::vector<LabRecording>& recordings, double threshold_w);

struct Throughput {
  double samples_per_s = 0.0;  // median over the runs
  double heap_bytes = 0.0;     // peak in-use heap growth of one engine, model loaded
  std::size_t samples = 0;     // per run
  // The last training day again, its 7 categories' truth as live complete sub-meters (a site
  // whose engine keeps learning): median over the runs, and samples per run.
  double learning_samples_per_s = 0.0;
  std::size_t learning_samples = 0;
};

// The test days of `options`' building, pushed `runs` times into fresh engines loaded with
// `model`; and its last training day with its sub-meters (learning).
Throughput measure_throughput(const SimRunOptions& options, const std::string& model, int runs);

}  // namespace meterd::bench::nilm
