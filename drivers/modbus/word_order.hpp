// drivers/modbus/word_order.hpp: how a meter lays a 32- or 64-bit value over 16-bit registers.
//
// Modbus registers are big-endian 16-bit words (Application Protocol v1.1b3 §4.2); the order of
// the words of a wider value is the meter's choice. Names spell the bytes of the IEEE 754 value
// in wire order, A the most significant byte: abcd = big-endian, high word first (the B-Smart
// default); cdab = low word first; badc = bytes swapped within each word; dcba = fully
// little-endian. For 64-bit values the same rule applies to four words (abcd = ABCDEFGH,
// cdab = GHEFCDAB, badc = BADCFEHG, dcba = HGFEDCBA). Pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace meterd::modbus {

enum class WordOrder : std::uint8_t { abcd, cdab, badc, dcba };

std::string_view to_string(WordOrder w) noexcept;
// "abcd", "cdab", "badc", "dcba" (case-insensitive); nullopt otherwise.
std::optional<WordOrder> word_order_from_string(std::string_view s) noexcept;

// The value of `regs` (exactly 2 registers) as an IEEE 754 binary32. Precondition: size 2.
float decode_f32(std::span<const std::uint16_t> regs, WordOrder order) noexcept;
// The value of `regs` (exactly 4 registers) as an IEEE 754 binary64. Precondition: size 4.
double decode_f64(std::span<const std::uint16_t> regs, WordOrder order) noexcept;

// The inverse: the registers a meter with `order` sends for `v` (simulators and tests).
std::vector<std::uint16_t> encode_f32(float v, WordOrder order);
std::vector<std::uint16_t> encode_f64(double v, WordOrder order);

}  // namespace meterd::modbus
