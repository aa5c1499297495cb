#include "drivers/modbus/rtu_frame.hpp"

#include <cstdio>

namespace meterd::modbus {
namespace {

std::uint16_t be16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

void put16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xFF));
}

std::string hex8(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", v & 0xFFu);
  return buf;
}

Result<void> check_range(std::uint8_t slave, std::uint16_t address, std::size_t count,
                         std::size_t max) {
  if (slave == 0 || slave > kMaxSlave) {
    return Error{Errc::invalid_argument,
                 "slave address " + std::to_string(slave) + " outside 1..247"};
  }
  if (count == 0 || count > max) {
    return Error{Errc::invalid_argument,
                 "register count " + std::to_string(count) + " outside 1.." + std::to_string(max)};
  }
  if (std::size_t{address} + count > 0x10000) {
    return Error{Errc::invalid_argument, "registers " + std::to_string(address) + "+" +
                                             std::to_string(count) + " run past 0xFFFF"};
  }
  return {};
}

// Checks CRC, slave and function of a reply; turns an exception reply into its Error.
Result<void> check_reply_head(std::span<const std::uint8_t> frame, std::uint8_t slave,
                              std::uint8_t function) {
  if (frame.size() < 5) {
    return Error{Errc::protocol_error,
                 "reply of " + std::to_string(frame.size()) + " bytes; expected at least 5"};
  }
  if (!crc_ok(frame)) {
    const std::uint16_t got =
        static_cast<std::uint16_t>(frame[frame.size() - 2] | (frame[frame.size() - 1] << 8));
    const std::uint16_t want = crc16(frame.first(frame.size() - 2));
    return Error{Errc::crc_error, "reply CRC " + hex8(got >> 8) + hex8(got).substr(2) +
                                      " but the frame computes to " + hex8(want >> 8) +
                                      hex8(want).substr(2)};
  }
  if (frame[0] != slave) {
    return Error{Errc::protocol_error, "reply from slave " + std::to_string(frame[0]) +
                                           "; expected slave " + std::to_string(slave)};
  }
  if (frame[1] == (function | kExceptionFlag)) {
    if (frame.size() != 5) {
      return Error{Errc::protocol_error,
                   "exception reply of " + std::to_string(frame.size()) + " bytes; expected 5"};
    }
    return Error{Errc::exception_reply, "exception " + hex8(frame[2]) + " (" +
                                            exception_name(frame[2]) + ") to function " +
                                            hex8(function)};
  }
  if (frame[1] != function) {
    return Error{Errc::protocol_error,
                 "reply function " + hex8(frame[1]) + "; expected " + hex8(function)};
  }
  return {};
}

}  // namespace

std::string exception_name(std::uint8_t code) {
  switch (static_cast<ExceptionCode>(code)) {
    case ExceptionCode::illegal_function:
      return "illegal function";
    case ExceptionCode::illegal_data_address:
      return "illegal data address";
    case ExceptionCode::illegal_data_value:
      return "illegal data value";
    case ExceptionCode::slave_device_failure:
      return "slave device failure";
    case ExceptionCode::acknowledge:
      return "acknowledge";
    case ExceptionCode::slave_device_busy:
      return "slave device busy";
    case ExceptionCode::memory_parity_error:
      return "memory parity error";
    case ExceptionCode::gateway_path_unavailable:
      return "gateway path unavailable";
    case ExceptionCode::gateway_target_failed:
      return "gateway target device failed to respond";
  }
  return "exception " + hex8(code);
}

std::uint16_t crc16(std::span<const std::uint8_t> data) noexcept {
  std::uint16_t crc = 0xFFFF;
  for (std::uint8_t byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1u) ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001u)
                       : static_cast<std::uint16_t>(crc >> 1);
    }
  }
  return crc;
}

void append_crc(Bytes& frame) {
  const std::uint16_t crc = crc16(frame);
  frame.push_back(static_cast<std::uint8_t>(crc & 0xFF));
  frame.push_back(static_cast<std::uint8_t>(crc >> 8));
}

bool crc_ok(std::span<const std::uint8_t> frame) noexcept {
  if (frame.size() < 4) return false;
  const std::uint16_t crc = crc16(frame.first(frame.size() - 2));
  return frame[frame.size() - 2] == (crc & 0xFF) && frame[frame.size() - 1] == (crc >> 8);
}

Result<Bytes> build_read_request(std::uint8_t slave, std::uint16_t address, std::uint16_t count) {
  if (auto ok = check_range(slave, address, count, kMaxReadRegisters); !ok) return ok.error();
  Bytes f{slave, kFcReadHoldingRegisters};
  put16(f, address);
  put16(f, count);
  append_crc(f);
  return f;
}

Result<Bytes> build_write_request(std::uint8_t slave, std::uint16_t address,
                                  std::span<const std::uint16_t> values) {
  if (auto ok = check_range(slave, address, values.size(), kMaxWriteRegisters); !ok) {
    return ok.error();
  }
  Bytes f{slave, kFcWriteMultipleRegisters};
  put16(f, address);
  put16(f, static_cast<std::uint16_t>(values.size()));
  f.push_back(static_cast<std::uint8_t>(values.size() * 2));
  for (std::uint16_t v : values) put16(f, v);
  append_crc(f);
  return f;
}

std::optional<std::size_t> expected_reply_length(std::span<const std::uint8_t> head,
                                                 std::uint8_t function) {
  if (head.size() < 3) return std::nullopt;
  if (head[1] == (function | kExceptionFlag)) return 5;
  if (head[1] != function) return head.size();
  if (function == kFcReadHoldingRegisters) return std::size_t{3} + head[2] + 2;
  if (function == kFcWriteMultipleRegisters) return 8;
  return head.size();
}

Result<std::vector<std::uint16_t>> parse_read_reply(std::span<const std::uint8_t> frame,
                                                    std::uint8_t slave, std::uint16_t count) {
  if (auto ok = check_reply_head(frame, slave, kFcReadHoldingRegisters); !ok) return ok.error();
  const std::size_t byte_count = frame[2];
  if (byte_count != std::size_t{count} * 2) {
    return Error{Errc::protocol_error, "reply byte count " + std::to_string(byte_count) +
                                           "; expected " + std::to_string(count * 2) + " for " +
                                           std::to_string(count) + " registers"};
  }
  if (frame.size() != 3 + byte_count + 2) {
    return Error{Errc::protocol_error, "reply of " + std::to_string(frame.size()) +
                                           " bytes; byte count " + std::to_string(byte_count) +
                                           " requires " + std::to_string(3 + byte_count + 2)};
  }
  std::vector<std::uint16_t> regs(count);
  for (std::size_t i = 0; i < count; ++i) regs[i] = be16(frame, 3 + 2 * i);
  return regs;
}

Result<void> parse_write_reply(std::span<const std::uint8_t> frame, std::uint8_t slave,
                               std::uint16_t address, std::uint16_t count) {
  if (auto ok = check_reply_head(frame, slave, kFcWriteMultipleRegisters); !ok) {
    return ok.error();
  }
  if (frame.size() != 8) {
    return Error{Errc::protocol_error,
                 "write reply of " + std::to_string(frame.size()) + " bytes; expected 8"};
  }
  if (be16(frame, 2) != address || be16(frame, 4) != count) {
    return Error{Errc::protocol_error,
                 "write reply echoes address " + std::to_string(be16(frame, 2)) + " count " +
                     std::to_string(be16(frame, 4)) + "; expected " + std::to_string(address) +
                     " count " + std::to_string(count)};
  }
  return {};
}

Result<Request> parse_request(std::span<const std::uint8_t> frame) {
  if (frame.size() < 8) {
    return Error{Errc::protocol_error,
                 "request of " + std::to_string(frame.size()) + " bytes; expected at least 8"};
  }
  if (!crc_ok(frame)) return Error{Errc::crc_error, "request CRC does not match"};
  Request r;
  r.slave = frame[0];
  r.function = frame[1];
  if (r.function != kFcReadHoldingRegisters && r.function != kFcWriteMultipleRegisters) {
    return Error{Errc::unsupported, "function " + hex8(r.function) + " not supported"};
  }
  r.address = be16(frame, 2);
  r.count = be16(frame, 4);
  if (r.function == kFcReadHoldingRegisters) {
    if (frame.size() != 8) {
      return Error{Errc::protocol_error,
                   "FC03 request of " + std::to_string(frame.size()) + " bytes; expected 8"};
    }
    if (r.count == 0 || r.count > kMaxReadRegisters) {
      return Error{Errc::out_of_range, "FC03 count " + std::to_string(r.count) + " outside 1..125"};
    }
    return r;
  }
  if (frame.size() < 9 || frame.size() != std::size_t{9} + frame[6]) {
    return Error{Errc::protocol_error, "FC10 request length does not match its byte count"};
  }
  if (r.count == 0 || r.count > kMaxWriteRegisters || frame[6] != r.count * 2) {
    return Error{Errc::out_of_range, "FC10 count " + std::to_string(r.count) + " byte count " +
                                         std::to_string(frame[6]) + " invalid"};
  }
  r.values.resize(r.count);
  for (std::size_t i = 0; i < r.count; ++i) r.values[i] = be16(frame, 7 + 2 * i);
  return r;
}

std::optional<std::size_t> expected_request_length(std::span<const std::uint8_t> head) {
  if (head.size() < 2) return std::nullopt;
  if (head[1] == kFcReadHoldingRegisters) return 8;
  if (head[1] == kFcWriteMultipleRegisters) {
    if (head.size() < 7) return std::nullopt;
    return std::size_t{9} + head[6];
  }
  return std::nullopt;
}

Bytes build_read_reply(std::uint8_t slave, std::span<const std::uint16_t> registers) {
  Bytes f{slave, kFcReadHoldingRegisters, static_cast<std::uint8_t>(registers.size() * 2)};
  for (std::uint16_t v : registers) put16(f, v);
  append_crc(f);
  return f;
}

Bytes build_write_reply(std::uint8_t slave, std::uint16_t address, std::uint16_t count) {
  Bytes f{slave, kFcWriteMultipleRegisters};
  put16(f, address);
  put16(f, count);
  append_crc(f);
  return f;
}

Bytes build_exception_reply(std::uint8_t slave, std::uint8_t function, ExceptionCode code) {
  Bytes f{slave, static_cast<std::uint8_t>(function | kExceptionFlag),
          static_cast<std::uint8_t>(code)};
  append_crc(f);
  return f;
}

}  // namespace meterd::modbus
