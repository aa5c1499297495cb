// src/app/modbus_cli_options.hpp: the command line of `meterd modbus ...` (commissioning).
//
// `meterd modbus ACTION [OPTION]...` with ACTION one of scan, read, set-address, set-baud.
// The bus is either a serial device (--device, --baud, --parity) or an RS485-to-Ethernet
// converter (--host, --port, --mode rtu_over_tcp|modbus_tcp). Options take their value as the
// next word or after '='. Which options an action requires is checked here, so a handler gets
// a complete request or the user gets one clear usage error. Pure functions: thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "drivers/modbus/modbus_link.hpp"
#include "drivers/modbus/word_order.hpp"
#include "meterd/error.hpp"

namespace meterd::app {

enum class ModbusAction : std::uint8_t { scan, read, set_address, set_baud };

struct ModbusCliOptions {
  ModbusAction action = ModbusAction::scan;
  bool help = false;          // --help: print modbus_usage() and nothing else
  modbus::LinkSettings link;  // mode, device or host:port, baud, parity
  std::uint8_t address = 0;   // --address N (read, set-*), 1..247
  std::uint8_t from = 1;      // --from (scan)
  std::uint8_t to = 247;      // --to (scan)
  std::optional<std::chrono::milliseconds> timeout;  // --timeout; the action's default if unset
  bool yaml = false;                                 // --yaml (scan)
  modbus::WordOrder word_order = modbus::WordOrder::abcd;  // --word-order (read)
  std::uint8_t new_address = 0;                            // --new-address (set-address)
  int new_baud = 0;                                        // --new-baud (set-baud)
  bool yes = false;                                        // --yes: no confirmation prompt
};

// Default per-address timeout of a scan: short, so a full scan of 247 addresses at 9600 bit/s
// takes about 247 x (8.3 ms request + 100 ms) = 27 s.
inline constexpr std::chrono::milliseconds kScanProbeTimeout{100};
// Default response timeout of the other actions (and of a scan's second look at a meter).
inline constexpr std::chrono::milliseconds kReadTimeout{1000};

// The least wire time of one FC03 exchange of `registers` registers on `link`'s serial line:
// (8 request + 5 + 2 x registers reply bytes) x bits per character / baud + 2 x t3.5, with 10
// bits per character for 8N1, 11 with parity or 2 stop bits, and t3.5 = 3.5 characters up to
// 19200 bit/s, 1.75 ms above (Modbus over serial line v1.02 §2.5.1.1). Rounded up.
std::chrono::milliseconds exchange_wire_time(const modbus::LinkSettings& link, int registers);
// The defaults when --timeout is not given. A slow line needs more than the fixed defaults
// (a meter's reply may only be complete after its whole wire time), so each default is at least
// twice the wire time of the largest exchange it waits for: the 1-register probe of a scan, and
// a 100-register energy block for the other actions.
std::chrono::milliseconds default_probe_timeout(const modbus::LinkSettings& link);
std::chrono::milliseconds default_read_timeout(const modbus::LinkSettings& link);

// The baud rates the B-Smart accepts in register 0x1001 (manual §10.1).
bool is_bsmart_baud(int baud) noexcept;

// "serial" (or "rtu") | "rtu_over_tcp" | "modbus_tcp" -> LinkMode, the words of the config's
// `transport:` (docs/configuration.md); Errc::invalid_argument otherwise.
Result<modbus::LinkMode> parse_link_mode(std::string_view text);
// The inverse, in the config's words (LinkMode::rtu -> "serial", tcp -> "modbus_tcp").
std::string_view link_mode_name(modbus::LinkMode mode) noexcept;
// 'N' -> "none", 'E' -> "even", 'O' -> "odd".
std::string_view parity_name(char parity) noexcept;

// Parses the words after `modbus`. Errc::invalid_argument naming the offending word or the
// missing option (e.g. "set-address needs --new-address M").
Result<ModbusCliOptions> parse_modbus_options(std::span<const std::string> args);

// The usage text of `meterd modbus`.
std::string modbus_usage();

}  // namespace meterd::app
