#include "tools/sim/fault_injector.hpp"

namespace meterd::sim {

bool FaultConfig::any() const noexcept {
  return drop_probability > 0.0 || corrupt_crc_probability > 0.0 ||
         exception != ModbusException::none || delay.count() > 0 || silent_after.has_value();
}

void FaultInjector::set(std::optional<std::uint8_t> address, const FaultConfig& config) {
  if (address) {
    per_slave_[*address] = config;
  } else {
    bus_ = config;
  }
}

void FaultInjector::clear() {
  bus_ = {};
  per_slave_.clear();
}

const FaultConfig& FaultInjector::config_for(std::uint8_t address) const {
  const auto it = per_slave_.find(address);
  return it == per_slave_.end() ? bus_ : it->second;
}

FaultDecision FaultInjector::decide(std::uint8_t address, std::uint16_t first, std::uint16_t count,
                                    std::chrono::milliseconds since_start) {
  const FaultConfig& c = config_for(address);
  FaultDecision d;
  if (c.silent_after && since_start >= *c.silent_after && since_start < *c.silent_after + c.silent_for) {
    d.silent = true;
    return d;
  }
  const bool covers = !c.exception_register ||
                      (*c.exception_register >= first && *c.exception_register - first < count);
  if (covers) d.exception = c.exception;
  std::uniform_real_distribution<double> u{0.0, 1.0};
  d.drop = c.drop_probability > 0.0 && u(rng_) < c.drop_probability;
  d.corrupt_crc = c.corrupt_crc_probability > 0.0 && u(rng_) < c.corrupt_crc_probability;
  d.delay = c.delay;
  return d;
}

}  // namespace meterd::sim
