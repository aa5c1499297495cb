// drivers/modbus/rtu_over_tcp.hpp: RTU frames carried over a raw TCP connection.
//
// Many RS485-to-Ethernet converters forward the serial bytes unchanged over TCP ("RTU over
// TCP", "transparent mode"): the frame keeps its slave address and CRC-16 (Modbus over serial
// line v1.02 §2.5.1, CRC in §2.5.1.2 and Appendix B) and there is no MBAP header. libmodbus
// 3.1.6 has no backend for this, so this class is the transport: a blocking TCP socket whose
// every wait is bounded with poll(2) (connect, send, first reply byte, next bytes), carrying
// frames built and parsed by rtu_frame.hpp. A reply that looks like Modbus TCP is reported as a
// configuration mismatch. Not thread-safe: one bus thread owns it.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

#include "drivers/modbus/rtu_frame.hpp"
#include "meterd/error.hpp"

namespace meterd::modbus {

struct TcpTimeouts {
  std::chrono::milliseconds connect{2000};
  std::chrono::milliseconds response{500};  // request sent -> first reply byte
  std::chrono::milliseconds byte{100};      // between reply chunks
};

class RtuOverTcp {
 public:
  RtuOverTcp(std::string host, std::uint16_t port, TcpTimeouts timeouts);
  ~RtuOverTcp();
  RtuOverTcp(const RtuOverTcp&) = delete;
  RtuOverTcp& operator=(const RtuOverTcp&) = delete;

  // Connects (numeric or named host) within timeouts.connect. io_error / timeout otherwise.
  Result<void> open();
  void close() noexcept;
  bool is_open() const noexcept { return fd_ >= 0; }

  // Sends `request` (a whole RTU frame) after discarding stale input, and returns the whole
  // reply frame for `slave`/`function` (unparsed: the caller checks it with rtu_frame.hpp).
  // timeout when no byte arrives within timeouts.response or the frame stops short;
  // protocol_error when the reply is an MBAP (Modbus TCP) frame; io_error when the peer closes
  // the connection (the socket is then closed).
  Result<Bytes> transact(std::span<const std::uint8_t> request, std::uint8_t slave,
                         std::uint8_t function);

 private:
  Result<void> send_all(std::span<const std::uint8_t> data);
  // Appends what arrives within `wait` to `into`; timeout if nothing arrives.
  Result<void> receive_some(Bytes& into, std::chrono::milliseconds wait, std::size_t want);
  void discard_input() noexcept;

  std::string host_;
  std::uint16_t port_;
  TcpTimeouts timeouts_;
  int fd_ = -1;
};

}  // namespace meterd::modbus
