// src/app/systemd_notifier.hpp: the daemon's side of the sd_notify(3) protocol.
//
// Sends READY=1, RELOADING=1, STOPPING=1, STATUS=... and WATCHDOG=1 to the socket named by
// $NOTIFY_SOCKET (sd_notify(3), "Well-known assignments"). Outside systemd ($NOTIFY_SOCKET
// unset) every call is a no-op. Failures to send are logged once at debug level and otherwise
// ignored: a missing supervisor must never stop the daemon. Thread-safe (stateless datagrams).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace meterd::app {

class SystemdNotifier {
 public:
  // Start-up is complete: READY=1 with a STATUS line.
  void ready(std::string_view status) const;
  // A short human state shown by `systemctl status`: STATUS=...
  void status(std::string_view status) const;
  // A configuration reload begins: RELOADING=1 (finish with ready()).
  void reloading(std::string_view status) const;
  // Shutdown begins: STOPPING=1 with a STATUS line.
  void stopping(std::string_view status) const;
  // Liveness ping for WatchdogSec=: WATCHDOG=1.
  void watchdog() const;

  // The watchdog interval systemd expects pings within ($WATCHDOG_USEC, checked against
  // $WATCHDOG_PID by sd_watchdog_enabled(3)), or nullopt when the watchdog is off.
  static std::optional<std::chrono::microseconds> watchdog_interval();

 private:
  void send(const char* message) const;
};

}  // namespace meterd::app
