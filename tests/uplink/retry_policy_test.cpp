// tests/uplink/retry_policy_test.cpp: status verdicts, backoff with injected jitter, Retry-After
// (RFC 9110 §10.2.3), URLs and SPKI pins.
#include "src/uplink/retry_policy.hpp"

#include <gtest/gtest.h>

#include "src/uplink/tls_options.hpp"
#include "src/uplink/url.hpp"

namespace meterd::uplink {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, ClassifiesStatuses) {
  EXPECT_EQ(classify_status(200), Verdict::acknowledged);
  EXPECT_EQ(classify_status(204), Verdict::acknowledged);
  for (unsigned s : {408u, 429u, 500u, 502u, 503u, 504u, 401u, 403u, 495u, 496u})
    EXPECT_EQ(classify_status(s), Verdict::retry) << s;
  for (unsigned s : {400u, 404u, 409u, 413u, 415u, 422u, 301u, 100u})
    EXPECT_EQ(classify_status(s), Verdict::quarantine) << s;
}

TEST(RetryPolicy, ExponentialBackoffWithEqualJitterIsCapped) {
  const BackoffOptions o{milliseconds{1000}, milliseconds{60'000}, milliseconds{3'600'000}};
  auto low = [] { return 0.0; };
  auto high = [] { return 0.999999; };
  EXPECT_EQ(backoff_delay(0, o, low), milliseconds{500});
  EXPECT_EQ(backoff_delay(0, o, high).count(), 999);
  EXPECT_EQ(backoff_delay(3, o, low), milliseconds{4000});
  EXPECT_EQ(backoff_delay(6, o, low), milliseconds{30'000});  // 64 s capped at 60 s
  EXPECT_EQ(backoff_delay(1000, o, high).count(), 59'999);    // no overflow
  auto half = [] { return 0.5; };
  EXPECT_EQ(backoff_delay(2, o, half), milliseconds{3000});
}

TEST(RetryPolicy, RetryAfterSecondsAndDates) {
  const UtcTime now{std::chrono::seconds{784111777}};  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(parse_retry_after("120", now), milliseconds{120'000});
  EXPECT_EQ(parse_retry_after(" 0 ", now), milliseconds{0});
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now), milliseconds{120'000});
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), milliseconds{0});
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("12x", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:51:37 CET", now), std::nullopt);
  const BackoffOptions o{milliseconds{1000}, milliseconds{60'000}, milliseconds{600'000}};
  auto u = [] { return 0.0; };
  EXPECT_EQ(retry_delay(0, milliseconds{7000}, o, u), milliseconds{7000});
  EXPECT_EQ(retry_delay(0, milliseconds{7'200'000}, o, u), milliseconds{600'000});
  EXPECT_EQ(retry_delay(1, std::nullopt, o, u), milliseconds{1000});
}

TEST(Url, ParsesWhatTheUplinkTakes) {
  auto u = parse_url("https://ingest.example.com/api/v1/batches?x=1", "https");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "ingest.example.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/api/v1/batches?x=1");
  auto v6 = parse_url("HTTPS://[::1]:8443", "https");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->authority(), "[::1]:8443");
  EXPECT_EQ(v6->target, "/");
  auto proxy = parse_url("http://proxy.corp:3128", "http");
  ASSERT_TRUE(proxy);
  EXPECT_EQ(proxy->port, 3128);
  EXPECT_FALSE(parse_url("http://x/", "https"));
  EXPECT_FALSE(parse_url("https://:443/", "https"));
  EXPECT_FALSE(parse_url("https://h:0/", "https"));
  EXPECT_FALSE(parse_url("https://h:70000/", "https"));
  EXPECT_FALSE(parse_url("https://user@h/", "https"));
  EXPECT_FALSE(parse_url("ingest.example.com", "https"));
}

TEST(Pins, HexAndBase64) {
  auto hex = parse_pin(std::string(64, 'a'));
  ASSERT_TRUE(hex);
  EXPECT_EQ((*hex)[0], 0xaa);
  // 32 zero bytes in base64: 43 'A' and one '='.
  auto b64 = parse_pin("sha256//" + std::string(43, 'A') + "=");
  ASSERT_TRUE(b64);
  EXPECT_EQ((*b64)[31], 0);
  EXPECT_FALSE(parse_pin("sha256//AAAA"));
  EXPECT_FALSE(parse_pin(std::string(63, 'a')));
  EXPECT_FALSE(parse_pin(std::string(64, 'g')));
}

}  // namespace
}  // namespace meterd::uplink
