#include "drivers/modbus/bsmart_driver.hpp"

namespace meterd::modbus {
namespace {

void count_error(const Error& e, TransactionCounts& counts) {
  if (e.is(Errc::timeout)) {
    ++counts.timeouts;
  } else if (e.is(Errc::crc_error)) {
    ++counts.crc_errors;
  } else if (e.is(Errc::exception_reply)) {
    ++counts.exception_replies;
  } else {
    ++counts.other_errors;
  }
}

}  // namespace

BsmartDriver::BsmartDriver(BsmartMeter meter, ModbusLink& link, const Clock& clock)
    : meter_(std::move(meter)),
      link_(link),
      clock_(clock),
      groups_{{"instantaneous", meter_.settings().instantaneous_interval},
              {"energy", meter_.settings().energy_interval}} {}

std::string BsmartDriver::protocol() const {
  switch (link_.settings().mode) {
    case LinkMode::rtu:
      return "modbus-rtu";
    case LinkMode::tcp:
      return "modbus-tcp";
    case LinkMode::rtu_over_tcp:
      return "modbus-rtu-over-tcp";
  }
  return "modbus-rtu";
}

Result<std::string> BsmartDriver::identify() {
  const auto span = BsmartMeter::serial_number_span();
  auto regs = link_.read_registers(meter_.settings().address, span.address, span.count);
  if (!regs) return regs.error();
  auto check = meter_.accept_serial(*regs);
  if (!check) return check.error();
  if (check->changed()) swap_ = *check;
  return check->serial;
}

Result<Reading> BsmartDriver::poll(std::size_t index, TransactionCounts& counts) {
  if (index >= groups_.size()) {
    return Error{Errc::invalid_argument,
                 "poll group " + std::to_string(index) + " of " + std::to_string(groups_.size())};
  }
  const auto group = index == 0 ? BsmartGroup::instantaneous : BsmartGroup::energy;
  std::vector<RegisterBlock> blocks;
  for (const auto& span : meter_.plan(group)) {
    ++counts.requests;
    auto regs = link_.read_registers(meter_.settings().address, span.address, span.count);
    if (!regs) {
      count_error(regs.error(), counts);
      return regs.error();
    }
    blocks.push_back({span.address, std::move(*regs)});
  }
  return meter_.decode(group, blocks, clock_.utc_now());
}

std::optional<SerialCheck> BsmartDriver::take_swap() noexcept {
  auto out = std::move(swap_);
  swap_.reset();
  return out;
}

}  // namespace meterd::modbus
