// src/nilm/change_detector.hpp: finds the switching steps in one phase of a power signal.
//
// Online change detection on the (P, Q) vector of one phase: a two-sided CUSUM / GLR test on
// the departure from the current steady level, then a settling wait so that inrush, ramps and
// multi-second transitions are measured between two steady states rather than sample to sample
// (Hart 1992 "Nonintrusive appliance load monitoring", section on edge detection; Page 1954
// CUSUM). Works from ~1 Hz to 1-min data (the thresholds are in W, the waits in seconds, both
// independent of the rate). Emits a SwitchEvent (cluster = -1) per accepted step.
//
// Thread contract: not thread-safe; one owner. Memory is O(1) in the signal length.
#pragma once

#include "src/nilm/engine.hpp"

#include <cstdint>
#include <optional>

namespace meterd::nilm {

struct DetectorConfig {
  double min_step_w = 30.0;         // smallest |dP| (or |dQ|) reported
  double noise_w = 5.0;             // expected std of P around a steady level
  std::int64_t settle_ms = 3'000;   // steadiness required on the new level
  std::int64_t max_gap_ms = 180'000;  // a longer silence resets the detector (no event across)
};

class ChangeDetector {
 public:
  ChangeDetector(std::uint8_t phase, DetectorConfig config);

  // One sample of this phase (p in W, q in var or NaN). Returns an event once the new level is
  // confirmed, dated at the first sample of the change. NaN p is ignored.
  std::optional<SwitchEvent> push(std::int64_t t_ms, double p_w, double q_var);

  // The current steady level (P, Q) as the detector estimates it.
  double level_p() const noexcept;
  double level_q() const noexcept;

 private:
  // implementation state (the detector helper owns this section)
};

}  // namespace meterd::nilm
