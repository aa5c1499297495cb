// tools/sim/fault_injector.hpp: misbehaviour on demand for the simulated bus.
//
// A FaultConfig applies to the whole bus or to one slave address (a slave's own config
// replaces the bus one). The injector decides, per addressed request, whether the slave is
// silent, answers an exception instead, loses its reply, corrupts its CRC, or answers late.
// Random decisions come from a seeded generator. Not thread-safe: RtuSlave serialises access.
#pragma once

#include "tools/sim/modbus_exception.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>

namespace meterd::sim {

struct FaultConfig {
  double drop_probability = 0.0;         // reply executed but lost on the wire
  double corrupt_crc_probability = 0.0;  // reply sent with a wrong CRC
  ModbusException exception = ModbusException::none;  // answer this instead of data
  std::optional<std::uint16_t> exception_register;    // ... only for requests covering it
  std::chrono::milliseconds delay{0};                 // extra turnaround before replying
  std::optional<std::chrono::milliseconds> silent_after;  // since start-up
  std::chrono::milliseconds silent_for{0};                // the silent window's length

  bool any() const noexcept;
};

// What to do with one request to one slave.
struct FaultDecision {
  bool silent = false;   // no execution, no reply
  ModbusException exception = ModbusException::none;
  bool drop = false;
  bool corrupt_crc = false;
  std::chrono::milliseconds delay{0};
};

class FaultInjector {
 public:
  explicit FaultInjector(std::uint64_t seed) : rng_(seed) {}

  // Sets the faults of slave `address`, or of the bus when nullopt.
  void set(std::optional<std::uint8_t> address, const FaultConfig& config);
  // Removes every fault.
  void clear();

  // The decision for a request to `address` covering registers [first, first + count) at
  // `since_start` after start-up.
  FaultDecision decide(std::uint8_t address, std::uint16_t first, std::uint16_t count,
                       std::chrono::milliseconds since_start);

 private:
  const FaultConfig& config_for(std::uint8_t address) const;

  std::mt19937_64 rng_;
  FaultConfig bus_;
  std::map<std::uint8_t, FaultConfig> per_slave_;
};

}  // namespace meterd::sim
