// src/app/reading_summary.hpp: a compact periodic log line per meter, so people see data.
//
// A first time soon after start (`first`, 3 s: a newcomer sees data at once), then every
// `period` (10 s by default), logs at info level, per configured meter, one line with the
// net active power of each channel (OBIS 1-B:16.7.0), its energy counters A+ (1-B:1.8.0) and
// A- (1-B:2.8.0) in kWh, and the poll statistics, from the latest-values cache and the
// acquisition snapshot. Nothing is logged per poll (an SD card must not fill with logs).
// Thread contract: start/async_stop on the io_context thread (a Service); the timer runs there.
#pragma once

#include <spdlog/logger.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meterd/meter_status.hpp"
#include "src/app/service.hpp"
#include "src/pipeline/latest_values.hpp"

namespace meterd::app {

// "meter m1 (bus sim, online, serial BS01): CT1 P 1234.5 W A+ 42000.123 kWh A- 12.000 kWh |
// CT2 P -800.2 W A+ ... | polls 10 ok 0 failed, timeouts 0, crc 0". A value with a quality
// other than good carries it in brackets; a missing one is "-". `holding`: readings are being
// held back until the system clock is synchronized (TimeStamper's hold policy), said instead of
// a bare "no readings yet" when the meter answers.
std::string format_meter_summary(const MeterStatus& status,
                                 const std::optional<pipeline::MeterValues>& values,
                                 bool holding = false);

class ReadingSummary final : public Service {
 public:
  using StatusSource = std::function<std::vector<MeterStatus>()>;
  using HoldingSource = std::function<bool()>;

  // `statuses` lists the configured meters (the acquisition snapshot); `holding` says whether
  // readings are held back for the clock (may be empty: never); `logger` null = default.
  ReadingSummary(boost::asio::io_context& io, const pipeline::LatestValues& values,
                 StatusSource statuses, HoldingSource holding,
                 std::chrono::milliseconds period = std::chrono::seconds{10},
                 std::chrono::milliseconds first = std::chrono::seconds{3},
                 std::shared_ptr<spdlog::logger> logger = nullptr);

  std::string_view name() const override { return "summary"; }
  Result<void> start() override;
  void async_stop(std::function<void()> done) override;
  void on_config_reloaded(const config::Config&) override {}

  // Logs one line per meter now.
  void log_now();

 private:
  void arm(std::chrono::milliseconds delay);

  boost::asio::steady_timer timer_;
  const pipeline::LatestValues& values_;
  StatusSource statuses_;
  HoldingSource holding_;
  std::chrono::milliseconds period_;
  std::chrono::milliseconds first_;
  std::shared_ptr<spdlog::logger> logger_;
  bool running_ = false;
};

}  // namespace meterd::app
