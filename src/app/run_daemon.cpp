#include "src/app/run_daemon.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "meterd/clock.hpp"
#include "src/app/acquisition_service.hpp"
#include "src/app/api_service.hpp"
#include "src/app/build_info.hpp"
#include "src/app/config_reloader.hpp"
#include "src/app/daemon.hpp"
#include "src/app/event_fanout.hpp"
#include "src/app/logging.hpp"
#include "src/app/nilm_service.hpp"
#include "src/app/reading_summary.hpp"
#include "src/app/signal_handler.hpp"
#include "src/app/store_service.hpp"
#include "src/app/systemd_notifier.hpp"
#include "src/app/uplink_service.hpp"
#include "src/app/watchdog.hpp"
#include "src/config/config.hpp"
#include "src/pipeline/latest_values.hpp"
#include "src/pipeline/reading_fanout.hpp"
#include "src/pipeline/recent_events.hpp"

namespace meterd::app {
namespace {

// The STATUS= line while running: which gateway, at which log level (after any override).
std::string running_status(const config::Config& c, std::optional<config::LogLevel> override) {
  return "running: gateway " + c.gateway.id + ", log level " +
         std::string{config::to_string(effective_level(c.log.level, override))};
}

}  // namespace

int run_daemon(const CommandLine& command_line) {
  const auto path = command_line.config_path();
  const LogStyle style = detect_log_style();
  auto loaded = config::load_config(path);
  if (!loaded) {
    init_logging(style, command_line.log_level.value_or(config::LogLevel::info));
    spdlog::critical("cannot start: {} is not a valid configuration", path.string());
    for (const auto& issue : loaded.error().issues) spdlog::critical("{}", issue.to_string());
    return kExitFailure;
  }
  init_logging(style, effective_level(loaded->log.level, command_line.log_level));
  spdlog::info("meterd {} (git {}) starting with configuration {}", kVersion, kGitRevision,
               path.string());

  // The composition root (STYLE.md rule 6): everything is built here, in dependency order, and
  // handed down by reference. A module is a Service added to the daemon below its dependencies:
  // it starts after them and stops before them.
  boost::asio::io_context io;
  const SystemClock clock;
  const SystemdNotifier notifier;
  ConfigReloader config(path, std::move(*loaded));
  Daemon daemon(io);

  Watchdog watchdog(io, notifier, SystemdNotifier::watchdog_interval());
  daemon.add(watchdog);

  // The store opens (generating the first sealing key on a fresh box) before acquisition starts,
  // and stops after it, flushing every reading it was given.
  StoreService store(clock, config.current());
  daemon.add(store);

  // Readings and events fan out to their consumers.
  pipeline::LatestValues latest_values;
  pipeline::ReadingFanout readings;
  readings.add(latest_values);
  readings.add(store);
  pipeline::RecentEvents events;
  EventFanout event_sinks;
  event_sinks.add(events);
  event_sinks.add(store);
  // NILM (the nilm section; off by default) reads the mains and sub-meters from the fan-out and
  // publishes the virtual meter's steps to the latest values and the store only, never back into
  // `readings`. Added after the store and before acquisition: it stops after acquisition and
  // closes its last steps into the store (and saves its model there) before the store stops.
  pipeline::ReadingFanout nilm_out;
  nilm_out.add(latest_values);
  nilm_out.add(store);
  NilmService nilm(io, clock, config.current(),
                   NilmOutputs{nilm_out, event_sinks, [&store] { return store.store(); }});
  daemon.add(nilm);
  readings.add(nilm);
  // A changed `buses:` section on SIGHUP restarts acquisition (AcquisitionService).
  AcquisitionService acquisition(io, clock, readings, event_sinks, config.current());
  daemon.add(acquisition);
  ReadingSummary summary(
      io, latest_values, [&acquisition] { return acquisition.snapshot(); },
      [&clock, &config] {
        return !clock.synchronized() &&
               config.current().time.unsynchronized == UnsyncedPolicy::hold;
      });
  daemon.add(summary);
  // The uplink sends the stored chunks to the server (off without uplink.url): it starts after
  // the store and stops before it.
  UplinkService uplink(io, clock, config.current(), store,
                       [&acquisition] { return acquisition.snapshot(); });
  daemon.add(uplink);
  // The REST API, /metrics and the page (api section; on 127.0.0.1:8080 by default): it starts
  // last, when every source it reads is up, and stops first.
  ApiService api(io, clock, config.current(),
                 ApiInputs{[&acquisition] { return acquisition.snapshot(); }, &latest_values,
                           &events, [&store] { return store.store(); }, &uplink},
                 std::string{kVersion});
  daemon.add(api);

  config.subscribe([&command_line](const config::Config& c) {
    const auto level = effective_level(c.log.level, command_line.log_level);
    set_log_level(level);
    spdlog::debug("log level is now {}", config::to_string(level));
  });
  config.subscribe([&daemon](const config::Config& c) { daemon.apply_config(c); });

  int exit_code = kExitOk;
  SignalHandler signals(io);
  auto shutdown = [&](std::string_view why) {
    if (daemon.stopping()) {
      spdlog::info("{}: already stopping", why);
      return;
    }
    spdlog::info("{}: stopping", why);
    notifier.stopping(std::string{"stopping ("} + std::string{why} + ")");
    daemon.stop(kStopDeadline, [&](bool clean) {
      if (!clean && exit_code == kExitOk) exit_code = kExitFailure;
      spdlog::info("meterd stopped{}", clean ? "" : " (some services did not drain)");
      signals.close();
      io.stop();
    });
  };
  auto reload = [&] {
    if (daemon.stopping()) return;
    notifier.reloading("reloading configuration");
    if (config.reload()) {
      notifier.ready(running_status(config.current(), command_line.log_level));
    } else {
      notifier.ready("running on the previous configuration: reload failed, see the log");
    }
  };
  signals.start({.stop = shutdown, .reload = reload});
  notifier.status("starting");

  boost::asio::post(io, [&] {
    if (!clock.synchronized()) {
      spdlog::warn("system clock is not synchronized; readings follow time.unsynchronized ({})",
                   config.current().time.unsynchronized == UnsyncedPolicy::hold ? "hold" : "mark");
    }
    if (auto started = daemon.start(); !started) {
      spdlog::critical("start-up failed: {}", started.error().message());
      exit_code = kExitFailure;
      shutdown("start-up failure");
      return;
    }
    spdlog::info("meterd started: gateway {}", config.current().gateway.id);
    notifier.ready(running_status(config.current(), command_line.log_level));
  });

  try {
    io.run();
  } catch (const std::exception& e) {
    // Handlers must not throw (STYLE.md rule 2); if one did, the loop state is unknown.
    spdlog::critical("event loop aborted by an exception: {}", e.what());
    return kExitFailure;
  }
  return exit_code;
}

}  // namespace meterd::app
