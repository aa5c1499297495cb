// src/app/acquisition_service.hpp: the acquisition scheduler as a daemon Service.
//
// Builds every configured bus (bus_builder.hpp: links, B-Smart drivers, in-process simulators
// for `transport: simulator`), hands them to an acquisition::Acquisition and starts it; readings
// go to the ReadingSink, events to the EventSink. On SIGHUP a changed `buses` section (or
// time.unsynchronized) is applied by stopping acquisition, rebuilding every bus and starting
// again; an unchanged one leaves polling alone. Stopping joins the bus threads (bounded by the
// longest driver timeout) before the simulators stop.
// Thread contract: every call on the io_context thread (Service contract). The sinks and clock
// must outlive the service; destroy the service before its io_context.
#pragma once

#include <spdlog/logger.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string_view>
#include <vector>

#include "meterd/clock.hpp"
#include "meterd/event.hpp"
#include "meterd/meter_status.hpp"
#include "meterd/reading_sink.hpp"
#include "src/acquisition/acquisition.hpp"
#include "src/app/service.hpp"
#include "src/config/config.hpp"
#include "tools/sim/bsmart_simulator.hpp"

namespace meterd::app {

class AcquisitionService final : public Service {
 public:
  // `logger` null = spdlog's default logger.
  AcquisitionService(boost::asio::io_context& io, const Clock& clock, ReadingSink& readings,
                     EventSink& events, const config::Config& config,
                     std::shared_ptr<spdlog::logger> logger = nullptr);
  ~AcquisitionService() override;
  AcquisitionService(const AcquisitionService&) = delete;
  AcquisitionService& operator=(const AcquisitionService&) = delete;

  std::string_view name() const override { return "acquisition"; }
  // Builds and starts every bus. An error (a simulator pty that cannot be made) names the bus;
  // whatever was built is released again.
  Result<void> start() override;
  // Stops polling (joins the bus threads), then the simulators; calls `done` before returning.
  void async_stop(std::function<void()> done) override;
  // Restarts acquisition when the buses (or time.unsynchronized) changed; see the file comment.
  // After a failed restart (logged), the next reload with a change tries again.
  void on_config_reloaded(const config::Config& config) override;

  // Every meter's status (empty while stopped).
  std::vector<MeterStatus> snapshot() const;
  // The in-process simulator of bus `bus_id`, or nullptr (not a simulator bus, or stopped).
  sim::BsmartSimulator* simulator(std::string_view bus_id);
  bool running() const noexcept { return acquisition_ != nullptr; }

 private:
  struct SimulatedBus {
    std::string bus_id;
    std::unique_ptr<sim::BsmartSimulator> simulator;
  };
  void stop();

  boost::asio::io_context& io_;
  const Clock& clock_;
  ReadingSink& readings_;
  EventSink& events_;
  std::vector<config::BusConfig> buses_;
  UnsyncedPolicy policy_;
  std::shared_ptr<spdlog::logger> logger_;
  std::vector<SimulatedBus> simulators_;  // declared before acquisition_: outlives it
  std::unique_ptr<acquisition::Acquisition> acquisition_;
  bool enabled_ = false;  // start() succeeded once and async_stop() has not been called
};

}  // namespace meterd::app
