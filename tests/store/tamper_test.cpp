// Tampering with the file on disk, and rows moved or swapped with SQL: the altered chunk fails
// authentication and is reported by verify(); every other chunk stays readable.
#include "src/store/store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "tests/store/store_fixture.hpp"

namespace meterd::store {
namespace {

using namespace testing;

class Tamper : public StoreFixture {
 protected:
  // 3 meters x 4 closed windows, then the file is closed (WAL checkpointed into it).
  void fill() {
    auto store = open_store();
    for (int i = 0; i < 2400; ++i) {
      for (const char* m : {"m1", "m2", "m3"}) store->publish(bsmart_reading(m, i));
    }
    ASSERT_TRUE(store->close_all_windows());
    ASSERT_EQ(store->verify().value().chunks, 12u);
  }
  std::vector<std::uint8_t> sealed_of(std::int64_t id) {
    auto db = Db::open(options_.path, false).value();
    auto st = db.prepare("SELECT sealed FROM chunks WHERE id = ?").value();
    st.bind(1, id);
    EXPECT_TRUE(st.step().value());
    auto b = st.col_blob(0);
    return {b.begin(), b.end()};
  }
  void expect_only_bad(Store& store, std::vector<std::int64_t> ids) {
    auto report = store.verify().value();
    EXPECT_EQ(report.chunks, 12u);
    std::vector<std::int64_t> bad;
    for (const auto& b : report.bad) {
      bad.push_back(b.chunk_id);
      EXPECT_NE(b.reason.find("authentication failed"), std::string::npos) << b.reason;
    }
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(bad, ids);
    EXPECT_EQ(report.values, (12 - ids.size()) * 600 * 3);
  }
};

TEST_F(Tamper, OneByteChangedOnDiskFailsOnlyThatChunk) {
  fill();
  const std::int64_t victim = 6;  // one window of one meter
  const auto sealed = sealed_of(victim);
  std::vector<char> file;
  {
    std::ifstream in(options_.path, std::ios::binary);
    file.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::vector<char> needle(sealed.begin(), sealed.begin() + 48);
  auto pos = std::search(file.begin(), file.end(), needle.begin(), needle.end());
  ASSERT_NE(pos, file.end()) << "sealed blob not found in the file";
  ASSERT_EQ(std::search(pos + 1, file.end(), needle.begin(), needle.end()), file.end());
  pos[30] = static_cast<char>(pos[30] ^ 0x01);  // one bit of the ciphertext
  {
    std::fstream io(options_.path, std::ios::binary | std::ios::in | std::ios::out);
    io.seekp(pos - file.begin() + 30);
    io.put(pos[30]);
  }
  auto store = open_store();
  expect_only_bad(*store, {victim});
  // Every other chunk still reads back completely.
  std::size_t total = 0;
  for (const char* m : {"m1", "m2", "m3"}) {
    total += store->readings(m, at(kT0), at(kT0 + 2'400'000)).value().size();
  }
  EXPECT_EQ(total, 3u * 2400 - 600);
}

TEST_F(Tamper, RowsMovedToAnotherMeterOrWindowOrSwappedAreRejected) {
  fill();
  {
    auto db = Db::open(options_.path, false).value();
    ASSERT_TRUE(db.exec(
        "UPDATE chunks SET meter_id = (SELECT meter_id FROM chunks WHERE id = 2) WHERE id = 1"));
    ASSERT_TRUE(db.exec(
        "UPDATE chunks SET window_start = window_start + 600000, t_first = t_first + 600000, "
        "t_last = t_last + 600000 WHERE id = 4"));
    ASSERT_TRUE(db.exec(
        "UPDATE chunks SET sealed = (SELECT sealed FROM chunks WHERE id = 8) WHERE id = 7"));
    ASSERT_TRUE(
        db.exec("UPDATE chunks SET uploaded = 1 WHERE id = 9"));  // not authenticated by design
  }
  auto store = open_store();
  expect_only_bad(*store, {1, 4, 7});
}

TEST_F(Tamper, AlteredStagingRowIsReportedAndNotResumed) {
  {
    auto store = open_store();
    for (int i = 0; i < 10; ++i) {  // one staging row per flush
      store->publish(bsmart_reading("m1", i));
      ASSERT_TRUE(store->flush());
    }
  }
  {
    auto db = Db::open(options_.path, false).value();
    ASSERT_TRUE(db.exec("UPDATE staging SET window_start = window_start - 600000 WHERE seq = 3"));
  }
  auto store = open_store();
  auto report = store->verify().value();
  ASSERT_EQ(report.bad.size(), 1u);
  EXPECT_TRUE(report.bad[0].staging_row);
  EXPECT_EQ(report.bad[0].chunk_id, 3);
  EXPECT_EQ(store->readings("m1", at(kT0 - 600'000), at(kT0 + 10'000)).value().size(), 9u);
}

// Staging has no unique key since schema 5 (a flush appends to its end): a copied row is
// authentic but would store its readings twice; verify() names it and it is not resumed.
TEST_F(Tamper, CopiedStagingRowIsReportedAndNotResumedTwice) {
  {
    auto store = open_store();
    for (int i = 0; i < 10; ++i) {
      store->publish(bsmart_reading("m1", i));
      ASSERT_TRUE(store->flush());
    }
  }
  {
    auto db = Db::open(options_.path, false).value();
    ASSERT_TRUE(db.exec("INSERT INTO staging SELECT * FROM staging WHERE seq = 3"));
  }
  auto store = open_store();
  const auto report = store->verify().value();
  EXPECT_EQ(report.staging_rows, 11u);
  ASSERT_EQ(report.bad.size(), 1u);
  EXPECT_TRUE(report.bad[0].staging_row);
  EXPECT_EQ(report.bad[0].chunk_id, 3);
  EXPECT_NE(report.bad[0].reason.find("stored twice"), std::string::npos) << report.bad[0].reason;
  EXPECT_EQ(report.staging_readings, 10u);
  EXPECT_EQ(store->readings("m1", at(kT0), at(kT0 + 10'000)).value().size(), 10u);
  // Sealed into a chunk once each.
  ASSERT_TRUE(store->close_all_windows());
  EXPECT_EQ(store->readings("m1", at(kT0), at(kT0 + 10'000)).value().size(), 10u);
  EXPECT_EQ(store->verify().value().staging_rows, 0u);
}

}  // namespace
}  // namespace meterd::store
