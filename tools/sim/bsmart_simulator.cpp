#include "tools/sim/bsmart_simulator.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace meterd::sim {

DeviceSettings device_settings(const SimulatorConfig& config, std::size_t index, UtcTime start) {
  DeviceSettings s;
  s.address = config.addresses.at(index);
  s.baud = config.line.baud;
  s.seed = derive_seed(config.seed, s.address);
  s.start = start;
  s.frozen = config.freeze;
  s.building = config.building;
  return s;
}

Result<std::unique_ptr<BsmartSimulator>> BsmartSimulator::create(const SimulatorConfig& config,
                                                                 const Clock& clock) {
  if (config.addresses.empty()) return Error{Errc::invalid_argument, "no slave address"};
  std::set<std::uint8_t> seen;
  for (const std::uint8_t a : config.addresses) {
    if (a < 1 || a > 247) return Error{Errc::invalid_argument, "slave address " + std::to_string(a) + " outside 1..247"};
    if (!seen.insert(a).second) return Error{Errc::invalid_argument, "slave address " + std::to_string(a) + " given twice"};
  }
  if (config.commercial) {
    for (const std::uint8_t a : config.addresses)
      if (a > 3) return Error{Errc::invalid_argument, "slave address " + std::to_string(a) + " outside 1..3: with a commercial building the meter at address k measures phase Lk"};
  }
  if (!(config.speed > 0.0) || !std::isfinite(config.speed))
    return Error{Errc::invalid_argument, "speed must be a positive number"};
  auto bus = PtyBus::open(config.line, config.link_path, clock);
  if (!bus) return bus.error();
  const UtcTime start = config.start.value_or(clock.utc_now());
  return std::unique_ptr<BsmartSimulator>(new BsmartSimulator(config, clock, start, std::move(*bus)));
}

BsmartSimulator::BsmartSimulator(const SimulatorConfig& config, const Clock& clock, UtcTime start,
                                 std::unique_ptr<PtyBus> bus)
    : config_(config), clock_(clock), start_(start), mono_start_(clock.mono_now()), bus_(std::move(bus)) {
  std::vector<DeviceSettings> devices;
  for (std::size_t i = 0; i < config.addresses.size(); ++i) devices.push_back(device_settings(config, i, start));
  if (config.commercial) {  // one building, one phase per meter
    const auto feed = std::make_shared<CommercialMeterFeed>(*config.commercial, start);
    for (DeviceSettings& d : devices) {
      d.feed = feed;
      d.feed_phase = d.address - 1;
    }
  }
  slave_ = std::make_unique<RtuSlave>(devices, derive_seed(config.seed, 0xFA017));
  slave_->set_faults(std::nullopt, config.bus_faults);
  for (const auto& [address, faults] : config.slave_faults) slave_->set_faults(address, faults);
}

BsmartSimulator::~BsmartSimulator() { stop(); }

UtcTime BsmartSimulator::model_time() const {
  if (config_.freeze) return start_;
  const std::chrono::duration<double, std::milli> elapsed = clock_.mono_now() - mono_start_;
  return start_ + std::chrono::milliseconds{std::llround(elapsed.count() * config_.speed)};
}

void BsmartSimulator::start() {
  if (thread_.joinable()) return;
  thread_ = std::jthread([this](std::stop_token stop) {
    bus_->run(stop, [this](std::span<const std::uint8_t> frame) {
      const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(clock_.mono_now() - mono_start_);
      return slave_->handle_frame(frame, since, model_time());
    });
  });
}

void BsmartSimulator::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

}  // namespace meterd::sim
