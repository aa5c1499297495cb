// src/app/daemon.hpp: the daemon's life cycle: start the services in order, fan a reloaded
// configuration out to them, stop them in reverse order within a deadline.
//
// The Daemon does not own its services (the composition root does, and outlives it). Every
// member function is called on the io_context thread; completions of Service::async_stop may
// arrive from any thread and are posted back onto the loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

#include "meterd/error.hpp"
#include "src/app/service.hpp"
#include "src/config/config.hpp"

namespace meterd::app {

class Daemon {
 public:
  explicit Daemon(boost::asio::io_context& io);
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Registers a service; start() starts services in the order they were added.
  void add(Service& service);

  // Starts every service in order. On the first error, returns it (named after the service);
  // the services started before stay running and stop() stops them.
  Result<void> start();

  // Tells every started service about a new configuration, in start order.
  void apply_config(const config::Config& config);

  // Stops the started services one after another in reverse order, then calls
  // done(true). If they are not all stopped within `deadline`, logs which one hangs and calls
  // done(false) at the deadline. Calls after the first are ignored.
  void stop(std::chrono::milliseconds deadline, std::function<void(bool clean)> done);

  bool stopping() const { return stopping_; }

 private:
  void stop_next();
  void finish(bool clean);

  boost::asio::io_context& io_;
  boost::asio::steady_timer deadline_;
  std::vector<Service*> services_;
  std::size_t started_ = 0;  // services_[0, started_) are running
  bool stopping_ = false;
  bool finished_ = false;
  std::function<void(bool)> done_;
};

}  // namespace meterd::app
