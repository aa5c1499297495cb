// drivers/modbus/bsmart_map.hpp: the register map of the Bourgeois Global B-Smart meter.
//
// Source: "Manuel d'installation et d'utilisation du compteur B-Smart", §10.1 table 3. Every
// register of the manual, both measurement channels (CT1 = grid, CT2 = solar production). Each
// entry says where the value is on the wire (address, register count, type, unit on the wire)
// and what it becomes in the shared model (SI unit, scale, OBIS code with the channel in the B
// group: CT1 = 1-1:..., CT2 = 1-2:...). The OBIS choices and their reasons are in
// docs/modbus-register-map.md; in short (IEC 62056-61, DLMS UA 1000-1 value group C):
//   signed total active power 16.7.0 (net, sum Li), per phase 36/56/76.7.0;
//   signed reactive power: no standard code for a net reactive value exists, so the
//     manufacturer-specific range C = 128..199 is used as 128 + the C of the Q+ code:
//     total 131.7.0, phases 151/171/191.7.0; the same for combined reactive energy (131.8.0,
//     151/171/191.8.0);
//   line-to-line voltages: no standard code; manufacturer-specific 140/160/180.7.0 (L1-L2,
//     L2-L3, L3-L1 = 128 + 12 "voltage any phase" + 0/20/40);
//   everything else uses its standard code (32.7.0 voltage L1, 31.7.0 current L1, 91.7.0
//     neutral current, 9.7.0 apparent, 13.7.0 PF, 14.7.0 frequency, 15.8.0 combined active
//     energy, 1.8.0 A+, 2.8.0 A-, 3.8.0 R+, 4.8.0 R-, 9.8.0 apparent energy, per phase +20/+40).
// Immutable constexpr data: thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "meterd/obis.hpp"
#include "meterd/unit.hpp"

namespace meterd::modbus {

enum class RegType : std::uint8_t { u16, f32, f64 };

// The poll groups of the B-Smart: configuration registers, instantaneous values, energies.
enum class BsmartGroup : std::uint8_t { config, instantaneous, energy };

// Which conductor a value belongs to; decides what a single-phase meter emits.
enum class Phase : std::uint8_t {
  none,     // totals, frequency, configuration: always emitted
  l1,       // phase A
  l2,       // phase B (three-phase only)
  l3,       // phase C (three-phase only)
  neutral,  // neutral current (three-phase only)
  line,     // line-to-line voltage (three-phase only)
};

// What the value measures, for plausibility limits.
enum class Quantity : std::uint8_t {
  setting,
  voltage,
  line_voltage,
  current,
  active_power,
  reactive_power,
  apparent_power,
  power_factor,
  frequency,
  energy_combined,  // may be signed (the meter's "combined" counter)
  energy,           // monotonic counter, never negative
};

struct RegisterDef {
  std::uint16_t address;
  std::uint8_t count;  // registers
  RegType type;
  BsmartGroup group;
  std::uint8_t channel;  // 1 or 2; 0 for configuration registers
  Phase phase;
  Quantity quantity;
  std::string_view name_fr;
  std::string_view name_en;
  std::string_view wire_unit;  // as in the manual: "V", "kW", "kvarh", "" ...
  Unit unit;                   // SI unit in the shared model
  double scale;                // SI value = wire value x scale
  std::optional<ObisCode> obis;
  bool writable;
};

namespace detail {

inline constexpr std::uint16_t kChannelInstBase[] = {0x2100, 0x2300};
inline constexpr std::uint16_t kChannelEnergyBase[] = {0x3000, 0x3100};

// One channel's row, before the channel is applied: offset from the group base.
struct Row {
  std::uint16_t offset;
  Phase phase;
  Quantity quantity;
  std::string_view name_fr;
  std::string_view name_en;
  std::string_view wire_unit;
  Unit unit;
  double scale;
  std::uint8_t c, d, e;
};

// One row per register; a table reads better than the 100-column limit allows.
// clang-format off
inline constexpr std::array<Row, 27> kInstantaneous{{
    {0x00, Phase::l1, Quantity::voltage, "Tension de phase A", "Phase voltage A", "V", Unit::volt, 1, 32, 7, 0},
    {0x02, Phase::l2, Quantity::voltage, "Tension de phase B", "Phase voltage B", "V", Unit::volt, 1, 52, 7, 0},
    {0x04, Phase::l3, Quantity::voltage, "Tension de phase C", "Phase voltage C", "V", Unit::volt, 1, 72, 7, 0},
    {0x06, Phase::line, Quantity::line_voltage, "Tension de ligne AB", "Line voltage AB", "V", Unit::volt, 1, 140, 7, 0},
    {0x08, Phase::line, Quantity::line_voltage, "Tension de ligne BC", "Line voltage BC", "V", Unit::volt, 1, 160, 7, 0},
    {0x0A, Phase::line, Quantity::line_voltage, "Tension de ligne CA", "Line voltage CA", "V", Unit::volt, 1, 180, 7, 0},
    {0x0C, Phase::l1, Quantity::current, "Courant de phase A", "Current A", "A", Unit::ampere, 1, 31, 7, 0},
    {0x0E, Phase::l2, Quantity::current, "Courant de phase B", "Current B", "A", Unit::ampere, 1, 51, 7, 0},
    {0x10, Phase::l3, Quantity::current, "Courant de phase C", "Current C", "A", Unit::ampere, 1, 71, 7, 0},
    {0x12, Phase::neutral, Quantity::current, "Courant de phase N", "Current N", "A", Unit::ampere, 1, 91, 7, 0},
    {0x14, Phase::l1, Quantity::active_power, "Puissance active de phase A", "Active power A", "kW", Unit::watt, 1000, 36, 7, 0},
    {0x16, Phase::l2, Quantity::active_power, "Puissance active de phase B", "Active power B", "kW", Unit::watt, 1000, 56, 7, 0},
    {0x18, Phase::l3, Quantity::active_power, "Puissance active de phase C", "Active power C", "kW", Unit::watt, 1000, 76, 7, 0},
    {0x1A, Phase::none, Quantity::active_power, "Puissance active totale", "Total active power", "kW", Unit::watt, 1000, 16, 7, 0},
    {0x1C, Phase::l1, Quantity::reactive_power, "Puissance réactive de phase A", "Reactive power A", "kvar", Unit::var, 1000, 151, 7, 0},
    {0x1E, Phase::l2, Quantity::reactive_power, "Puissance réactive de phase B", "Reactive power B", "kvar", Unit::var, 1000, 171, 7, 0},
    {0x20, Phase::l3, Quantity::reactive_power, "Puissance réactive de phase C", "Reactive power C", "kvar", Unit::var, 1000, 191, 7, 0},
    {0x22, Phase::none, Quantity::reactive_power, "Puissance réactive totale", "Total reactive power", "kvar", Unit::var, 1000, 131, 7, 0},
    {0x24, Phase::l1, Quantity::apparent_power, "Puissance apparente de phase A", "Apparent power A", "kVA", Unit::volt_ampere, 1000, 29, 7, 0},
    {0x26, Phase::l2, Quantity::apparent_power, "Puissance apparente de phase B", "Apparent power B", "kVA", Unit::volt_ampere, 1000, 49, 7, 0},
    {0x28, Phase::l3, Quantity::apparent_power, "Puissance apparente de phase C", "Apparent power C", "kVA", Unit::volt_ampere, 1000, 69, 7, 0},
    {0x2A, Phase::none, Quantity::apparent_power, "Puissance apparente totale", "Total apparent power", "kVA", Unit::volt_ampere, 1000, 9, 7, 0},
    {0x2C, Phase::l1, Quantity::power_factor, "Facteur de puissance de phase A", "Power factor A", "", Unit::none, 1, 33, 7, 0},
    {0x2E, Phase::l2, Quantity::power_factor, "Facteur de puissance de phase B", "Power factor B", "", Unit::none, 1, 53, 7, 0},
    {0x30, Phase::l3, Quantity::power_factor, "Facteur de puissance de phase C", "Power factor C", "", Unit::none, 1, 73, 7, 0},
    {0x32, Phase::none, Quantity::power_factor, "Facteur de puissance total", "Total power factor", "", Unit::none, 1, 13, 7, 0},
    {0x34, Phase::none, Quantity::frequency, "Fréquence", "Frequency", "Hz", Unit::hertz, 1, 14, 7, 0},
}};

// The per-phase energy rows repeat for B and C with C + 20 / + 40 (IEC 62056-61 L2, L3).
inline constexpr std::array<Row, 25> kEnergy{{
    {0x00, Phase::none, Quantity::energy_combined, "Énergie électrique active", "Active energy (combined)", "kWh", Unit::watt_hour, 1000, 15, 8, 0},
    {0x04, Phase::none, Quantity::energy, "Énergie électrique active en sens direct", "Active energy import (A+)", "kWh", Unit::watt_hour, 1000, 1, 8, 0},
    {0x08, Phase::none, Quantity::energy, "Énergie électrique active en sens inverse", "Active energy export (A-)", "kWh", Unit::watt_hour, 1000, 2, 8, 0},
    {0x0C, Phase::none, Quantity::energy_combined, "Énergie électrique réactive", "Reactive energy (combined)", "kvarh", Unit::var_hour, 1000, 131, 8, 0},
    {0x10, Phase::none, Quantity::energy, "Énergie électrique réactive en sens direct", "Reactive energy import (R+)", "kvarh", Unit::var_hour, 1000, 3, 8, 0},
    {0x14, Phase::none, Quantity::energy, "Énergie électrique réactive en sens inverse", "Reactive energy export (R-)", "kvarh", Unit::var_hour, 1000, 4, 8, 0},
    {0x18, Phase::none, Quantity::energy, "Énergie électrique apparente", "Apparent energy", "kVAh", Unit::volt_ampere_hour, 1000, 9, 8, 0},
    {0x1C, Phase::l1, Quantity::energy_combined, "Énergie électrique active de la phase A", "Active energy A (combined)", "kWh", Unit::watt_hour, 1000, 35, 8, 0},
    {0x20, Phase::l1, Quantity::energy, "Énergie électrique active en sens direct de la phase A", "Active energy import A", "kWh", Unit::watt_hour, 1000, 21, 8, 0},
    {0x24, Phase::l1, Quantity::energy, "Énergie électrique active en sens inverse de la phase A", "Active energy export A", "kWh", Unit::watt_hour, 1000, 22, 8, 0},
    {0x28, Phase::l1, Quantity::energy_combined, "Énergie électrique réactive de la phase A", "Reactive energy A (combined)", "kvarh", Unit::var_hour, 1000, 151, 8, 0},
    {0x2C, Phase::l1, Quantity::energy, "Énergie électrique réactive en sens direct de la phase A", "Reactive energy import A", "kvarh", Unit::var_hour, 1000, 23, 8, 0},
    {0x30, Phase::l1, Quantity::energy, "Énergie électrique réactive en sens inverse de la phase A", "Reactive energy export A", "kvarh", Unit::var_hour, 1000, 24, 8, 0},
    {0x34, Phase::l2, Quantity::energy_combined, "Énergie électrique active de la phase B", "Active energy B (combined)", "kWh", Unit::watt_hour, 1000, 55, 8, 0},
    {0x38, Phase::l2, Quantity::energy, "Énergie électrique active en sens direct de la phase B", "Active energy import B", "kWh", Unit::watt_hour, 1000, 41, 8, 0},
    {0x3C, Phase::l2, Quantity::energy, "Énergie électrique active en sens inverse de la phase B", "Active energy export B", "kWh", Unit::watt_hour, 1000, 42, 8, 0},
    {0x40, Phase::l2, Quantity::energy_combined, "Énergie électrique réactive de la phase B", "Reactive energy B (combined)", "kvarh", Unit::var_hour, 1000, 171, 8, 0},
    {0x44, Phase::l2, Quantity::energy, "Énergie électrique réactive en sens direct de la phase B", "Reactive energy import B", "kvarh", Unit::var_hour, 1000, 43, 8, 0},
    {0x48, Phase::l2, Quantity::energy, "Énergie électrique réactive en sens inverse de la phase B", "Reactive energy export B", "kvarh", Unit::var_hour, 1000, 44, 8, 0},
    {0x4C, Phase::l3, Quantity::energy_combined, "Énergie électrique active de la phase C", "Active energy C (combined)", "kWh", Unit::watt_hour, 1000, 75, 8, 0},
    {0x50, Phase::l3, Quantity::energy, "Énergie électrique active en sens direct de la phase C", "Active energy import C", "kWh", Unit::watt_hour, 1000, 61, 8, 0},
    {0x54, Phase::l3, Quantity::energy, "Énergie électrique active en sens inverse de la phase C", "Active energy export C", "kWh", Unit::watt_hour, 1000, 62, 8, 0},
    {0x58, Phase::l3, Quantity::energy_combined, "Énergie électrique réactive de la phase C", "Reactive energy C (combined)", "kvarh", Unit::var_hour, 1000, 191, 8, 0},
    {0x5C, Phase::l3, Quantity::energy, "Énergie électrique réactive en sens direct de la phase C", "Reactive energy import C", "kvarh", Unit::var_hour, 1000, 63, 8, 0},
    {0x60, Phase::l3, Quantity::energy, "Énergie électrique réactive en sens inverse de la phase C", "Reactive energy export C", "kvarh", Unit::var_hour, 1000, 64, 8, 0},
}};

inline constexpr std::array<RegisterDef, 4> kConfig{{
    {0x1000, 1, RegType::u16, BsmartGroup::config, 0, Phase::none, Quantity::setting, "Adresse esclave", "Slave address (1-247)", "", Unit::none, 1, std::nullopt, true},
    {0x1001, 1, RegType::u16, BsmartGroup::config, 0, Phase::none, Quantity::setting, "Vitesse de transmission", "Baud rate (1200..38400)", "", Unit::none, 1, std::nullopt, true},
    {0x1009, 7, RegType::u16, BsmartGroup::config, 0, Phase::none, Quantity::setting, "SN", "Serial number", "", Unit::none, 1, ObisCode{0, 0, 96, 1, 0}, true},
    {0x1010, 1, RegType::u16, BsmartGroup::config, 0, Phase::none, Quantity::setting, "Réseau", "Network type (0: 3P4L, 1: 3P3L)", "", Unit::none, 1, std::nullopt, true},
}};
// clang-format on

constexpr RegisterDef apply(const Row& r, std::uint16_t base, RegType type, BsmartGroup group,
                            std::uint8_t channel) {
  return {static_cast<std::uint16_t>(base + r.offset),
          static_cast<std::uint8_t>(type == RegType::f32 ? 2 : 4),
          type,
          group,
          channel,
          r.phase,
          r.quantity,
          r.name_fr,
          r.name_en,
          r.wire_unit,
          r.unit,
          r.scale,
          ObisCode{1, channel, r.c, r.d, r.e},
          false};
}

constexpr auto build_map() {
  std::array<RegisterDef, kConfig.size() + 2 * (kInstantaneous.size() + kEnergy.size())> out{};
  std::size_t i = 0;
  for (const auto& c : kConfig) out[i++] = c;
  for (std::uint8_t ch = 1; ch <= 2; ++ch) {
    for (const auto& r : kInstantaneous) {
      out[i++] = apply(r, kChannelInstBase[ch - 1], RegType::f32, BsmartGroup::instantaneous, ch);
    }
  }
  for (std::uint8_t ch = 1; ch <= 2; ++ch) {
    for (const auto& r : kEnergy) {
      out[i++] = apply(r, kChannelEnergyBase[ch - 1], RegType::f64, BsmartGroup::energy, ch);
    }
  }
  return out;
}

}  // namespace detail

// Every register of the manual: 4 configuration entries, then channel 1 and 2 instantaneous
// (0x2100.., 0x2300..), then channel 1 and 2 energies (0x3000.., 0x3100..).
inline constexpr auto kBsmartRegisters = detail::build_map();

inline constexpr std::uint16_t kSlaveAddressRegister = 0x1000;
inline constexpr std::uint16_t kBaudRegister = 0x1001;
inline constexpr std::uint16_t kSerialNumberRegister = 0x1009;
inline constexpr std::uint16_t kSerialNumberRegisters = 7;
inline constexpr std::uint16_t kNetworkTypeRegister = 0x1010;

// The entry at `address` (its first register), or nullptr.
const RegisterDef* find_register(std::uint16_t address) noexcept;

std::string_view to_string(BsmartGroup g) noexcept;

}  // namespace meterd::modbus
