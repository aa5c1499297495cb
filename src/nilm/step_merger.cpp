#include "src/nilm/step_merger.hpp"

#include <cmath>

namespace meterd::nilm {

void StepMerger::push(const SwitchEvent& e, std::int64_t period_ms,
                      std::vector<SwitchEvent>& out) {
  if (period_ms < kSlowSampleMs || e.phase >= kMaxPhases) {
    out.push_back(e);
    return;
  }
  auto& h = held_[e.phase];
  const std::int64_t window_ms = kMaxSamples * period_ms + period_ms / 10;  // 10 % jitter
  if (h && (h->step.dp_w > 0.0) == (e.dp_w > 0.0) && e.t_ms - h->last_onset_ms <= window_ms) {
    h->step.dp_w += e.dp_w;
    if (std::isfinite(h->step.dq_var) && std::isfinite(e.dq_var)) h->step.dq_var += e.dq_var;
    h->last_onset_ms = e.t_ms;
    return;
  }
  if (h) out.push_back(h->step);
  h = Held{e, e.t_ms};
}

void StepMerger::flush(std::int64_t now_ms, std::int64_t period_ms,
                       std::vector<SwitchEvent>& out) {
  // A step with its onset inside the window is confirmed at least one period after its onset.
  const std::int64_t wait_ms = kMaxSamples * period_ms + period_ms / 10;
  for (auto& h : held_) {
    if (h && now_ms - h->last_onset_ms > wait_ms) {
      out.push_back(h->step);
      h.reset();
    }
  }
}

void StepMerger::release_all(std::vector<SwitchEvent>& out) {
  for (auto& h : held_) {
    if (h) out.push_back(h->step);
    h.reset();
  }
}

}  // namespace meterd::nilm
