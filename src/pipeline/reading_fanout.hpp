// pipeline/reading_fanout.hpp: one ReadingSink that forwards every reading to several sinks.
//
// The composition root adds the stages (latest values now; store, NILM later: one add() each)
// before acquisition starts; each sink receives every reading in the order the sinks were added.
// The fan-out does not own its sinks: they must outlive it.
// Thread contract: add() before the first publish(), from the thread that wires the daemon;
// publish() on the event loop like any ReadingSink.
#pragma once

#include <vector>

#include "meterd/reading_sink.hpp"

namespace meterd::pipeline {

class ReadingFanout final : public ReadingSink {
 public:
  // Appends `sink`; adding the same sink twice delivers each reading to it twice.
  void add(ReadingSink& sink);
  // Hands `reading` to every sink, in order of add().
  void publish(const Reading& reading) override;
  std::size_t size() const noexcept { return sinks_.size(); }

 private:
  std::vector<ReadingSink*> sinks_;
};

}  // namespace meterd::pipeline
