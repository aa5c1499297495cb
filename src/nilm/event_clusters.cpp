#include "src/nilm/event_clusters.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace meterd::nilm {
namespace {

constexpr double kCountCap = 1000.0;  // the mean follows slow changes of an appliance
constexpr double kDefaultMaxOnS = 4.0 * 3600.0;
constexpr double kMinMaxOnS = 120.0;
constexpr double kMaxMaxOnS = 24.0 * 3600.0;
constexpr double kMinPairedShare = 0.8;
constexpr double kMinConfirmedShare = 0.8;        // of a cluster's labelled steps, one category
constexpr double kMinConfirmedPairedShare = 0.5;  // its paired share then (slow sampling)
constexpr double kMinLabelledRuns = 5.0;
// The paired runs after which a cluster's own are trusted: its longest run (max_on_s) and, at
// 1 Hz, its pairing together with a reliable neighbourhood (pairs_reliably).
constexpr double kMinOwnRuns = 3.0;
constexpr double kUsualRunFactor = 1.5;  // run_plausibility(): a run "close" to age_s
constexpr double kUsualRunShares = 3.0;  // and 1 / the share of close runs that is fully usual

}  // namespace

double EventClusters::tolerance_w(double w) noexcept {
  return std::max(kAbsToleranceW, kRelTolerance * std::abs(w));
}

bool EventClusters::same_size(double a_w, double b_w) noexcept {
  return std::abs(std::abs(a_w) - std::abs(b_w)) <=
         tolerance_w(std::max(std::abs(a_w), std::abs(b_w)));
}

int EventClusters::match(std::uint8_t phase, double dp_w, double dq_var, bool leg) const noexcept {
  if (!std::isfinite(dp_w) || dp_w == 0.0) return -1;
  const double sign = dp_w > 0.0 ? 1.0 : -1.0;
  const double p = std::abs(dp_w);
  const bool q_known = std::isfinite(dq_var);
  const double q = q_known ? sign * dq_var : 0.0;  // in the ON direction
  int best = -1;
  double best_d = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < clusters_.size(); ++i) {
    const Cluster& c = clusters_[i];
    if (c.phase != phase || c.leg != leg) continue;
    const double tol = tolerance_w(c.dp_w);
    double d = std::abs(p - c.dp_w) / tol;
    if (q_known && c.has_q) d = std::hypot(d, (q - c.dq_var) / tol);
    if (d <= 1.0 && d < best_d) {
      best_d = d;
      best = static_cast<int>(i);
    }
  }
  return best;
}

int EventClusters::assign(std::uint8_t phase, double dp_w, double dq_var, bool leg) {
  if (!std::isfinite(dp_w) || dp_w == 0.0) return -1;
  const double sign = dp_w > 0.0 ? 1.0 : -1.0;
  const double p = std::abs(dp_w);
  const bool q_known = std::isfinite(dq_var);
  const double q = q_known ? sign * dq_var : 0.0;  // in the ON direction
  int best = match(phase, dp_w, dq_var, leg);
  if (best < 0) {
    Cluster fresh;
    fresh.phase = phase;
    fresh.dp_w = p;
    fresh.dq_var = q;
    fresh.has_q = q_known;
    fresh.leg = leg;
    if (clusters_.size() < kMaxClusters) {
      clusters_.push_back(fresh);
      best = static_cast<int>(clusters_.size() - 1);
    } else {  // recycle the least used cluster that no sub-meter labelled
      double least = std::numeric_limits<double>::infinity();
      for (std::size_t i = 0; i < clusters_.size(); ++i) {
        double labels = clusters_[i].unmatched;
        for (double v : clusters_[i].votes) labels += v;
        if (labels == 0.0 && clusters_[i].count < least) {
          least = clusters_[i].count;
          best = static_cast<int>(i);
        }
      }
      if (best >= 0) {
        clusters_[static_cast<std::size_t>(best)] = fresh;
      } else {
        // Full of labelled clusters and none of the step's kind on its phase: a model learned
        // before the leg flag (lone clusters only), whose three-phase appliances' legs would
        // otherwise never be tracked again. The step joins its signature's cluster of the other
        // kind, as it did then.
        const bool kind_known = std::any_of(
            clusters_.begin(), clusters_.end(),
            [&](const Cluster& c) { return c.phase == phase && c.leg == leg; });
        if (kind_known) return -1;
        best = match(phase, dp_w, dq_var, !leg);
        if (best < 0) return -1;
      }
    }
  }
  ++version_;  // a centre moves
  Cluster& c = clusters_[static_cast<std::size_t>(best)];
  c.count = std::min(c.count + 1.0, kCountCap);
  c.dp_w += (p - c.dp_w) / c.count;
  if (q_known) {
    c.dq_var = c.has_q ? c.dq_var + (q - c.dq_var) / c.count : q;
    c.has_q = true;
  }
  return best;
}

void EventClusters::vote(int cluster, Usage usage, double weight) {
  if (cluster < 0 || static_cast<std::size_t>(cluster) >= clusters_.size() || !(weight > 0.0))
    return;
  clusters_[static_cast<std::size_t>(cluster)].votes[index_of(usage)] += weight;
}

void EventClusters::unmatched(int cluster, double weight) {
  if (cluster < 0 || static_cast<std::size_t>(cluster) >= clusters_.size() || !(weight > 0.0))
    return;
  clusters_[static_cast<std::size_t>(cluster)].unmatched += weight;
}

void EventClusters::record_on(int cluster) {
  if (cluster < 0 || static_cast<std::size_t>(cluster) >= clusters_.size()) return;
  ++version_;
  Cluster& c = clusters_[static_cast<std::size_t>(cluster)];
  if (c.ons >= kCountCap) {  // keep the ratio, forget slowly
    c.ons *= 0.5;
    c.on_count *= 0.5;
  }
  c.ons += 1.0;
}

bool EventClusters::pairs_reliably(int cluster) const noexcept {
  if (cluster < 0 || static_cast<std::size_t>(cluster) >= clusters_.size()) return false;
  const Cluster& c = clusters_[static_cast<std::size_t>(cluster)];
  if (c.on_count >= kMinLabelledRuns && c.on_count >= kMinPairedShare * c.ons) return true;
  // The neighbourhood's paired runs count for a fragment as its paired share does; at slow
  // sampling a fragment still needs its own kMinLabelledRuns.
  const double own_runs = slow_sampling_ ? kMinLabelledRuns : kMinOwnRuns;
  if (c.on_count >= own_runs && pooled_pairs_reliably(static_cast<std::size_t>(cluster)))
    return true;
  if (!slow_sampling_ || c.on_count < kMinConfirmedPairedShare * c.ons) return false;
  double labelled = c.unmatched;
  double most = 0.0;
  for (double v : c.votes) {
    labelled += v;
    most = std::max(most, v);
  }
  return most >= kMinLabelledRuns && most >= kMinConfirmedShare * labelled;
}

bool EventClusters::pooled_pairs_reliably(std::size_t i) const noexcept {
  if (reliable_version_.size() != clusters_.size()) {
    reliable_version_.assign(clusters_.size(), 0);
    reliable_.assign(clusters_.size(), false);
  }
  if (reliable_version_[i] == version_) return reliable_[i];
  const Cluster& c = clusters_[i];
  double ons = 0.0;
  double paired = 0.0;
  for (const Cluster& o : clusters_) {  // the neighbours within the matching tolerance
    if (o.phase != c.phase || o.leg != c.leg) continue;
    const double tol = tolerance_w(std::max(o.dp_w, c.dp_w));
    const double d = std::abs(o.dp_w - c.dp_w) / tol;
    if ((o.has_q && c.has_q ? std::hypot(d, (o.dq_var - c.dq_var) / tol) : d) > 1.0) continue;
    ons += o.ons;
    paired += o.on_count;
  }
  reliable_version_[i] = version_;
  reliable_[i] = paired >= kMinLabelledRuns && paired >= kMinPairedShare * ons;
  return reliable_[i];
}

void EventClusters::record_on_duration(int cluster, double seconds) {
  if (cluster < 0 || static_cast<std::size_t>(cluster) >= clusters_.size() || seconds <= 0.0)
    return;
  ++version_;
  Cluster& c = clusters_[static_cast<std::size_t>(cluster)];
  double total = 0.0;
  for (double v : c.durations) total += v;
  if (total >= kCountCap)
    for (double& v : c.durations) v *= 0.5;
  std::size_t bin = 0;
  while (bin < kDurationEdgesS.size() && seconds >= kDurationEdgesS[bin]) ++bin;
  c.durations[bin] += 1.0;
  c.on_count += 1.0;
  c.on_mean_s += (seconds - c.on_mean_s) / std::min(c.on_count, kCountCap);
  c.on_max_s = std::max(c.on_max_s, seconds);
}

void EventClusters::record_labelled_run(int cluster, const Label& label, double seconds) {
  if (cluster < 0 || static_cast<std::size_t>(cluster) >= clusters_.size() || seconds < 0.0) return;
  std::size_t bin = 0;
  while (bin < kDurationEdgesS.size() && seconds >= kDurationEdgesS[bin]) ++bin;
  RunHistogram& h = clusters_[static_cast<std::size_t>(cluster)].runs;
  double total = 0.0;
  for (const auto& row : h)
    for (double v : row) total += v;
  if (total >= kCountCap)  // forget slowly, keep the proportions
    for (auto& row : h)
      for (double& v : row) v *= 0.5;
  for (std::size_t c = 0; c < kUsageCount; ++c) h[c][bin] += label.share[c];
  h[kUsageCount][bin] += label.unexplained;
}

UsageArray EventClusters::shares(int cluster, double age_s) const noexcept {
  if (cluster < 0 || static_cast<std::size_t>(cluster) >= clusters_.size()) return {};
  const RunHistogram& h = clusters_[static_cast<std::size_t>(cluster)].runs;
  std::size_t first = 0;  // the classes of runs at least age_s long (the one holding age_s too)
  while (first < kDurationEdgesS.size() && age_s >= kDurationEdgesS[first]) ++first;
  std::array<double, kUsageCount + 1> surv{};
  double total = 0.0;
  double all = 0.0;
  for (std::size_t c = 0; c <= kUsageCount; ++c)
    for (std::size_t b = 0; b < kDurationBins; ++b) {
      all += h[c][b];
      if (b >= first) {
        surv[c] += h[c][b];
        total += h[c][b];
      }
    }
  if (all < kMinLabelledRuns || total < 1.0) return shares(cluster);
  UsageArray s{};
  for (std::size_t c = 0; c < kUsageCount; ++c) s[c] = surv[c] / total;
  return s;
}

UsageArray EventClusters::shares(int cluster) const noexcept {
  UsageArray s{};
  if (cluster < 0 || static_cast<std::size_t>(cluster) >= clusters_.size()) return s;
  const Cluster& c = clusters_[static_cast<std::size_t>(cluster)];
  double total = c.unmatched;
  for (double v : c.votes) total += v;
  if (total <= 0.0) return s;
  for (std::size_t i = 0; i < kUsageCount; ++i) s[i] = c.votes[i] / total;
  return s;
}

Usage EventClusters::usage_of(int cluster) const noexcept {
  if (cluster < 0 || static_cast<std::size_t>(cluster) >= clusters_.size()) return Usage::other;
  const Cluster& c = clusters_[static_cast<std::size_t>(cluster)];
  std::size_t best = index_of(Usage::other);
  double most = c.unmatched;  // mostly unexplained: `other`
  for (std::size_t i = 0; i < kUsageCount; ++i)
    if (c.votes[i] > most) {
      most = c.votes[i];
      best = i;
    }
  return kAllUsages[best];
}

double EventClusters::on_probability(int cluster, double age_s) const noexcept {
  if (cluster < 0 || static_cast<std::size_t>(cluster) >= clusters_.size()) return 1.0;
  const Cluster& c = clusters_[static_cast<std::size_t>(cluster)];
  double total = 0.0;
  for (double v : c.durations) total += v;
  if (total < kMinLabelledRuns || c.ons <= 0.0) return 1.0;
  // Survival of the paired durations, linear inside a class (the last one ends at 4 h).
  double longer = 0.0;
  for (std::size_t b = 0; b < kDurationBins; ++b) {
    const double lo = b == 0 ? 0.0 : kDurationEdgesS[b - 1];
    const double hi = b < kDurationEdgesS.size() ? kDurationEdgesS[b] : 2.0 * 3600.0;
    if (age_s < lo) {
      longer += c.durations[b];
    } else if (age_s < hi) {
      longer += c.durations[b] * (hi - age_s) / (hi - lo);
    }
  }
  const double survive = longer / total;
  const double seen_off = std::clamp(c.on_count / c.ons, 0.0, 0.99);
  const double denom = survive + (1.0 - survive) * (1.0 - seen_off);
  return denom > 0.0 ? survive / denom : 0.0;
}

double EventClusters::run_plausibility(int cluster, double age_s) const noexcept {
  if (cluster < 0 || static_cast<std::size_t>(cluster) >= clusters_.size()) return 1.0;
  const Cluster& c = clusters_[static_cast<std::size_t>(cluster)];
  double total = 0.0;
  for (double v : c.durations) total += v;
  if (total < kMinLabelledRuns || slow_sampling_) return 1.0;
  // The runs in [age / 1.5, 1.5 age], spread evenly inside each class (the last ends at 2 h).
  const double from = age_s / kUsualRunFactor;
  const double to = age_s * kUsualRunFactor;
  double near = 0.0;
  for (std::size_t b = 0; b < kDurationBins; ++b) {
    const double lo = b == 0 ? 0.0 : kDurationEdgesS[b - 1];
    const double hi = b < kDurationEdgesS.size() ? kDurationEdgesS[b] : 2.0 * 3600.0;
    const double overlap = std::min(hi, to) - std::max(lo, from);
    if (overlap > 0.0) near += c.durations[b] * overlap / (hi - lo);
  }
  return std::min(1.0, kUsualRunShares * near / total);
}

double EventClusters::max_on_s(int cluster) const noexcept {
  if (cluster < 0 || static_cast<std::size_t>(cluster) >= clusters_.size()) return kDefaultMaxOnS;
  const Cluster& c = clusters_[static_cast<std::size_t>(cluster)];
  if (c.on_count < kMinOwnRuns) return kDefaultMaxOnS;
  return std::clamp(1.5 * c.on_max_s, kMinMaxOnS, kMaxMaxOnS);
}

}  // namespace meterd::nilm
