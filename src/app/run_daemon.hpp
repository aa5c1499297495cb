// src/app/run_daemon.hpp: `meterd [--config FILE]`, the daemon itself: the composition root.
//
// Loads the configuration, sets up logging, builds the io_context, clock and modules in
// dependency order and runs the loop on the calling thread until SIGTERM/SIGINT stop it.
#pragma once

#include "src/app/command_line.hpp"

namespace meterd::app {

// How long the services together may take to drain on SIGTERM/SIGINT before meterd gives up on
// them and exits 1 (systemd's TimeoutStopSec is longer: it should never need to SIGKILL).
inline constexpr std::chrono::milliseconds kStopDeadline{4000};

// Runs the daemon. Returns kExitOk after a graceful stop, kExitFailure if the configuration is
// invalid, a service fails to start, or the services miss the stop deadline.
int run_daemon(const CommandLine& command_line);

}  // namespace meterd::app
