#include "tools/sim/rtu_slave.hpp"

#include "tools/sim/modbus_crc.hpp"

namespace meterd::sim {
namespace {

constexpr std::uint8_t kReadHoldingRegisters = 0x03;
constexpr std::uint8_t kWriteMultipleRegisters = 0x10;
constexpr std::uint16_t kMaxReadCount = 125;   // MAP v1.1b3 §6.3
constexpr std::uint16_t kMaxWriteCount = 123;  // MAP v1.1b3 §6.12
constexpr std::uint8_t kBroadcast = 0;

std::uint16_t be16(std::span<const std::uint8_t> p, std::size_t at) {
  return static_cast<std::uint16_t>(p[at] << 8U | p[at + 1]);
}

std::vector<std::uint8_t> exception_pdu(std::uint8_t fc, ModbusException e) {
  return {static_cast<std::uint8_t>(fc | 0x80U), static_cast<std::uint8_t>(e)};
}

// First register and count of a request, for fault matching (0, 0 if not parseable).
std::pair<std::uint16_t, std::uint16_t> request_range(std::span<const std::uint8_t> pdu) {
  if (pdu.size() >= 5 && (pdu[0] == kReadHoldingRegisters || pdu[0] == kWriteMultipleRegisters))
    return {be16(pdu, 1), be16(pdu, 3)};
  return {0, 0};
}

}  // namespace

std::vector<std::uint8_t> make_rtu_frame(std::uint8_t address, std::span<const std::uint8_t> pdu) {
  std::vector<std::uint8_t> f;
  f.reserve(pdu.size() + 3);
  f.push_back(address);
  f.insert(f.end(), pdu.begin(), pdu.end());
  const std::uint16_t crc = modbus_crc16(f);
  f.push_back(static_cast<std::uint8_t>(crc & 0xFFU));
  f.push_back(static_cast<std::uint8_t>(crc >> 8U));
  return f;
}

RtuSlave::RtuSlave(const std::vector<DeviceSettings>& devices, std::uint64_t fault_seed)
    : faults_(fault_seed) {
  for (const auto& d : devices) devices_.push_back(std::make_unique<BsmartDevice>(d));
}

BsmartDevice* RtuSlave::find(std::uint8_t address) const {
  for (const auto& d : devices_)
    if (d->address() == address) return d.get();
  return nullptr;
}

std::optional<RtuReply> RtuSlave::handle_frame(std::span<const std::uint8_t> frame,
                                               std::chrono::milliseconds since_start,
                                               UtcTime model_time) {
  std::lock_guard lock(mutex_);
  // §2.5.1: a frame is at least address + function + CRC; a bad CRC is discarded silently.
  if (frame.size() < 4 || !modbus_crc_ok(frame)) return std::nullopt;
  const std::uint8_t address = frame[0];
  const auto pdu = frame.subspan(1, frame.size() - 3);

  if (address == kBroadcast) {  // §2.1: broadcast requests are writes, never answered
    if (pdu[0] == kWriteMultipleRegisters)
      for (auto& d : devices_) serve(*d, pdu, model_time, ModbusException::none);
    return std::nullopt;
  }
  BsmartDevice* dev = find(address);
  if (dev == nullptr) return std::nullopt;

  const auto [first, count] = request_range(pdu);
  const FaultDecision fault = faults_.decide(address, first, count, since_start);
  if (fault.silent) return std::nullopt;

  RtuReply reply;
  reply.baud = dev->baud();  // a baud-rate write is answered at the old speed
  reply.delay = fault.delay;
  reply.frame = make_rtu_frame(address, serve(*dev, pdu, model_time, fault.exception));
  if (fault.drop) return std::nullopt;
  if (fault.corrupt_crc) reply.frame.back() ^= 0x5AU;
  return reply;
}

std::vector<std::uint8_t> RtuSlave::serve(BsmartDevice& dev, std::span<const std::uint8_t> pdu,
                                          UtcTime model_time, ModbusException forced) {
  const std::uint8_t fc = pdu[0];
  if (fc != kReadHoldingRegisters && fc != kWriteMultipleRegisters)
    return exception_pdu(fc, ModbusException::illegal_function);
  if (forced != ModbusException::none) return exception_pdu(fc, forced);

  if (fc == kReadHoldingRegisters) {
    if (pdu.size() != 5) return exception_pdu(fc, ModbusException::illegal_data_value);
    const std::uint16_t start = be16(pdu, 1);
    const std::uint16_t count = be16(pdu, 3);
    if (count == 0 || count > kMaxReadCount) return exception_pdu(fc, ModbusException::illegal_data_value);
    std::vector<std::uint16_t> regs;
    const ModbusException e = dev.read_holding(start, count, model_time, regs);
    if (e != ModbusException::none) return exception_pdu(fc, e);
    std::vector<std::uint8_t> out{fc, static_cast<std::uint8_t>(2 * count)};
    for (const std::uint16_t r : regs) {
      out.push_back(static_cast<std::uint8_t>(r >> 8U));
      out.push_back(static_cast<std::uint8_t>(r & 0xFFU));
    }
    return out;
  }

  // FC10: start(2) count(2) byte count(1) values(2 * count).
  if (pdu.size() < 6) return exception_pdu(fc, ModbusException::illegal_data_value);
  const std::uint16_t start = be16(pdu, 1);
  const std::uint16_t count = be16(pdu, 3);
  const std::uint8_t bytes = pdu[5];
  if (count == 0 || count > kMaxWriteCount || bytes != 2 * count || pdu.size() != 6U + bytes)
    return exception_pdu(fc, ModbusException::illegal_data_value);
  std::vector<std::uint16_t> values(count);
  for (std::size_t i = 0; i < count; ++i) values[i] = be16(pdu, 6 + 2 * i);
  const ModbusException e = dev.write_multiple(start, values);
  if (e != ModbusException::none) return exception_pdu(fc, e);
  return {fc, pdu[1], pdu[2], pdu[3], pdu[4]};
}

void RtuSlave::set_faults(std::optional<std::uint8_t> address, const FaultConfig& config) {
  std::lock_guard lock(mutex_);
  faults_.set(address, config);
}

void RtuSlave::clear_faults() {
  std::lock_guard lock(mutex_);
  faults_.clear();
}

std::vector<std::uint8_t> RtuSlave::addresses() const {
  std::lock_guard lock(mutex_);
  std::vector<std::uint8_t> out;
  for (const auto& d : devices_) out.push_back(d->address());
  return out;
}

std::optional<MeterSnapshot> RtuSlave::snapshot(std::uint8_t address) const {
  std::lock_guard lock(mutex_);
  const BsmartDevice* d = find(address);
  if (d == nullptr) return std::nullopt;
  return d->model().snapshot();
}

std::string RtuSlave::serial_number(std::uint8_t address) const {
  std::lock_guard lock(mutex_);
  const BsmartDevice* d = find(address);
  return d == nullptr ? std::string{} : d->serial_number();
}

}  // namespace meterd::sim
