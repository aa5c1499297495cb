#include "drivers/modbus/bsmart_decode.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace meterd::modbus {

bool emitted(const RegisterDef& def, int phases) noexcept {
  if (phases >= 3) return true;
  return def.phase == Phase::none || def.phase == Phase::l1;
}

Quality judge(const RegisterDef& def, double v, const Limits& l) noexcept {
  if (!std::isfinite(v)) return Quality::not_a_number;
  bool ok = true;
  switch (def.quantity) {
    case Quantity::setting:
      break;
    case Quantity::voltage:
      ok = v >= 0.0 && v <= l.max_voltage_v;
      break;
    case Quantity::line_voltage:
      ok = v >= 0.0 && v <= l.max_line_voltage_v;
      break;
    case Quantity::current:
      ok = std::fabs(v) <= l.max_current_a;
      break;
    case Quantity::active_power:
    case Quantity::reactive_power:
      ok = std::fabs(v) <= l.max_power_w;
      break;
    case Quantity::apparent_power:
      ok = v >= 0.0 && v <= l.max_power_w;
      break;
    case Quantity::power_factor:
      ok = std::fabs(v) <= 1.0 + l.power_factor_epsilon;
      break;
    case Quantity::frequency:
      ok = v >= l.min_frequency_hz && v <= l.max_frequency_hz;
      break;
    case Quantity::energy_combined:
      break;
    case Quantity::energy:
      ok = v >= 0.0;
      break;
  }
  return ok ? Quality::good : Quality::out_of_range;
}

Result<Value> decode_value(const RegisterDef& def, std::span<const std::uint16_t> regs,
                           const DecodeOptions& options) {
  if (regs.size() != def.count) {
    char address[8];
    std::snprintf(address, sizeof address, "0x%04X", def.address);
    return Error{Errc::invalid_argument, std::string("register ") + address + " needs " +
                                             std::to_string(def.count) + " registers, got " +
                                             std::to_string(regs.size())};
  }
  double wire = 0.0;
  switch (def.type) {
    case RegType::u16:
      wire = regs[0];
      break;
    case RegType::f32:
      wire = decode_f32(regs, options.word_order);
      break;
    case RegType::f64:
      wire = decode_f64(regs, options.word_order);
      break;
  }
  Value v;
  v.obis = def.obis.value_or(ObisCode{});
  v.unit = def.unit;
  v.value = std::isfinite(wire) ? wire * def.scale : std::nan("");
  v.quality = judge(def, std::isfinite(wire) ? v.value : wire, options.limits);
  return v;
}

Result<std::string> decode_serial(std::span<const std::uint16_t> regs) {
  if (regs.size() != kSerialNumberRegisters) {
    return Error{Errc::invalid_argument,
                 "serial number needs 7 registers, got " + std::to_string(regs.size())};
  }
  const bool all_zero = std::all_of(regs.begin(), regs.end(), [](auto r) { return r == 0; });
  const bool all_ones = std::all_of(regs.begin(), regs.end(), [](auto r) { return r == 0xFFFF; });
  if (all_zero || all_ones) return std::string{};

  std::string bytes;
  for (auto r : regs) {
    bytes.push_back(static_cast<char>(r >> 8));
    bytes.push_back(static_cast<char>(r & 0xFF));
  }
  const auto first = bytes.find_first_not_of(std::string_view("\0 ", 2));
  if (first == std::string::npos) return std::string{};  // only NULs and spaces
  const auto last = bytes.find_last_not_of(std::string_view("\0 ", 2));
  const std::string inner = bytes.substr(first, last - first + 1);
  const bool printable = std::all_of(inner.begin(), inner.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) <= 0x7E;
  });
  if (printable) return inner;

  const bool bcd = std::all_of(regs.begin(), regs.end(), [](std::uint16_t r) {
    for (int shift = 0; shift < 16; shift += 4) {
      if (((r >> shift) & 0xF) > 9) return false;
    }
    return true;
  });
  std::string out;
  char buf[8];
  for (auto r : regs) {
    if (bcd) {
      std::snprintf(buf, sizeof buf, "%04X", r);
    } else {
      std::snprintf(buf, sizeof buf, "%05u", static_cast<unsigned>(r));
    }
    out += buf;
  }
  if (bcd) {
    const auto nz = out.find_first_not_of('0');
    out = nz == std::string::npos ? "0" : out.substr(nz);
  }
  return out;
}

}  // namespace meterd::modbus
