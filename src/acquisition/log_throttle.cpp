#include "src/acquisition/log_throttle.hpp"

#include <utility>

namespace meterd::acquisition {

LogThrottle::LogThrottle(const Clock& clock, std::shared_ptr<spdlog::logger> logger,
                         std::chrono::milliseconds period)
    : clock_(clock), logger_(std::move(logger)), period_(period) {}

std::string LogThrottle::format_period(std::chrono::milliseconds period) {
  if (period.count() % 1000 == 0) return std::to_string(period.count() / 1000) + "s";
  return std::to_string(period.count()) + "ms";
}

void LogThrottle::summarise(State& s, MonoTime now) {
  if (s.pending == 0) return;
  const auto span = std::chrono::duration_cast<std::chrono::milliseconds>(now - s.last_logged);
  logger_->warn("{} (repeated {} times in the last {})", s.message, s.pending, format_period(span));
  s.pending = 0;
  s.last_logged = now;
}

void LogThrottle::occurred(const std::string& key, std::string_view message) {
  const MonoTime now = clock_.mono_now();
  auto it = states_.find(key);
  if (it == states_.end()) {
    logger_->warn("{}", message);
    states_.emplace(key, State{std::string(message), 1, 0, now});
    return;
  }
  State& s = it->second;
  ++s.total;
  if (s.message != message) {
    summarise(s, now);
    logger_->warn("{}", message);
    s.message = std::string(message);
    s.last_logged = now;
    return;
  }
  ++s.pending;
  if (now - s.last_logged >= period_) summarise(s, now);
}

void LogThrottle::clear(const std::string& key, std::string_view message) {
  auto it = states_.find(key);
  if (it == states_.end()) return;
  summarise(it->second, clock_.mono_now());
  logger_->info("{} (after {} occurrences)", message, it->second.total);
  states_.erase(it);
}

}  // namespace meterd::acquisition
