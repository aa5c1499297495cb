#include "src/app/reading_summary.hpp"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <cmath>

namespace meterd::app {
namespace {

// "1234.5 W", "42000.123 kWh" (Wh shown in kWh), "-" when absent, "[quality]" when not good.
std::string show(const std::optional<pipeline::LatestValue>& v, bool energy) {
  if (!v) return "-";
  std::string text = std::isnan(v->value) ? "NaN"
                     : energy             ? fmt::format("{:.3f} kWh", v->value / 1000.0)
                                          : fmt::format("{:.1f} W", v->value);
  if (v->quality != Quality::good) text += fmt::format(" [{}]", to_string(v->quality));
  return text;
}

std::optional<pipeline::LatestValue> find(const pipeline::MeterValues& m, const ObisCode& code) {
  for (const auto& v : m.values) {
    if (v.obis == code) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string format_meter_summary(const MeterStatus& status,
                                 const std::optional<pipeline::MeterValues>& values, bool holding) {
  std::string line = fmt::format("meter {} (bus {}, {}", status.meter_id, status.bus,
                                 status.online ? "online" : "offline");
  if (!status.serial_number.empty()) line += ", serial " + status.serial_number;
  line += "): ";
  bool any = false;
  for (std::uint8_t channel = 1; values && channel <= 2; ++channel) {
    const auto power = find(*values, ObisCode{1, channel, 16, 7, 0});
    const auto import = find(*values, ObisCode{1, channel, 1, 8, 0});
    const auto export_ = find(*values, ObisCode{1, channel, 2, 8, 0});
    if (!power && !import && !export_) continue;
    if (any) line += " | ";
    any = true;
    line += fmt::format("CT{} P {} A+ {} A- {}", channel, show(power, false), show(import, true),
                        show(export_, true));
  }
  if (!any) {
    line += holding && status.polls_ok > 0
                ? "no readings delivered yet: held until the system clock is synchronized "
                  "(time.unsynchronized: hold)"
                : "no readings yet";
  }
  line += fmt::format(" | polls {} ok {} failed, timeouts {}, crc {}", status.polls_ok,
                      status.polls_failed, status.timeouts, status.crc_errors);
  return line;
}

ReadingSummary::ReadingSummary(boost::asio::io_context& io, const pipeline::LatestValues& values,
                               StatusSource statuses, HoldingSource holding,
                               std::chrono::milliseconds period, std::chrono::milliseconds first,
                               std::shared_ptr<spdlog::logger> logger)
    : timer_(io),
      values_(values),
      statuses_(std::move(statuses)),
      holding_(std::move(holding)),
      period_(period),
      first_(first),
      logger_(logger ? std::move(logger) : spdlog::default_logger()) {}

Result<void> ReadingSummary::start() {
  running_ = true;
  arm(first_);
  return {};
}

void ReadingSummary::async_stop(std::function<void()> done) {
  running_ = false;
  timer_.cancel();
  done();
}

void ReadingSummary::log_now() {
  const bool holding = holding_ && holding_();
  for (const auto& status : statuses_()) {
    logger_->info("{}", format_meter_summary(status, values_.meter(status.meter_id), holding));
  }
}

void ReadingSummary::arm(std::chrono::milliseconds delay) {
  timer_.expires_after(delay);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !running_) return;
    try {
      log_now();
    } catch (const std::exception& e) {
      logger_->error("summary: {}", e.what());
    }
    arm(period_);
  });
}

}  // namespace meterd::app
