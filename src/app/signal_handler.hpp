// src/app/signal_handler.hpp: the daemon's POSIX signals, delivered on the event loop.
//
// An asio::signal_set waits for SIGTERM and SIGINT (stop gracefully) and SIGHUP (reload the
// configuration) and calls the matching handler on the io_context thread, so handlers may touch
// loop state freely. It keeps listening until close(): a second SIGTERM while stopping reaches
// the stop handler again, which may ignore it. Not thread-safe: use from the loop thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <functional>
#include <string_view>

namespace meterd::app {

class SignalHandler {
 public:
  struct Handlers {
    std::function<void(std::string_view signal_name)> stop;  // SIGTERM, SIGINT
    std::function<void()> reload;                            // SIGHUP
  };

  // Registers for the signals at once: one that arrives before start() is kept pending.
  explicit SignalHandler(boost::asio::io_context& io);

  // Begins delivering signals to `handlers`.
  void start(Handlers handlers);

  // Stops listening; pending waits complete with operation_aborted and are dropped.
  void close();

 private:
  void wait();

  boost::asio::signal_set signals_;
  Handlers handlers_;
  bool closed_ = false;
};

}  // namespace meterd::app
