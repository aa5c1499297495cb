// tools/sim/modbus_crc.hpp: CRC-16/Modbus for the simulator's RTU frames.
//
// The simulator carries its own CRC on purpose: it exists to test the daemon's Modbus driver
// (libmodbus), so it must not share a line of code with it; a bug common to both would pass
// unseen. Algorithm: Modbus over serial line v1.02, §6.2.2 and Appendix B (polynomial 0xA001
// reflected, initial value 0xFFFF, low byte transmitted first). Pure function, thread-safe.
#pragma once

#include <cstdint>
#include <span>

namespace meterd::sim {

// The CRC of `bytes` as a number; on the wire it is sent low byte first.
std::uint16_t modbus_crc16(std::span<const std::uint8_t> bytes) noexcept;

// True when the last two bytes of `frame` are the CRC of the bytes before them.
bool modbus_crc_ok(std::span<const std::uint8_t> frame) noexcept;

}  // namespace meterd::sim
