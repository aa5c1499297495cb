// drivers/modbus/bsmart_meter.hpp: one B-Smart meter: what to read, and what the reads mean.
//
// Built from the meter's settings (slave address, enabled channels, phases, word order), it
// plans the FC03 transactions of each poll group (instantaneous: 0x2100.., 0x2300..; energy:
// 0x3000.., 0x3100..) and turns the registers read into a Reading in the shared model: SI
// units, OBIS codes with the channel in B, qualities from the decoder and the energy guard.
// It does no I/O (BsmartDriver does): the scheduler or a test feeds it register blocks. It also
// decodes the serial number and notices when another meter answers at the same address (a
// meter swap), which resets the energy guard. Not thread-safe: owned by its bus thread.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "drivers/modbus/bsmart_decode.hpp"
#include "drivers/modbus/energy_guard.hpp"
#include "drivers/modbus/poll_plan.hpp"
#include "meterd/reading.hpp"

namespace meterd::modbus {

struct BsmartSettings {
  std::string meter_id;
  std::uint8_t address = 1;  // Modbus slave address 1..247 (register 0x1000)
  bool channel1 = true;      // CT1, the grid
  bool channel2 = true;      // CT2, the solar production
  int phases = 1;            // 1 (the B-Smart is single-phase) or 3
  WordOrder word_order = WordOrder::abcd;
  Limits limits{};
  EnergyGuardSettings energy_guard{};
  PlanLimits plan{};
  std::chrono::milliseconds instantaneous_interval{1000};
  std::chrono::milliseconds energy_interval{60'000};
};

// Errc::config_error naming the setting: address outside 1..247, no channel enabled, phases
// other than 1 or 3, non-positive intervals.
Result<void> validate(const BsmartSettings& s);

// The serial number read now, and the one read before when it differs (a meter swap).
struct SerialCheck {
  std::string serial;
  std::optional<std::string> previous;
  bool changed() const noexcept { return previous.has_value(); }
};

class BsmartMeter {
 public:
  // Errc::config_error for settings that do not validate.
  static Result<BsmartMeter> create(BsmartSettings settings);

  const BsmartSettings& settings() const noexcept { return settings_; }

  // The transactions of one poll of `group` (instantaneous or energy; config plans nothing).
  const std::vector<RegisterSpan>& plan(BsmartGroup group) const noexcept;

  // The reading of `group` from `blocks` (as read by plan(group)), stamped `time`. Every
  // emitted register of the group's enabled channels must be inside a block, else
  // Errc::invalid_argument naming the register.
  Result<Reading> decode(BsmartGroup group, std::span<const RegisterBlock> blocks, UtcTime time);

  // Where the serial number is: 7 registers at 0x1009.
  static constexpr RegisterSpan serial_number_span() noexcept {
    return {kSerialNumberRegister, kSerialNumberRegisters};
  }
  // Decodes the serial number registers and compares with the last serial seen; on a change
  // the energy guard forgets its counters (the new meter's counters start elsewhere).
  Result<SerialCheck> accept_serial(std::span<const std::uint16_t> regs);
  const std::optional<std::string>& serial() const noexcept { return serial_; }

 private:
  explicit BsmartMeter(BsmartSettings settings);
  bool enabled(const RegisterDef& def) const noexcept;
  void track_power(const RegisterDef& def, const Value& v) noexcept;

  BsmartSettings settings_;
  DecodeOptions options_;
  std::vector<RegisterSpan> plan_instantaneous_;
  std::vector<RegisterSpan> plan_energy_;
  std::vector<RegisterSpan> plan_none_;
  EnergyGuard guard_;
  std::array<double, 2> peak_power_w_{};  // largest |power| per channel since the last energy poll
  std::optional<std::string> serial_;
};

}  // namespace meterd::modbus
