// drivers/modbus/frame_sniff.hpp: tells Modbus TCP replies from RTU replies by their shape.
//
// A bus configured with the wrong transport (an RTU-over-TCP gateway addressed as Modbus TCP, or
// the reverse) gets replies that fail in confusing ways; these checks let the link say what it
// received and what it expected. Modbus TCP: MBAP header (Messaging on TCP/IP Implementation
// Guide v1.0b §3.1.3: transaction id, protocol id 0, length of unit id + PDU, unit id), then the
// PDU. RTU: slave, PDU, CRC-16 (serial line v1.02 §2.5.1). Pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace meterd::modbus {

// True when `bytes` (8 or more) start with a plausible MBAP header: protocol id 0, length
// 2..254 and a function code (or its exception) after the unit id.
bool looks_like_mbap(std::span<const std::uint8_t> bytes) noexcept;

// True when `bytes` (5 or more) are a whole RTU frame with a valid CRC.
bool looks_like_rtu(std::span<const std::uint8_t> bytes) noexcept;

// "00 01 00 00 00 07 01 03" (at most `max` bytes, then "...").
std::string hex_dump(std::span<const std::uint8_t> bytes, std::size_t max = 16);

}  // namespace meterd::modbus
