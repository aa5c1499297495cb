#include "src/acquisition/latency_window.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace meterd::acquisition {
namespace {

using std::chrono::microseconds;

TEST(LatencyWindow, EmptyHasNoQuantiles) {
  LatencyWindow w(8);
  EXPECT_FALSE(w.quantile(0.5));
  EXPECT_FALSE(w.quantile(0.99));
}

TEST(LatencyWindow, NearestRankOnOneToHundred) {
  std::vector<int> values(100);
  for (int i = 0; i < 100; ++i) values[static_cast<std::size_t>(i)] = i + 1;
  std::shuffle(values.begin(), values.end(), std::mt19937(42));
  LatencyWindow w(1024);
  for (int v : values) w.add(microseconds{v});
  EXPECT_EQ(*w.quantile(0.5), microseconds{50});   // rank ceil(50) = 50
  EXPECT_EQ(*w.quantile(0.99), microseconds{99});  // rank ceil(99) = 99
  EXPECT_EQ(*w.quantile(1.0), microseconds{100});
}

TEST(LatencyWindow, SmallSampleQuantiles) {
  LatencyWindow w(16);
  for (int v : {30, 10, 20}) w.add(microseconds{v});
  EXPECT_EQ(*w.quantile(0.5), microseconds{20});   // rank ceil(1.5) = 2
  EXPECT_EQ(*w.quantile(0.99), microseconds{30});  // rank ceil(2.97) = 3
}

TEST(LatencyWindow, KeepsOnlyTheMostRecentSamples) {
  LatencyWindow w(4);
  for (int v : {1000, 1000, 1000, 1000, 1, 2, 3}) w.add(microseconds{v});
  // Held: 1000 (the last old one), 1, 2, 3.
  EXPECT_EQ(w.size(), 4u);
  EXPECT_EQ(*w.quantile(0.5), microseconds{2});
  EXPECT_EQ(*w.quantile(0.99), microseconds{1000});
  w.add(microseconds{4});  // replaces the last 1000
  EXPECT_EQ(*w.quantile(0.99), microseconds{4});
}

TEST(LatencyWindow, P99SeesTheSlowTail) {
  LatencyWindow w(1024);
  for (int i = 0; i < 1000; ++i) w.add(microseconds{i % 100 < 98 ? 5000 : 200000});
  EXPECT_EQ(*w.quantile(0.5), microseconds{5000});
  EXPECT_EQ(*w.quantile(0.99), microseconds{200000});  // 2 % of samples are slow
}

}  // namespace
}  // namespace meterd::acquisition
