#include "src/acquisition/backoff.hpp"

#include <gtest/gtest.h>

namespace meterd::acquisition {
namespace {

using namespace std::chrono_literals;

TEST(Backoff, DoublesFromInitialToCapWithoutJitter) {
  Backoff b({1s, 300s, 0.2}, [] { return 0.0; });
  const std::chrono::milliseconds expected[] = {1s,  2s,   4s,   8s,   16s, 32s,
                                                64s, 128s, 256s, 300s, 300s};
  for (auto e : expected) EXPECT_EQ(b.next(), e);
  EXPECT_EQ(b.attempts(), 11u);
  b.reset();
  EXPECT_EQ(b.next(), 1s);
}

TEST(Backoff, JitterTakesOffAtMostItsFraction) {
  Backoff b({1s, 60s, 0.2}, [] { return 0.5; });
  EXPECT_EQ(b.next(), 900ms);   // 1 s * (1 - 0.2 * 0.5)
  EXPECT_EQ(b.next(), 1800ms);  // 2 s * 0.9
  Backoff worst({10s, 60s, 0.2}, [] { return 0.999999; });
  EXPECT_EQ(worst.next(), 8000ms);
}

TEST(Backoff, StaysAtCapForManyAttempts) {
  Backoff b({1s, 60s, 0.0}, [] { return 0.7; });
  for (int i = 0; i < 100; ++i) b.next();
  EXPECT_EQ(b.next(), 60s);
}

TEST(Backoff, SeededSourceStaysInRange) {
  auto random = make_uniform_random();
  for (int i = 0; i < 1000; ++i) {
    const double u = random();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

}  // namespace
}  // namespace meterd::acquisition
