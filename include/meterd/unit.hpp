// meterd/unit.hpp: SI units of stored values.
//
// Enumerator values are the DLMS/COSEM unit codes (IEC 62056-6-2, class "unit" enumeration), so a
// meter's scaler_unit maps without a table and the code is stable in storage. Everything downstream
// of a driver is in these units: W, var, VA, Wh, varh, VAh, V, A, Hz (never kW or kWh).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace meterd {

enum class Unit : std::uint8_t {
  second = 7,
  celsius = 9,
  watt = 27,
  volt_ampere = 28,
  var = 29,
  watt_hour = 30,
  volt_ampere_hour = 31,
  var_hour = 32,
  ampere = 33,
  volt = 35,
  hertz = 44,
  percent = 56,
  none = 255,  // dimensionless (power factor, counts)
};

// "W", "var", "VA", "Wh", "varh", "VAh", "V", "A", "Hz", "s", "°C", "%", "" for none.
std::string_view symbol(Unit u) noexcept;

// The unit for a DLMS unit code, or nullopt for a code meterd does not store.
std::optional<Unit> unit_from_dlms(std::uint8_t code) noexcept;

// The inverse of symbol() ("" -> none); nullopt for an unknown symbol. Case-sensitive.
std::optional<Unit> unit_from_symbol(std::string_view s) noexcept;

}  // namespace meterd
