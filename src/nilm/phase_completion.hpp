// src/nilm/phase_completion.hpp: the legs of a balanced three-phase appliance's switching.
//
// A three-phase appliance (a heat pump's compressor, a chiller, an air curtain) switches its
// three phases in the same second by the same step, and the per-phase detectors report three
// steps. When another load switches on one of the phases within the detector's settling wait,
// that phase reports the sum of the two (a 2.7 kW leg and a 2.4 kW display case: one 5.1 kW
// step), which matches neither appliance's signature: the appliance's instance on that phase is
// never opened (or never closed) while its two other legs are tracked. Hart 1992 measures steps
// between steady states and notes that simultaneous switchings add up; this unit takes the
// two clean legs as the evidence of the third: when two phases step in the same direction by
// the same amount (within the clustering tolerance) into clusters of one learned category (one a
// sub-meter voted for, `other` included: an office lift is a three-phase appliance too), and the
// third phase has such a cluster of that size and category, but its step in the
// same window is of another size, that step is split into the appliance's leg (the mean of the
// two others, P and Q) and the remainder, reported as a step of its own (another appliance's,
// of either sign; dropped below kMinRemainderW).
//
// The steps of a three-phase mains are held kHoldMs after their onset and grouped by onset
// (kGroupMs); with fewer phases they pass through at once. Thread contract: not thread-safe;
// owned by the engine. Memory: at most kMaxHeld steps.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "src/nilm/engine.hpp"
#include "src/nilm/event_clusters.hpp"

namespace meterd::nilm {

// A step out of the completion; `remainder`: what is left of a step once a hidden leg was taken
// out of it (its labels from the sub-meters would include the leg's appliance).
// `leg`: a step of a group in which another phase stepped alike (same sign, same size within
// twice the clustering tolerance, the pairing's slack), or a completed leg: a balanced
// appliance's leg, not a single-phase appliance's step (ApplianceTracker::switch_on()); legs
// and lone steps of one size are clustered apart (EventClusters::assign()).
struct PhaseStep {
  SwitchEvent event;
  bool remainder = false;
  bool leg = false;
};

class PhaseCompletion {
 public:
  static constexpr std::int64_t kHoldMs = 30'000;  // a step waits at most that long after its onset
  static constexpr std::int64_t kGroupMs = 2'000;  // onsets this close are one switching
  static constexpr double kMinRemainderW = 50.0;   // a smaller remainder is noise
  static constexpr std::size_t kMaxHeld = 64;

  // A detector step of a mains with `phases` phases: held, or appended to `out` at once when the
  // mains have fewer than three phases.
  void push(const SwitchEvent& e, std::size_t phases, std::vector<PhaseStep>& out);

  // Appends to `out`, in onset order, the held steps whose group is complete at now_ms, the
  // groups completed as above with `clusters`. A group is complete when every phase without a
  // step in it is steady (`changing[ph]` false: its detector has no change under way), or
  // kHoldMs after its first onset.
  void release(std::int64_t now_ms, const std::array<bool, kMaxPhases>& changing,
               const EventClusters& clusters, std::vector<PhaseStep>& out);

  // Appends every held step (a gap, the end of the stream).
  void release_all(const EventClusters& clusters, std::vector<PhaseStep>& out);

 private:
  void release_group(const EventClusters& clusters, std::vector<PhaseStep>& out);

  std::vector<SwitchEvent> held_;  // in onset order
};

// Completes one group of steps of a three-phase mains (see above), in onset order; exposed for
// tests.
std::vector<PhaseStep> complete_three_phase(std::vector<SwitchEvent> group,
                                            const EventClusters& clusters);

}  // namespace meterd::nilm
