// api/connection.cpp: one HTTP/1.1 connection (RFC 9112), plain or TLS, as a coroutine.
//
// Read a request under a deadline, answer it (on the worker pool when it reads the store),
// write the response under a deadline, repeat while keep-alive. The deadline timer cancels the
// socket's pending operation; a request cut short that way gets 408 when bytes had arrived.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "src/api/server_state.hpp"

namespace meterd::api {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// A one-shot deadline on a socket: when it expires, the socket's pending operations are
// cancelled. A generation number makes a stale expiry (queued before disarm) harmless.
class Deadline {
 public:
  explicit Deadline(tcp::socket& socket)
      : timer_(socket.get_executor()), state_(std::make_shared<State>()) {
    state_->socket = &socket;
  }
  ~Deadline() { state_->socket = nullptr; }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  void arm(std::chrono::milliseconds d) {
    const auto generation = ++state_->generation;
    state_->armed = true;
    state_->fired = false;
    timer_.expires_after(d);
    timer_.async_wait([state = state_, generation](boost::system::error_code ec) {
      if (ec || !state->armed || state->generation != generation || state->socket == nullptr)
        return;
      state->fired = true;
      boost::system::error_code ignored;
      state->socket->cancel(ignored);
    });
  }
  void disarm() {
    state_->armed = false;
    timer_.cancel();
  }
  bool fired() const { return state_->fired; }
  // Cancels the socket now, as if the deadline had passed (server stop).
  void expire_now() { arm(std::chrono::milliseconds{0}); }

 private:
  struct State {
    tcp::socket* socket = nullptr;
    std::uint64_t generation = 0;
    bool armed = false;
    bool fired = false;
  };
  asio::steady_timer timer_;
  std::shared_ptr<State> state_;
};

http::response<http::string_body> to_beast(const HttpResponse& r, unsigned version, bool keep_alive,
                                           bool head) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "meterd");
  res.set(http::field::content_type, r.content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : r.headers) res.set(name, value);
  res.keep_alive(keep_alive);
  res.body() = r.body;
  res.prepare_payload();
  if (head) res.body().clear();
  return res;
}

tcp::socket& lowest(tcp::socket& s) { return s; }
tcp::socket& lowest(asio::ssl::stream<tcp::socket>& s) { return s.next_layer(); }

template <class Stream>
asio::awaitable<bool> write(Stream& stream, Deadline& deadline, const ServerState& state,
                            http::response<http::string_body>& res) {
  deadline.arm(state.options.write_timeout);
  auto [ec, n] = co_await http::async_write(stream, res, kTuple);
  deadline.disarm();
  co_return !ec;
}

template <class Stream>
asio::awaitable<void> write_error(Stream& stream, Deadline& deadline, const ServerState& state,
                                  unsigned status, std::string_view error,
                                  std::string_view detail) {
  auto res = to_beast(error_response(status, error, detail), 11, false, false);
  co_await write(stream, deadline, state, res);
}

template <class Stream>
asio::awaitable<void> serve(std::shared_ptr<ServerState> state, Stream& stream,
                            Deadline& deadline) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(state->options.max_header_bytes));
    parser.body_limit(state->options.max_body_bytes);
    deadline.arm(state->options.read_timeout);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, kTuple);
    deadline.disarm();
    if (state->stopping) co_return;
    if (ec) {
      if (deadline.fired()) {
        if (buffer.size() > 0 || parser.got_some()) {
          co_await write_error(stream, deadline, *state, 408, "request_timeout",
                               "the request did not arrive within the read timeout");
        }
      } else if (ec == http::error::header_limit) {
        co_await write_error(
            stream, deadline, *state, 431, "headers_too_large",
            "request headers exceed " + std::to_string(state->options.max_header_bytes) + " bytes");
      } else if (ec == http::error::body_limit) {
        co_await write_error(
            stream, deadline, *state, 413, "body_too_large",
            "request body exceeds " + std::to_string(state->options.max_body_bytes) + " bytes");
      } else if (ec.category() == make_error_code(http::error::end_of_stream).category() &&
                 ec != http::error::end_of_stream && ec != http::error::partial_message) {
        co_await write_error(stream, deadline, *state, 400, "bad_request", ec.message());
      }
      co_return;
    }
    const auto& req = parser.get();
    HttpRequest request;
    request.method = std::string{req.method_string()};
    const bool keep_alive = req.keep_alive();
    const bool head = req.method() == http::verb::head;
    HttpResponse response;
    if (!parse_target(req.target(), request)) {
      response = error_response(400, "bad_request", "malformed request target");
    } else {
      request.scope = state->auth.scope_of(req[http::field::authorization]);
      if (state->api.blocking(request)) {
        co_await asio::post(state->pool, asio::use_awaitable);
        response = state->api.handle(request);
        co_await asio::post(state->io, asio::use_awaitable);
      } else {
        response = state->api.handle(request);
      }
    }
    if (state->stopping) co_return;
    auto res = to_beast(response, req.version(), keep_alive, head);
    if (!co_await write(stream, deadline, *state, res) || !keep_alive) break;
  }
  boost::system::error_code ignored;
  lowest(stream).shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace

asio::awaitable<void> serve_connection(std::shared_ptr<ServerState> state, tcp::socket socket,
                                       bool tls) {
  try {
    const auto id = state->next_id++;
    ++state->active;
    struct Release {
      ServerState& s;
      std::uint64_t id;
      ~Release() {
        --s.active;
        s.cancels.erase(id);
      }
    } release{*state, id};
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (!tls) {
      Deadline deadline(socket);
      state->cancels[id] = [&deadline] { deadline.expire_now(); };
      if (state->active > state->options.max_connections) {
        co_await write_error(socket, deadline, *state, 503, "too_many_connections",
                             "the server is serving its maximum number of connections");
        co_return;
      }
      co_await serve(state, socket, deadline);
      co_return;
    }
    asio::ssl::stream<tcp::socket> stream(std::move(socket), *state->tls);
    Deadline deadline(stream.next_layer());
    state->cancels[id] = [&deadline] { deadline.expire_now(); };
    deadline.arm(state->options.read_timeout);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
    deadline.disarm();
    if (ec || state->stopping) co_return;
    if (state->active > state->options.max_connections) {
      co_await write_error(stream, deadline, *state, 503, "too_many_connections",
                           "the server is serving its maximum number of connections");
      co_return;
    }
    co_await serve(state, stream, deadline);
  } catch (const std::exception&) {
    // A connection never takes the loop down (STYLE.md rule 2); the socket closes with it.
  }
}

}  // namespace meterd::api
