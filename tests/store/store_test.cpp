#include "src/store/store.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "src/store/schema.hpp"
#include "tests/store/store_fixture.hpp"

namespace meterd::store {
namespace {

using namespace testing;
using std::chrono::milliseconds;
using std::chrono::seconds;

class StoreTest : public StoreFixture {};

TEST_F(StoreTest, ReadingsComeBackBitExactFromChunksAndOpenWindows) {
  auto store = open_store();
  std::vector<Reading> a, b;
  for (int i = 0; i < 1500; ++i) {  // 2.5 windows of 10 min
    a.push_back(bsmart_reading("meter-a", i));
    b.push_back(bsmart_reading("meter-b", i));
    store->publish(a.back());
    store->publish(b.back());
  }
  clock_.advance(seconds(1500));
  auto stats = store->flush().value();
  EXPECT_EQ(stats.readings, 3000u);
  EXPECT_EQ(stats.chunks, 4u);    // two closed windows per meter
  EXPECT_EQ(stats.staged, 600u);  // the open third window: 300 readings per meter
  std::string why;
  EXPECT_TRUE(
      same_readings(store->readings("meter-a", at(kT0), at(kT0 + 1'500'000)).value(), a, &why))
      << why;
  EXPECT_TRUE(
      same_readings(store->readings("meter-b", at(kT0), at(kT0 + 1'500'000)).value(), b, &why))
      << why;
  EXPECT_TRUE(store->readings("meter-c", at(kT0), at(kT0 + 1'500'000)).value().empty());
  auto report = store->verify().value();
  EXPECT_TRUE(report.clean());
  EXPECT_EQ(report.chunks, 4u);
  EXPECT_EQ(report.values, 4u * 600 * 3);  // three values per reading
  EXPECT_EQ(report.staging_rows, 2u);      // one per meter and flush
  EXPECT_EQ(report.staging_readings, 600u);
}

TEST_F(StoreTest, SeriesRawAndAggregates) {
  auto store = open_store();
  for (int i = 0; i < 900; ++i) store->publish(bsmart_reading("m", i));
  ASSERT_TRUE(store->flush());
  auto raw = store
                 ->series("m", kPower, at(kT0 + 60'000), at(kT0 + 660'000), milliseconds(0),
                          Aggregate::raw)
                 .value();
  ASSERT_EQ(raw.size(), 600u);  // crosses the window boundary at 600 s
  for (std::size_t k = 0; k < raw.size(); ++k) {
    const auto expect = bsmart_reading("m", static_cast<std::int64_t>(60 + k)).values[0].value;
    ASSERT_EQ(raw[k].time, at(kT0 + 60'000 + 1000 * static_cast<std::int64_t>(k)));
    ASSERT_EQ(raw[k].value, expect);
  }
  auto avg =
      store->series("m", kPower, at(kT0), at(kT0 + 900'000), seconds(60), Aggregate::avg).value();
  auto mx =
      store->series("m", kPower, at(kT0), at(kT0 + 900'000), seconds(60), Aggregate::max).value();
  auto mn =
      store->series("m", kPower, at(kT0), at(kT0 + 900'000), seconds(60), Aggregate::min).value();
  auto last =
      store->series("m", kPower, at(kT0), at(kT0 + 900'000), seconds(60), Aggregate::last).value();
  ASSERT_EQ(avg.size(), 15u);
  for (std::size_t s = 0; s < 15; ++s) {
    double sum = 0, hi = -1e300, lo = 1e300;
    for (int k = 0; k < 60; ++k) {
      const double v = bsmart_reading("m", static_cast<std::int64_t>(60 * s) + k).values[0].value;
      sum += v;
      hi = std::max(hi, v);
      lo = std::min(lo, v);
    }
    EXPECT_EQ(avg[s].time, at(kT0 + 60'000 * static_cast<std::int64_t>(s)));
    EXPECT_DOUBLE_EQ(avg[s].value, sum / 60);
    EXPECT_EQ(mx[s].value, hi);
    EXPECT_EQ(mn[s].value, lo);
    EXPECT_EQ(last[s].value,
              bsmart_reading("m", static_cast<std::int64_t>(60 * s) + 59).values[0].value);
  }
  // Out-of-range voltages are kept raw but left out of aggregates.
  auto volts =
      store->series("m", kVoltage, at(kT0), at(kT0 + 10'000), milliseconds(0), Aggregate::raw)
          .value();
  ASSERT_EQ(volts.size(), 10u);
  EXPECT_EQ(volts[5].quality, Quality::out_of_range);
  auto vmax =
      store->series("m", kVoltage, at(kT0), at(kT0 + 10'000), seconds(10), Aggregate::max).value();
  ASSERT_EQ(vmax.size(), 1u);
  EXPECT_NE(vmax[0].value, volts[5].value);
  EXPECT_FALSE(store->series("m", kPower, at(kT0), at(kT0 + 1), milliseconds(0), Aggregate::avg));
  EXPECT_FALSE(store->series("m", kPower, at(kT0 + 1), at(kT0), milliseconds(0), Aggregate::raw));
}

TEST_F(StoreTest, OpenWindowSurvivesReopenAndClosesOnTheClock) {
  std::vector<Reading> in;
  {
    auto store = open_store();
    for (int i = 0; i < 30; ++i) {
      in.push_back(bsmart_reading("m", i));
      store->publish(in.back());
    }
    auto stats = store->flush().value();
    EXPECT_EQ(stats.staged, 30u);
    EXPECT_EQ(stats.chunks, 0u);
  }  // no close: as after a crash, the window lives only in staging
  auto store = open_store();
  std::string why;
  EXPECT_TRUE(same_readings(store->readings("m", at(kT0), at(kT0 + 600'000)).value(), in, &why))
      << why;
  auto events = store->events().value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "staging_recovered");
  EXPECT_EQ(events[0].count, 30);
  clock_.advance(milliseconds(600'000 + options_.close_grace.count() - 1));
  EXPECT_EQ(store->flush().value().chunks, 0u);
  clock_.advance(milliseconds(1));
  EXPECT_EQ(store->flush().value().chunks, 1u);  // the quiet meter's window closed on time
  auto report = store->verify().value();
  EXPECT_EQ(report.chunks, 1u);
  EXPECT_EQ(report.staging_rows, 0u);
  EXPECT_TRUE(same_readings(store->readings("m", at(kT0), at(kT0 + 600'000)).value(), in, &why))
      << why;
}

TEST_F(StoreTest, LateReadingGetsItsOwnChunkAndNothingIsLost) {
  auto store = open_store();
  for (int i = 0; i < 700; ++i) store->publish(bsmart_reading("m", i));
  ASSERT_EQ(store->flush().value().chunks, 1u);
  Reading late = bsmart_reading("m", 10);  // a backfilled reading of the closed first window
  late.values[0].quality = Quality::backfilled;
  store->publish(late);
  ASSERT_EQ(store->flush().value().chunks, 1u);
  auto all = store->readings("m", at(kT0), at(kT0 + 700'000)).value();
  EXPECT_EQ(all.size(), 701u);
  EXPECT_EQ(store->verify().value().chunks, 2u);
}

TEST_F(StoreTest, FlushThreadWritesWithinTheInterval) {
  options_.flush_interval = milliseconds(20);
  auto store = open_store();
  store->start();
  for (int i = 0; i < 5; ++i) store->publish(bsmart_reading("m", i));
  std::size_t seen = 0;
  for (int tries = 0; tries < 200 && seen < 5; ++tries) {
    std::this_thread::sleep_for(milliseconds(10));
    seen = store->verify().value().staging_readings;  // what is on disk, from another connection
  }
  EXPECT_EQ(seen, 5u);
  store->publish(bsmart_reading("m", 5));
  store->stop();  // flushes what is queued
  EXPECT_EQ(store->verify().value().staging_readings, 6u);
}

TEST_F(StoreTest, FullQueueDropsCountsAndRecordsAnEvent) {
  options_.max_queued_readings = 10;
  auto store = open_store();
  for (int i = 0; i < 15; ++i) store->publish(bsmart_reading("m", i));
  EXPECT_EQ(store->dropped_readings(), 5u);
  EXPECT_EQ(store->flush().value().readings, 10u);
  auto events = store->events().value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "queue_overflow");
  EXPECT_EQ(events[0].count, 5);
}

TEST_F(StoreTest, UploadMarksAndPendingChunks) {
  auto store = open_store();
  for (int i = 0; i < 1900; ++i) store->publish(bsmart_reading("m", i));
  ASSERT_EQ(store->flush().value().chunks, 3u);
  auto pending = store->pending_upload(2).value();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].readings.size(), 600u);
  EXPECT_EQ(pending[0].window_start, at(kT0));
  ASSERT_TRUE(store->mark_uploaded({pending[0].id, pending[1].id}));
  auto rest = store->pending_upload(10).value();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].window_start, at(kT0 + 1'200'000));
}

TEST_F(StoreTest, UploadCursorPersists) {
  {
    auto store = open_store();
    EXPECT_EQ(store->upload_cursor("https://collector").value(), 0);
    ASSERT_TRUE(store->set_upload_cursor("https://collector", 41));
    ASSERT_TRUE(store->set_upload_cursor("https://collector", 42));
  }
  EXPECT_EQ(open_store()->upload_cursor("https://collector").value(), 42);
}

TEST_F(StoreTest, ReadOnlyStoreReadsWhileTheWriterWritesAndWritesNothing) {
  auto writer = open_store();
  for (int i = 0; i < 700; ++i) writer->publish(bsmart_reading("m", i));
  ASSERT_TRUE(writer->flush());
  auto reader =
      Store::open_read_only(options_, clock_, KeyStore::from_keys({test_key()}).value()).value();
  EXPECT_EQ(reader->readings("m", at(kT0), at(kT0 + 700'000)).value().size(),
            700u);  // chunk + staging
  auto report = reader->verify().value();
  EXPECT_TRUE(report.clean());
  EXPECT_EQ(report.staging_readings, 100u);
  reader->publish(bsmart_reading("m", 700));
  EXPECT_EQ(reader->dropped_readings(), 1u);
  EXPECT_TRUE(reader->flush().error().is(Errc::unsupported));
  EXPECT_TRUE(reader->enforce_retention().error().is(Errc::unsupported));
  EXPECT_TRUE(reader->mark_uploaded({1}).error().is(Errc::unsupported));
  EXPECT_TRUE(reader->events().value().empty());
  // The writer carries on meanwhile.
  for (int i = 700; i < 1300; ++i) writer->publish(bsmart_reading("m", i));
  ASSERT_EQ(writer->flush().value().chunks, 1u);
  EXPECT_EQ(reader->verify().value().chunks, 2u);
  TempDir empty;
  StoreOptions missing = options_;
  missing.path = empty.path() / "none.db";
  EXPECT_FALSE(Store::open_read_only(missing, clock_, KeyStore::from_keys({test_key()}).value()));
  EXPECT_FALSE(std::filesystem::exists(missing.path));
}

TEST_F(StoreTest, DestructionFlushesWhatIsQueued) {
  {
    auto store = open_store();
    for (int i = 0; i < 3; ++i) store->publish(bsmart_reading("m", i));
  }
  EXPECT_EQ(open_store()->readings("m", at(kT0), at(kT0 + 3000)).value().size(), 3u);
}

TEST_F(StoreTest, SchemaIsMigratedAndANewerFileRefused) {
  { auto store = open_store(); }
  {
    auto db = Db::open(options_.path, false).value();
    EXPECT_EQ(db.query_int("PRAGMA user_version").value(), kSchemaVersion);
    auto mode = db.prepare("PRAGMA journal_mode").value();
    ASSERT_TRUE(mode.step().value());
    EXPECT_EQ(mode.col_text(0), "wal");
    EXPECT_EQ(db.query_int("PRAGMA auto_vacuum").value(), 2);  // incremental
    ASSERT_TRUE(db.exec("PRAGMA user_version = 99"));
  }
  auto s = Store::open(options_, clock_, KeyStore::from_keys({test_key()}).value());
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().is(Errc::unsupported));
  // From version 0 (an empty file): every migration runs.
  TempDir other;
  auto db = Db::open(other.path() / "old.db", true).value();
  ASSERT_TRUE(migrate(db));
  EXPECT_EQ(db.query_int("PRAGMA user_version").value(), kSchemaVersion);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM sqlite_master WHERE name IN "
                         "('meters','staging','chunks','events','upload_cursor','keys')")
                .value(),
            6);
}

// Version 5 keeps the staging rows in the order flushes wrote them (rowid), so a flush appends to
// one page instead of one per meter (schema.cpp, migration 4 -> 5). A version 4 file's staged
// readings survive the migration and its windows still close.
TEST_F(StoreTest, VersionFourStagingIsResumedAndThenKeptInFlushOrder) {
  std::vector<Reading> in_a, in_b;
  {
    auto store = open_store();
    for (int flush = 0; flush < 3; ++flush) {
      for (int i = flush * 10; i < flush * 10 + 10; ++i) {
        in_a.push_back(bsmart_reading("a", i));
        store->publish(in_a.back());
        if (flush == 0) continue;  // meter b joins a flush later: its seq lags a's
        in_b.push_back(bsmart_reading("b", i));
        store->publish(in_b.back());
      }
      ASSERT_TRUE(store->flush());
    }
  }  // no close: the windows live only in staging
  {  // As schema version 4 kept staging: keyed by (meter_id, seq).
    auto db = Db::open(options_.path, false).value();
    ASSERT_TRUE(db.exec(
        "CREATE TABLE staging_v4 (meter_id INTEGER NOT NULL REFERENCES meters(id), seq INTEGER NOT "
        "NULL, window_start INTEGER NOT NULL, key_id INTEGER NOT NULL, sealed BLOB NOT NULL, "
        "PRIMARY KEY (meter_id, seq)) WITHOUT ROWID; INSERT INTO staging_v4 SELECT * FROM staging; "
        "DROP TABLE staging; ALTER TABLE staging_v4 RENAME TO staging; PRAGMA user_version = 4;"));
  }
  auto store = open_store();
  std::string why;
  EXPECT_TRUE(same_readings(store->readings("a", at(kT0), at(kT0 + 600'000)).value(), in_a, &why))
      << why;
  EXPECT_TRUE(same_readings(store->readings("b", at(kT0), at(kT0 + 600'000)).value(), in_b, &why))
      << why;
  store->publish(bsmart_reading("a", 30));
  store->publish(bsmart_reading("b", 30));
  ASSERT_TRUE(store->flush());
  {
    auto db = Db::open(options_.path, false).value();
    EXPECT_EQ(db.query_int("PRAGMA user_version").value(), kSchemaVersion);
    EXPECT_EQ(db.query_int("SELECT count(*) FROM sqlite_master WHERE name = 'staging' AND sql "
                           "LIKE '%WITHOUT ROWID%'")
                  .value(),
              0);
    // The new flush's rows come last, and each meter's rows are in seq order by rowid (what
    // recover() reads them by).
    EXPECT_EQ(db.query_int("SELECT count(*) FROM (SELECT meter_id, seq FROM staging ORDER BY "
                           "rowid DESC LIMIT 2) JOIN meters m ON m.id = meter_id WHERE (m.name = "
                           "'a' AND seq = 3) OR (m.name = 'b' AND seq = 2)")
                  .value(),
              2);
    EXPECT_EQ(db.query_int("SELECT count(*) FROM staging s JOIN staging p ON p.meter_id = "
                           "s.meter_id AND p.rowid < s.rowid WHERE p.seq >= s.seq")
                  .value(),
              0);
    EXPECT_EQ(db.query_int("SELECT count(*) FROM staging").value(), 3 + 2 + 2);
  }
  clock_.advance(milliseconds(600'000 + options_.close_grace.count()));
  EXPECT_EQ(store->flush().value().chunks, 2u);
  const auto report = store->verify().value();
  EXPECT_TRUE(report.clean());
  EXPECT_EQ(report.chunks, 2u);
  EXPECT_EQ(report.staging_rows, 0u);
  EXPECT_EQ(store->readings("a", at(kT0), at(kT0 + 600'000)).value().size(), 31u);
  EXPECT_EQ(store->readings("b", at(kT0), at(kT0 + 600'000)).value().size(), 21u);
}

// A window that fills up (65,536 readings) in a flush is sealed mid-batch and opens again under
// the same start: its old staging rows go, the new ones stay (deleted before they are written).
TEST_F(StoreTest, AFullWindowSealedMidFlushKeepsTheRestStaged) {
  auto fast = [](std::int64_t i) {  // one every 9 ms: 65,600 fit in one 10-min window
    Reading r = bsmart_reading("m", i);
    r.time = at(kT0 + i * 9);
    return r;
  };
  {
    auto store = open_store();
    for (int i = 0; i < 100; ++i) store->publish(fast(i));
    ASSERT_TRUE(store->flush());
    for (int i = 100; i < 65'600; ++i) store->publish(fast(i));
    const auto stats = store->flush().value();
    EXPECT_EQ(stats.chunks, 1u);   // 100 staged + 65,436 new
    EXPECT_EQ(stats.staged, 64u);  // the window's rest
    const auto report = store->verify().value();
    EXPECT_EQ(report.staging_rows, 1u);
    EXPECT_EQ(report.staging_readings, 64u);
  }  // no close: the rest lives only in staging
  auto store = open_store();
  EXPECT_EQ(store->readings("m", at(kT0), at(kT0 + 600'000)).value().size(), 65'600u);
}

TEST_F(StoreTest, VersionOneFileGainsThePendingUploadIndexAndKeepsItsData) {
  {
    auto store = open_store();
    for (int i = 0; i < 5; ++i) store->publish(bsmart_reading("m", i));
  }
  {  // Make it a version 1 file, as meterd 0.1 wrote it.
    auto db = Db::open(options_.path, false).value();
    ASSERT_TRUE(db.exec("DROP INDEX chunks_pending"));
    ASSERT_TRUE(db.exec("DROP INDEX events_pending"));  // and what version 3 added
    for (const char* column : {"bus", "meter", "note", "uploaded"})
      ASSERT_TRUE(db.exec(std::string("ALTER TABLE events DROP COLUMN ") + column));
    ASSERT_TRUE(db.exec("DROP TABLE IF EXISTS state"));  // and version 4
    ASSERT_TRUE(db.exec("PRAGMA user_version = 1"));
  }
  {
    auto store = open_store();
    EXPECT_EQ(store->readings("m", at(kT0), at(kT0 + 5000)).value().size(), 5u);
  }
  auto db = Db::open(options_.path, false).value();
  EXPECT_EQ(db.query_int("PRAGMA user_version").value(), kSchemaVersion);
  auto plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM chunks WHERE uploaded = 0 ORDER BY id")
                  .value();
  ASSERT_TRUE(plan.step().value());
  EXPECT_NE(plan.col_text(3).find("chunks_pending"), std::string::npos) << plan.col_text(3);
}

TEST_F(StoreTest, ChunksSealedWithARotatedKeyStayReadable) {
  {
    auto store = open_store();
    for (int i = 0; i < 700; ++i) store->publish(bsmart_reading("m", i));
    ASSERT_TRUE(store->flush());
  }
  auto rotated =
      Store::open(options_, clock_, KeyStore::from_keys({test_key(), test_key(8)}).value()).value();
  for (int i = 700; i < 1300; ++i) rotated->publish(bsmart_reading("m", i));
  ASSERT_TRUE(rotated->flush());
  EXPECT_EQ(rotated->readings("m", at(kT0), at(kT0 + 1'300'000)).value().size(), 1300u);
  auto report = rotated->verify().value();
  EXPECT_TRUE(report.clean());
  EXPECT_EQ(report.chunks, 2u);
  rotated.reset();
  // Without the old key the old chunk is reported, the new one still verifies.
  auto only_new = Store::open(options_, clock_, KeyStore::from_keys({test_key(8)}).value()).value();
  auto partial = only_new->verify().value();
  ASSERT_EQ(partial.bad.size(), 1u);
  EXPECT_NE(partial.bad[0].reason.find("not loaded"), std::string::npos);
}

}  // namespace
}  // namespace meterd::store
