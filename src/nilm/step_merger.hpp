// src/nilm/step_merger.hpp: joins the steps of one switching that slow sampling cut apart.
//
// At 1-min data a switching rarely falls on a sample boundary: a start or a ramp is spread over
// two or three samples (AMPds2's heat pump: +1.4 kW in the sample of its start, +0.3 kW in the
// next), and the change detector, which needs two steady samples to confirm a level, reports it
// as two or three steps of the same direction whose sizes depend on where the boundary fell.
// When the mains sampling period is at least kSlowSampleMs, consecutive steps of one phase in one
// direction whose onsets are at most kMaxSamples periods apart are one switching: dP and dQ are
// summed and the step is dated at its first onset (Hart 1992 measures a step between two steady
// states; at this rate the steady state is only reached after the ramp). Faster data (1 Hz, 6 s)
// passes through unchanged: there the detector's settling wait already spans a transition.
// Output lag: at most (kMaxSamples + 2) periods after the last step joined.
//
// Thread contract: not thread-safe; owned by the engine. Memory: one held step per phase.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "src/nilm/engine.hpp"

namespace meterd::nilm {

class StepMerger {
 public:
  static constexpr std::int64_t kSlowSampleMs = 30'000;
  static constexpr std::int64_t kMaxSamples = 2;

  // A detector step at sampling period `period_ms` (ms between mains samples); appends to `out`
  // the steps that are complete (at once when sampling is fast).
  void push(const SwitchEvent& e, std::int64_t period_ms, std::vector<SwitchEvent>& out);

  // Appends to `out` the held steps that no later step can join at `now_ms`.
  void flush(std::int64_t now_ms, std::int64_t period_ms, std::vector<SwitchEvent>& out);

  // Appends every held step to `out` (a gap, the end of the stream).
  void release_all(std::vector<SwitchEvent>& out);

 private:
  struct Held {
    SwitchEvent step;
    std::int64_t last_onset_ms = 0;  // onset of the last step joined
  };
  std::array<std::optional<Held>, kMaxPhases> held_;
};

}  // namespace meterd::nilm
