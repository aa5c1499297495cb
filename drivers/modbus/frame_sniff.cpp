#include "drivers/modbus/frame_sniff.hpp"

#include <cstdio>

#include "drivers/modbus/rtu_frame.hpp"

namespace meterd::modbus {

bool looks_like_mbap(std::span<const std::uint8_t> b) noexcept {
  if (b.size() < 8) return false;
  const unsigned protocol = (b[2] << 8) | b[3];
  const unsigned length = (b[4] << 8) | b[5];
  const unsigned function = b[7] & ~unsigned{kExceptionFlag};
  return protocol == 0 && length >= 2 && length <= 254 && function >= 1 && function <= 0x2B;
}

bool looks_like_rtu(std::span<const std::uint8_t> b) noexcept { return b.size() >= 5 && crc_ok(b); }

std::string hex_dump(std::span<const std::uint8_t> bytes, std::size_t max) {
  std::string out;
  char buf[4];
  for (std::size_t i = 0; i < bytes.size() && i < max; ++i) {
    std::snprintf(buf, sizeof buf, "%02X", bytes[i]);
    if (!out.empty()) out += ' ';
    out += buf;
  }
  if (bytes.size() > max) out += " ...";
  return out;
}

}  // namespace meterd::modbus
