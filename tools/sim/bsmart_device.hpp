// tools/sim/bsmart_device.hpp: one simulated B-Smart meter behind a slave address.
//
// Owns the meter's identity registers (address, baud rate, serial number, network type) and
// its BuildingModel (or reads one phase of a shared CommercialMeterFeed), and serves register
// reads and writes from the map of bsmart_register_map.
// A read first advances the model to the given time (unless frozen). Not thread-safe: the
// RtuSlave that owns the devices serialises access.
#pragma once

#include "meterd/time.hpp"
#include "tools/sim/building_model.hpp"
#include "tools/sim/commercial_meter_feed.hpp"
#include "tools/sim/modbus_exception.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace meterd::sim {

struct DeviceSettings {
  std::uint8_t address = 1;     // 1..247
  std::uint32_t baud = 9600;
  std::uint64_t seed = 1;       // of the building model and the serial number
  UtcTime start{};              // model time of the first measurement
  bool frozen = false;          // hold the start measurement forever (for tests)
  BuildingConfig building{};
  std::shared_ptr<CommercialMeterFeed> feed;  // when set, CT1 measures phase feed_phase of it
  int feed_phase = 0;                         // 0..2
};

class BsmartDevice {
 public:
  explicit BsmartDevice(const DeviceSettings& s);

  std::uint8_t address() const noexcept { return address_; }
  std::uint32_t baud() const noexcept { return baud_; }
  const std::string& serial_number() const noexcept { return serial_; }
  const BuildingModel& model() const noexcept { return model_; }

  // FC03: `count` registers from `start` into `out`, model advanced to `t` first.
  // illegal_data_address unless the range lies inside one block of the map.
  ModbusException read_holding(std::uint16_t start, std::uint16_t count, UtcTime t,
                               std::vector<std::uint16_t>& out);

  // FC10: writes the configuration registers (address, baud, serial number, network type).
  // illegal_data_address outside them (measurements are read-only); illegal_data_value for
  // an address outside 1..247, a baud rate the meter does not offer, a network type > 1.
  // Nothing is written unless every value is valid.
  ModbusException write_multiple(std::uint16_t start, std::span<const std::uint16_t> values);

 private:
  std::array<std::uint16_t, 0x11> config_block() const;

  std::uint8_t address_;
  std::uint32_t baud_;
  std::string serial_;  // 14 ASCII characters
  std::uint16_t network_type_ = 0;
  bool frozen_;
  BuildingModel model_;
  std::shared_ptr<CommercialMeterFeed> feed_;
  int feed_phase_;
};

}  // namespace meterd::sim
