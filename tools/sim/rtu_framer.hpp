// tools/sim/rtu_framer.hpp: serial line timing and RTU frame delimiting on the slave side.
//
// Modbus over serial line v1.02 §2.5.1.1: a frame ends after a silent interval of 3.5
// character times (t3.5), fixed at 1.75 ms above 19200 bps. A pseudo-terminal delivers bytes
// without timing, so the framer also completes a request as soon as its length (known for
// FC03 and FC10, §6.3 and §6.12 of the application protocol) and CRC are buffered; other
// frames end at t3.5 of silence. Pure logic, no clock: the caller says when silence expired.
// Not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace meterd::sim {

// Character format of the line: 8 data bits, parity 'N', 'E' or 'O', 1 or 2 stop bits.
struct SerialLine {
  std::uint32_t baud = 9600;
  char parity = 'N';
  int stop_bits = 1;

  // Start bit + 8 data bits + parity + stop bits: 10 for 8N1, 11 for 8E1 or 8N2.
  int bits_per_char() const noexcept { return 1 + 8 + (parity == 'N' ? 0 : 1) + stop_bits; }
  // Time to transmit `bytes` characters at `baud` (the line's if 0).
  std::chrono::microseconds wire_time(std::size_t bytes, std::uint32_t baud = 0) const noexcept;
  // The inter-frame silence t3.5 at `baud` (the line's if 0); 1750 µs above 19200 bps.
  std::chrono::microseconds t35(std::uint32_t baud = 0) const noexcept;
};

class RtuFramer {
 public:
  static constexpr std::size_t kMaxFrame = 256;  // §2.5.1: RTU ADU at most 256 bytes

  // Appends received bytes; a buffer that outgrows an RTU frame is discarded (line noise).
  void feed(std::span<const std::uint8_t> bytes);

  // A complete request recognised by length and CRC at the front of the buffer, removed.
  std::optional<std::vector<std::uint8_t>> take_complete();

  // t3.5 of silence has passed: everything buffered is one frame (maybe invalid), removed.
  std::vector<std::uint8_t> take_all();

  bool empty() const noexcept { return buf_.empty(); }
  void clear() noexcept { buf_.clear(); }

 private:
  std::vector<std::uint8_t> buf_;
};

}  // namespace meterd::sim
