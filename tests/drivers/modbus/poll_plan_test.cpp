#include "drivers/modbus/poll_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace meterd::modbus {
namespace {

using Spans = std::vector<RegisterSpan>;

TEST(PollPlan, AdjacentItemsBecomeOneRead) {
  const Spans needed{{0x2104, 2}, {0x2100, 2}, {0x2102, 2}};
  EXPECT_EQ(plan_reads(needed, {}).value(), (Spans{{0x2100, 6}}));
}

TEST(PollPlan, SmallGapIsReadOver) {
  const Spans needed{{0x2100, 2}, {0x210C, 2}};  // gap of 10 registers
  EXPECT_EQ(plan_reads(needed, {}).value(), (Spans{{0x2100, 14}}));
  EXPECT_EQ(plan_reads(needed, {}, {.max_registers = 125, .max_gap = 9}).value(),
            (Spans{{0x2100, 2}, {0x210C, 2}}));
}

TEST(PollPlan, GapOutsideReadableRegistersIsNotReadOver) {
  const Spans needed{{0x2134, 2}, {0x2138, 2}};
  const Spans readable{{0x2100, 0x36}, {0x2138, 2}};
  EXPECT_EQ(plan_reads(needed, readable).value(), (Spans{{0x2134, 2}, {0x2138, 2}}));
  const Spans wider{{0x2100, 0x40}};
  EXPECT_EQ(plan_reads(needed, wider).value(), (Spans{{0x2134, 6}}));
}

TEST(PollPlan, NoBlockExceeds125Registers) {
  Spans needed;
  for (std::uint16_t a = 0; a < 200; a += 4)
    needed.push_back({static_cast<std::uint16_t>(0x3000 + a), 4});
  const auto plan = plan_reads(needed, {}).value();
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0], (RegisterSpan{0x3000, 124}));  // 31 doubles; the 32nd would make 128
  EXPECT_EQ(plan[1], (RegisterSpan{0x3000 + 124, 76}));
  for (const auto& b : plan) EXPECT_LE(b.count, 125);
}

TEST(PollPlan, ItemsAreNeverSplit) {
  const Spans needed{{0, 124}, {124, 4}};
  const auto plan = plan_reads(needed, {}).value();
  EXPECT_EQ(plan, (Spans{{0, 124}, {124, 4}}));
}

TEST(PollPlan, OverlapsAndDuplicatesAreMerged) {
  const Spans needed{{10, 4}, {12, 4}, {10, 4}};
  EXPECT_EQ(plan_reads(needed, {}).value(), (Spans{{10, 6}}));
}

TEST(PollPlan, OversizedItemIsRejected) {
  const Spans needed{{0, 126}};
  auto r = plan_reads(needed, {});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::invalid_argument));
}

TEST(PollPlan, EmptyNeedsNoRead) { EXPECT_TRUE(plan_reads({}, {}).value().empty()); }

// The fewest blocks by exhaustive dynamic programming over sorted, disjoint items.
std::size_t optimum(Spans items, PlanLimits limits) {
  std::sort(items.begin(), items.end(),
            [](const RegisterSpan& a, const RegisterSpan& b) { return a.address < b.address; });
  const std::size_t n = items.size();
  std::vector<std::size_t> best(n + 1, SIZE_MAX);
  best[0] = 0;
  for (std::size_t i = 0; i < n; ++i) {  // a block starting at item i
    if (best[i] == SIZE_MAX) continue;
    for (std::size_t j = i; j < n; ++j) {  // ... ending at item j
      if (items[j].end() - items[i].address > limits.max_registers) break;
      if (j > i && items[j].address - items[j - 1].end() > limits.max_gap) break;
      best[j + 1] = std::min(best[j + 1], best[i] + 1);
    }
  }
  return best[n];
}

TEST(PollPlan, GreedyIsOptimalOnRandomLayouts) {
  std::mt19937 rng(42);  // fixed seed: reproducible
  for (int round = 0; round < 300; ++round) {
    Spans items;
    std::uint16_t at = 0;
    const int n = 1 + static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) {
      at = static_cast<std::uint16_t>(at + rng() % 30);
      const auto count = static_cast<std::uint16_t>(rng() % 2 ? 2 : 4);
      items.push_back({at, count});
      at = static_cast<std::uint16_t>(at + count);
    }
    const PlanLimits limits{.max_registers = static_cast<std::uint16_t>(20 + rng() % 106),
                            .max_gap = static_cast<std::uint16_t>(rng() % 20)};
    const auto plan = plan_reads(items, {}, limits).value();
    EXPECT_EQ(plan.size(), optimum(items, limits)) << "round " << round;
    for (const auto& item : items) {
      EXPECT_TRUE(std::any_of(plan.begin(), plan.end(), [&](const RegisterSpan& b) {
        return b.address <= item.address && item.end() <= b.end();
      }));
    }
    for (const auto& b : plan) EXPECT_LE(b.count, limits.max_registers);
  }
}

TEST(PollPlan, FindRegistersSlicesTheRightBlock) {
  const std::vector<RegisterBlock> blocks{{0x2100, {1, 2, 3, 4}}, {0x2300, {5, 6}}};
  auto s = find_registers(blocks, {0x2102, 2});
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0], 3);
  EXPECT_EQ(s[1], 4);
  EXPECT_EQ(find_registers(blocks, {0x2300, 2})[1], 6);
  EXPECT_TRUE(find_registers(blocks, {0x2103, 2}).empty());
  EXPECT_TRUE(find_registers(blocks, {0x2200, 2}).empty());
}

}  // namespace
}  // namespace meterd::modbus
