#include "src/app/signal_handler.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <utility>

namespace meterd::app {

SignalHandler::SignalHandler(boost::asio::io_context& io) : signals_(io, SIGTERM, SIGINT, SIGHUP) {}

void SignalHandler::start(Handlers handlers) {
  handlers_ = std::move(handlers);
  wait();
}

void SignalHandler::close() {
  closed_ = true;
  boost::system::error_code ignored;
  signals_.cancel(ignored);
}

void SignalHandler::wait() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec || closed_) return;
    switch (signo) {
      case SIGHUP:
        spdlog::info("received SIGHUP: reloading the configuration");
        handlers_.reload();
        break;
      case SIGINT:
        handlers_.stop("SIGINT");
        break;
      default:
        handlers_.stop("SIGTERM");
        break;
    }
    if (!closed_) wait();
  });
}

}  // namespace meterd::app
