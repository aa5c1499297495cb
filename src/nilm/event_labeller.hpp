// src/nilm/event_labeller.hpp: labels mains switching events with the sub-meters' own events.
//
// While sub-meters report, a step on the mains that coincides (onsets within `window`) with a
// step of the same sign and size on a category's sub-meter is that category's: the step's
// cluster gets a vote. A sub-meter step may also match the sum of simultaneous mains steps on
// different phases (a three-phase appliance). A mains step seen while sub-meters reported that
// nothing matched once it is too old to match is counted `unmatched` on its cluster. Both
// queues are short and bounded (kMaxQueue). Not thread-safe; owned by the engine.
#pragma once

#include "src/nilm/event_clusters.hpp"

#include <cstdint>
#include <deque>

namespace meterd::nilm {

class EventLabeller {
 public:
  static constexpr std::size_t kMaxQueue = 64;

  // Onsets within window_ms match; an event waits expire_ms (after it was seen) for its match.
  void set_windows(std::int64_t window_ms, std::int64_t expire_ms) noexcept {
    window_ms_ = window_ms;
    expire_ms_ = expire_ms;
  }

  // A mains step of `cluster` seen at now_ms; `training` = sub-meters were reporting.
  void mains_event(const SwitchEvent& e, int cluster, bool training, std::int64_t now_ms,
                   EventClusters& clusters);

  // A step of a sub-meter of `usage` seen at now_ms.
  void submeter_event(const SwitchEvent& e, Usage usage, std::int64_t now_ms,
                      EventClusters& clusters);

  // Forgets what is too old to match at now_ms (counting the unmatched training steps).
  void age(std::int64_t now_ms, EventClusters& clusters);

  void clear() noexcept;

 private:
  struct MainsStep {
    std::int64_t t_ms = 0;
    std::int64_t seen_ms = 0;
    std::uint8_t phase = 0;
    double dp_w = 0.0;
    int cluster = -1;
    bool training = false;
    bool matched = false;
  };
  struct SubStep {
    std::int64_t t_ms = 0;
    std::int64_t seen_ms = 0;
    double dp_w = 0.0;
    Usage usage = Usage::other;
  };
  bool try_match(const SubStep& s, EventClusters& clusters);

  std::int64_t window_ms_ = 5'000;
  std::int64_t expire_ms_ = 30'000;
  std::deque<MainsStep> mains_;
  std::deque<SubStep> subs_;
};

}  // namespace meterd::nilm
