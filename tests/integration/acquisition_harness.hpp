// tests/integration/acquisition_harness.hpp: the daemon's acquisition wiring on a real loop.
//
// Loads a configuration from YAML text, builds the real AcquisitionService (config -> links,
// B-Smart drivers, simulators) with the real pipeline sinks (LatestValues behind a
// ReadingFanout, RecentEvents) plus a recorder of every delivered reading, and runs the
// io_context on its own thread. Tests wait on conditions with a deadline. Thread contract:
// construct, start, stop and destroy from the test thread; the getters are thread-safe.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "meterd/clock.hpp"
#include "meterd/reading_sink.hpp"
#include "src/app/acquisition_service.hpp"
#include "src/config/config.hpp"
#include "src/pipeline/latest_values.hpp"
#include "src/pipeline/reading_fanout.hpp"
#include "src/pipeline/recent_events.hpp"

namespace meterd::integration {

// Every reading delivered, in order: meter id and stamped time.
class ReadingRecorder final : public ReadingSink {
 public:
  void publish(const Reading& r) override;
  // How many readings of `meter_id` arrived.
  std::size_t count(std::string_view meter_id) const;
  // Their times, in arrival order.
  std::vector<UtcTime> times(std::string_view meter_id) const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, UtcTime>> readings_;
};

class AcquisitionHarness {
 public:
  // Loads `yaml` (throws std::runtime_error with the issues if it does not validate).
  explicit AcquisitionHarness(std::string_view yaml);
  ~AcquisitionHarness();

  // Starts the service (throws if it fails) and the loop thread.
  void start();
  // Stops the loop thread, then the service (joins the bus threads). Idempotent.
  void stop();

  // Polls `condition` every 20 ms until it holds or `timeout` passes; returns the last result.
  static bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

  std::optional<MeterStatus> status(std::string_view meter_id) const;
  const config::Config& config() const { return config_; }
  const pipeline::LatestValues& latest() const { return latest_; }
  const ReadingRecorder& recorder() const { return recorder_; }
  const pipeline::RecentEvents& events() const { return events_; }
  bool has_event(EventKind kind, std::string_view meter_id = {}) const;
  app::AcquisitionService& service() { return *service_; }

 private:
  config::Config config_;
  const SystemClock clock_;
  pipeline::LatestValues latest_;
  ReadingRecorder recorder_;
  pipeline::ReadingFanout fanout_;
  pipeline::RecentEvents events_;
  boost::asio::io_context io_;
  std::unique_ptr<app::AcquisitionService> service_;  // destroyed before io_
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
};

}  // namespace meterd::integration
