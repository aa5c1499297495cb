// drivers/modbus/rtu_frame.hpp: Modbus RTU frames for FC03 and FC10, both sides, no I/O.
//
// An RTU frame is slave address, PDU, CRC-16 low byte first (Modbus over serial line v1.02
// §2.5.1, CRC in §2.5.1.2 and Appendix B). PDUs follow the Modbus Application Protocol v1.1b3:
// FC03 Read Holding Registers (§6.3), FC10 Write Multiple Registers (§6.12), exception
// responses (§7). Master side: build requests, parse replies. Slave side (simulators, test
// responders): parse requests, build replies. Every length is checked; bytes in, Result out.
// Pure functions: thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "meterd/error.hpp"

namespace meterd::modbus {

inline constexpr std::uint8_t kFcReadHoldingRegisters = 0x03;
inline constexpr std::uint8_t kFcWriteMultipleRegisters = 0x10;
inline constexpr std::uint8_t kExceptionFlag = 0x80;
inline constexpr std::uint16_t kMaxReadRegisters = 125;   // Application Protocol §6.3
inline constexpr std::uint16_t kMaxWriteRegisters = 123;  // Application Protocol §6.12
inline constexpr std::size_t kMaxRtuFrame = 256;          // serial line §2.5.1
inline constexpr std::uint8_t kMaxSlave = 247;            // serial line §2.2 (0 = broadcast)

using Bytes = std::vector<std::uint8_t>;

// Exception codes of Application Protocol §7.
enum class ExceptionCode : std::uint8_t {
  illegal_function = 0x01,
  illegal_data_address = 0x02,
  illegal_data_value = 0x03,
  slave_device_failure = 0x04,
  acknowledge = 0x05,
  slave_device_busy = 0x06,
  memory_parity_error = 0x08,
  gateway_path_unavailable = 0x0A,
  gateway_target_failed = 0x0B,
};

// "illegal data address", or "exception 0x42" for a code outside §7.
std::string exception_name(std::uint8_t code);

// CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF) of `data` (serial line Appendix B).
std::uint16_t crc16(std::span<const std::uint8_t> data) noexcept;

// Appends the CRC of `frame`, low byte first (serial line §2.5.1.2).
void append_crc(Bytes& frame);

// True when `frame` is at least 4 bytes and its last two bytes are the CRC of the rest.
bool crc_ok(std::span<const std::uint8_t> frame) noexcept;

// --- master side ---------------------------------------------------------------------------

// FC03 request. Errc::invalid_argument for slave outside 1..247, count outside 1..125, or a
// range past 0xFFFF.
Result<Bytes> build_read_request(std::uint8_t slave, std::uint16_t address, std::uint16_t count);

// FC10 request. Same bounds, count 1..123.
Result<Bytes> build_write_request(std::uint8_t slave, std::uint16_t address,
                                  std::span<const std::uint16_t> values);

// The full length of the reply frame whose first bytes are `head`, for `function`: nullopt
// when fewer than 3 bytes are known. Exception replies are 5 bytes; FC03 3 + byte count + 2;
// FC10 8. A head whose function is neither ours nor our exception returns the bytes known so
// far (the parser then reports what is wrong).
std::optional<std::size_t> expected_reply_length(std::span<const std::uint8_t> head,
                                                 std::uint8_t function);

// Parses a complete FC03 reply to a request for `count` registers of `slave`. Errors:
// crc_error (bad CRC), exception_reply (detail names the exception code, "exception 0x02
// (illegal data address)"), protocol_error (short frame, other slave, other function, byte
// count not 2 x count or not matching the frame length).
Result<std::vector<std::uint16_t>> parse_read_reply(std::span<const std::uint8_t> frame,
                                                    std::uint8_t slave, std::uint16_t count);

// Parses a complete FC10 reply (echo of address and count). Errors as parse_read_reply.
Result<void> parse_write_reply(std::span<const std::uint8_t> frame, std::uint8_t slave,
                               std::uint16_t address, std::uint16_t count);

// --- slave side ----------------------------------------------------------------------------

struct Request {
  std::uint8_t slave = 0;
  std::uint8_t function = 0;
  std::uint16_t address = 0;
  std::uint16_t count = 0;
  std::vector<std::uint16_t> values;  // FC10 only
};

// Parses a complete FC03 or FC10 request. crc_error for a bad CRC; protocol_error for a short
// frame or inconsistent byte count; unsupported for another function code (the caller answers
// with exception 0x01); out_of_range for a count outside the §6.3/§6.12 bounds (exception 0x03).
Result<Request> parse_request(std::span<const std::uint8_t> frame);

// The length of the request frame starting with `head` (nullopt until enough bytes are known:
// 2 for the function, 7 for FC10's byte count). Unknown functions return nullopt forever; the
// caller resynchronizes on silence.
std::optional<std::size_t> expected_request_length(std::span<const std::uint8_t> head);

Bytes build_read_reply(std::uint8_t slave, std::span<const std::uint16_t> registers);
Bytes build_write_reply(std::uint8_t slave, std::uint16_t address, std::uint16_t count);
Bytes build_exception_reply(std::uint8_t slave, std::uint8_t function, ExceptionCode code);

}  // namespace meterd::modbus
