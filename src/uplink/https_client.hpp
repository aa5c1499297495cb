// uplink/https_client.hpp: one HTTP/1.1 client connection over TLS with a client certificate.
//
// post() sends one request and reads its answer, reusing the open connection (keep-alive) or
// opening a new one: resolve, TCP connect (directly, or to an HTTP proxy followed by CONNECT,
// RFC 9110 §9.3.6), TLS handshake with the peer checks of tls_options.hpp. Every step has its
// bound (connect, handshake, request; a connection idle longer than idle_timeout is not reused).
// Errors are values: Errc::timeout, Errc::authentication_failed (TLS: the server certificate was
// refused, and why, or the server refused us), Errc::io_error (refused, reset, cut), Errc::
// protocol_error (not HTTP). Any error closes the connection. Wire bytes are the TCP payload
// bytes (TLS records included) read from the kernel (TCP_INFO). Thread contract: use from one
// coroutine at a time on the executor it was made with; close() must run on that executor too.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "meterd/clock.hpp"
#include "meterd/error.hpp"
#include "src/uplink/tls_options.hpp"
#include "src/uplink/url.hpp"

namespace meterd::uplink {

struct ClientOptions {
  Url server;                 // https://host[:port]/path of the batch endpoint
  std::optional<Url> proxy;   // http://proxy:port, tunnelled with CONNECT
  std::vector<SpkiPin> pins;  // see TlsOptions
  std::chrono::milliseconds connect_timeout{10'000};    // DNS + TCP (+ proxy CONNECT)
  std::chrono::milliseconds handshake_timeout{10'000};  // TLS
  std::chrono::milliseconds request_timeout{60'000};    // write the request, read the answer
  std::chrono::milliseconds idle_timeout{50'000};       // below the server's keep-alive timeout
  std::string user_agent = "meterd-uplink/1";
};

struct HttpRequest {
  std::string target;  // empty: the server URL's path
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // extra fields
  std::vector<std::uint8_t> body;
};

struct HttpResponse {
  unsigned status = 0;
  std::string retry_after;  // the Retry-After field, empty when absent
  std::string body;         // at most the first 64 KiB
};

struct WireBytes {
  std::uint64_t sent = 0;      // TCP payload bytes acknowledged by the peer
  std::uint64_t received = 0;  // TCP payload bytes received
};

class HttpsClient {
 public:
  HttpsClient(boost::asio::any_io_executor executor, std::shared_ptr<boost::asio::ssl::context> tls,
              ClientOptions options, const Clock& clock);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // Sends `request` as a POST and returns the answer, whatever its status (see class comment).
  boost::asio::awaitable<Result<HttpResponse>> post(const HttpRequest& request);
  // Closes the connection now; a pending post() fails with Errc::io_error.
  void close();
  bool connected() const noexcept;
  // Totals over every connection since construction.
  WireBytes wire_bytes() const noexcept;
  std::uint64_t connections() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace meterd::uplink
