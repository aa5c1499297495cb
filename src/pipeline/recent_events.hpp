// pipeline/recent_events.hpp: the last N meter and bus events, for the REST API.
//
// An EventSink that keeps a bounded window of the most recent events (meter offline/online,
// swaps, link lost/reopened), oldest first; older ones fall out. The acquisition scheduler
// already logs each event; this is the in-memory record the API will serve until the store
// persists them. Thread contract: publish() on the event loop; snapshot() from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "meterd/event.hpp"

namespace meterd::pipeline {

class RecentEvents final : public EventSink {
 public:
  // Keeps at most `capacity` events (at least 1).
  explicit RecentEvents(std::size_t capacity = 1000);

  void publish(const Event& event) override;
  // The kept events, oldest first.
  std::vector<Event> snapshot() const;
  // Events published since start, including those that fell out of the window.
  std::uint64_t total() const;

 private:
  mutable std::mutex mutex_;
  std::size_t capacity_;
  std::deque<Event> events_;
  std::uint64_t total_ = 0;
};

}  // namespace meterd::pipeline
