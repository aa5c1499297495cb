#include "drivers/modbus/bsmart_meter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace meterd::modbus {
namespace {

// The registers the B-Smart serves, per the manual: reading over a gap is allowed only inside.
constexpr RegisterSpan kReadable[] = {
    {0x2100, 0x36}, {0x2300, 0x36}, {0x3000, 0x64}, {0x3100, 0x64}};

std::string hex16(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", v);
  return buf;
}

}  // namespace

Result<void> validate(const BsmartSettings& s) {
  auto bad = [&](std::string what) {
    return Error{Errc::config_error, "meter '" + s.meter_id + "': " + std::move(what)};
  };
  if (s.address == 0 || s.address > 247) {
    return bad("address " + std::to_string(s.address) + " outside 1..247");
  }
  if (!s.channel1 && !s.channel2) return bad("no channel enabled (channel1, channel2)");
  if (s.phases != 1 && s.phases != 3) {
    return bad("phases " + std::to_string(s.phases) + " (expected 1 or 3)");
  }
  if (s.instantaneous_interval.count() <= 0 || s.energy_interval.count() <= 0) {
    return bad("poll intervals must be positive");
  }
  if (s.plan.max_registers == 0 || s.plan.max_registers > 125) {
    return bad("max registers per transaction must be 1..125");
  }
  return {};
}

Result<BsmartMeter> BsmartMeter::create(BsmartSettings settings) {
  if (auto ok = validate(settings); !ok) return ok.error();
  BsmartMeter m(std::move(settings));
  for (auto group : {BsmartGroup::instantaneous, BsmartGroup::energy}) {
    std::vector<RegisterSpan> needed;
    for (const auto& def : kBsmartRegisters) {
      if (def.group == group && m.enabled(def)) needed.push_back({def.address, def.count});
    }
    auto plan = plan_reads(needed, kReadable, m.settings_.plan);
    if (!plan) return plan.error();
    (group == BsmartGroup::instantaneous ? m.plan_instantaneous_ : m.plan_energy_) =
        std::move(*plan);
  }
  return m;
}

BsmartMeter::BsmartMeter(BsmartSettings settings)
    : settings_(std::move(settings)),
      options_{settings_.word_order, settings_.phases, settings_.limits},
      guard_(settings_.energy_guard) {}

bool BsmartMeter::enabled(const RegisterDef& def) const noexcept {
  const bool channel =
      (def.channel == 1 && settings_.channel1) || (def.channel == 2 && settings_.channel2);
  return channel && emitted(def, settings_.phases);
}

const std::vector<RegisterSpan>& BsmartMeter::plan(BsmartGroup group) const noexcept {
  switch (group) {
    case BsmartGroup::instantaneous:
      return plan_instantaneous_;
    case BsmartGroup::energy:
      return plan_energy_;
    case BsmartGroup::config:
      break;
  }
  return plan_none_;
}

void BsmartMeter::track_power(const RegisterDef& def, const Value& v) noexcept {
  const bool power = def.quantity == Quantity::active_power ||
                     def.quantity == Quantity::reactive_power ||
                     def.quantity == Quantity::apparent_power;
  if (!power || v.quality != Quality::good) return;
  double& peak = peak_power_w_[def.channel - 1];
  peak = std::max(peak, std::fabs(v.value));
}

Result<Reading> BsmartMeter::decode(BsmartGroup group, std::span<const RegisterBlock> blocks,
                                    UtcTime time) {
  Reading r;
  r.meter_id = settings_.meter_id;
  r.time = time;
  for (const auto& def : kBsmartRegisters) {
    if (def.group != group || group == BsmartGroup::config || !enabled(def)) continue;
    const auto regs = find_registers(blocks, {def.address, def.count});
    if (regs.empty()) {
      return Error{Errc::invalid_argument, "meter '" + settings_.meter_id + "': register " +
                                               hex16(def.address) + " (" +
                                               std::string(def.name_en) + ") was not read"};
    }
    auto v = decode_value(def, regs, options_);
    if (!v) return v.error();
    if (group == BsmartGroup::instantaneous) track_power(def, *v);
    if (def.quantity == Quantity::energy && v->quality == Quality::good) {
      v->quality = guard_.check(v->obis.packed(), v->value, time, peak_power_w_[def.channel - 1]);
    }
    r.values.push_back(*v);
  }
  if (group == BsmartGroup::energy) peak_power_w_ = {};
  return r;
}

Result<SerialCheck> BsmartMeter::accept_serial(std::span<const std::uint16_t> regs) {
  auto serial = decode_serial(regs);
  if (!serial) return serial.error();
  SerialCheck check{*serial, std::nullopt};
  if (serial_ && *serial_ != *serial) {
    check.previous = *serial_;
    guard_.reset();
    peak_power_w_ = {};
  }
  serial_ = *serial;
  return check;
}

}  // namespace meterd::modbus
