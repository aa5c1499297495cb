// acquisition/log_throttle.hpp: logs a repeated condition once, then with a count.
//
// A meter that times out every second must not fill an SD card with one line per poll. For each
// condition key (e.g. "m1"): the first occurrence is logged as is (warn); repeats of the same
// message are counted and summarised at most once per period as
//   "<message> (repeated <N> times in the last <span>)"
// where <span> is the time since the previous line about this key (the summary is written by
// the occurrence that finds at least a period elapsed, or by clear());
// a different message under the same key is news and is logged at once (after the pending
// summary of the old one); clear() ends the condition with one info line
//   "<message> (after <N> occurrences)".
// Not thread-safe: one per bus worker. Time from the injected Clock.
#pragma once

#include "meterd/clock.hpp"

#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace meterd::acquisition {

class LogThrottle {
 public:
  LogThrottle(const Clock& clock, std::shared_ptr<spdlog::logger> logger,
              std::chrono::milliseconds period = std::chrono::minutes{1});

  // The condition `key` occurred with this message; logs it or counts it (see above).
  void occurred(const std::string& key, std::string_view message);
  // The condition `key` is over; logs `message` with the total count if it was active.
  void clear(const std::string& key, std::string_view message);
  bool active(const std::string& key) const { return states_.count(key) != 0; }

  // "60s", "1500ms": how spans appear in summaries.
  static std::string format_period(std::chrono::milliseconds period);

 private:
  struct State {
    std::string message;
    std::uint64_t total = 0;    // occurrences since the condition began
    std::uint64_t pending = 0;  // repeats not yet summarised
    MonoTime last_logged{};
  };
  void summarise(State& s, MonoTime now);

  const Clock& clock_;
  std::shared_ptr<spdlog::logger> logger_;
  std::chrono::milliseconds period_;
  std::map<std::string, State, std::less<>> states_;
};

}  // namespace meterd::acquisition
