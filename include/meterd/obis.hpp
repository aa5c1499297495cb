// meterd/obis.hpp: the OBIS identification code of IEC 62056-61 (A-B:C.D.E*F).
//
// Every value in meterd is named by an OBIS code. A = medium (1 = electricity), B = channel
// (B-Smart CT1 = 1, CT2 = 2), C = quantity, D = processing, E = classification (tariff, phase
// share), F = historical value (255 = not used). Immutable value type, cheap to copy and compare.
#pragma once

#include "meterd/error.hpp"

#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace meterd {

class ObisCode {
 public:
  static constexpr std::uint8_t kUnused = 255;

  constexpr ObisCode() = default;
  constexpr ObisCode(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                     std::uint8_t e, std::uint8_t f = kUnused)
      : a_(a), b_(b), c_(c), d_(d), e_(e), f_(f) {}

  // Parses the full form "A-B:C.D.E*F", "A-B:C.D.E", and the reduced forms "C.D.E*F" and
  // "C.D.E" (IEC 62056-61 clause 5: A and B omitted -> A = 1 electricity, B = 0; F omitted ->
  // 255). Group C may be a letter of the standard: C = 96, F = 97, L = 98, P = 99. '&' is
  // accepted for '*' (older notation). Each group is 0..255 in decimal without sign or
  // whitespace. A malformed text returns Errc::parse_error, or Errc::out_of_range for a group
  // above 255, with the column (1-based) and what was expected.
  static Result<ObisCode> parse(std::string_view text);

  // "A-B:C.D.E", with "*F" appended only when F != 255. parse(to_string()) == *this.
  std::string to_string() const;

  constexpr std::uint8_t a() const noexcept { return a_; }
  constexpr std::uint8_t b() const noexcept { return b_; }
  constexpr std::uint8_t c() const noexcept { return c_; }
  constexpr std::uint8_t d() const noexcept { return d_; }
  constexpr std::uint8_t e() const noexcept { return e_; }
  constexpr std::uint8_t f() const noexcept { return f_; }

  // The same quantity on another measurement channel (the B group).
  constexpr ObisCode with_channel(std::uint8_t b) const noexcept {
    return {a_, b, c_, d_, e_, f_};
  }
  // The six groups packed big-endian into 48 bits: a stable key for maps and storage.
  constexpr std::uint64_t packed() const noexcept {
    return (std::uint64_t{a_} << 40) | (std::uint64_t{b_} << 32) | (std::uint64_t{c_} << 24) |
           (std::uint64_t{d_} << 16) | (std::uint64_t{e_} << 8) | std::uint64_t{f_};
  }
  static constexpr ObisCode from_packed(std::uint64_t p) noexcept {
    return {static_cast<std::uint8_t>(p >> 40), static_cast<std::uint8_t>(p >> 32),
            static_cast<std::uint8_t>(p >> 24), static_cast<std::uint8_t>(p >> 16),
            static_cast<std::uint8_t>(p >> 8), static_cast<std::uint8_t>(p)};
  }

  friend constexpr auto operator<=>(const ObisCode&, const ObisCode&) = default;

 private:
  std::uint8_t a_ = 0, b_ = 0, c_ = 0, d_ = 0, e_ = 0, f_ = kUnused;
};

}  // namespace meterd

template <>
struct std::hash<meterd::ObisCode> {
  std::size_t operator()(const meterd::ObisCode& o) const noexcept {
    return std::hash<std::uint64_t>{}(o.packed());
  }
};
