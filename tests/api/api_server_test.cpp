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
