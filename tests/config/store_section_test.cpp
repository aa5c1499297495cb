// The `store` section: every key read into StoreConfig, the defaults (paths under
// gateway.state_dir), and bad values each reported with their exact line, column and message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/config/config.hpp"
#include "tests/config/config_test_util.hpp"

namespace meterd::config {
namespace {

using ::testing::ElementsAre;
using namespace std::chrono_literals;

TEST(StoreSection, ReadsEveryKey) {
  const auto r = load_config_text(R"(store:
  path: /data/meterd/readings.db
  flush_interval: 500ms
  window: 5min
  close_grace: 30s
  retention: 60d
  retention_interval: 5min
  quota: 2GiB
  min_free: 100MiB
  max_queued_readings: 50000
  key_dir: /etc/meterd/keys
  key_credential: store.key
)",
                                  "ok.yaml");
  ASSERT_TRUE(r) << r.error().to_string();
  const StoreConfig& s = r->store;
  EXPECT_EQ(s.path, "/data/meterd/readings.db");
  EXPECT_EQ(s.flush_interval, 500ms);
  EXPECT_EQ(s.window, 5min);
  EXPECT_EQ(s.close_grace, 30s);
  EXPECT_EQ(s.retention, std::chrono::hours(24 * 60));
  EXPECT_EQ(s.retention_interval, 5min);
  EXPECT_EQ(s.quota_bytes, 2ull << 30);
  EXPECT_EQ(s.min_free_bytes, 100ull << 20);
  EXPECT_EQ(s.max_queued_readings, 50000u);
  EXPECT_EQ(s.key_dir, "/etc/meterd/keys");
  EXPECT_EQ(s.key_credential, "store.key");
}

TEST(StoreSection, DefaultsLiveUnderTheStateDirectory) {
  const auto r = load_config_text("gateway:\n  state_dir: /srv/meterd\n", "ok.yaml");
  ASSERT_TRUE(r) << r.error().to_string();
  const StoreConfig& s = r->store;
  EXPECT_EQ(s.path, "/srv/meterd/store.db");
  EXPECT_EQ(s.key_dir, "/srv/meterd/keys");
  EXPECT_EQ(s.flush_interval, 1s);
  EXPECT_EQ(s.window, 10min);
  EXPECT_EQ(s.close_grace, 10s);
  EXPECT_EQ(s.retention, std::chrono::hours(24 * 35));
  EXPECT_EQ(s.retention_interval, 60s);
  EXPECT_EQ(s.quota_bytes, 0u);
  EXPECT_EQ(s.min_free_bytes, 0u);
  EXPECT_EQ(s.max_queued_readings, 100000u);
  EXPECT_EQ(s.key_credential, "");
  // The state directory's default applies when there is no gateway section either.
  EXPECT_EQ(load_config_text("", "empty.yaml").value().store.path, "/var/lib/meterd/store.db");
}

TEST(StoreSection, RelativePathsResolveAgainstTheConfigFile) {
  const TempDir dir;
  const auto file =
      dir.write("meterd.yaml", "gateway: {state_dir: state}\nstore: {key_dir: secrets}\n");
  const auto r = load_config(file);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->store.path, dir.path() / "state" / "store.db");
  EXPECT_EQ(r->store.key_dir, dir.path() / "secrets");
}

TEST(StoreSection, WindowMustDivideADayAndStayWithinAnHour) {
  EXPECT_THAT(issues_of("store:\n  window: 7min\n"),
              ElementsAre(at(2, 11,
                             "store.window: expected a duration that divides a day (e.g. "
                             "1min, 5min, 10min, 15min, 1h), found '7min'")));
  EXPECT_THAT(issues_of("store:\n  window: 30s\n"),
              ElementsAre(at(2, 11,
                             "store.window: expected a duration from 1min to 1h, found "
                             "'30s'")));
  EXPECT_THAT(issues_of("store:\n  window: 2h\n"),
              ElementsAre(at(2, 11,
                             "store.window: expected a duration from 1min to 1h, found "
                             "'2h'")));
}

TEST(StoreSection, FlushIntervalAndGraceAreBoundedByTheWindow) {
  EXPECT_THAT(issues_of("store:\n  window: 1min\n  flush_interval: 1min\n  close_grace: 2min\n"),
              ElementsAre(at(4, 16,
                             "store.close_grace: must not be longer than store.window "
                             "(1min), found '2min'")));
  EXPECT_THAT(issues_of("store:\n  flush_interval: 50ms\n"),
              ElementsAre(at(2, 19,
                             "store.flush_interval: expected a duration from 100ms to "
                             "1min, found '50ms'")));
  // Equal to the window is fine.
  const auto ok = load_config_text("store:\n  window: 1min\n  flush_interval: 1min\n", "ok.yaml");
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_EQ(ok->store.flush_interval, 1min);
}

TEST(StoreSection, ReportsEveryBadValueAtOnce) {
  EXPECT_THAT(
      issues_of("store:\n"
                "  retention: 30min\n"
                "  quota: lots\n"
                "  max_queued_readings: 10\n"
                "  key_credential: ../store.key\n"
                "  path: ''\n"
                "  retention_interval: 0s\n"
                "  flush: 1s\n"),
      ElementsAre(
          at(2, 14, "store.retention: expected a duration from 1h to 3650d, found '30min'"),
          at(3, 10, "store.quota: expected a size such as 512MiB, found 'lots'"),
          at(4, 24,
             "store.max_queued_readings: expected an integer from 1000 to 10000000, "
             "found '10'"),
          at(5, 19,
             "store.key_credential: expected a credential name (a file name, no '/'), "
             "found '../store.key'"),
          at(6, 9, "store.path: expected a path, found an empty string"),
          at(7, 23, "store.retention_interval: expected a duration from 1s to 1d, found '0s'"),
          at(8, 3,
             "unknown key 'flush' in store (expected one of: path, window, flush_interval, "
             "close_grace, retention, retention_interval, quota, min_free, max_queued_readings, "
             "key_dir, key_credential)")));
}

}  // namespace
}  // namespace meterd::config
