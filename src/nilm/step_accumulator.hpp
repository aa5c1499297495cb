// src/nilm/step_accumulator.hpp: integrates attributed power into output steps.
//
// The engine hands it pieces of held power: "total_w, split as power_w, held over [t, t + d)"
// (sample-and-hold between two mains samples; the engine decides d, so a gap contributes no
// energy). Pieces are cut at step boundaries (multiples of step_ms in local time) and integrated
// exactly. close_until() emits every step that ends at or before a time, including steps that
// received nothing (gaps: covered_s = 0); `other` absorbs the rounding so the categories add up
// to total_wh at every step (closure). Memory: the open steps only (pieces never span more than a
// hold, so a few). Not thread-safe; owned by the engine.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "src/nilm/engine.hpp"

namespace meterd::nilm {

using UsageArray = std::array<double, kUsageCount>;

class StepAccumulator {
 public:
  // Steps of `step_ms` (> 0) aligned on local time UTC + `utc_offset_ms`.
  StepAccumulator(std::int64_t step_ms, std::int64_t utc_offset_ms);

  // Adds `total_w` held over [t_ms, t_ms + dur_ms), split as `power_w` (which should sum to
  // total_w), with per-category `confidence` 0..1. The part before an emitted step is ignored.
  void add(std::int64_t t_ms, std::int64_t dur_ms, double total_w, const UsageArray& power_w,
           const UsageArray& confidence);

  // Emits into `out` every step ending at or before `t_ms`, oldest first. After a long silence
  // only the last kMaxEmptySteps empty steps are emitted (the older ones are skipped).
  void close_until(std::int64_t t_ms, std::vector<StepResult>& out);

  // Emits every step that received data or lies between such steps.
  void close_all(std::vector<StepResult>& out);

  // The start of the step containing `t_ms`.
  std::int64_t step_start(std::int64_t t_ms) const noexcept;

  static constexpr std::int64_t kMaxEmptySteps = 1008;

 private:
  struct Open {
    std::int64_t start_ms = 0;
    std::int64_t covered_ms = 0;
    double total_wh = 0.0;
    UsageArray energy_wh{};
    UsageArray confidence_ms{};
  };
  Open& open_at(std::int64_t start_ms);
  StepResult result_of(const Open& o) const;

  std::int64_t step_ms_;
  std::int64_t utc_offset_ms_;
  bool started_ = false;
  std::int64_t next_start_ = 0;  // the oldest step not yet emitted
  std::deque<Open> open_;        // contiguous steps from next_start_
};

}  // namespace meterd::nilm
