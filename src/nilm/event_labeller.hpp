// src/nilm/event_labeller.hpp: labels mains switching events with what the sub-meters did.
//
// While sub-meters report, a step of dP on the mains is explained by the change of each
// category's sub-metered power across the same transition (from the sample before its onset to
// the latest): share_c = clamp(dSub_c / dP, 0, 1) (0 below 0.2: a variable load drifting
// meanwhile), normalised when they sum above 1. The step's cluster gets share_c as a vote for c and
// the unexplained rest as `unmatched`, so a cluster's votes estimate P(category | cluster) (the
// supervised labelling of Hart's clusters from sub-metered training data). A three-phase
// appliance's step on one phase is explained by its sub-meter's total change (share clamped at 1).
// Stateless between calls. Thread-safe: pure.
#pragma once

#include <optional>
#include <vector>

#include "src/nilm/event_clusters.hpp"
#include "src/nilm/submeter_channel.hpp"

namespace meterd::nilm {

// Votes on `cluster` for mains step `e` (seen at now_ms) from the live sub-meters in `subs` and
// returns the label; nullopt (nothing voted) when no complete sub-meter is live or the
// sub-meter history does not cover the onset.
std::optional<Label> label_event(const SwitchEvent& e, int cluster, std::int64_t now_ms,
                                 std::int64_t max_gap_ms, const std::vector<SubmeterChannel>& subs,
                                 EventClusters& clusters);

}  // namespace meterd::nilm
