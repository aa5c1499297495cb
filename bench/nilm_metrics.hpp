// bench/nilm_metrics.hpp: the figures of bench-nilm (docs/nilm.md "Results").
//
// Estimated and true energy per category are collected step by step over a test period, then
//   daily energy error  sum over days |E_est - E_true| / sum over days E_true (energy-weighted)
//   NEP at 10 min       sum over 10-min bins |E_est - E_true| / sum E_true (NILMTK's normalised
//                       error in assigned power; Batra et al., "NILMTK", e-Energy 2014)
//   share error         |est share - true share| of the period's total, in percentage points
//   MAE                 mean |P_est - P_true| over the steps, W (at the steps' resolution)
//   closure             max over steps |sum of categories - measured total|, Wh
// and the detector's event F1 (the matching rule of tests/nilm/change_detector_test.cpp: an
// event takes the nearest unmatched true switching of the same direction within 3 s).
// Plain values; not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "meterd/usage.hpp"
#include "src/nilm/engine.hpp"

namespace meterd::bench::nilm {

using UsageWh = std::array<double, kUsageCount>;

// True energy per category binned into steps of `step_ms` (aligned on the epoch), from samples
// held for their period (what the engine does with the mains).
class TruthSteps {
 public:
  explicit TruthSteps(std::int64_t step_ms) : step_ms_(step_ms) {}
  // Power of each category over [t_ms, t_ms + dt_ms); the interval must lie in one step.
  void add(std::int64_t t_ms, std::int64_t dt_ms, const UsageWh& power_w);
  // The true energy of the step starting at start_ms, or nullptr if no sample fell in it.
  const UsageWh* find(std::int64_t start_ms) const;

 private:
  std::int64_t step_ms_;
  std::map<std::int64_t, UsageWh> steps_;
};

struct CategoryFigures {
  double true_wh = 0.0;
  double est_wh = 0.0;
  double daily_error = 0.0;      // fraction (0.05 = 5 %)
  double nep_10min = 0.0;
  double share_error_pts = 0.0;  // percentage points
  double mae_w = 0.0;
  double true_share = 0.0;       // of the sum of true energies, fraction
};

struct Figures {
  std::array<CategoryFigures, kUsageCount> category{};
  double closure_max_wh = 0.0;
  std::size_t steps = 0;
  std::size_t days = 0;
};

// Collects (estimate, truth) step pairs of one run; figures() computes everything above.
class Evaluation {
 public:
  explicit Evaluation(std::int64_t step_ms);
  // One step: the estimate (an engine step or a baseline), its measured total, and the truth.
  void add(std::int64_t start_ms, const UsageWh& est_wh, double total_wh, const UsageWh& true_wh);
  // Convenience for an engine step.
  void add(const meterd::nilm::StepResult& step, const UsageWh& true_wh);
  Figures figures() const;
  std::size_t steps() const noexcept { return n_steps_; }

 private:
  struct Bin {
    UsageWh est{};
    UsageWh truth{};
  };
  std::int64_t step_ms_;
  std::size_t n_steps_ = 0;
  double closure_max_wh_ = 0.0;
  std::map<std::int64_t, Bin> days_;
  std::map<std::int64_t, Bin> bins_10min_;
  UsageWh abs_step_err_wh_{};
  UsageWh total_est_{};
  UsageWh total_true_{};
};

// A switching of the ground truth: when, and whether it switched on.
struct TrueSwitch {
  std::int64_t t_ms = 0;
  bool on = false;
};

struct EventScore {
  std::size_t truth = 0, detected = 0, matched = 0;
  double precision() const;
  double recall() const;
  double f1() const;
};

// The transitions of one appliance alone across `threshold_w`, dated at the first sample on
// the other side.
std::vector<TrueSwitch> true_switches(const std::vector<meterd::nilm::PowerSample>& appliance,
                                      double threshold_w);

EventScore score_events(const std::vector<TrueSwitch>& truth,
                        const std::vector<meterd::nilm::SwitchEvent>& events,
                        std::int64_t tolerance_ms = 3'000);

}  // namespace meterd::bench::nilm
