#include "tools/sim/rtu_framer.hpp"

#include "tools/sim/modbus_crc.hpp"

namespace meterd::sim {

std::chrono::microseconds SerialLine::wire_time(std::size_t bytes, std::uint32_t b) const noexcept {
  const std::uint32_t rate = b == 0 ? baud : b;
  const auto bits = static_cast<long long>(bytes) * bits_per_char();
  return std::chrono::microseconds{(bits * 1'000'000LL + rate - 1) / rate};
}

std::chrono::microseconds SerialLine::t35(std::uint32_t b) const noexcept {
  const std::uint32_t rate = b == 0 ? baud : b;
  if (rate > 19200) return std::chrono::microseconds{1750};
  return std::chrono::microseconds{(35LL * bits_per_char() * 100'000LL + rate - 1) / rate};
}

void RtuFramer::feed(std::span<const std::uint8_t> bytes) {
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
  if (buf_.size() > kMaxFrame) buf_.clear();
}

std::optional<std::vector<std::uint8_t>> RtuFramer::take_complete() {
  if (buf_.size() < 4) return std::nullopt;
  std::size_t len = 0;
  switch (buf_[1]) {
    case 0x03: len = 8; break;  // address fc start(2) count(2) crc(2)
    case 0x10:                  // address fc start(2) count(2) bytes(1) values crc(2)
      if (buf_.size() < 7) return std::nullopt;
      len = 9U + buf_[6];
      break;
    default:  // unknown length: accept the whole buffer if its CRC closes it
      len = buf_.size();
      break;
  }
  if (buf_.size() < len) return std::nullopt;
  if (!modbus_crc_ok(std::span<const std::uint8_t>(buf_.data(), len))) return std::nullopt;
  std::vector<std::uint8_t> frame(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(len));
  buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(len));
  return frame;
}

std::vector<std::uint8_t> RtuFramer::take_all() {
  std::vector<std::uint8_t> frame;
  frame.swap(buf_);
  return frame;
}

}  // namespace meterd::sim
