// tools/sim/modbus_exception.hpp: Modbus exception codes a simulated slave can answer.
//
// Modbus Application Protocol v1.1b3 §7. `none` means a normal reply. Plain values.
#pragma once

#include <cstdint>

namespace meterd::sim {

enum class ModbusException : std::uint8_t {
  none = 0x00,
  illegal_function = 0x01,
  illegal_data_address = 0x02,
  illegal_data_value = 0x03,
  server_device_failure = 0x04,
  acknowledge = 0x05,
  server_device_busy = 0x06,
};

}  // namespace meterd::sim
