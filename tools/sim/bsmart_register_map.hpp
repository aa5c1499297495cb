// tools/sim/bsmart_register_map.hpp: the B-Smart holding-register map and its encoding.
//
// From the B-Smart manual §10.1 (Tableau 3). Values on the wire follow the Modbus Application
// Protocol v1.1b3 §4.2 (big-endian registers) with the high word first for 32-bit floats and
// 64-bit doubles (IEEE 754), the common meter convention. Power and energy registers are in
// kW / kvar / kVA and kWh / kvarh / kVAh; the model's SI values are converted here. The meter
// is single phase: phase B and C registers and line voltages read 0. Pure functions.
#pragma once

#include "tools/sim/building_model.hpp"

#include <array>
#include <cstdint>
#include <span>

namespace meterd::sim::bsmart {

inline constexpr std::uint16_t kSlaveAddressReg = 0x1000;
inline constexpr std::uint16_t kBaudRateReg = 0x1001;
inline constexpr std::uint16_t kSerialNumberReg = 0x1009;  // 7 registers, 14 ASCII characters
inline constexpr std::uint16_t kSerialNumberWords = 7;
inline constexpr std::uint16_t kNetworkTypeReg = 0x1010;   // 0: 3P4L, 1: 3P3L
inline constexpr std::uint16_t kConfigBlockWords = 0x11;   // 0x1000-0x1010 (0x1002-0x1008 reserved)

inline constexpr std::uint16_t kChannel1InstantReg = 0x2100;
inline constexpr std::uint16_t kChannel2InstantReg = 0x2300;
inline constexpr std::uint16_t kInstantWords = 0x36;  // 27 floats
inline constexpr std::uint16_t kChannel1EnergyReg = 0x3000;
inline constexpr std::uint16_t kChannel2EnergyReg = 0x3100;
inline constexpr std::uint16_t kEnergyWords = 0x64;   // 25 doubles

// Offsets (in registers) of the instantaneous values inside a channel block.
enum InstantOffset : std::uint16_t {
  kVoltageA = 0x00, kVoltageB = 0x02, kVoltageC = 0x04,
  kVoltageAB = 0x06, kVoltageBC = 0x08, kVoltageCA = 0x0A,
  kCurrentA = 0x0C, kCurrentB = 0x0E, kCurrentC = 0x10, kCurrentN = 0x12,
  kActiveA = 0x14, kActiveB = 0x16, kActiveC = 0x18, kActiveTotal = 0x1A,
  kReactiveA = 0x1C, kReactiveB = 0x1E, kReactiveC = 0x20, kReactiveTotal = 0x22,
  kApparentA = 0x24, kApparentB = 0x26, kApparentC = 0x28, kApparentTotal = 0x2A,
  kPowerFactorA = 0x2C, kPowerFactorB = 0x2E, kPowerFactorC = 0x30, kPowerFactorTotal = 0x32,
  kFrequency = 0x34,
};

// Offsets of the energy values inside a channel energy block (phase X at 0x1C + 0x18 * X).
enum EnergyOffset : std::uint16_t {
  kActiveTotalEnergy = 0x00, kActiveForward = 0x04, kActiveReverse = 0x08,
  kReactiveTotalEnergy = 0x0C, kReactiveForward = 0x10, kReactiveReverse = 0x14,
  kApparentEnergy = 0x18, kPhaseABase = 0x1C, kPhaseStride = 0x18,
};

using InstantBlock = std::array<std::uint16_t, kInstantWords>;
using EnergyBlock = std::array<std::uint16_t, kEnergyWords>;

// Writes `v` as an IEEE 754 binary32 into two registers, high word first.
void put_float(std::span<std::uint16_t, 2> regs, float v) noexcept;
// Writes `v` as an IEEE 754 binary64 into four registers, most significant word first.
void put_double(std::span<std::uint16_t, 4> regs, double v) noexcept;
float get_float(std::span<const std::uint16_t, 2> regs) noexcept;
double get_double(std::span<const std::uint16_t, 4> regs) noexcept;

// The 27 instantaneous values of one channel (0x2100 or 0x2300 block).
InstantBlock encode_instant_block(const PhaseValues& phase_a, double frequency_hz) noexcept;
// The 25 energy values of one channel (0x3000 or 0x3100 block). Total active (reactive) energy
// is forward + reverse, as the meter's display shows the absolute sum.
EnergyBlock encode_energy_block(const EnergyCounters& e) noexcept;

}  // namespace meterd::sim::bsmart
