// tests/uplink/store_upload_queue_test.cpp: the store as the uplink's UploadQueue, on a real
// SQLite file: oldest first, id ranges, acknowledgement, named positions, backlog counts; stored
// meter and bus events offered with their fields, acknowledged with chunks in one step, kept
// across a reopen; events of a file from before schema 3 offered too, the store's own never.
#include "src/store/store_upload_queue.hpp"

#include <gtest/gtest.h>

#include <limits>

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

constexpr std::int64_t kAll = std::numeric_limits<std::int64_t>::max();

Event event_at(std::int64_t ms, EventKind kind, const std::string& meter,
               const std::string& detail) {
  return {at_ms(ms), "rs485-1", meter, kind, detail};
}

TEST(StoreUploadQueue, EventsWaitUntilAcknowledgedWithTheirBatchAndSurviveAReopen) {
  TempDir dir;
  ManualClock clock(at_ms(kT0));
  const auto path = dir.path() / "store.db";
  const std::vector<Event> recorded{
      event_at(kT0 + 1, EventKind::meter_online, "m-1", "serial 21000123"),
      event_at(kT0 + 2, EventKind::meter_offline, "m-2", "timeout: no reply within 300 ms"),
      event_at(kT0 + 3, EventKind::link_lost, "", "cannot open /dev/ttyUSB0"),
  };
  {
    auto f = fill_store(path, clock, 1, 2);  // chunks 1, 2
    for (const auto& e : recorded) ASSERT_TRUE(f.store->record_event(e));
    store::StoreUploadQueue queue(*f.store);
    auto all = queue.pending_events(0, kAll, 10);
    ASSERT_TRUE(all) << all.error().message();
    ASSERT_EQ(all->size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ((*all)[i].event, recorded[i]);
    EXPECT_LT((*all)[0].id, (*all)[1].id);
    EXPECT_EQ(queue.pending_events(0, kAll, 2).value().size(), 2u);
    EXPECT_EQ(queue.pending_events((*all)[1].id, (*all)[2].id, 10).value().size(), 2u);
    EXPECT_EQ(queue.backlog().value().events, 3u);

    ASSERT_TRUE(queue.acknowledge_batch({1}, {(*all)[0].id, (*all)[1].id}));
    EXPECT_EQ(queue.pending(0, kAll, 10).value().size(), 1u);
    auto rest = queue.pending_events(0, kAll, 10).value();
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0], (*all)[2]);
    const auto b = queue.backlog().value();
    EXPECT_EQ(b.events, 1u);
    EXPECT_EQ(b.chunks, 1u);
    // The store's own events and the text people read are unchanged.
    const auto kept = f.store->events().value();
    ASSERT_EQ(kept.size(), 3u);
    EXPECT_EQ(kept[1].detail, "bus rs485-1, meter m-2: timeout: no reply within 300 ms");
  }
  auto s = store::Store::open(store_options(path), clock,
                              store::KeyStore::from_keys({store_key()}).value());
  ASSERT_TRUE(s) << s.error().message();
  store::StoreUploadQueue queue(**s);
  auto after = queue.pending_events(0, kAll, 10).value();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].event, recorded[2]);
  ASSERT_TRUE(queue.acknowledge_batch({}, {after[0].id}));
  EXPECT_TRUE(queue.pending_events(0, kAll, 10).value().empty());
  EXPECT_EQ(queue.backlog().value().events, 0u);
}

TEST(StoreUploadQueue, EventsOfAFileFromBeforeSchema3AreOfferedTheStoresOwnNever) {
  TempDir dir;
  ManualClock clock(at_ms(kT0));
  const auto path = dir.path() / "store.db";
  {
    auto f = fill_store(path, clock, 1, 1);
    ASSERT_TRUE(
        f.store->record_event(event_at(kT0 + 5, EventKind::meter_swapped, "m-1", "a -> b")));
  }
  {  // What schema 2 had: no fields apart, no upload mark; and a store event.
    auto db = store::Db::open(path, false).value();
    ASSERT_TRUE(db.exec("DROP INDEX events_pending"));
    for (const char* column : {"bus", "meter", "note", "uploaded"})
      ASSERT_TRUE(db.exec(std::string("ALTER TABLE events DROP COLUMN ") + column));
    ASSERT_TRUE(
        db.exec("INSERT INTO events (t_ms, kind, count, detail) VALUES "
                "(7, 'retention_data_lost', 4, 'chunks deleted before upload')"));
    ASSERT_TRUE(db.exec("DROP TABLE IF EXISTS state"));  // what version 4 adds (schema.cpp)
    ASSERT_TRUE(db.exec("PRAGMA user_version = 2"));
  }
  auto s = store::Store::open(store_options(path), clock,
                              store::KeyStore::from_keys({store_key()}).value());
  ASSERT_TRUE(s) << s.error().message();
  store::StoreUploadQueue queue(**s);
  auto pending = queue.pending_events(0, kAll, 10).value();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].event.kind, EventKind::meter_swapped);
  EXPECT_EQ(pending[0].event.time, at_ms(kT0 + 5));
  EXPECT_EQ(pending[0].event.detail, "bus rs485-1, meter m-1: a -> b");  // the text, whole
  EXPECT_EQ(queue.backlog().value().events, 1u);
  // New events after the upgrade have their fields again.
  ASSERT_TRUE((*s)->record_event(event_at(kT0 + 9, EventKind::link_reopened, "", "")));
  auto both = queue.pending_events(0, kAll, 10).value();
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1].event, event_at(kT0 + 9, EventKind::link_reopened, "", ""));
}

}  // namespace
}  // namespace meterd::uplink::testing
