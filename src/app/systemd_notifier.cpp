#include "src/app/systemd_notifier.hpp"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace meterd::app {
namespace {

std::string with_status(std::string_view head, std::string_view status) {
  std::string message{head};
  message += "\nSTATUS=";
  message += status;
  return message;
}

}  // namespace

void SystemdNotifier::ready(std::string_view status) const {
  send(with_status("READY=1", status).c_str());
}

void SystemdNotifier::status(std::string_view status) const {
  send(("STATUS=" + std::string{status}).c_str());
}

void SystemdNotifier::reloading(std::string_view status) const {
  send(with_status("RELOADING=1", status).c_str());
}

void SystemdNotifier::stopping(std::string_view status) const {
  send(with_status("STOPPING=1", status).c_str());
}

void SystemdNotifier::watchdog() const { send("WATCHDOG=1"); }

std::optional<std::chrono::microseconds> SystemdNotifier::watchdog_interval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds{usec};
}

void SystemdNotifier::send(const char* message) const {
  // sd_notify returns 0 when $NOTIFY_SOCKET is unset, > 0 when sent, < 0 (-errno) on failure.
  const int rc = sd_notify(0, message);
  if (rc < 0) {
    spdlog::debug("sd_notify failed: {}", std::strerror(-rc));
  }
}

}  // namespace meterd::app
