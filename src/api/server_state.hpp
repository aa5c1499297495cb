// api/server_state.hpp: what the listeners and connections of one Server share (internal).
//
// Owned through a shared_ptr by the Server and by every connection coroutine, so a connection
// that outlives stop() still finds it. Thread contract: every member but `pool` is touched on
// the io_context's thread only.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "src/api/api.hpp"
#include "src/api/api_options.hpp"
#include "src/api/token_auth.hpp"

namespace meterd::api {

struct ServerState {
  ServerState(boost::asio::io_context& io_context, const ApiOptions& o, const Api& a)
      : io(io_context), options(o), api(a), pool(o.worker_threads == 0 ? 1 : o.worker_threads) {}

  boost::asio::io_context& io;
  ApiOptions options;
  const Api& api;
  TokenAuth auth;
  std::unique_ptr<boost::asio::ssl::context> tls;
  boost::asio::thread_pool pool;
  std::size_t active = 0;
  bool stopping = false;
  std::uint64_t next_id = 0;
  std::map<std::uint64_t, std::function<void()>> cancels;  // of the live connections
};

// Serves one accepted connection until it closes, times out or the server stops. Never throws.
boost::asio::awaitable<void> serve_connection(std::shared_ptr<ServerState> state,
                                              boost::asio::ip::tcp::socket socket, bool tls);

}  // namespace meterd::api
