// api/series_cache.hpp: a short-lived, single-flight cache of series responses.
//
// A series reads and decodes a day of chunks (milliseconds of store time, serialized by the
// store). Identical requests that arrive together (several dashboards, a page open in several
// tabs, a scraper) cost one store read: the first computes, the others wait for its result, and
// the result is served for `ttl` (default 1 s) to identical requests. Keys are the fully
// resolved query (meter, OBIS, from, to, step, aggregate), so a range ending "now" is a new key
// each millisecond and never served stale beyond the ttl.
// Thread-safe: any number of threads may call get_or_compute() concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>

#include "meterd/clock.hpp"
#include "src/api/http_types.hpp"

namespace meterd::api {

class SeriesCache {
 public:
  SeriesCache(const Clock& clock, std::size_t capacity = 256,
              std::chrono::milliseconds ttl = std::chrono::milliseconds{1000});

  // The response for `key`: cached if computed less than ttl ago (or being computed now: then
  // waits for it), else compute() (which must not throw) on this thread.
  HttpResponse get_or_compute(const std::string& key, const std::function<HttpResponse()>& compute);

  std::size_t hits() const;
  std::size_t misses() const;

 private:
  struct Entry {
    std::shared_future<HttpResponse> response;
    MonoTime computed{};  // when the computation started
  };
  void evict(MonoTime now);  // under mutex_

  const Clock& clock_;
  std::size_t capacity_;
  std::chrono::milliseconds ttl_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  std::size_t hits_ = 0;
  std::size_t misses_ = 0;
};

}  // namespace meterd::api
