// The `api` section: every key read into ApiConfig, the defaults (one plain listener on
// 127.0.0.1:8080, no tokens), and bad values each reported with their exact line, column and
// message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/config/config.hpp"
#include "tests/config/config_test_util.hpp"

namespace meterd::config {
namespace {

using ::testing::ElementsAre;
using namespace std::chrono_literals;

TEST(ApiSection, ReadsEveryKey) {
  const auto r = load_config_text(R"(api:
  enabled: true
  listen:
    - address: 127.0.0.1
      port: 8080
    - address: "::"
      port: 8443
      tls: true
  tls:
    cert_file: /etc/meterd/api.crt
    key_file: /etc/meterd/api.key
  tokens_file: /etc/meterd/api-tokens
  limits:
    header: 16KiB
    body: 0B
    connections: 64
    series_points: 50000
    export_range: 7d
  timeouts:
    read: 5s
    write: 1min
  worker_threads: 4
)",
                                  "ok.yaml");
  ASSERT_TRUE(r) << r.error().to_string();
  const ApiConfig& a = r->api;
  EXPECT_TRUE(a.enabled);
  ASSERT_EQ(a.listeners.size(), 2u);
  EXPECT_EQ(a.listeners[0], (ApiListenerConfig{"127.0.0.1", 8080, false}));
  EXPECT_EQ(a.listeners[1], (ApiListenerConfig{"::", 8443, true}));
  EXPECT_EQ(a.tls_cert, "/etc/meterd/api.crt");
  EXPECT_EQ(a.tls_key, "/etc/meterd/api.key");
  EXPECT_EQ(a.tokens_file, "/etc/meterd/api-tokens");
  EXPECT_EQ(a.max_header_bytes, 16u * 1024);
  EXPECT_EQ(a.max_body_bytes, 0u);
  EXPECT_EQ(a.max_connections, 64u);
  EXPECT_EQ(a.max_series_points, 50000u);
  EXPECT_EQ(a.max_export_range, std::chrono::hours(24 * 7));
  EXPECT_EQ(a.read_timeout, 5s);
  EXPECT_EQ(a.write_timeout, 1min);
  EXPECT_EQ(a.worker_threads, 4u);
}

TEST(ApiSection, Defaults) {
  const auto r = load_config_text("", "empty.yaml");
  ASSERT_TRUE(r) << r.error().to_string();
  const ApiConfig& a = r->api;
  EXPECT_TRUE(a.enabled);
  ASSERT_EQ(a.listeners.size(), 1u);
  EXPECT_EQ(a.listeners[0], (ApiListenerConfig{"127.0.0.1", 8080, false}));
  EXPECT_TRUE(a.tokens_file.empty());
  EXPECT_EQ(a.max_header_bytes, 8u * 1024);
  EXPECT_EQ(a.max_connections, 128u);
  EXPECT_EQ(a.read_timeout, 10s);
  const auto off = load_config_text("api:\n  enabled: false\n", "off.yaml");
  ASSERT_TRUE(off) << off.error().to_string();
  EXPECT_FALSE(off->api.enabled);
}

TEST(ApiSection, ListenerChecks) {
  EXPECT_THAT(issues_of("api:\n  listen:\n    - address: localhost\n      port: 80\n"),
              ElementsAre(at(3, 16,
                             "api.listen[0].address: expected an IPv4 or IPv6 address "
                             "(e.g. 127.0.0.1, 0.0.0.0, ::1), found 'localhost'")));
  EXPECT_THAT(issues_of("api:\n  listen:\n    - port: 0\n"),
              ElementsAre(at(3, 13,
                             "api.listen[0].port: expected an integer from 1 to 65535, "
                             "found '0'")));
  EXPECT_THAT(issues_of("api:\n  listen:\n    - port: 9000\n    - port: 9000\n"),
              ElementsAre(at(4, 13,
                             "api.listen[1].port: the address 127.0.0.1 and port 9000 "
                             "are already listed")));
  EXPECT_THAT(issues_of("api:\n  listen: []\n"),
              ElementsAre(at(2, 11,
                             "api.listen: expected at least one listener (or enabled: "
                             "false)")));
  EXPECT_THAT(issues_of("api:\n  listen:\n    - port: 8443\n      tls: true\n"),
              ElementsAre(at(3, 5,
                             "api.listen: a listener with tls: true needs tls.cert_file "
                             "and tls.key_file")));
}

TEST(ApiSection, ReportsEveryBadValueAtOnce) {
  EXPECT_THAT(
      issues_of("api:\n"
                "  limits:\n"
                "    header: 100B\n"
                "    connections: 0\n"
                "  timeouts:\n"
                "    read: 10min\n"
                "  worker_threads: 99\n"
                "  tokens: /x\n"),
      ElementsAre(at(3, 13, "api.limits.header: expected a size from 1KiB to 64KiB, found '100B'"),
                  at(4, 18,
                     "api.limits.connections: expected an integer from 1 to 10000, found "
                     "'0'"),
                  at(6, 11,
                     "api.timeouts.read: expected a duration from 100ms to 5min, found "
                     "'10min'"),
                  at(7, 19, "api.worker_threads: expected an integer from 1 to 16, found '99'"),
                  at(8, 3,
                     "unknown key 'tokens' in api (expected one of: enabled, listen, tls, "
                     "tokens_file, limits, timeouts, worker_threads)")));
}

}  // namespace
}  // namespace meterd::config
