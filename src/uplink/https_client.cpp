// uplink/https_client.cpp: Beast HTTP/1.1 over Asio SSL with bounds on every step
// (https_client.hpp).
#include "src/uplink/https_client.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstddef>

namespace meterd::uplink {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Stream = beast::ssl_stream<beast::tcp_stream>;
using boost::system::error_code;

namespace {

constexpr std::size_t kMaxResponseBody = 1024 * 1024;
constexpr std::size_t kKeptResponseBody = 64 * 1024;

// glibc's struct tcp_info stops before the byte counters Linux appends (linux/tcp.h, since 4.1
// and 4.2); the layout is append-only kernel ABI, so the counters follow it directly.
struct TcpInfoWithBytes {
  struct tcp_info base;
  std::uint64_t pacing_rate;
  std::uint64_t max_pacing_rate;
  std::uint64_t bytes_acked;
  std::uint64_t bytes_received;
};
static_assert(offsetof(TcpInfoWithBytes, bytes_acked) == 120, "linux/tcp.h tcpi_bytes_acked");

WireBytes socket_bytes(int fd) {
  TcpInfoWithBytes info{};
  socklen_t len = sizeof info;
  if (fd < 0 || ::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 ||
      len < offsetof(TcpInfoWithBytes, bytes_received) + sizeof(std::uint64_t))
    return {};
  return {info.bytes_acked, info.bytes_received};
}

Error transport_error(const error_code& ec, const std::string& what) {
  if (ec == beast::error::timeout) return Error(Errc::timeout, what + ": timed out");
  if (ec.category() == asio::error::get_ssl_category())
    return Error(Errc::authentication_failed, what + ": TLS: " + ec.message());
  return Error(Errc::io_error, what + ": " + ec.message());
}

}  // namespace

struct HttpsClient::Impl {
  asio::any_io_executor ex;
  std::shared_ptr<ssl::context> tls;
  ClientOptions o;
  const Clock& clock;
  std::unique_ptr<Stream> stream;
  beast::flat_buffer buffer;
  MonoTime last_used{};
  WireBytes closed_bytes;   // of connections already closed
  WireBytes current_bytes;  // of the open connection, as of its last request
  std::uint64_t connections = 0;
  bool busy = false;  // a post() is suspended on the stream: close() may only cancel it
  tcp::resolver* resolving = nullptr;  // the resolver a suspended post() waits for

  Impl(asio::any_io_executor e, std::shared_ptr<ssl::context> t, ClientOptions opt, const Clock& c)
      : ex(std::move(e)), tls(std::move(t)), o(std::move(opt)), clock(c) {}

  int fd() const {
    return stream ? static_cast<int>(beast::get_lowest_layer(*stream).socket().native_handle())
                  : -1;
  }

  void close() {
    if (!stream) return;
    const WireBytes b = socket_bytes(fd());
    closed_bytes.sent += std::max(b.sent, current_bytes.sent);
    closed_bytes.received += std::max(b.received, current_bytes.received);
    current_bytes = {};
    error_code ec;
    beast::get_lowest_layer(*stream).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(*stream).close();
    stream.reset();
    buffer.clear();
  }

  asio::awaitable<Result<tcp::resolver::results_type>> resolve(const Url& where) {
    tcp::resolver resolver(ex);
    asio::steady_timer timer(ex, o.connect_timeout);
    bool timed_out = false;
    timer.async_wait([&](error_code e) {
      if (!e) {
        timed_out = true;
        resolver.cancel();
      }
    });
    error_code ec;
    resolving = &resolver;
    auto results = co_await resolver.async_resolve(where.host, std::to_string(where.port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    resolving = nullptr;
    timer.cancel();
    if (timed_out) co_return Error(Errc::timeout, "resolving " + where.host + ": timed out");
    if (ec) co_return Error(Errc::io_error, "resolving " + where.host + ": " + ec.message());
    co_return results;
  }

  asio::awaitable<Result<void>> tunnel(beast::tcp_stream& tcp_stream) {
    const std::string authority = o.server.authority();
    http::request<http::empty_body> req{http::verb::connect, authority, 11};
    req.set(http::field::host, authority);
    req.set(http::field::user_agent, o.user_agent);
    error_code ec;
    tcp_stream.expires_after(o.connect_timeout);
    co_await http::async_write(tcp_stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return transport_error(ec, "proxy CONNECT");
    http::response_parser<http::empty_body> parser;
    parser.skip(true);  // a 2xx answer to CONNECT has no body (RFC 9110 §9.3.6)
    beast::flat_buffer b;
    co_await http::async_read(tcp_stream, b, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return transport_error(ec, "proxy CONNECT");
    const unsigned status = parser.get().result_int();
    if (status / 100 != 2)
      co_return Error(Errc::io_error,
                      "proxy refused CONNECT " + authority + ": HTTP " + std::to_string(status));
    if (b.size() != 0) co_return Error(Errc::protocol_error, "proxy sent data before TLS");
    co_return Result<void>{};
  }

  asio::awaitable<Result<void>> connect() {
    const Url& first_hop = o.proxy ? *o.proxy : o.server;
    auto endpoints = co_await resolve(first_hop);
    if (!endpoints) co_return endpoints.error();
    stream = std::make_unique<Stream>(ex, *tls);  // from here on cancel() can reach it
    ++connections;
    auto& tcp_stream = beast::get_lowest_layer(*stream);
    error_code ec;
    tcp_stream.expires_after(o.connect_timeout);
    co_await tcp_stream.async_connect(*endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      close();
      co_return transport_error(ec, "connecting to " + first_hop.authority());
    }
    if (o.proxy) {
      if (auto t = co_await tunnel(tcp_stream); !t) {
        close();
        co_return t.error();
      }
    }
    auto check = std::make_shared<PeerCheck>();
    stream->set_verify_mode(ssl::verify_peer);
    stream->set_verify_callback([pins = o.pins, check](bool pre, ssl::verify_context& vc) {
      return verify_peer(pre, vc.native_handle(), pins, *check);
    });
    if (auto c = configure_peer_check(stream->native_handle(), o.server.host); !c) {
      close();
      co_return c.error();
    }
    tcp_stream.expires_after(o.handshake_timeout);
    co_await stream->async_handshake(ssl::stream_base::client,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      close();
      if (!check->failure.empty())
        co_return Error(Errc::authentication_failed,
                        "TLS: server certificate refused: " + check->failure +
                            " (OpenSSL verify result " + std::to_string(check->verify_result) +
                            ")");
      co_return transport_error(ec, "TLS handshake with " + o.server.authority());
    }
    last_used = clock.mono_now();
    co_return Result<void>{};
  }

  // Cancels what a suspended post() waits for; it then closes the stream itself.
  void cancel() {
    if (resolving != nullptr) resolving->cancel();
    if (!stream) return;
    error_code ec;
    beast::get_lowest_layer(*stream).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(*stream).socket().cancel(ec);
  }

  asio::awaitable<Result<HttpResponse>> post(const HttpRequest& r) {
    busy = true;
    auto out = co_await post_unguarded(r);
    busy = false;
    co_return out;
  }

  asio::awaitable<Result<HttpResponse>> post_unguarded(const HttpRequest& r) {
    if (stream && clock.mono_now() - last_used > o.idle_timeout) close();
    if (!stream) {
      if (auto c = co_await connect(); !c) co_return c.error();
    }
    http::request<http::vector_body<std::uint8_t>> req{
        http::verb::post, r.target.empty() ? o.server.target : r.target, 11};
    req.set(http::field::host, o.server.authority());
    req.set(http::field::user_agent, o.user_agent);
    req.set(http::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) req.set(name, value);
    req.body() = r.body;
    req.keep_alive(true);
    req.prepare_payload();
    auto& tcp_stream = beast::get_lowest_layer(*stream);
    error_code ec;
    tcp_stream.expires_after(o.request_timeout);
    co_await http::async_write(*stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      close();
      co_return transport_error(ec, "sending to " + o.server.authority());
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBody);
    co_await http::async_read(*stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      close();
      co_return transport_error(ec, "reading the answer of " + o.server.authority());
    }
    tcp_stream.expires_never();
    last_used = clock.mono_now();
    current_bytes = socket_bytes(fd());
    auto& msg = parser.get();
    HttpResponse out;
    out.status = msg.result_int();
    if (auto it = msg.find(http::field::retry_after); it != msg.end())
      out.retry_after = std::string(it->value());
    out.body = msg.body().substr(0, kKeptResponseBody);
    if (!msg.keep_alive()) close();
    co_return out;
  }
};

HttpsClient::HttpsClient(asio::any_io_executor executor, std::shared_ptr<ssl::context> tls,
                         ClientOptions options, const Clock& clock)
    : impl_(
          std::make_unique<Impl>(std::move(executor), std::move(tls), std::move(options), clock)) {}

HttpsClient::~HttpsClient() { impl_->close(); }

asio::awaitable<Result<HttpResponse>> HttpsClient::post(const HttpRequest& request) {
  return impl_->post(request);
}

void HttpsClient::close() {
  if (impl_->busy) {
    impl_->cancel();
  } else {
    impl_->close();
  }
}

bool HttpsClient::connected() const noexcept { return impl_->stream != nullptr; }

WireBytes HttpsClient::wire_bytes() const noexcept {
  const WireBytes now = impl_->stream ? socket_bytes(impl_->fd()) : WireBytes{};
  return {impl_->closed_bytes.sent + now.sent, impl_->closed_bytes.received + now.received};
}

std::uint64_t HttpsClient::connections() const noexcept { return impl_->connections; }

}  // namespace meterd::uplink
