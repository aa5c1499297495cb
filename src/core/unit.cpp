#include "meterd/unit.hpp"

#include <array>
#include <utility>

namespace meterd {
namespace {

constexpr std::array<std::pair<Unit, std::string_view>, 13> kSymbols{{
    {Unit::second, "s"},
    {Unit::celsius, "°C"},
    {Unit::watt, "W"},
    {Unit::volt_ampere, "VA"},
    {Unit::var, "var"},
    {Unit::watt_hour, "Wh"},
    {Unit::volt_ampere_hour, "VAh"},
    {Unit::var_hour, "varh"},
    {Unit::ampere, "A"},
    {Unit::volt, "V"},
    {Unit::hertz, "Hz"},
    {Unit::percent, "%"},
    {Unit::none, ""},
}};

}  // namespace

std::string_view symbol(Unit u) noexcept {
  for (const auto& [unit, sym] : kSymbols) {
    if (unit == u) return sym;
  }
  return "?";
}

std::optional<Unit> unit_from_dlms(std::uint8_t code) noexcept {
  for (const auto& [unit, sym] : kSymbols) {
    if (static_cast<std::uint8_t>(unit) == code) return unit;
  }
  return std::nullopt;
}

std::optional<Unit> unit_from_symbol(std::string_view s) noexcept {
  for (const auto& [unit, sym] : kSymbols) {
    if (sym == s) return unit;
  }
  return std::nullopt;
}

}  // namespace meterd
