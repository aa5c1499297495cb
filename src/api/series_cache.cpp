#include "src/api/series_cache.hpp"

#include <algorithm>

namespace meterd::api {

SeriesCache::SeriesCache(const Clock& clock, std::size_t capacity, std::chrono::milliseconds ttl)
    : clock_(clock), capacity_(std::max<std::size_t>(capacity, 1)), ttl_(ttl) {}

HttpResponse SeriesCache::get_or_compute(const std::string& key,
                                         const std::function<HttpResponse()>& compute) {
  std::promise<HttpResponse> promise;
  std::unique_lock lock(mutex_);
  const auto now = clock_.mono_now();
  if (auto it = entries_.find(key); it != entries_.end() && now - it->second.computed < ttl_) {
    ++hits_;
    auto shared = it->second.response;
    lock.unlock();
    return shared.get();  // waits while another thread computes it
  }
  ++misses_;
  evict(now);
  entries_[key] = Entry{promise.get_future().share(), now};
  lock.unlock();
  HttpResponse r = compute();
  promise.set_value(r);
  return r;
}

void SeriesCache::evict(MonoTime now) {
  if (entries_.size() < capacity_) return;
  std::erase_if(entries_, [&](const auto& e) { return now - e.second.computed >= ttl_; });
  while (entries_.size() >= capacity_) {
    auto oldest = std::min_element(
        entries_.begin(), entries_.end(),
        [](const auto& a, const auto& b) { return a.second.computed < b.second.computed; });
    entries_.erase(oldest);
  }
}

std::size_t SeriesCache::hits() const {
  std::lock_guard lock(mutex_);
  return hits_;
}

std::size_t SeriesCache::misses() const {
  std::lock_guard lock(mutex_);
  return misses_;
}

}  // namespace meterd::api
