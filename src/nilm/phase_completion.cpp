#include "src/nilm/phase_completion.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

namespace meterd::nilm {
namespace {

// A third leg this close to the other two (in clustering tolerances, the pairing's own slack:
// ApplianceTracker::kPairTolerance) is the leg itself, not a sum with another switching.
constexpr double kLegSlack = 2.0;

bool same_sign(double a, double b) noexcept { return (a > 0.0) == (b > 0.0); }

// Whether b is a's step on another phase of one three-phase switching: same sign, same size
// within the pairing's slack.
bool alike(const SwitchEvent& a, const SwitchEvent& b) noexcept {
  return a.phase != b.phase && same_sign(a.dp_w, b.dp_w) &&
         std::abs(a.dp_w - b.dp_w) <=
             kLegSlack *
                 EventClusters::tolerance_w(std::max(std::abs(a.dp_w), std::abs(b.dp_w)));
}

// The index in `group` of the step the two clean legs i and j say is the third leg's, hidden
// by another switching; nullopt when there is none.
std::optional<std::size_t> hidden_leg(const std::vector<SwitchEvent>& group, std::size_t i,
                                      std::size_t j, const EventClusters& clusters) {
  const SwitchEvent& a = group[i];
  const SwitchEvent& b = group[j];
  if (a.phase == b.phase || !same_sign(a.dp_w, b.dp_w) ||
      !EventClusters::same_size(a.dp_w, b.dp_w))
    return std::nullopt;
  // Both clean legs in clusters whose category a sub-meter confirmed (`other` included: a
  // lift is a three-phase appliance too); a cluster without votes is no learned appliance.
  const auto learned = [&](int c) {
    if (c < 0) return false;
    const Usage cu = clusters.usage_of(c);
    return clusters.clusters()[static_cast<std::size_t>(c)].votes[index_of(cu)] > 0.0;
  };
  const int ca = clusters.match(a.phase, a.dp_w, a.dq_var, true);
  const int cb = clusters.match(b.phase, b.dp_w, b.dq_var, true);
  if (!learned(ca) || !learned(cb)) return std::nullopt;
  const Usage u = clusters.usage_of(ca);
  if (clusters.usage_of(cb) != u) return std::nullopt;
  const auto third = static_cast<std::uint8_t>(3 - a.phase - b.phase);
  const double leg_w = 0.5 * (a.dp_w + b.dp_w);
  const double leg_q = 0.5 * (a.dq_var + b.dq_var);
  std::optional<std::size_t> hidden;
  for (std::size_t k = 0; k < group.size(); ++k) {
    const SwitchEvent& e = group[k];
    if (e.phase != third) continue;
    if (same_sign(e.dp_w, leg_w) &&
        std::abs(e.dp_w - leg_w) <= kLegSlack * EventClusters::tolerance_w(leg_w))
      return std::nullopt;  // the third leg was seen as it is, within the pairing's slack
    if (!hidden || std::abs(e.t_ms - a.t_ms) < std::abs(group[*hidden].t_ms - a.t_ms)) hidden = k;
  }
  if (!hidden) return std::nullopt;
  const int leg = clusters.match(third, leg_w, leg_q, true);  // the appliance's third leg, learned
  if (!learned(leg) || clusters.usage_of(leg) != u) return std::nullopt;
  return hidden;
}

}  // namespace

std::vector<PhaseStep> complete_three_phase(std::vector<SwitchEvent> group,
                                            const EventClusters& clusters) {
  std::vector<SwitchEvent> added;
  std::vector<bool> split(group.size(), false);
  for (std::size_t i = 0; i < group.size(); ++i) {
    for (std::size_t j = i + 1; j < group.size(); ++j) {
      if (split[i] || split[j]) continue;
      const auto k = hidden_leg(group, i, j, clusters);
      if (!k || split[*k]) continue;
      SwitchEvent& e = group[*k];
      const double leg_w = 0.5 * (group[i].dp_w + group[j].dp_w);
      const double leg_q = 0.5 * (group[i].dq_var + group[j].dq_var);
      SwitchEvent rest = e;
      rest.dp_w = e.dp_w - leg_w;
      rest.dq_var = e.dq_var - leg_q;
      e.dp_w = leg_w;
      e.dq_var = std::isfinite(e.dq_var) ? leg_q : e.dq_var;
      split[*k] = split[i] = split[j] = true;
      if (std::abs(rest.dp_w) >= PhaseCompletion::kMinRemainderW) added.push_back(rest);
    }
  }
  std::vector<PhaseStep> out;
  out.reserve(group.size() + added.size());
  for (std::size_t i = 0; i < group.size(); ++i) {
    bool leg = split[i];  // a completed leg
    for (std::size_t j = 0; j < group.size() && !leg; ++j) leg = alike(group[i], group[j]);
    out.push_back({group[i], false, leg});
  }
  for (const SwitchEvent& e : added) out.push_back({e, true, false});
  std::stable_sort(out.begin(), out.end(), [](const PhaseStep& x, const PhaseStep& y) {
    return x.event.t_ms < y.event.t_ms;
  });
  return out;
}

void PhaseCompletion::push(const SwitchEvent& e, std::size_t phases,
                           std::vector<PhaseStep>& out) {
  if (phases < 3 || e.phase >= 3) {
    out.push_back({e, false});
    return;
  }
  const auto at = std::upper_bound(held_.begin(), held_.end(), e,
                                   [](const SwitchEvent& x, const SwitchEvent& y) {
                                     return x.t_ms < y.t_ms;
                                   });
  held_.insert(at, e);
}

void PhaseCompletion::release_group(const EventClusters& clusters, std::vector<PhaseStep>& out) {
  const std::int64_t first = held_.front().t_ms;
  std::size_t n = 0;
  while (n < held_.size() && held_[n].t_ms - first <= kGroupMs) ++n;
  std::vector<SwitchEvent> group(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(n));
  held_.erase(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(n));
  for (const PhaseStep& e : complete_three_phase(std::move(group), clusters)) out.push_back(e);
}

void PhaseCompletion::release(std::int64_t now_ms, const std::array<bool, kMaxPhases>& changing,
                              const EventClusters& clusters, std::vector<PhaseStep>& out) {
  while (!held_.empty()) {
    const std::int64_t first = held_.front().t_ms;
    bool complete = held_.size() > kMaxHeld || now_ms - first >= kHoldMs;
    if (!complete) {
      std::array<bool, kMaxPhases> seen{};
      for (const SwitchEvent& e : held_)
        if (e.t_ms - first <= kGroupMs) seen[e.phase] = true;
      complete = true;
      for (std::size_t ph = 0; ph < 3; ++ph) complete = complete && (seen[ph] || !changing[ph]);
    }
    if (!complete) return;
    release_group(clusters, out);
  }
}

void PhaseCompletion::release_all(const EventClusters& clusters, std::vector<PhaseStep>& out) {
  while (!held_.empty()) release_group(clusters, out);
}

}  // namespace meterd::nilm
