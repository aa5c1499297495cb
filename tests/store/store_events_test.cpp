// Store::record_event() and publish(const Event&): meter and bus events persist in the store file
// with their own time, beside the store's own events, survive a reopen, ride the flush's
// transaction, survive a failed flush, and a read-only store refuses them.
#include "src/store/store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "src/store/sqlite_db.hpp"
#include "tests/store/store_fixture.hpp"

namespace meterd::store::testing {
namespace {

class StoreEvents : public StoreFixture {};

TEST_F(StoreEvents, PersistsMeterAndLinkEventsAcrossAReopen) {
  {
    auto store = open_store();
    ASSERT_TRUE(store->record_event({at(kT0 + 1500), "rs485-1", "office-1",
                                     EventKind::meter_offline, "timeout: no reply within 300 ms"}));
    ASSERT_TRUE(store->record_event(
        {at(kT0 + 9000), "rs485-1", "", EventKind::link_lost, "cannot open /dev/ttyUSB0"}));
  }
  auto store = open_store();
  const auto events = store->events();
  ASSERT_TRUE(events) << events.error().message();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].time, at(kT0 + 1500));
  EXPECT_EQ((*events)[0].kind, "meter_offline");
  EXPECT_EQ((*events)[0].count, 1);
  EXPECT_EQ((*events)[0].detail, "bus rs485-1, meter office-1: timeout: no reply within 300 ms");
  EXPECT_EQ((*events)[1].time, at(kT0 + 9000));
  EXPECT_EQ((*events)[1].kind, "link_lost");
  EXPECT_EQ((*events)[1].detail, "bus rs485-1: cannot open /dev/ttyUSB0");
}

// Published events wait for the flush and go in its transaction, in order, with the readings:
// the commit appends the pages it changed once (the events table's and the pending index's leaf,
// the file header), where one transaction per event appends them for each (what a flash card
// wears by; NILM's switchings come several a minute).
TEST_F(StoreEvents, PublishedEventsRideTheFlushInOneCommit) {
  auto store = open_store();
  const std::filesystem::path wal = options_.path.string() + "-wal";
  const std::vector<Event> batch{
      {at(kT0 + 1000), "nilm", "usages", EventKind::load_switch, "phase 1 dP +2000 W"},
      {at(kT0 + 900), "rs485-1", "office-1", EventKind::meter_offline, "timeout"},
      {at(kT0 + 2000), "nilm", "usages", EventKind::load_switch, "phase 1 dP -2000 W"}};
  ASSERT_TRUE(store->record_event(batch[0]));  // the pages exist: later commits only rewrite them
  const auto before_one = std::filesystem::file_size(wal);
  ASSERT_TRUE(store->record_event(batch[1]));
  const auto one_commit = std::filesystem::file_size(wal) - before_one;
  ASSERT_GT(one_commit, 0u);
  for (const Event& e : batch) store->publish(e);
  ASSERT_EQ(store->events()->size(), 2u);  // queued, not written
  const auto flushed = store->flush();
  ASSERT_TRUE(flushed) << flushed.error().message();
  EXPECT_EQ(flushed->events, 3u);
  EXPECT_EQ(std::filesystem::file_size(wal) - before_one, 2 * one_commit);
  for (const Event& e : batch) ASSERT_TRUE(store->record_event(e));
  EXPECT_EQ(std::filesystem::file_size(wal) - before_one, 5 * one_commit);
  const auto events = store->events();
  ASSERT_TRUE(events) << events.error().message();
  ASSERT_EQ(events->size(), 8u);
  EXPECT_EQ((*events)[2].detail, "bus nilm, meter usages: phase 1 dP +2000 W");
  EXPECT_EQ((*events)[3].kind, "meter_offline");
  EXPECT_EQ((*events)[3].time, at(kT0 + 900));
  EXPECT_EQ((*events)[4].detail, "bus nilm, meter usages: phase 1 dP -2000 W");
}

// A flush that fails (here: another process holds the file's write lock beyond the 5 s busy
// timeout, as a `sqlite3` shell left in a transaction would) keeps its events with its readings
// for the next one: nothing lost, nothing written twice.
TEST_F(StoreEvents, AFailedFlushKeepsItsEventsForTheNext) {
  auto store = open_store();
  auto other = Db::open(options_.path, false);
  ASSERT_TRUE(other) << other.error().message();
  ASSERT_TRUE(other->exec("BEGIN IMMEDIATE"));
  store->publish(Event{at(kT0), "rs485-1", "office-1", EventKind::meter_offline, "timeout"});
  ASSERT_FALSE(store->flush());
  ASSERT_TRUE(other->exec("ROLLBACK"));
  const auto flushed = store->flush();
  ASSERT_TRUE(flushed) << flushed.error().message();
  EXPECT_EQ(flushed->events, 1u);
  EXPECT_EQ(store->flush()->events, 0u);
  const auto events = store->events();
  ASSERT_TRUE(events) << events.error().message();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().detail, "bus rs485-1, meter office-1: timeout");
}

// A flush that fails after some of its events were inserted (a trigger refuses the second one,
// as a full disk could refuse any write) rolls them back: the next flush writes each once, and
// the queue_overflow note of the same transaction is not lost with it.
TEST_F(StoreEvents, AFlushFailingMidwayWritesEachEventOnceAndKeepsTheOverflowNote) {
  options_.max_queued_events = 2;
  auto store = open_store();
  auto other = Db::open(options_.path, false);
  ASSERT_TRUE(other) << other.error().message();
  ASSERT_TRUE(other->exec(
      "CREATE TABLE refuse (on_ INTEGER); INSERT INTO refuse VALUES (1);"
      "CREATE TRIGGER refuse_second AFTER INSERT ON events "
      "WHEN NEW.detail LIKE '%second%' AND (SELECT count(*) FROM refuse) > 0 "
      "BEGIN SELECT RAISE(ABORT, 'refused'); END;"));
  store->publish(Event{at(kT0), "nilm", "usages", EventKind::load_switch, "first"});
  store->publish(Event{at(kT0 + 1), "nilm", "usages", EventKind::load_switch, "second"});
  store->publish(Event{at(kT0 + 2), "nilm", "usages", EventKind::load_switch, "dropped"});
  const auto failed = store->flush();
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message().find("refused"), std::string::npos) << failed.error().message();
  ASSERT_TRUE(store->events()->empty());
  ASSERT_TRUE(other->exec("DELETE FROM refuse"));
  const auto flushed = store->flush();
  ASSERT_TRUE(flushed) << flushed.error().message();
  EXPECT_EQ(flushed->events, 2u);
  const auto events = store->events();
  ASSERT_TRUE(events) << events.error().message();
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].kind, "queue_overflow");
  EXPECT_EQ((*events)[0].count, 1);
  EXPECT_EQ((*events)[1].detail, "bus nilm, meter usages: first");
  EXPECT_EQ((*events)[2].detail, "bus nilm, meter usages: second");
  EXPECT_EQ(store->dropped_events(), 1u);
}

// stop() flushes what is queued even when only events are (no reading to flush).
TEST_F(StoreEvents, StopWritesQueuedEventsAlone) {
  {
    auto store = open_store();
    store->start();
    store->publish(Event{at(kT0), "rs485-1", "office-1", EventKind::meter_online, "serial 7"});
    store->stop();
  }
  const auto events = open_store()->events();
  ASSERT_TRUE(events) << events.error().message();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().kind, "meter_online");
}

// Beyond max_queued_events, publish() drops and the next flush says how many (queue_overflow).
TEST_F(StoreEvents, AFullEventQueueDropsAndSaysSo) {
  options_.max_queued_events = 2;
  auto store = open_store();
  for (int i = 0; i < 5; ++i)
    store->publish(Event{at(kT0 + i), "nilm", "usages", EventKind::load_switch, ""});
  ASSERT_TRUE(store->flush());
  const auto events = store->events();
  ASSERT_TRUE(events) << events.error().message();
  ASSERT_EQ(events->size(), 3u);  // the note first, then the two kept
  EXPECT_EQ((*events)[0].kind, "queue_overflow");
  EXPECT_EQ((*events)[0].count, 3);
  EXPECT_EQ((*events)[0].detail, "events dropped: the store could not keep up");
  EXPECT_EQ((*events)[2].time, at(kT0 + 1));
}

TEST_F(StoreEvents, ReadOnlyStoreRefusesThem) {
  open_store().reset();  // creates the file
  auto ro = Store::open_read_only(options_, clock_, KeyStore::from_keys({test_key()}).value());
  ASSERT_TRUE(ro) << ro.error().message();
  const auto r = (*ro)->record_event({at(kT0), "bus", "m", EventKind::meter_online, ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::unsupported));
}

}  // namespace
}  // namespace meterd::store::testing
