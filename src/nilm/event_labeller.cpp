#include "src/nilm/event_labeller.hpp"

#include <algorithm>
#include <cmath>

namespace meterd::nilm {
namespace {

constexpr double kMinShare = 0.2;

}  // namespace

std::optional<Label> label_event(const SwitchEvent& e, int cluster, std::int64_t now_ms,
                                 std::int64_t max_gap_ms, const std::vector<SubmeterChannel>& subs,
                                 EventClusters& clusters) {
  if (cluster < 0 || !std::isfinite(e.dp_w) || e.dp_w == 0.0) return std::nullopt;
  UsageArray delta{};
  bool complete_live = false;
  for (const SubmeterChannel& s : subs) {
    if (!s.live_at(now_ms, max_gap_ms)) continue;
    if (s.last_ms() < e.t_ms) return std::nullopt;  // it has not reported since the onset yet
    const double before = s.power_at(e.t_ms - 1);
    if (std::isnan(before)) return std::nullopt;
    delta[index_of(s.spec().usage)] += s.power_w() - before;
    complete_live = complete_live || s.spec().complete;
  }
  if (!complete_live) return std::nullopt;
  UsageArray share{};
  double sum = 0.0;
  for (std::size_t c = 0; c < kUsageCount; ++c) {
    share[c] = std::clamp(delta[c] / e.dp_w, 0.0, 1.0);
    if (share[c] < kMinShare) share[c] = 0.0;  // a variable load drifting meanwhile
    sum += share[c];
  }
  const double norm = sum > 1.0 ? sum : 1.0;
  Label label;
  for (std::size_t c = 0; c < kUsageCount; ++c) {
    label.share[c] = share[c] / norm;
    clusters.vote(cluster, kAllUsages[c], label.share[c]);
  }
  label.unexplained = 1.0 - sum / norm;
  clusters.unmatched(cluster, label.unexplained);
  return label;
}

}  // namespace meterd::nilm
