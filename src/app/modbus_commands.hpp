// src/app/modbus_commands.hpp: `meterd modbus scan|read|set-address|set-baud`, the installer's
// commissioning commands for B-Smart meters (docs/modbus.md).
//
// Each action opens the bus named on the command line (a serial device, or a TCP converter),
// does its transactions through the daemon's own driver (drivers/modbus: ModbusLink,
// BsmartMeter), prints for people on `out`, and explains failures on `err` with what to check.
// set-address and set-baud write with function 10H (the B-Smart has no 06H) only after a
// "Proceed? [y/N]" answered on `in`, or with --yes. Exit codes: kExitOk, kExitFailure,
// kExitUsage. BLOCKING (bounded by the request timeouts); call from the main thread only.
#pragma once

#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

#include "drivers/modbus/modbus_link.hpp"
#include "meterd/error.hpp"
#include "src/app/command_line.hpp"
#include "src/app/modbus_cli_options.hpp"

namespace meterd::app {

// Where a command reads its confirmation and writes its output.
struct ModbusIo {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// Registers `modbus` in the table (std::cin, std::cout, std::cerr).
void add_modbus_commands(CommandTable& commands);

// Runs `meterd modbus ARGS...` (the words after `modbus`); returns the exit code.
int run_modbus_command(std::span<const std::string> args, ModbusIo io);

// The actions, on parsed options.
int modbus_scan(const ModbusCliOptions& o, ModbusIo io);
int modbus_read(const ModbusCliOptions& o, ModbusIo io);
int modbus_set_address(const ModbusCliOptions& o, ModbusIo io);
int modbus_set_baud(const ModbusCliOptions& o, ModbusIo io);

// A serial device that can be opened: not_found (with where to look), permission_denied (with
// the dialout hint) or io_error (not a character device) otherwise.
Result<void> check_serial_device(const std::string& path);

// Opens the link of `settings` after check_serial_device() for a serial bus; errors carry a
// hint for the installer.
Result<void> open_link(modbus::ModbusLink& link);

// Writes `question` and "Proceed? [y/N] " on io.out and reads one line from io.in: true only
// for "y" or "yes" (any case). End of input is a no.
bool confirm(std::string_view question, ModbusIo io);

// "error: <detail>" plus, for a timeout, what an installer should check; on io.err.
void report_failure(const Error& e, ModbusIo io);

}  // namespace meterd::app
