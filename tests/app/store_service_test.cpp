// The store's wiring in the daemon: store_setup (options from the config, first-start key,
// refusals) and StoreService (readings and events in, everything flushed on stop), on real key
// files and a real SQLite file in a temp dir.
#include "src/app/store_service.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <condition_variable>
#include <cstdlib>
#include <future>
#include <mutex>

#include "src/app/store_setup.hpp"
#include "tests/app/temp_dir.hpp"

namespace meterd::app {
namespace {

using namespace std::chrono_literals;
using test::TempDir;

config::Config config_in(const TempDir& dir) {
  auto c = config::load_config(dir.write("meterd.yaml",
                                         "gateway: {state_dir: state}\n"
                                         "store: {window: 1min, flush_interval: "
                                         "100ms, max_queued_readings: 5000}\n"));
  EXPECT_TRUE(c) << c.error().to_string();
  return *c;
}

TEST(StoreSetup, OptionsFollowTheConfiguration) {
  const TempDir dir;
  const auto c = config_in(dir);
  const auto o = store_options(c.store);
  EXPECT_EQ(o.path, dir.path() / "state" / "store.db");
  EXPECT_EQ(o.window, 1min);
  EXPECT_EQ(o.flush_interval, 100ms);
  EXPECT_EQ(o.max_queued_readings, 5000u);
  EXPECT_EQ(o.keys.key_dir, dir.path() / "state" / "keys");
  EXPECT_EQ(o.keys.credential, "");
  EXPECT_EQ(format_key_id(0x1a2b3c4d), "0x1a2b3c4d");
  EXPECT_EQ(format_key_id(0x7), "0x00000007");
}

TEST(StoreSetup, GeneratesTheFirstKeyOnlyOnce) {
  const TempDir dir;
  const auto c = config_in(dir);
  auto first = load_or_generate_keys(c.store);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->generated, c.store.key_dir / "key-0001.key");
  auto again = load_or_generate_keys(c.store);
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_TRUE(again->generated.empty());
  EXPECT_EQ(again->keys.active_id(), first->keys.active_id());
}

TEST(StoreSetup, NeverGeneratesWhenACredentialIsConfigured) {
  const TempDir dir;
  auto c = config_in(dir);
  c.store.key_credential = "store.key";
  ::setenv("CREDENTIALS_DIRECTORY", (dir.path() / "creds").c_str(), 1);
  const auto r = load_or_generate_keys(c.store);
  ::unsetenv("CREDENTIALS_DIRECTORY");
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::not_found)) << r.error().message();
  EXPECT_NE(r.error().detail.find("credential store.key"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(c.store.key_dir / "key-0001.key"));
}

TEST(StoreSetup, RefusesAKeyReadableByOthers) {
  const TempDir dir;
  const auto c = config_in(dir);
  ASSERT_TRUE(load_or_generate_keys(c.store));
  const auto key = c.store.key_dir / "key-0001.key";
  ASSERT_EQ(::chmod(key.c_str(), 0640), 0);
  const auto r = load_or_generate_keys(c.store);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::permission_denied));
  EXPECT_NE(r.error().detail.find(key.string()), std::string::npos) << r.error().detail;
}

TEST(StoreService, StoresReadingsAndEventsAndFlushesOnStop) {
  const TempDir dir;
  const auto c = config_in(dir);
  const ManualClock clock(UtcTime{std::chrono::milliseconds{1'763'700'000'000}});
  {
    StoreService service(clock, c);
    EXPECT_EQ(service.store(), nullptr);
    ASSERT_TRUE(service.start());
    ASSERT_NE(service.store(), nullptr);
    for (int i = 0; i < 5; ++i) {
      Reading r{"m1", clock.utc_now() + std::chrono::seconds{i}, TimeSync::synchronized, {}};
      r.values.push_back({ObisCode{1, 1, 32, 7, 0}, 230.0 + i, Unit::volt, Quality::good});
      service.publish(r);
    }
    service.publish(Event{clock.utc_now(), "sim", "m1", EventKind::meter_online, "serial 42"});
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    service.async_stop([&] {
      std::lock_guard lock(m);
      done = true;
      cv.notify_all();
    });
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return done; }));
  }
  auto keys = load_keys(c.store);
  ASSERT_TRUE(keys);
  auto s = store::Store::open_read_only(store_options(c.store), clock, std::move(*keys));
  ASSERT_TRUE(s) << s.error().message();
  const auto readings =
      (*s)->readings("m1", clock.utc_now(), clock.utc_now() + std::chrono::minutes{1});
  ASSERT_TRUE(readings) << readings.error().message();
  ASSERT_EQ(readings->size(), 5u);
  EXPECT_EQ(readings->back().values.at(0).value, 234.0);
  const auto events = (*s)->events();
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().kind, "meter_online");
  EXPECT_EQ(events->front().detail, "bus sim, meter m1: serial 42");
}

TEST(StoreService, MakesAMissingDirectoryPrivate) {
  const TempDir dir;
  auto c = config_in(dir);
  c.store.path = dir.path() / "var" / "meterd" / "store.db";
  const ManualClock clock;
  StoreService service(clock, c);
  ASSERT_TRUE(service.start());
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "var" / "meterd").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  std::promise<void> stopped;
  service.async_stop([&] { stopped.set_value(); });
  EXPECT_EQ(stopped.get_future().wait_for(10s), std::future_status::ready);
}

TEST(StoreService, StartFailsOnAnUnusableFileAndNamesIt) {
  const TempDir dir;
  auto c = config_in(dir);
  c.store.path = dir.path() / "state";  // a directory, not a database
  std::filesystem::create_directories(c.store.path);
  const ManualClock clock;
  StoreService service(clock, c);
  const auto r = service.start();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("cannot open " + c.store.path.string()), std::string::npos)
      << r.error().detail;
  bool done = false;
  service.async_stop([&] { done = true; });
  EXPECT_TRUE(done);
}

}  // namespace
}  // namespace meterd::app
