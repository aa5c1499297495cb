#include "src/nilm/event_labeller.hpp"

#include <array>
#include <cmath>
#include <limits>

namespace meterd::nilm {

bool EventLabeller::try_match(const SubStep& s, EventClusters& clusters) {
  // One mains step of the same sign and size.
  MainsStep* best = nullptr;
  double best_d = std::numeric_limits<double>::infinity();
  // The mains steps of the same sign closest in time per phase, for a three-phase appliance.
  std::array<MainsStep*, kMaxPhases> per_phase{};
  for (MainsStep& m : mains_) {
    if (m.matched || (m.dp_w > 0.0) != (s.dp_w > 0.0) ||
        std::abs(m.t_ms - s.t_ms) > window_ms_)
      continue;
    if (EventClusters::same_size(m.dp_w, s.dp_w)) {
      const double d = std::abs(m.dp_w - s.dp_w);
      if (d < best_d) {
        best_d = d;
        best = &m;
      }
    }
    if (m.phase < kMaxPhases) {
      MainsStep*& slot = per_phase[m.phase];
      if (slot == nullptr || std::abs(m.t_ms - s.t_ms) < std::abs(slot->t_ms - s.t_ms)) slot = &m;
    }
  }
  if (best != nullptr) {
    best->matched = true;
    clusters.vote(best->cluster, s.usage);
    return true;
  }
  double sum = 0.0;
  int n = 0;
  for (const MainsStep* m : per_phase)
    if (m != nullptr) {
      sum += m->dp_w;
      ++n;
    }
  if (n < 2 || !EventClusters::same_size(sum, s.dp_w)) return false;
  for (MainsStep* m : per_phase)
    if (m != nullptr) {
      m->matched = true;
      clusters.vote(m->cluster, s.usage);
    }
  return true;
}

void EventLabeller::mains_event(const SwitchEvent& e, int cluster, bool training,
                                std::int64_t now_ms, EventClusters& clusters) {
  if (cluster < 0) return;
  if (mains_.size() >= kMaxQueue) {
    const MainsStep& old = mains_.front();
    if (old.training && !old.matched) clusters.unmatched(old.cluster);
    mains_.pop_front();
  }
  mains_.push_back({e.t_ms, now_ms, e.phase, e.dp_w, cluster, training, false});
  std::erase_if(subs_, [&](const SubStep& s) { return try_match(s, clusters); });
}

void EventLabeller::submeter_event(const SwitchEvent& e, Usage usage, std::int64_t now_ms,
                                   EventClusters& clusters) {
  const SubStep s{e.t_ms, now_ms, e.dp_w, usage};
  if (try_match(s, clusters)) return;
  if (subs_.size() >= kMaxQueue) subs_.pop_front();
  subs_.push_back(s);
}

void EventLabeller::age(std::int64_t now_ms, EventClusters& clusters) {
  while (!mains_.empty() && now_ms - mains_.front().seen_ms > expire_ms_) {
    const MainsStep& old = mains_.front();
    if (old.training && !old.matched) clusters.unmatched(old.cluster);
    mains_.pop_front();
  }
  while (!subs_.empty() && now_ms - subs_.front().seen_ms > expire_ms_) subs_.pop_front();
}

void EventLabeller::clear() noexcept {
  mains_.clear();
  subs_.clear();
}

}  // namespace meterd::nilm
