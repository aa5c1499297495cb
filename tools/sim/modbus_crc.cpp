#include "tools/sim/modbus_crc.hpp"

namespace meterd::sim {

// Bitwise form of the Appendix B procedure (the spec's table-driven version gives the same
// result; eight shifts per byte are plenty for a 9600 bps simulator).
std::uint16_t modbus_crc16(std::span<const std::uint8_t> bytes) noexcept {
  std::uint16_t crc = 0xFFFF;
  for (const std::uint8_t b : bytes) {
    crc ^= b;
    for (int bit = 0; bit < 8; ++bit) {
      const bool lsb = (crc & 1U) != 0;
      crc = static_cast<std::uint16_t>(crc >> 1U);
      if (lsb) crc ^= 0xA001;
    }
  }
  return crc;
}

bool modbus_crc_ok(std::span<const std::uint8_t> frame) noexcept {
  if (frame.size() < 3) return false;
  const std::uint16_t crc = modbus_crc16(frame.first(frame.size() - 2));
  return frame[frame.size() - 2] == (crc & 0xFFU) && frame[frame.size() - 1] == (crc >> 8U);
}

}  // namespace meterd::sim
