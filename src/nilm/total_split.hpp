// src/nilm/total_split.hpp: turns per-category power figures into a split of the measured total.
//
// Closure rule of the engine (docs/nilm.md): measured figures (live sub-meters) are trusted
// first, estimates are clamped to >= 0 and scaled down together when they exceed what the
// measured total leaves, and `other` takes the remainder, so the categories add up to the total
// exactly at every sample. A non-positive total (export, or a meter offset) goes to `other`
// entirely. Pure function, thread-safe.
#pragma once

#include "src/nilm/step_accumulator.hpp"

namespace meterd::nilm {

struct SplitInput {
  double total_w = 0.0;         // the mains, all phases
  UsageArray measured_w{};      // per category: live sub-meters (complete or partial)
  UsageArray estimated_w{};     // per category: model + tracked appliances (not `other`)
  UsageArray estimated_conf{};  // 0..1 per estimated category
  std::array<bool, kUsageCount> complete{};  // category measured completely by a live sub-meter
};

struct Split {
  UsageArray power_w{};     // sums to total_w
  UsageArray confidence{};  // 1 for a complete live sub-meter
};

// The split of `in.total_w` (see the header comment).
Split split_total(const SplitInput& in) noexcept;

// One category's estimate clamped at 0 over an output step rather than at each sample: what a
// negative estimate cannot give is carried within the step and taken off the next positive
// samples of that step (clamping an estimate that is noise around 0 at every sample adds
// E[max(x, 0)] > 0 to the category and takes it from `other`). Not thread-safe.
class StepClamp {
 public:
  // The estimate (>= 0, W) of a sample of weight_s seconds (> 0) in the step starting at
  // step_start_ms, for a tracked + continuous estimate of want_w (a non-finite one counts as 0).
  double take(std::int64_t step_start_ms, double want_w, double weight_s) noexcept;

 private:
  std::int64_t step_start_ms_ = 0;
  double carried_j_ = 0.0;  // <= 0
};

}  // namespace meterd::nilm
