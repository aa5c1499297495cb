// drivers/modbus/bsmart_decode.hpp: B-Smart registers -> values of the shared model.
//
// Applies the word order, the scale to SI units and the plausibility limits of one meter. A NaN
// or infinity on the wire keeps its NaN value and gets Quality::not_a_number; a number outside
// what the meter or physics allows keeps its value and gets Quality::out_of_range (a quality,
// not an error: STYLE.md rule 2). Values a single-phase meter does not measure (phases B and C,
// neutral current, line-to-line voltages) are not emitted at all. Pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "drivers/modbus/bsmart_map.hpp"
#include "drivers/modbus/word_order.hpp"
#include "meterd/reading.hpp"

namespace meterd::modbus {

// Plausibility bounds, in SI units. Defaults from the manual §4: 230 V +-20 %, 80 A with 2 x
// overload for one second, 45..65 Hz (bounds widened so that only nonsense is flagged).
struct Limits {
  double max_voltage_v = 500.0;       // phase voltage 0..max
  double max_line_voltage_v = 866.0;  // line-to-line voltage 0..max (500 V x sqrt 3)
  double max_current_a = 160.0;       // |I| <= 2 x 80 A
  double max_power_w = 80'000.0;      // |P|, |Q|, S <= 500 V x 160 A (per phase and total)
  double min_frequency_hz = 40.0;
  double max_frequency_hz = 70.0;
  double power_factor_epsilon = 0.01;  // |PF| <= 1 + epsilon
};

struct DecodeOptions {
  WordOrder word_order = WordOrder::abcd;
  int phases = 1;  // 1 (B-Smart) or 3
  Limits limits{};
};

// Whether a meter with `phases` phases emits `def` (single-phase: phase A and totals only).
bool emitted(const RegisterDef& def, int phases) noexcept;

// The quality of SI value `v` of `def` under `limits`: not_a_number, out_of_range or good.
// Monotonic energy counters must not be negative; combined counters may be signed.
Quality judge(const RegisterDef& def, double v, const Limits& limits) noexcept;

// The value of `def` from its registers (regs.size() == def.count, else Errc::invalid_argument).
Result<Value> decode_value(const RegisterDef& def, std::span<const std::uint16_t> regs,
                           const DecodeOptions& options);

// The serial number from the 7 registers at 0x1009. The manual does not say how it is encoded,
// so three encodings are tried in turn: (1) ASCII, two characters per register, high byte
// first, when every byte is printable or NUL padding (NULs and spaces at either end dropped);
// (2) packed BCD, four digits per register, when every nibble is 0..9 (leading zeros dropped);
// (3) otherwise each register as five decimal digits, concatenated. All-zero or all-0xFFFF
// registers (an unset number) give "". Errc::invalid_argument for a size other than 7.
Result<std::string> decode_serial(std::span<const std::uint16_t> regs);

}  // namespace meterd::modbus
