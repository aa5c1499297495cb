// tests/api/series_cache_test.cpp: SeriesCache serves a response for its ttl, recomputes after,
// and runs one computation for concurrent identical requests (single flight).
#include "src/api/series_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace meterd::api {
namespace {

TEST(SeriesCache, ServesWithinTtlAndRecomputesAfter) {
  ManualClock clock;
  SeriesCache cache(clock, 4, std::chrono::milliseconds(1000));
  int computed = 0;
  auto compute = [&] {
    ++computed;
    return error_response(200, "n", std::to_string(computed));
  };
  EXPECT_EQ(cache.get_or_compute("a", compute).body, cache.get_or_compute("a", compute).body);
  EXPECT_EQ(computed, 1);
  clock.advance(std::chrono::milliseconds(999));
  cache.get_or_compute("a", compute);
  EXPECT_EQ(computed, 1);
  clock.advance(std::chrono::milliseconds(1));
  EXPECT_NE(cache.get_or_compute("a", compute).body.find("\"2\""), std::string::npos);
  cache.get_or_compute("b", compute);
  EXPECT_EQ(computed, 3);
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 3u);
}

TEST(SeriesCache, CapacityEvictsTheOldest) {
  ManualClock clock;
  SeriesCache cache(clock, 2, std::chrono::milliseconds(1000));
  int computed = 0;
  auto compute = [&] {
    ++computed;
    return HttpResponse{};
  };
  cache.get_or_compute("a", compute);
  clock.advance(std::chrono::milliseconds(1));
  cache.get_or_compute("b", compute);
  cache.get_or_compute("c", compute);  // evicts a
  cache.get_or_compute("b", compute);  // still cached
  EXPECT_EQ(computed, 3);
  cache.get_or_compute("a", compute);
  EXPECT_EQ(computed, 4);
}

TEST(SeriesCache, ConcurrentIdenticalRequestsComputeOnce) {
  ManualClock clock;
  SeriesCache cache(clock);
  std::atomic<int> computed{0};
  std::atomic<bool> release{false};
  auto slow = [&] {
    ++computed;
    while (!release) std::this_thread::yield();
    return error_response(200, "x", "once");
  };
  std::vector<std::thread> threads;
  std::vector<std::string> bodies(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] { bodies[i] = cache.get_or_compute("k", slow).body; });
  }
  while (cache.hits() + cache.misses() < 8) std::this_thread::yield();
  release = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(computed, 1);
  for (const auto& b : bodies) EXPECT_EQ(b, bodies[0]);
}

}  // namespace
}  // namespace meterd::api
