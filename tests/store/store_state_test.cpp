// Store::save_state() / load_state(): a named value survives a reopen, a later save replaces it,
// it is sealed (not in clear in the file), a row renamed or altered fails authentication, a
// version 3 file gains the table without losing data, and a read-only store refuses to save.
#include "src/store/store.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "src/store/schema.hpp"
#include "tests/store/store_fixture.hpp"

namespace meterd::store::testing {
namespace {

using namespace std::chrono_literals;

class StoreState : public StoreFixture {};

constexpr char kModel[] = R"({"format":"meterd-nilm-model","version":1,"slots":[1.5,2.5]})";

TEST_F(StoreState, SavedValueSurvivesAReopenAndALaterSaveReplacesIt) {
  {
    auto store = open_store();
    const auto none = store->load_state("nilm.model");
    ASSERT_TRUE(none) << none.error().message();
    EXPECT_FALSE(*none);
    ASSERT_TRUE(store->save_state("nilm.model", "first"));
    clock_.advance(1h);
    ASSERT_TRUE(store->save_state("nilm.model", kModel));
    ASSERT_TRUE(store->save_state("other", std::string("\0binary\xff", 8)));
  }
  auto store = open_store();
  const auto model = store->load_state("nilm.model");
  ASSERT_TRUE(model) << model.error().message();
  ASSERT_TRUE(*model);
  EXPECT_EQ(**model, kModel);
  const auto other = store->load_state("other");
  ASSERT_TRUE(other && *other);
  EXPECT_EQ(**other, std::string("\0binary\xff", 8));
  auto db = Db::open(options_.path, false).value();
  EXPECT_EQ(db.query_int("SELECT count(*) FROM state").value(), 2);
  EXPECT_EQ(db.query_int("SELECT updated_ms FROM state WHERE name = 'nilm.model'").value(),
            kT0 + 3'600'000);
}

TEST_F(StoreState, ValueIsSealedNotInClear) {
  open_store()->save_state("nilm.model", kModel).value();
  std::ifstream in(options_.path, std::ios::binary);
  std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ifstream wal(options_.path.string() + "-wal", std::ios::binary);
  file.append(std::istreambuf_iterator<char>(wal), std::istreambuf_iterator<char>());
  EXPECT_EQ(file.find("meterd-nilm-model"), std::string::npos);
}

TEST_F(StoreState, RenamedOrAlteredRowFailsAuthentication) {
  {
    auto store = open_store();
    ASSERT_TRUE(store->save_state("a", "value of a"));
    ASSERT_TRUE(store->save_state("b", "value of b"));
  }
  {
    auto db = Db::open(options_.path, false).value();
    ASSERT_TRUE(db.exec("UPDATE state SET name = 'c' WHERE name = 'a'"));
    ASSERT_TRUE(db.exec("UPDATE state SET sealed = substr(sealed, 1, 20) || x'00' || "
                        "substr(sealed, 22) WHERE name = 'b'"));
  }
  auto store = open_store();
  for (const char* name : {"c", "b"}) {
    const auto r = store->load_state(name);
    ASSERT_FALSE(r) << name;
    EXPECT_TRUE(r.error().is(Errc::authentication_failed)) << r.error().message();
    EXPECT_NE(r.error().detail.find(std::string("state ") + name), std::string::npos);
  }
}

TEST_F(StoreState, OlderFileGainsTheTableAndKeepsItsData) {
  {
    auto store = open_store();
    for (int i = 0; i < 5; ++i) store->publish(bsmart_reading("m", i));
  }
  {  // As schema version 3 left it (version 5's staging is read like version 4's).
    auto db = Db::open(options_.path, false).value();
    ASSERT_TRUE(db.exec("DROP TABLE state"));
    ASSERT_TRUE(db.exec("PRAGMA user_version = 3"));
  }
  auto store = open_store();
  EXPECT_EQ(store->readings("m", at(kT0), at(kT0 + 5000)).value().size(), 5u);
  ASSERT_TRUE(store->save_state("nilm.model", kModel));
  EXPECT_EQ(store->load_state("nilm.model").value().value(), kModel);
}

TEST_F(StoreState, ReadOnlyStoreLoadsButRefusesToSave) {
  open_store()->save_state("nilm.model", kModel).value();
  auto ro = Store::open_read_only(options_, clock_, KeyStore::from_keys({test_key()}).value());
  ASSERT_TRUE(ro) << ro.error().message();
  EXPECT_EQ((*ro)->load_state("nilm.model").value().value(), kModel);
  const auto r = (*ro)->save_state("nilm.model", "x");
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::unsupported));
}

}  // namespace
}  // namespace meterd::store::testing
