// `meterd modbus set-address` and `set-baud` (declared in modbus_commands.hpp): write register
// 0x1000 or 0x1001 of one B-Smart with function 10H (Modbus Application Protocol v1.1b3 §6.12;
// manual §10.1: the meter has no 06H), after a confirmation, then check the result.
#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "drivers/modbus/bsmart_decode.hpp"
#include "drivers/modbus/bsmart_map.hpp"
#include "src/app/modbus_commands.hpp"

namespace meterd::app {
namespace {

using modbus::LinkMode;
using modbus::ModbusLink;

// After a write of its address or speed, a meter may need a moment before it answers anew.
constexpr int kVerifyAttempts = 3;
constexpr std::chrono::milliseconds kVerifyPause{200};

// The serial number of the meter at `address`, "" when unset.
Result<std::string> read_serial(ModbusLink& link, std::uint8_t address) {
  auto regs =
      link.read_registers(address, modbus::kSerialNumberRegister, modbus::kSerialNumberRegisters);
  if (!regs) return regs.error();
  return modbus::decode_serial(*regs);
}

std::string who(const std::string& serial, std::uint8_t address) {
  return "the meter at address " + std::to_string(address) +
         (serial.empty() ? std::string{} : " (serial " + serial + ")");
}

// Reads `reg` of `address` until it holds `want` and the serial is `serial`, a few times.
Result<void> verify(ModbusLink& link, std::uint8_t address, std::uint16_t reg, std::uint16_t want,
                    const std::string& serial) {
  Error last{Errc::timeout, "no attempt"};
  for (int attempt = 0; attempt < kVerifyAttempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(kVerifyPause);
    auto value = link.read_registers(address, reg, 1);
    if (!value) {
      last = value.error();
      continue;
    }
    auto now = read_serial(link, address);
    if (!now) {
      last = now.error();
      continue;
    }
    if ((*value)[0] != want || *now != serial) {
      return Error{Errc::protocol_error,
                   "address " + std::to_string(address) + " answers with register value " +
                       std::to_string((*value)[0]) + " and serial '" + *now + "', expected " +
                       std::to_string(want) + " and '" + serial + "'"};
    }
    return {};
  }
  return last;
}

// Opens the link at `settings` with the read timeout, and reads the meter's serial number.
Result<std::string> open_and_identify(ModbusLink& link, std::uint8_t address) {
  if (auto ok = open_link(link); !ok) return ok.error();
  return read_serial(link, address);
}

modbus::LinkSettings with_timeout(const ModbusCliOptions& o) {
  modbus::LinkSettings s = o.link;
  s.response_timeout = o.timeout.value_or(default_read_timeout(o.link));
  return s;
}

}  // namespace

int modbus_set_address(const ModbusCliOptions& o, ModbusIo io) {
  ModbusLink link(with_timeout(o));
  auto serial = open_and_identify(link, o.address);
  if (!serial) {
    report_failure(serial.error(), io);
    return kExitFailure;
  }
  if (o.new_address == o.address) {
    io.out << "The meter already has address " << int{o.address} << ": nothing to do.\n";
    return kExitOk;
  }
  // Two meters at one address would answer together and garble each other's replies.
  auto taken = link.read_registers(o.new_address, modbus::kSlaveAddressRegister, 1);
  if (!taken && (taken.error().is(Errc::io_error) || taken.error().is(Errc::protocol_error))) {
    report_failure(taken.error(), io);
    return kExitFailure;
  }
  if (taken || !taken.error().is(Errc::timeout)) {
    io.err << "meterd modbus: error: address " << int{o.new_address} << " is already answered on "
           << link.describe()
           << ": choose a free address (`meterd modbus scan` lists the used ones).\n";
    return kExitFailure;
  }
  const std::string question = "Change the address of " + who(*serial, o.address) + " on " +
                               link.describe() + " to " + std::to_string(o.new_address) +
                               " (write register 0x1000)?";
  if (!o.yes && !confirm(question, io)) {
    io.out << "Nothing changed.\n";
    return kExitFailure;
  }
  const std::uint16_t value[] = {o.new_address};
  auto wrote = link.write_registers(o.address, modbus::kSlaveAddressRegister, value);
  // A meter may already reply from its new address, or not at all: the check below decides.
  if (!wrote && !wrote.error().is(Errc::timeout) && !wrote.error().is(Errc::protocol_error)) {
    report_failure(wrote.error(), io);
    return kExitFailure;
  }
  if (auto ok = verify(link, o.new_address, modbus::kSlaveAddressRegister, o.new_address, *serial);
      !ok) {
    io.err << "meterd modbus: the write was sent, but address " << int{o.new_address}
           << " does not confirm it.\n";
    report_failure(ok.error(), io);
    return kExitFailure;
  }
  io.out << "Done: " << who(*serial, o.new_address)
         << " answers. Use `address: " << int{o.new_address} << "` for it in the configuration.\n";
  return kExitOk;
}

int modbus_set_baud(const ModbusCliOptions& o, ModbusIo io) {
  ModbusLink link(with_timeout(o));
  auto serial = open_and_identify(link, o.address);
  if (!serial) {
    report_failure(serial.error(), io);
    return kExitFailure;
  }
  auto current = link.read_registers(o.address, modbus::kBaudRegister, 1);
  if (!current) {
    report_failure(current.error(), io);
    return kExitFailure;
  }
  if ((*current)[0] == o.new_baud) {
    io.out << "The meter already talks at " << o.new_baud << " bit/s: nothing to do.\n";
    return kExitOk;
  }
  const std::string question =
      "Change the baud rate of " + who(*serial, o.address) + " on " + link.describe() + " from " +
      std::to_string((*current)[0]) + " to " + std::to_string(o.new_baud) +
      " bit/s (write register 0x1001)? Every meter on a bus must use the same speed.";
  if (!o.yes && !confirm(question, io)) {
    io.out << "Nothing changed.\n";
    return kExitFailure;
  }
  const std::uint16_t value[] = {static_cast<std::uint16_t>(o.new_baud)};
  auto wrote = link.write_registers(o.address, modbus::kBaudRegister, value);
  if (!wrote && !wrote.error().is(Errc::timeout) && !wrote.error().is(Errc::crc_error)) {
    report_failure(wrote.error(), io);
    return kExitFailure;
  }
  if (o.link.mode != LinkMode::rtu) {
    io.out << "Written. The meter now talks at " << o.new_baud
           << " bit/s: set the converter's serial port to " << o.new_baud
           << " bit/s, then check with `meterd modbus read`.\n";
    return kExitOk;
  }
  // The meter answered the write at the old speed; from now on it listens at the new one.
  link.close();
  modbus::LinkSettings fast = link.settings();
  fast.baud = o.new_baud;
  ModbusLink relink(fast);
  if (auto ok = open_link(relink); !ok) {
    report_failure(ok.error(), io);
    return kExitFailure;
  }
  if (auto ok = verify(relink, o.address, modbus::kBaudRegister,
                       static_cast<std::uint16_t>(o.new_baud), *serial);
      !ok) {
    io.err << "meterd modbus: the write was sent, but the meter does not confirm it at "
           << o.new_baud << " bit/s.\n";
    report_failure(ok.error(), io);
    return kExitFailure;
  }
  io.out << "Done: " << who(*serial, o.address) << " answers at " << o.new_baud
         << " bit/s. From now on use --baud " << o.new_baud << ", and `baud: " << o.new_baud
         << "` for this bus in the configuration (every meter on it must be changed too).\n";
  return kExitOk;
}

}  // namespace meterd::app
