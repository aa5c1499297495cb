#include "tools/sim/bsmart_device.hpp"

#include "tools/sim/bsmart_register_map.hpp"

#include <algorithm>
#include <cstdio>

namespace meterd::sim {
namespace {

// Baud rates of the manual's register table (0x1001).
constexpr std::array<std::uint32_t, 6> kBaudRates{1200, 2400, 4800, 9600, 19200, 38400};

std::string make_serial(std::uint64_t seed) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "BS%012llu",
                static_cast<unsigned long long>(derive_seed(seed, 0x5E21A1) % 1'000'000'000'000ULL));
  return buf;
}

// Copies [start, start + count) from a block that begins at `base` into `out`, if it fits.
template <std::size_t N>
bool copy_from(const std::array<std::uint16_t, N>& block, std::uint16_t base, std::uint32_t start,
               std::uint32_t count, std::vector<std::uint16_t>& out) {
  if (start < base || start + count > base + N) return false;
  out.assign(block.begin() + (start - base), block.begin() + (start - base + count));
  return true;
}

}  // namespace

BsmartDevice::BsmartDevice(const DeviceSettings& s)
    : address_(s.address),
      baud_(s.baud),
      serial_(make_serial(s.seed)),
      frozen_(s.frozen),
      model_(s.seed, s.start, s.building),
      feed_(s.feed),
      feed_phase_(s.feed_phase) {}

std::array<std::uint16_t, 0x11> BsmartDevice::config_block() const {
  std::array<std::uint16_t, 0x11> b{};  // 0x1002..0x1008 are reserved and read 0
  b[0] = address_;
  b[1] = static_cast<std::uint16_t>(baud_);
  for (std::size_t i = 0; i < bsmart::kSerialNumberWords; ++i) {
    const auto hi = static_cast<unsigned char>(serial_[2 * i]);
    const auto lo = static_cast<unsigned char>(serial_[2 * i + 1]);
    b[bsmart::kSerialNumberReg - bsmart::kSlaveAddressReg + i] = static_cast<std::uint16_t>(hi << 8U | lo);
  }
  b[bsmart::kNetworkTypeReg - bsmart::kSlaveAddressReg] = network_type_;
  return b;
}

ModbusException BsmartDevice::read_holding(std::uint16_t start, std::uint16_t count, UtcTime t,
                                           std::vector<std::uint16_t>& out) {
  using namespace bsmart;
  if (!frozen_) (feed_ ? feed_->advance_to(t) : model_.advance_to(t));
  const MeterSnapshot& s = feed_ ? feed_->snapshot(feed_phase_) : model_.snapshot();
  const bool ok =
      copy_from(config_block(), kSlaveAddressReg, start, count, out) ||
      copy_from(encode_instant_block(s.grid.phase_a, s.frequency_hz), kChannel1InstantReg, start, count, out) ||
      copy_from(encode_instant_block(s.solar.phase_a, s.frequency_hz), kChannel2InstantReg, start, count, out) ||
      copy_from(encode_energy_block(s.grid.energy), kChannel1EnergyReg, start, count, out) ||
      copy_from(encode_energy_block(s.solar.energy), kChannel2EnergyReg, start, count, out);
  return ok ? ModbusException::none : ModbusException::illegal_data_address;
}

ModbusException BsmartDevice::write_multiple(std::uint16_t start, std::span<const std::uint16_t> values) {
  using namespace bsmart;
  const std::uint32_t end = start + static_cast<std::uint32_t>(values.size());
  auto writable = [](std::uint32_t reg) {
    return reg == kSlaveAddressReg || reg == kBaudRateReg ||
           (reg >= kSerialNumberReg && reg <= kNetworkTypeReg);
  };
  for (std::uint32_t r = start; r < end; ++r)
    if (!writable(r)) return ModbusException::illegal_data_address;

  auto value_at = [&](std::uint32_t reg) { return values[reg - start]; };
  auto covers = [&](std::uint32_t reg) { return reg >= start && reg < end; };
  if (covers(kSlaveAddressReg) && (value_at(kSlaveAddressReg) < 1 || value_at(kSlaveAddressReg) > 247))
    return ModbusException::illegal_data_value;
  if (covers(kBaudRateReg) &&
      std::find(kBaudRates.begin(), kBaudRates.end(), value_at(kBaudRateReg)) == kBaudRates.end())
    return ModbusException::illegal_data_value;
  if (covers(kNetworkTypeReg) && value_at(kNetworkTypeReg) > 1) return ModbusException::illegal_data_value;

  for (std::uint32_t r = start; r < end; ++r) {
    const std::uint16_t v = value_at(r);
    if (r == kSlaveAddressReg) {
      address_ = static_cast<std::uint8_t>(v);
    } else if (r == kBaudRateReg) {
      baud_ = v;
    } else if (r == kNetworkTypeReg) {
      network_type_ = v;
    } else {
      const std::size_t i = 2 * (r - kSerialNumberReg);
      serial_[i] = static_cast<char>(v >> 8U);
      serial_[i + 1] = static_cast<char>(v & 0xFFU);
    }
  }
  return ModbusException::none;
}

}  // namespace meterd::sim
