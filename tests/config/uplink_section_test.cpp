// The `uplink` section: every key read into UplinkConfig, the defaults (off; quarantine under
// gateway.state_dir), and bad values each reported with their exact line, column and message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/config/config.hpp"
#include "tests/config/config_test_util.hpp"

namespace meterd::config {
namespace {

using ::testing::ElementsAre;
using namespace std::chrono_literals;

const std::string kPin = "sha256//" + std::string(43, 'A') + "=";

TEST(UplinkSection, OffByDefault) {
  const auto r = load_config_text("gateway:\n  state_dir: /srv/meterd\n", "ok.yaml");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_FALSE(r->uplink.enabled());
  EXPECT_EQ(r->uplink.encoding, UplinkEncoding::cbor);
  EXPECT_TRUE(r->uplink.gzip);
  EXPECT_EQ(r->uplink.batch_chunks, 8u);
  EXPECT_EQ(r->uplink.heartbeat, 5min);
  EXPECT_EQ(r->uplink.request_timeout, 60s);
  EXPECT_EQ(r->uplink.quarantine_dir, "/srv/meterd/uplink-quarantine");
}

TEST(UplinkSection, ReadsEveryKey) {
  const auto r = load_config_text(R"(uplink:
  url: https://ingest.example.com:8443/api/v1/batches
  proxy: http://proxy.corp:3128
  encoding: json
  gzip: false
  batch_chunks: 16
  batch_interval: 2s
  poll_interval: 1s
  heartbeat: 1min
  timeouts: { connect: 5s, handshake: 6s, request: 30s, idle: 20s }
  backoff: { initial: 2s, max: 10min, retry_after_max: 30min }
  quarantine_dir: /var/lib/meterd/q
  tls:
    ca_file: /etc/meterd/uplink/ca.pem
    cert_file: /etc/meterd/uplink/gateway.pem
    key_file: /etc/meterd/uplink/gateway.key
    pins: ")" + kPin + " " + std::string(64, 'f') +
                                      R"("
)",
                                  "ok.yaml");
  ASSERT_TRUE(r) << r.error().to_string();
  const UplinkConfig& u = r->uplink;
  EXPECT_TRUE(u.enabled());
  EXPECT_EQ(u.url, "https://ingest.example.com:8443/api/v1/batches");
  EXPECT_EQ(u.proxy, "http://proxy.corp:3128");
  EXPECT_EQ(u.encoding, UplinkEncoding::json);
  EXPECT_FALSE(u.gzip);
  EXPECT_EQ(u.batch_chunks, 16u);
  EXPECT_EQ(u.batch_interval, 2s);
  EXPECT_EQ(u.poll_interval, 1s);
  EXPECT_EQ(u.heartbeat, 1min);
  EXPECT_EQ(u.connect_timeout, 5s);
  EXPECT_EQ(u.handshake_timeout, 6s);
  EXPECT_EQ(u.request_timeout, 30s);
  EXPECT_EQ(u.idle_timeout, 20s);
  EXPECT_EQ(u.backoff_initial, 2s);
  EXPECT_EQ(u.backoff_max, 10min);
  EXPECT_EQ(u.retry_after_max, 30min);
  EXPECT_EQ(u.quarantine_dir, "/var/lib/meterd/q");
  EXPECT_EQ(u.ca_file, "/etc/meterd/uplink/ca.pem");
  EXPECT_EQ(u.cert_file, "/etc/meterd/uplink/gateway.pem");
  EXPECT_EQ(u.key_file, "/etc/meterd/uplink/gateway.key");
  EXPECT_THAT(u.pins, ElementsAre(kPin, std::string(64, 'f')));
}

TEST(UplinkSection, UrlNeedsTheTlsFiles) {
  EXPECT_THAT(issues_of("uplink:\n  url: https://h/x\n"),
              ElementsAre(at(1, 1,
                             "uplink.tls: required when uplink.url is set (ca_file, "
                             "cert_file, key_file)")));
  EXPECT_THAT(issues_of("uplink:\n  url: https://h/x\n  tls:\n    ca_file: /ca.pem\n"),
              ElementsAre(at(3, 3, "uplink.tls: missing required key 'cert_file'"),
                          at(3, 3, "uplink.tls: missing required key 'key_file'")));
}

TEST(UplinkSection, BadValuesWithLineAndColumn) {
  EXPECT_THAT(
      issues_of(R"(uplink:
  url: http://h/x
  proxy: socks5://p:1080
  tls: { ca_file: /a, cert_file: /b, key_file: /c, pins: "sha256//short" }
  encoding: protobuf
  batch_chunks: 0
  heartbeat: 5s
  backoff: { initial: 1min, max: 10s }
  timeouts: { idle: 0s }
  colour: blue
)"),
      ElementsAre(
          at(2, 8, "uplink.url: expected https://host[:port]/path, found 'http://h/x'"),
          at(3, 10, "uplink.proxy: expected http://host[:port], found 'socks5://p:1080'"),
          at(4, 58,
             "uplink.tls.pins: expected SPKI SHA-256 pins (sha256//<44 base64 characters> or "
             "64 hex digits), found 'sha256//short'"),
          at(5, 13, "uplink.encoding: expected one of cbor, json, found 'protobuf'"),
          at(6, 17, "uplink.batch_chunks: expected an integer from 1 to 1000, found '0'"),
          at(7, 14, "uplink.heartbeat: expected 0 (off) or a duration from 10s to 1d, found '5s'"),
          at(8, 34,
             "uplink.backoff.max: must not be shorter than uplink.backoff.initial (1min), "
             "found '10s'"),
          at(9, 21, "uplink.timeouts.idle: expected a duration from 1s to 1h, found '0s'"),
          at(10, 3,
             "unknown key 'colour' in uplink (expected one of: url, proxy, tls, "
             "encoding, gzip, batch_chunks, batch_interval, poll_interval, heartbeat, "
             "timeouts, backoff, quarantine_dir)")));
}

}  // namespace
}  // namespace meterd::config
