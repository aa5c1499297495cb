// api/server.hpp: the REST API's HTTP/1.1 server (RFC 9112) on the daemon's io_context.
//
// One acceptor per configured listener (plain or TLS), one coroutine per connection with
// keep-alive. Every connection is bounded: a request (line, headers, body) must arrive within
// read_timeout (else 408, the slowloris bound), headers within max_header_bytes (else 431), a
// body within max_body_bytes (else 413), a response must be written within write_timeout, and
// at most max_connections are served at once (beyond: 503 and close). Requests that read the
// store run on a small worker pool and their response is written back on the loop; the rest are
// answered on the loop. Beast stays inside this library (STYLE.md rule 11).
// Thread contract: construct, start(), stop() and destroy on the io_context's thread (or while
// it does not run); the Api and the io_context must outlive the Server. After stop(), run the
// io_context until the connections have closed (they are cancelled) before destroying it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "meterd/error.hpp"
#include "src/api/api.hpp"
#include "src/api/api_options.hpp"

namespace meterd::api {

class Server {
 public:
  Server(boost::asio::io_context& io, const ApiOptions& options, const Api& api);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the tokens file and TLS key (refused when group/other-readable: permission_denied),
  // binds every listener (io_error naming the address), starts accepting.
  Result<void> start();
  // Stops accepting and cancels every connection; idempotent.
  void stop();

  // The bound port of each listener, in configuration order (after start()).
  std::vector<std::uint16_t> ports() const;
  // Connections being served now.
  std::size_t connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace meterd::api
