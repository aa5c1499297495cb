#include "drivers/modbus/word_order.hpp"

#include <algorithm>
#include <bit>
#include <cctype>

namespace meterd::modbus {
namespace {

// Wire registers -> the big-endian word sequence (most significant word first).
std::uint16_t swap_bytes(std::uint16_t w) noexcept {
  return static_cast<std::uint16_t>((w << 8) | (w >> 8));
}

// Reorders n words between wire order and abcd order; the mapping is its own inverse.
template <std::size_t N>
void to_big_endian(std::uint16_t (&w)[N], WordOrder order) noexcept {
  if (order == WordOrder::cdab || order == WordOrder::dcba) std::reverse(w, w + N);
  if (order == WordOrder::badc || order == WordOrder::dcba) {
    for (auto& x : w) x = swap_bytes(x);
  }
}

}  // namespace

std::string_view to_string(WordOrder w) noexcept {
  switch (w) {
    case WordOrder::abcd:
      return "abcd";
    case WordOrder::cdab:
      return "cdab";
    case WordOrder::badc:
      return "badc";
    case WordOrder::dcba:
      return "dcba";
  }
  return "abcd";
}

std::optional<WordOrder> word_order_from_string(std::string_view s) noexcept {
  if (s.size() != 4) return std::nullopt;
  char lower[4];
  for (std::size_t i = 0; i < 4; ++i) {
    lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
  }
  const std::string_view l(lower, 4);
  for (WordOrder w : {WordOrder::abcd, WordOrder::cdab, WordOrder::badc, WordOrder::dcba}) {
    if (l == to_string(w)) return w;
  }
  return std::nullopt;
}

float decode_f32(std::span<const std::uint16_t> regs, WordOrder order) noexcept {
  std::uint16_t w[2] = {regs[0], regs[1]};
  to_big_endian(w, order);
  return std::bit_cast<float>(static_cast<std::uint32_t>((std::uint32_t{w[0]} << 16) | w[1]));
}

double decode_f64(std::span<const std::uint16_t> regs, WordOrder order) noexcept {
  std::uint16_t w[4] = {regs[0], regs[1], regs[2], regs[3]};
  to_big_endian(w, order);
  std::uint64_t bits = 0;
  for (std::uint16_t x : w) bits = (bits << 16) | x;
  return std::bit_cast<double>(bits);
}

std::vector<std::uint16_t> encode_f32(float v, WordOrder order) {
  const auto bits = std::bit_cast<std::uint32_t>(v);
  std::uint16_t w[2] = {static_cast<std::uint16_t>(bits >> 16),
                        static_cast<std::uint16_t>(bits & 0xFFFF)};
  to_big_endian(w, order);
  return {w[0], w[1]};
}

std::vector<std::uint16_t> encode_f64(double v, WordOrder order) {
  const auto bits = std::bit_cast<std::uint64_t>(v);
  std::uint16_t w[4];
  for (int i = 0; i < 4; ++i) w[i] = static_cast<std::uint16_t>(bits >> (48 - 16 * i));
  to_big_endian(w, order);
  return {w[0], w[1], w[2], w[3]};
}

}  // namespace meterd::modbus
