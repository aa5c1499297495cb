#include "src/nilm/appliance_tracker.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace meterd::nilm {

void ApplianceTracker::switch_on(std::int64_t t_ms, std::uint8_t phase, double dp_w, int cluster,
                                 const std::optional<Label>& label) {
  if (cluster < 0 || !(dp_w > 0.0)) return;
  // A two-state appliance switched on again: its OFF step was missed, it restarts now.
  std::erase_if(running_, [&](const ApplianceInstance& a) { return a.cluster == cluster; });
  if (running_.size() >= kMaxInstances) running_.erase(running_.begin());
  running_.push_back({cluster, phase, dp_w, t_ms, label});
}

std::optional<PairedRun> ApplianceTracker::switch_off(std::int64_t t_ms, std::uint8_t phase,
                                                      double dp_w, int cluster,
                                                      const EventClusters* clusters) {
  const double off = std::abs(dp_w);
  const double tol =
      kPairTolerance * std::max(EventClusters::kAbsToleranceW, EventClusters::kRelTolerance * off);
  std::size_t best = running_.size();
  double best_d = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < running_.size(); ++i) {
    const ApplianceInstance& a = running_[i];
    if (a.phase != phase) continue;
    double d = std::abs(a.p_w - off) / tol;
    if (d > 1.0) continue;
    if (a.cluster != cluster) d += 1.0;  // prefer the OFF step's own cluster
    if (d < best_d) {
      best_d = d;
      best = i;
    }
  }
  if (best == running_.size() && clusters != nullptr) {  // the same appliance, grown
    const Usage usage = clusters->usage_of(cluster);
    for (std::size_t i = 0; i < running_.size() && usage != Usage::other; ++i) {
      const ApplianceInstance& a = running_[i];
      if (a.phase != phase || a.p_w > off + tol || clusters->usage_of(a.cluster) != usage) continue;
      const double d = std::abs(a.p_w - off);
      if (d < best_d) {
        best_d = d;
        best = i;
      }
    }
  }
  if (best == running_.size()) return std::nullopt;
  const ApplianceInstance a = running_[best];
  running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(best));
  return PairedRun{a.cluster, static_cast<double>(t_ms - a.on_ms) / 1000.0, a.label};
}

void ApplianceTracker::expire(std::int64_t t_ms, const EventClusters& clusters) {
  std::erase_if(running_, [&](const ApplianceInstance& a) {
    const double age_s = static_cast<double>(t_ms - a.on_ms) / 1000.0;
    return age_s > clusters.max_on_s(a.cluster) ||
           clusters.on_probability(a.cluster, age_s) < kMinOnProbability;
  });
}

UsageArray ApplianceTracker::attributed_w(const EventClusters& clusters, std::int64_t t_ms,
                                          const std::array<double, kMaxPhases>& phase_w,
                                          const InstanceShares& shares) const {
  std::array<UsageArray, kMaxPhases> per_phase{};
  std::array<double, kMaxPhases> sum{};
  for (const ApplianceInstance& a : running_) {
    if (a.phase >= kMaxPhases || !clusters.pairs_reliably(a.cluster)) continue;
    const double age_s = static_cast<double>(t_ms - a.on_ms) / 1000.0;
    const UsageArray s = shares ? shares(a, age_s) : clusters.shares(a.cluster, age_s);
    const double p = a.p_w * clusters.on_probability(a.cluster, age_s);
    for (std::size_t c = 0; c < kUsageCount; ++c) {
      per_phase[a.phase][c] += p * s[c];
      sum[a.phase] += p * s[c];
    }
  }
  UsageArray out{};
  for (std::size_t ph = 0; ph < kMaxPhases; ++ph) {
    const double f = std::isfinite(phase_w[ph]) && sum[ph] > phase_w[ph]
                         ? std::max(phase_w[ph], 0.0) / sum[ph]
                         : 1.0;
    for (std::size_t c = 0; c < kUsageCount; ++c) out[c] += f * per_phase[ph][c];
  }
  return out;
}

}  // namespace meterd::nilm
