// tests/uplink/store_upload_queue_test.cpp: the store as the uplink's UploadQueue, on a real
// SQLite file: oldest first, id ranges, acknowledgement, named positions, backlog counts.
#include "src/store/store_upload_queue.hpp"

#include <gtest/gtest.h>

#include "tests/uplink/uplink_harness.hpp"

namespace meterd::uplink::testing {
namespace {

TEST(StoreUploadQueue, PendingAcknowledgePositionsBacklog) {
  TempDir dir;
  ManualClock clock(at_ms(kT0));
  auto f = fill_store(dir.path() / "store.db", clock, 2, 3);  // 6 chunks, ids 1..6
  store::StoreUploadQueue queue(*f.store);

  auto all = queue.pending(0, 1'000, 100);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 6u);
  for (std::size_t i = 0; i < all->size(); ++i) EXPECT_EQ((*all)[i].id, static_cast<int>(i) + 1);
  std::size_t readings = 0;
  for (const auto& c : *all) readings += c.readings.size();
  EXPECT_EQ(readings, f.readings.size());

  auto first = queue.pending(0, 1'000, 2);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ(first->back().id, 2);
  auto range = queue.pending(2, 3, 8);
  ASSERT_TRUE(range);
  ASSERT_EQ(range->size(), 2u);  // ids 2 and 3 of the oldest 8 pending
  auto b0 = queue.backlog();
  ASSERT_TRUE(b0);
  EXPECT_EQ(b0->chunks, 6u);
  EXPECT_GT(b0->bytes, 0u);

  ASSERT_TRUE(queue.acknowledge({1, 2}));
  auto rest = queue.pending(0, 1'000, 100);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 4u);
  EXPECT_EQ(rest->front().id, 3);
  auto b1 = queue.backlog();
  ASSERT_TRUE(b1);
  EXPECT_EQ(b1->chunks, 4u);
  EXPECT_LT(b1->bytes, b0->bytes);

  EXPECT_EQ(queue.position("uplink").value(), 0);
  ASSERT_TRUE(queue.set_position("uplink", 2));
  EXPECT_EQ(queue.position("uplink").value(), 2);
}

}  // namespace
}  // namespace meterd::uplink::testing
