#include "src/app/watchdog.hpp"

#include <spdlog/spdlog.h>

namespace meterd::app {

Watchdog::Watchdog(boost::asio::io_context& io, const SystemdNotifier& notifier,
                   std::optional<std::chrono::microseconds> interval)
    : timer_(io), notifier_(notifier) {
  if (interval && interval->count() > 0) period_ = *interval / 2;
}

Result<void> Watchdog::start() {
  if (!period_) return {};
  spdlog::info("systemd watchdog enabled: pinging every {} ms",
               std::chrono::duration_cast<std::chrono::milliseconds>(*period_).count());
  running_ = true;
  notifier_.watchdog();
  arm();
  return {};
}

void Watchdog::async_stop(std::function<void()> done) {
  running_ = false;
  timer_.cancel();
  done();
}

void Watchdog::arm() {
  timer_.expires_after(*period_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !running_) return;
    notifier_.watchdog();
    arm();
  });
}

}  // namespace meterd::app
