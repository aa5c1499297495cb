#include "src/nilm/appliance_tracker.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace meterd::nilm {

void ApplianceTracker::switch_on(std::int64_t t_ms, std::uint8_t phase, double dp_w, int cluster,
                                 const std::optional<Label>& label, const EventClusters* clusters,
                                 double dq_var, bool leg) {
  if (cluster < 0 || !(dp_w > 0.0)) return;
  // A two-state appliance switched on again: its OFF step was missed, it restarts now (and a
  // dropped instance of it will not be closed any more). Its instance: the one of its cluster or
  // (at 1 Hz) of a neighbouring fragment of its signature, a leg's for a leg.
  const bool fragments = clusters != nullptr && !clusters->slow_sampling();
  const auto same = [&](const ApplianceInstance& a) {
    if (a.leg != leg) return false;
    if (a.cluster == cluster) return true;
    if (!fragments || a.phase != phase) return false;
    const double tol = EventClusters::tolerance_w(dp_w);
    double d = std::abs(a.p_w - dp_w) / tol;
    if (std::isfinite(a.q_var) && std::isfinite(dq_var))
      d = std::hypot(d, (a.q_var - dq_var) / tol);
    return d <= 1.0;
  };
  for (const ApplianceInstance& a : running_) {
    if (!same(a)) continue;
    if (shadows_.size() >= kMaxInstances) shadows_.erase(shadows_.begin());
    shadows_.push_back(a);  // or a second appliance of its size still on
  }
  std::erase_if(running_, same);
  std::erase_if(dropped_, same);
  if (running_.size() >= kMaxInstances) running_.erase(running_.begin());
  running_.push_back({cluster, phase, dp_w, t_ms, label, dq_var, leg});
}

namespace {

// How far (W) an instance's power may be from an OFF step of off_w and still be its appliance.
double pair_tolerance_w(double off_w) noexcept {
  return ApplianceTracker::kPairTolerance * EventClusters::tolerance_w(off_w);
}

// An OFF step as the pairing sees it: its size (W, > 0), its dQ in the ON direction (NaN: not
// measured), its cluster and whether it is a leg of a switching of several phases.
struct OffStep {
  std::uint8_t phase = 0;
  double p_w = 0.0;
  double q_var = 0.0;
  int cluster = -1;
  bool leg = false;
};

// The distance of OFF step `off` from instance `a` closed at t_ms, in pairing tolerances (NaN:
// too far): the size difference (in the (P, Q) plane when they are of different learned
// categories at 1 Hz), plus 1 when `a` is of another cluster, plus 1 when one is a leg and the
// other not and, with `clusters`, up to 1 when its run length would be unusual for its cluster.
double pairing_distance(const ApplianceInstance& a, std::int64_t t_ms, const OffStep& off,
                        const EventClusters* clusters) {
  const double tol = pair_tolerance_w(off.p_w);
  if (a.phase != off.phase) return std::numeric_limits<double>::quiet_NaN();
  double d = std::abs(a.p_w - off.p_w) / tol;
  if (clusters != nullptr && !clusters->slow_sampling() && std::isfinite(a.q_var) &&
      std::isfinite(off.q_var) && clusters->usage_of(a.cluster) != clusters->usage_of(off.cluster))
    d = std::hypot(d, (a.q_var - off.q_var) / tol);
  if (d > 1.0) return std::numeric_limits<double>::quiet_NaN();
  if (a.cluster != off.cluster) d += 1.0;  // prefer the OFF step's own cluster
  if (a.leg != off.leg) d += 1.0;          // and a leg's instance for a leg
  if (clusters == nullptr) return d;
  const double age_s = static_cast<double>(t_ms - a.on_ms) / 1000.0;
  return d + 1.0 - clusters->run_plausibility(a.cluster, age_s);  // and a usual run length
}

// The index of the instance of `in` the OFF step closes, in.size() if none.
std::size_t closest(const std::vector<ApplianceInstance>& in, std::int64_t t_ms, const OffStep& off,
                    const EventClusters* clusters) {
  std::size_t best = in.size();
  double best_d = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < in.size(); ++i) {
    const double d = pairing_distance(in[i], t_ms, off, clusters);
    if (d < best_d) {  // false for NaN
      best_d = d;
      best = i;
    }
  }
  return best;
}

// The index of the running instance an OFF step larger than any of them closes: the same
// appliance, grown during its run (see switch_off()); in.size() if none.
std::size_t grown(const std::vector<ApplianceInstance>& in, std::uint8_t phase, double off_w,
                  int cluster, const EventClusters& clusters) {
  const double tol = pair_tolerance_w(off_w);
  const Usage usage = clusters.usage_of(cluster);
  std::size_t best = in.size();
  double best_d = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < in.size() && usage != Usage::other; ++i) {
    const ApplianceInstance& a = in[i];
    if (a.phase != phase || a.p_w > off_w + tol || clusters.usage_of(a.cluster) != usage) continue;
    const double d = std::abs(a.p_w - off_w);
    if (d < best_d) {
      best_d = d;
      best = i;
    }
  }
  return best;
}

// Takes in[i] out of `in` as the run it made until t_ms.
PairedRun close(std::vector<ApplianceInstance>& in, std::size_t i, std::int64_t t_ms) {
  const ApplianceInstance a = in[i];
  in.erase(in.begin() + static_cast<std::ptrdiff_t>(i));
  return PairedRun{a.cluster, static_cast<double>(t_ms - a.on_ms) / 1000.0, a.label};
}

}  // namespace

std::optional<PairedRun> ApplianceTracker::switch_off(std::int64_t t_ms, std::uint8_t phase,
                                                      double dp_w, int cluster,
                                                      const EventClusters* clusters,
                                                      double dq_var, bool leg) {
  const double off = std::abs(dp_w);
  const OffStep step{phase, off, -dq_var, cluster, leg};
  if (const auto i = closest(running_, t_ms, step, clusters); i < running_.size())
    return close(running_, i, t_ms);
  if (clusters != nullptr) {
    if (const auto i = grown(running_, phase, off, cluster, *clusters); i < running_.size())
      return close(running_, i, t_ms);
  }
  // An OFF step no running instance takes ends a shadow of its size (not a run the clusters
  // learn from: whether the shadow was a second appliance is unknown) and a dropped one.
  if (const auto i = closest(shadows_, t_ms, step, clusters); i < shadows_.size())
    shadows_.erase(shadows_.begin() + static_cast<std::ptrdiff_t>(i));
  if (const auto i = closest(dropped_, t_ms, step, clusters); i < dropped_.size())
    return close(dropped_, i, t_ms);
  return std::nullopt;
}

void ApplianceTracker::expire(std::int64_t t_ms, const EventClusters& clusters) {
  const auto too_old = [&](const ApplianceInstance& a) {
    return static_cast<double>(t_ms - a.on_ms) / 1000.0 > clusters.max_on_s(a.cluster);
  };
  std::erase_if(dropped_, too_old);
  std::erase_if(shadows_, [&](const ApplianceInstance& a) {
    const double age_s = static_cast<double>(t_ms - a.on_ms) / 1000.0;
    return too_old(a) || clusters.on_probability(a.cluster, age_s) < kMinOnProbability;
  });
  std::erase_if(running_, [&](const ApplianceInstance& a) {
    const double age_s = static_cast<double>(t_ms - a.on_ms) / 1000.0;
    if (too_old(a)) return true;
    if (clusters.on_probability(a.cluster, age_s) >= kMinOnProbability) return false;
    if (dropped_.size() >= kMaxInstances) dropped_.erase(dropped_.begin());
    dropped_.push_back(a);  // its OFF step may still come
    return true;
  });
}

UsageArray ApplianceTracker::attributed_w(const EventClusters& clusters, std::int64_t t_ms,
                                          const std::array<double, kMaxPhases>& phase_w,
                                          const InstanceShares& shares,
                                          std::array<double, kMaxPhases>* per_phase_w) const {
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
    if (per_phase_w) (*per_phase_w)[ph] = f * sum[ph];
  }
  return out;
}

UsageArray ApplianceTracker::shadow_w(const EventClusters& clusters, std::int64_t t_ms) const {
  UsageArray out{};
  for (const ApplianceInstance& a : shadows_) {
    if (!clusters.pairs_reliably(a.cluster)) continue;
    const double age_s = static_cast<double>(t_ms - a.on_ms) / 1000.0;
    const UsageArray s = clusters.shares(a.cluster, age_s);
    const double p = a.p_w * clusters.on_probability(a.cluster, age_s);
    for (std::size_t c = 0; c < kUsageCount; ++c) out[c] += p * s[c];
  }
  return out;
}

}  // namespace meterd::nilm
