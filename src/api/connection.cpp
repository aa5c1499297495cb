// api/connection.cpp: one HTTP/1.1 connection (RFC 9112), plain or TLS, as a coroutine.
//
// Read a request under a deadline, answer it (on the worker pool when it reads the store, else
// inline on the loop), write the response (head and body in one gathered write) under a
// deadline, repeat while keep-alive. The deadline cancels the socket's pending operation; a
// request cut short that way gets 408 when bytes had arrived.
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <string>

#include "src/api/server_state.hpp"

namespace meterd::api {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// The deadline of a socket's current operation: when it passes, the socket's pending operations
// are cancelled. Arming only records the time point: one steady_timer per connection sleeps
// until the earliest deadline it may have to enforce and, on waking early (the deadline was
// pushed back by later requests), sleeps again until the current one. So a keep-alive request
// costs no timer operation (no timerfd re-arming, no cancelled wait handler); the timer is
// re-armed only when a deadline comes sooner than its pending expiry, or about once per
// read_timeout. Single-threaded: all calls and the timer's handler on the connection's executor.
class Deadline {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit Deadline(tcp::socket& socket)
      : timer_(socket.get_executor()), state_(std::make_shared<State>()) {
    state_->socket = &socket;
    state_->owner = this;
  }
  ~Deadline() {
    state_->socket = nullptr;
    state_->owner = nullptr;
  }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  // The socket's operations are cancelled if still running `d` from now.
  void arm(std::chrono::milliseconds d) {
    State& s = *state_;
    s.deadline = std::chrono::steady_clock::now() + d;
    s.armed = true;
    s.fired = false;
    if (!s.waiting || timer_.expiry() > s.deadline) wait(s.deadline);
  }
  void disarm() { state_->armed = false; }
  // Whether the last armed deadline passed (and cancelled the socket).
  bool fired() const { return state_->fired; }
  // Cancels the socket now, as if the deadline had passed (server stop).
  void expire_now() {
    state_->armed = false;
    state_->fired = true;
    boost::system::error_code ignored;
    state_->socket->cancel(ignored);
  }

 private:
  struct State {
    tcp::socket* socket = nullptr;
    Deadline* owner = nullptr;
    TimePoint deadline{};
    std::uint64_t generation = 0;  // of the timer's current wait; older handlers are stale
    bool waiting = false;
    bool armed = false;
    bool fired = false;
  };

  void wait(TimePoint at) {
    const auto generation = ++state_->generation;
    state_->waiting = true;
    timer_.expires_at(at);  // a pending wait ends with operation_aborted: stale generation
    timer_.async_wait([state = state_, generation](boost::system::error_code ec) {
      if (state->owner == nullptr || state->generation != generation) return;
      state->waiting = false;
      if (ec || !state->armed) return;
      if (std::chrono::steady_clock::now() < state->deadline) {
        state->owner->wait(state->deadline);  // pushed back since: sleep on
        return;
      }
      state->armed = false;
      state->fired = true;
      boost::system::error_code ignored;
      state->socket->cancel(ignored);
    });
  }

  asio::steady_timer timer_;
  std::shared_ptr<State> state_;
};

// The status line and headers of `r` (RFC 9112 §4, §6.3: Content-Length always, also for HEAD),
// appended to `out`; Connection as Beast's keep_alive() writes it.
void append_head(std::string& out, const HttpResponse& r, unsigned version, bool keep_alive) {
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(r.status);
  out += ' ';
  const auto reason = http::obsolete_reason(static_cast<http::status>(r.status));
  out.append(reason.data(), reason.size());
  out += "\r\nServer: meterd\r\nContent-Type: ";
  out += r.content_type;
  out += "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n";
  for (const auto& [name, value] : r.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (version == 10 && keep_alive) out += "Connection: keep-alive\r\n";
  if (version != 10 && !keep_alive) out += "Connection: close\r\n";
  out += "Content-Length: ";
  out += std::to_string(r.body.size());
  out += "\r\n\r\n";
}

tcp::socket& lowest(tcp::socket& s) { return s; }
tcp::socket& lowest(asio::ssl::stream<tcp::socket>& s) { return s.next_layer(); }

// Writes `r` (head in `head`, a buffer reused across the connection's responses; no body for
// HEAD) in one gathered write under the write deadline; false if it failed or timed out.
template <class Stream>
asio::awaitable<bool> write(Stream& stream, Deadline& deadline, const ServerState& state,
                            std::string& head, const HttpResponse& r, unsigned version,
                            bool keep_alive, bool is_head) {
  head.clear();
  append_head(head, r, version, keep_alive);
  const std::array<asio::const_buffer, 2> buffers{
      asio::buffer(head), is_head ? asio::const_buffer{} : asio::buffer(r.body)};
  deadline.arm(state.options.write_timeout);
  auto [ec, n] = co_await asio::async_write(stream, buffers, kTuple);
  deadline.disarm();
  co_return !ec;
}

template <class Stream>
asio::awaitable<void> write_error(Stream& stream, Deadline& deadline, const ServerState& state,
                                  unsigned status, std::string_view error,
                                  std::string_view detail) {
  std::string head;
  co_await write(stream, deadline, state, head, error_response(status, error, detail), 11, false,
                 false);
}

template <class Stream>
asio::awaitable<void> serve(std::shared_ptr<ServerState> state, Stream& stream,
                            Deadline& deadline) {
  // Reused across the connection's requests (their capacity stays).
  boost::beast::flat_buffer buffer;
  HttpRequest request;
  std::string head;
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
    request.method.assign(req.method_string().data(), req.method_string().size());
    const bool keep_alive = req.keep_alive();
    const bool is_head = req.method() == http::verb::head;
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
        response = state->api.handle(request);  // cheap: inline, no thread hop
      }
    }
    if (state->stopping) co_return;
    if (!co_await write(stream, deadline, *state, head, response, req.version(), keep_alive,
                        is_head) ||
        !keep_alive) {
      break;
    }
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
