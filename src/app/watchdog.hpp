// src/app/watchdog.hpp: pings the systemd watchdog (WatchdogSec=) from the event loop.
//
// A steady_timer on the daemon's io_context sends WATCHDOG=1 every half interval
// (sd_watchdog_enabled(3) recommends pinging at half the interval), so a loop that hangs stops
// the pings and systemd restarts meterd. Added first to the Daemon, so it is stopped last and
// keeps pinging while the other services drain. Runs on the io_context thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <optional>

#include "src/app/service.hpp"
#include "src/app/systemd_notifier.hpp"

namespace meterd::app {

class Watchdog final : public Service {
 public:
  // `interval` is systemd's timeout (SystemdNotifier::watchdog_interval()); nullopt disables.
  Watchdog(boost::asio::io_context& io, const SystemdNotifier& notifier,
           std::optional<std::chrono::microseconds> interval);

  std::string_view name() const override { return "watchdog"; }
  Result<void> start() override;
  void async_stop(std::function<void()> done) override;
  void on_config_reloaded(const config::Config&) override {}

  // The ping period: half the interval, or nullopt when disabled.
  std::optional<std::chrono::microseconds> period() const { return period_; }

 private:
  void arm();

  boost::asio::steady_timer timer_;
  const SystemdNotifier& notifier_;
  std::optional<std::chrono::microseconds> period_;
  bool running_ = false;
};

}  // namespace meterd::app
