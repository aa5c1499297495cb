// src/app/service.hpp: the interface a module implements to run inside the daemon.
//
// The composition root (run_daemon.cpp) creates each module and hands it to Daemon::add() in
// dependency order; the Daemon starts them in that order and stops them in reverse, so a stage
// can flush into the stage it depends on before that one closes. All three calls are made on
// the io_context thread; none may throw.
#pragma once

#include <functional>
#include <string_view>

#include "meterd/error.hpp"
#include "src/config/config.hpp"

namespace meterd::app {

class Service {
 public:
  virtual ~Service() = default;

  // A short name for logs ("store", "acquisition").
  virtual std::string_view name() const = 0;

  // Acquires resources and schedules the module's work on the loop. An error aborts start-up:
  // the services already started are stopped again and meterd exits 1.
  virtual Result<void> start() = 0;

  // Finishes or cancels in-flight work, releases resources, then calls `done` exactly once,
  // from any thread. The Daemon allows all services together a deadline.
  virtual void async_stop(std::function<void()> done) = 0;

  // A new configuration was loaded and validated (SIGHUP). Apply what can change at run time;
  // the rest takes effect at the next start.
  virtual void on_config_reloaded(const config::Config& config) = 0;
};

}  // namespace meterd::app
