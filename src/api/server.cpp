#include "src/api/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <string>

#include "src/api/server_state.hpp"
#include "src/api/tls_context.hpp"

namespace meterd::api {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct Server::Impl {
  Impl(asio::io_context& io, const ApiOptions& options, const Api& api)
      : state(std::make_shared<ServerState>(io, options, api)) {}
  std::shared_ptr<ServerState> state;
  std::vector<std::shared_ptr<tcp::acceptor>> acceptors;
  std::vector<bool> tls;
};

namespace {

asio::awaitable<void> accept_loop(std::shared_ptr<ServerState> state,
                                  std::shared_ptr<tcp::acceptor> acceptor, bool tls) {
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(asio::as_tuple(asio::use_awaitable));
    if (state->stopping || !acceptor->is_open()) co_return;
    if (ec) continue;  // e.g. EMFILE: the listener stays up
    asio::co_spawn(state->io, serve_connection(state, std::move(socket), tls), asio::detached);
  }
}

}  // namespace

Server::Server(asio::io_context& io, const ApiOptions& options, const Api& api)
    : impl_(std::make_unique<Impl>(io, options, api)) {}

Server::~Server() {
  stop();
  impl_->state->pool.join();
}

Result<void> Server::start() {
  auto& state = *impl_->state;
  const auto& o = state.options;
  if (!o.tokens_file.empty()) {
    auto auth = TokenAuth::load(o.tokens_file);
    if (!auth) return auth.error();
    state.auth = std::move(*auth);
  }
  bool any_tls = false;
  for (const auto& l : o.listeners) any_tls = any_tls || l.tls;
  if (any_tls) {
    auto ctx = make_tls_context(o.tls_cert, o.tls_key);
    if (!ctx) return ctx.error();
    state.tls = std::move(*ctx);
  }
  for (const auto& l : o.listeners) {
    const std::string where = l.address + ":" + std::to_string(l.port);
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(l.address, ec);
    if (ec) return Error{Errc::config_error, "api listener " + where + ": not an IP address"};
    auto acceptor = std::make_shared<tcp::acceptor>(state.io);
    const tcp::endpoint endpoint{address, l.port};
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      for (auto& a : impl_->acceptors) a->close(ec);
      impl_->acceptors.clear();
      return Error{Errc::io_error, "cannot listen on " + where + ": " + ec.message()};
    }
    impl_->acceptors.push_back(acceptor);
    impl_->tls.push_back(l.tls);
  }
  for (std::size_t i = 0; i < impl_->acceptors.size(); ++i) {
    asio::co_spawn(state.io, accept_loop(impl_->state, impl_->acceptors[i], impl_->tls[i]),
                   asio::detached);
  }
  return {};
}

void Server::stop() {
  auto& state = *impl_->state;
  if (state.stopping) return;
  state.stopping = true;
  boost::system::error_code ignored;
  for (auto& a : impl_->acceptors) a->close(ignored);
  for (auto& [id, cancel] : state.cancels) cancel();
}

std::vector<std::uint16_t> Server::ports() const {
  std::vector<std::uint16_t> out;
  for (const auto& a : impl_->acceptors) {
    boost::system::error_code ec;
    const auto ep = a->local_endpoint(ec);
    out.push_back(ec ? 0 : ep.port());
  }
  return out;
}

std::size_t Server::connections() const { return impl_->state->active; }

}  // namespace meterd::api
