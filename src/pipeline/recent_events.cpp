#include "src/pipeline/recent_events.hpp"

#include <algorithm>

namespace meterd::pipeline {

RecentEvents::RecentEvents(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

void RecentEvents::publish(const Event& event) {
  const std::lock_guard lock(mutex_);
  if (events_.size() == capacity_) events_.pop_front();
  events_.push_back(event);
  ++total_;
}

std::vector<Event> RecentEvents::snapshot() const {
  const std::lock_guard lock(mutex_);
  return {events_.begin(), events_.end()};
}

std::uint64_t RecentEvents::total() const {
  const std::lock_guard lock(mutex_);
  return total_;
}

}  // namespace meterd::pipeline
