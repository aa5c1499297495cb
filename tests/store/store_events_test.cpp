// Store::record_event(): meter and bus events persist in the store file with their own time,
// beside the store's own events, survive a reopen, and a read-only store refuses them.
#include "src/store/store.hpp"

#include <gtest/gtest.h>

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
