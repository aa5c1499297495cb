// src/app/event_fanout.hpp: one EventSink that forwards every event to several sinks (the
// recent-events window, the store), in the order they were added. Does not own its sinks.
// Thread contract: add() while wiring, before the first publish(); publish() on the event loop.
#pragma once

#include <vector>

#include "meterd/event.hpp"

namespace meterd::app {

class EventFanout final : public EventSink {
 public:
  void add(EventSink& sink) { sinks_.push_back(&sink); }
  void publish(const Event& event) override {
    for (EventSink* s : sinks_) s->publish(event);
  }

 private:
  std::vector<EventSink*> sinks_;
};

}  // namespace meterd::app
