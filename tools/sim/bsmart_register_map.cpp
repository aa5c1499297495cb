#include "tools/sim/bsmart_register_map.hpp"

#include <bit>

namespace meterd::sim::bsmart {

void put_float(std::span<std::uint16_t, 2> regs, float v) noexcept {
  const auto bits = std::bit_cast<std::uint32_t>(v);
  regs[0] = static_cast<std::uint16_t>(bits >> 16U);
  regs[1] = static_cast<std::uint16_t>(bits & 0xFFFFU);
}

void put_double(std::span<std::uint16_t, 4> regs, double v) noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(v);
  for (unsigned i = 0; i < 4; ++i) regs[i] = static_cast<std::uint16_t>(bits >> (48U - 16U * i));
}

float get_float(std::span<const std::uint16_t, 2> regs) noexcept {
  return std::bit_cast<float>(static_cast<std::uint32_t>(regs[0]) << 16U | regs[1]);
}

double get_double(std::span<const std::uint16_t, 4> regs) noexcept {
  std::uint64_t bits = 0;
  for (unsigned i = 0; i < 4; ++i) bits = bits << 16U | regs[i];
  return std::bit_cast<double>(bits);
}

InstantBlock encode_instant_block(const PhaseValues& a, double frequency_hz) noexcept {
  InstantBlock b{};  // phase B, C and line voltages stay 0: a single-phase installation
  auto put = [&b](std::uint16_t off, double v) {
    put_float(std::span<std::uint16_t, 2>(b.data() + off, 2), static_cast<float>(v));
  };
  put(kVoltageA, a.voltage_v);
  put(kCurrentA, a.current_a);
  put(kCurrentN, a.current_a);  // single phase: the neutral carries the phase current
  put(kActiveA, a.active_w / 1000.0);
  put(kActiveTotal, a.active_w / 1000.0);
  put(kReactiveA, a.reactive_var / 1000.0);
  put(kReactiveTotal, a.reactive_var / 1000.0);
  put(kApparentA, a.apparent_va / 1000.0);
  put(kApparentTotal, a.apparent_va / 1000.0);
  put(kPowerFactorA, a.power_factor);
  put(kPowerFactorTotal, a.power_factor);
  put(kFrequency, frequency_hz);
  return b;
}

EnergyBlock encode_energy_block(const EnergyCounters& e) noexcept {
  EnergyBlock b{};
  auto put = [&b](std::uint16_t off, double wh) {
    put_double(std::span<std::uint16_t, 4>(b.data() + off, 4), wh / 1000.0);
  };
  const double active_total = e.active_import_wh + e.active_export_wh;
  const double reactive_total = e.reactive_import_varh + e.reactive_export_varh;
  put(kActiveTotalEnergy, active_total);
  put(kActiveForward, e.active_import_wh);
  put(kActiveReverse, e.active_export_wh);
  put(kReactiveTotalEnergy, reactive_total);
  put(kReactiveForward, e.reactive_import_varh);
  put(kReactiveReverse, e.reactive_export_varh);
  put(kApparentEnergy, e.apparent_vah);
  // Phase A carries everything; phases B and C stay 0.
  put(kPhaseABase + 0x00, active_total);
  put(kPhaseABase + 0x04, e.active_import_wh);
  put(kPhaseABase + 0x08, e.active_export_wh);
  put(kPhaseABase + 0x0C, reactive_total);
  put(kPhaseABase + 0x10, e.reactive_import_varh);
  put(kPhaseABase + 0x14, e.reactive_export_varh);
  return b;
}

}  // namespace meterd::sim::bsmart
