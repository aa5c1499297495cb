#include "src/store/retention.hpp"

#include <gtest/gtest.h>

#include "tests/store/store_fixture.hpp"

namespace meterd::store {
namespace {

using std::chrono::hours;
constexpr std::int64_t kDay = 86'400'000;

// Chunk i: window start i days after day 0, 1000 bytes, 100 values.
ChunkMeta chunk(std::int64_t id, std::int64_t day, bool uploaded) {
  return {id, day * kDay, 1000, uploaded, 100};
}

TEST(RetentionPlan, AgeDeletesOnlyUploadedChunks) {
  RetentionInput in;
  in.now_ms = 40 * kDay;
  in.max_age = hours(24 * 35);
  in.chunks = {chunk(1, 1, true), chunk(2, 2, false), chunk(3, 4, true), chunk(4, 6, true),
               chunk(5, 30, true)};
  auto plan = plan_retention(in);
  EXPECT_EQ(plan.delete_ids, (std::vector<std::int64_t>{1, 3}));  // day 6 is not older than 35 days
  EXPECT_EQ(plan.lost_chunks, 0u);
}

TEST(RetentionPlan, QuotaTakesOldestUploadedFirstThenNotUploadedCountingTheLoss) {
  RetentionInput in;
  in.now_ms = 10 * kDay;
  // Given out of order on purpose.
  in.chunks = {chunk(6, 6, false), chunk(1, 1, false), chunk(2, 2, true),
               chunk(5, 5, true),  chunk(3, 3, false), chunk(4, 4, true)};
  in.used_bytes = 6000;
  in.quota_bytes = 3500;  // 2500 to free: three uploaded chunks
  auto plan = plan_retention(in);
  EXPECT_EQ(plan.delete_ids, (std::vector<std::int64_t>{2, 4, 5}));
  EXPECT_EQ(plan.lost_chunks, 0u);
  in.quota_bytes = 1500;  // 4500 to free: all three uploaded, then the two oldest not uploaded
  plan = plan_retention(in);
  EXPECT_EQ(plan.delete_ids, (std::vector<std::int64_t>{2, 4, 5, 1, 3}));
  EXPECT_EQ(plan.lost_chunks, 2u);
  EXPECT_EQ(plan.lost_values, 200u);
  in.quota_bytes = 0;  // no quota: nothing young goes
  EXPECT_TRUE(plan_retention(in).delete_ids.empty());
}

TEST(RetentionPlan, FreeSpaceFloorFreesTheShortfall) {
  RetentionInput in;
  in.now_ms = 10 * kDay;
  in.chunks = {chunk(1, 1, true), chunk(2, 2, true), chunk(3, 3, false)};
  in.free_bytes = 10'000;
  in.min_free_bytes = 11'500;  // 1500 short: two chunks
  EXPECT_EQ(plan_retention(in).delete_ids, (std::vector<std::int64_t>{1, 2}));
  in.min_free_bytes = 9'000;
  EXPECT_TRUE(plan_retention(in).delete_ids.empty());
}

class StoreRetention : public testing::StoreFixture {};

TEST_F(StoreRetention, StoreDeletesInPromisedOrderAndRecordsLoss) {
  using namespace testing;
  auto store = open_store();
  for (int i = 0; i < 6 * 600 + 1; ++i)
    store->publish(bsmart_reading("m", i));  // 6 chunks + 1 open
  ASSERT_EQ(store->flush().value().chunks, 6u);
  auto pending = store->pending_upload(10).value();
  ASSERT_EQ(pending.size(), 6u);
  ASSERT_TRUE(store->mark_uploaded({pending[3].id, pending[4].id}));  // windows 3 and 4 uploaded

  // Nothing is old and there is no quota: nothing goes.
  EXPECT_EQ(store->enforce_retention().value().deleted_chunks, 0u);

  // Age: 35 days later every chunk is old, but only the uploaded ones may go.
  clock_.advance(std::chrono::hours(24 * 36));
  auto aged = store->enforce_retention().value();
  EXPECT_EQ(aged.deleted_chunks, 2u);
  EXPECT_EQ(aged.lost_chunks, 0u);
  auto left = store->pending_upload(10).value();
  ASSERT_EQ(left.size(), 4u);
  EXPECT_EQ(left[0].window_start, at(kT0));

  // A quota far below the file size: the not-uploaded chunks go too, oldest first, loudly.
  store.reset();
  options_.quota_bytes = 1;
  store = open_store();
  auto lost = store->enforce_retention().value();
  EXPECT_EQ(lost.deleted_chunks, 4u);
  EXPECT_EQ(lost.lost_chunks, 4u);
  EXPECT_EQ(lost.lost_values, 4u * 600 * 3);
  auto events = store->events().value();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().kind, "retention_data_lost");
  EXPECT_EQ(events.back().count, 4 * 600 * 3);
  // The open window (staging) is never touched by retention.
  EXPECT_EQ(store->readings("m", at(kT0), at(kT0 + 10'000'000)).value().size(), 1u);
  EXPECT_TRUE(store->verify().value().clean());
}

}  // namespace
}  // namespace meterd::store
