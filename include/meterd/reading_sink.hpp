// meterd/reading_sink.hpp: where readings go (store, NILM, API cache implement it).
//
// Stages receive readings through this interface and never reach into one another. publish() is
// called on the daemon's event loop; an implementation must not block it (queue and return).
#pragma once

#include "meterd/reading.hpp"

namespace meterd {

class ReadingSink {
 public:
  virtual ~ReadingSink() = default;
  virtual void publish(const Reading& reading) = 0;
};

}  // namespace meterd
