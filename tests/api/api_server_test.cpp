// tests/api/api_server_test.cpp: the server's bounds and security over real sockets: bearer
// tokens (read vs admin, wrong token, unreadable-by-others file), oversized headers and bodies,
// a slow client (slowloris) that gets 408 while others are served, the connection cap, TLS with
// a key file that must be private, keep-alive.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "src/api/server.hpp"
#include "src/api/token_auth.hpp"
#include "tests/api/api_fixture.hpp"
#include "tests/api/http_client.hpp"

namespace meterd::api::testing {
namespace {

using nlohmann::json;
constexpr const char* kRead = "read-token-0123456789abcdef";
constexpr const char* kAdmin = "admin-token-0123456789abcdef";

std::string error_of(const Reply& r) {
  const auto body = json::parse(r.body, nullptr, false);
  return body.is_object() ? body.value("error", "") : "<not JSON: " + r.body + ">";
}

std::filesystem::path write_tokens(const TempDir& dir, mode_t mode) {
  const auto path = dir.path() / "tokens";
  std::ofstream(path) << "# meterd API tokens\nread " << kRead << "\n\nadmin " << kAdmin << "\n";
  ::chmod(path.c_str(), mode);
  return path;
}

TEST(ApiServer, BearerTokensReadAndAdmin) {
  TempDir dir;
  auto options = ApiFixture::test_options();
  options.tokens_file = write_tokens(dir, 0600);
  ApiFixture f(options);
  ASSERT_TRUE(f.start_result()) << f.start_result().error().message();
  const auto port = f.port();
  auto none = get(port, "/api/v1/meters");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(error_of(none), "unauthorized");
  EXPECT_EQ(none.headers["www-authenticate"], "Bearer realm=\"meterd\"");
  auto wrong = get(port, "/api/v1/meters", "read-token-0123456789abcdeX");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(error_of(wrong), "unauthorized");
  EXPECT_EQ(get(port, "/api/v1/meters", kRead).status, 200);
  EXPECT_EQ(get(port, "/metrics", kRead).status, 200);
  EXPECT_EQ(get(port, "/metrics").status, 401);
  auto forbidden = get(port, "/api/v1/export.csv", kRead);
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(error_of(forbidden), "forbidden");
  EXPECT_EQ(get(port, "/api/v1/export.csv", kAdmin).status, 200);
  EXPECT_EQ(get(port, "/api/v1/meters", kAdmin).status, 200);
  // The page and liveness stay public so a browser can load the page and ask for a token.
  EXPECT_EQ(get(port, "/").status, 200);
  EXPECT_EQ(get(port, "/api/v1/health").status, 200);
}

TEST(ApiServer, TokensFileReadableByOthersIsRefused) {
  TempDir dir;
  auto options = ApiFixture::test_options();
  options.tokens_file = write_tokens(dir, 0644);
  ApiFixture f(options);
  ASSERT_FALSE(f.start_result());
  EXPECT_TRUE(f.start_result().error().is(Errc::permission_denied));
  EXPECT_NE(f.start_result().error().detail.find("chmod 600"), std::string::npos);
}

TEST(ApiServer, BadTokensFileNamesTheLine) {
  TempDir dir;
  const auto path = dir.path() / "tokens";
  std::ofstream(path) << "read " << kRead << "\nwrite something-long-enough-here\n";
  ::chmod(path.c_str(), 0600);
  const auto loaded = TokenAuth::load(path);
  ASSERT_FALSE(loaded);
  EXPECT_TRUE(loaded.error().is(Errc::config_error));
  EXPECT_NE(loaded.error().detail.find("tokens:2:"), std::string::npos) << loaded.error().detail;
  std::ofstream(path) << "read short\n";
  EXPECT_FALSE(TokenAuth::load(path));
}

TEST(ApiServer, OversizedHeadersAndBody) {
  ApiFixture f;
  const std::string big(10 * 1024, 'x');
  auto headers = http_exchange(f.port(), "GET /api/v1/meters HTTP/1.1\r\nHost: x\r\nX-Big: " + big +
                                             "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(headers.status, 431);
  EXPECT_EQ(error_of(headers), "headers_too_large");
  auto body = http_exchange(f.port(),
                            "POST /api/v1/meters HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                std::to_string(100 * 1024) + "\r\nConnection: close\r\n\r\n" + big);
  EXPECT_EQ(body.status, 413);
  EXPECT_EQ(error_of(body), "body_too_large");
  auto garbage = http_exchange(f.port(), "HELLO\r\n\r\n");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(error_of(garbage), "bad_request");
  EXPECT_EQ(get(f.port(), "/api/v1/health").status, 200);
}

TEST(ApiServer, SlowClientGets408WhileOthersAreServed) {
  ApiFixture f;  // read_timeout 400 ms
  const int slow = connect_local(f.port());
  ASSERT_GE(slow, 0);
  ASSERT_TRUE(send_all(slow, "GET /api/v1/meters HTTP/1.1\r\nHost: x\r\nX-Slow: "));
  // While the slow client dribbles, others get answers at once.
  for (int i = 0; i < 3; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(get(f.port(), "/api/v1/health").status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(200));
    send_all(slow, "a");
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto reply = parse_reply(read_all(slow, std::chrono::seconds(5)));
  const auto waited = std::chrono::steady_clock::now() - t0;
  ::close(slow);
  EXPECT_EQ(reply.status, 408);
  EXPECT_EQ(error_of(reply), "request_timeout");
  EXPECT_LT(waited, std::chrono::seconds(2));
  EXPECT_EQ(get(f.port(), "/api/v1/health").status, 200);
}

TEST(ApiServer, IdleKeepAliveConnectionIsClosedSilently) {
  ApiFixture f;
  const int fd = connect_local(f.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  // The reply, then nothing more: after read_timeout of silence the server closes.
  const auto all = read_all(fd, std::chrono::seconds(5));
  ::close(fd);
  EXPECT_EQ(parse_reply(all).status, 200);
  EXPECT_EQ(all.find("HTTP/1.1", 5), std::string::npos) << all;
}

TEST(ApiServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  ApiFixture f;
  const int fd = connect_local(f.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd,
                       "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
                       "GET /api/v1/meters/grid HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const auto all = read_all(fd);
  ::close(fd);
  const auto second = all.find("HTTP/1.1 200", 5);
  ASSERT_NE(second, std::string::npos) << all;
  EXPECT_EQ(parse_reply(all.substr(second)).status, 200);
  EXPECT_NE(all.find("\"id\":\"grid\""), std::string::npos);
}

// One reply from a keep-alive connection: the head, then Content-Length bytes of body.
Reply read_one_reply(int fd, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  std::string raw;
  const auto end = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  for (;;) {
    const auto head_end = raw.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const auto reply = parse_reply(raw);
      const auto length = reply.headers.count("content-length")
                              ? std::stoul(reply.headers.at("content-length"))
                              : 0;
      if (raw.size() >= head_end + 4 + length) return reply;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return {};
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return {};
    raw.append(buf, static_cast<std::size_t>(n));
  }
}

TEST(ApiServer, KeepAliveRequestsPushTheReadDeadlineBack) {
  ApiFixture f;  // read_timeout 400 ms, counted from each request's first awaited byte
  const int fd = connect_local(f.port());
  ASSERT_GE(fd, 0);
  // Requests 150 ms apart for 1.2 s: three times the read timeout in all, never once between two.
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(send_all(fd, "GET /api/v1/meters/grid/latest HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto reply = read_one_reply(fd);
    ASSERT_EQ(reply.status, 200) << "request " << i;
    EXPECT_EQ(json::parse(reply.body)["meter"], "grid");
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  // Then silence: closed within about one read timeout, without a 408 (no request had begun).
  const auto t0 = std::chrono::steady_clock::now();
  const auto rest = read_all(fd, std::chrono::seconds(5));
  ::close(fd);
  EXPECT_EQ(rest, "");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

TEST(ApiServer, HeadAndHttp10Replies) {
  ApiFixture f;
  const auto got = get(f.port(), "/api/v1/meters/grid");
  ASSERT_EQ(got.status, 200);
  auto head = http_exchange(
      f.port(), "HEAD /api/v1/meters/grid HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-length"], std::to_string(got.body.size()));
  EXPECT_EQ(head.headers["connection"], "close");
  EXPECT_EQ(head.body, "");
  // HTTP/1.0 with keep-alive: answered in 1.0, the connection kept (and said so).
  const int fd = connect_local(f.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, "GET /api/v1/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto first = read_one_reply(fd);
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.headers["connection"], "keep-alive");
  EXPECT_EQ(first.headers["content-type"], "application/json");
  EXPECT_EQ(first.headers["cache-control"], "no-store");
  EXPECT_EQ(first.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(json::parse(first.body)["status"], "ok");
  ASSERT_TRUE(send_all(fd, "GET /api/v1/health HTTP/1.0\r\n\r\n"));
  const auto all = read_all(fd);
  ::close(fd);
  EXPECT_EQ(all.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << all;
  EXPECT_EQ(parse_reply(all).headers.count("connection"), 0u);
}

TEST(ApiServer, ConnectionCapAnswers503) {
  auto options = ApiFixture::test_options();
  options.max_connections = 2;
  options.read_timeout = std::chrono::seconds(5);
  ApiFixture f(options);
  const int a = connect_local(f.port());
  const int b = connect_local(f.port());
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  for (int i = 0; i < 100 && f.connections() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto third = get(f.port(), "/api/v1/health");
  EXPECT_EQ(third.status, 503);
  EXPECT_EQ(error_of(third), "too_many_connections");
  ::close(a);
  ::close(b);
  for (int i = 0; i < 100 && f.connections() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(get(f.port(), "/api/v1/health").status, 200);
}

TEST(ApiServer, SeveralListeners) {
  auto options = ApiFixture::test_options();
  options.listeners = {ListenerOptions{"127.0.0.1", 0, false},
                       ListenerOptions{"127.0.0.1", 0, false}};
  ApiFixture f(options);
  ASSERT_TRUE(f.start_result());
  // ApiFixture::port() is the first; both answer.
  EXPECT_EQ(get(f.port(), "/api/v1/health").status, 200);
  auto bad = ApiFixture::test_options();
  bad.listeners = {ListenerOptions{"not-an-address", 0, false}};
  ApiFixture g(bad);
  ASSERT_FALSE(g.start_result());
  EXPECT_TRUE(g.start_result().error().is(Errc::config_error));
}

class ApiTls : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = dir_.path() / "cert.pem";
    key_ = dir_.path() / "key.pem";
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
        "-nodes -days 1 -subj /CN=127.0.0.1 -keyout " +
        key_.string() + " -out " + cert_.string() + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  ApiOptions tls_options() {
    auto o = ApiFixture::test_options();
    o.listeners = {ListenerOptions{"127.0.0.1", 0, true}};
    o.tls_cert = cert_;
    o.tls_key = key_;
    return o;
  }
  TempDir dir_;
  std::filesystem::path cert_, key_;
};

TEST_F(ApiTls, ServesHttpsWithAPrivateKey) {
  ::chmod(key_.c_str(), 0600);
  ApiFixture f(tls_options());
  ASSERT_TRUE(f.start_result()) << f.start_result().error().message();
  const auto out = dir_.path() / "out.json";
  const std::string cmd = "curl -s --max-time 10 --cacert " + cert_.string() + " -o " +
                          out.string() +
                          " -w '%{http_code}' https://127.0.0.1:" + std::to_string(f.port()) +
                          "/api/v1/meters/pv > " + (dir_.path() / "code").string();
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream code(dir_.path() / "code");
  std::string status;
  code >> status;
  EXPECT_EQ(status, "200");
  std::ifstream body(out);
  EXPECT_EQ(json::parse(body)["id"], "pv");
  // Plain HTTP on the TLS port gets no answer, and the server keeps serving TLS.
  EXPECT_EQ(get(f.port(), "/api/v1/health").status, 0);
}

TEST_F(ApiTls, KeyReadableByOthersIsRefused) {
  ::chmod(key_.c_str(), 0640);
  ApiFixture f(tls_options());
  ASSERT_FALSE(f.start_result());
  EXPECT_TRUE(f.start_result().error().is(Errc::permission_denied));
}

}  // namespace
}  // namespace meterd::api::testing
