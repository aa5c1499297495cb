#include "src/pipeline/reading_fanout.hpp"

namespace meterd::pipeline {

void ReadingFanout::add(ReadingSink& sink) { sinks_.push_back(&sink); }

void ReadingFanout::publish(const Reading& reading) {
  for (ReadingSink* sink : sinks_) sink->publish(reading);
}

}  // namespace meterd::pipeline
