#include "src/app/modbus_cli_options.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include "src/config/config.hpp"

namespace meterd::app {
namespace {

Error usage_error(std::string detail) { return Error{Errc::invalid_argument, std::move(detail)}; }

Result<long> parse_integer(std::string_view name, std::string_view text, long lo, long hi) {
  long v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < lo || v > hi) {
    return usage_error("option " + std::string{name} + " '" + std::string{text} +
                       "': expected an integer " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return v;
}

Result<std::uint8_t> parse_slave(std::string_view name, std::string_view text) {
  auto v = parse_integer(name, text, 1, 247);
  if (!v) return v.error();
  return static_cast<std::uint8_t>(*v);
}

Result<ModbusAction> parse_action(std::string_view word) {
  if (word == "scan") return ModbusAction::scan;
  if (word == "read") return ModbusAction::read;
  if (word == "set-address") return ModbusAction::set_address;
  if (word == "set-baud") return ModbusAction::set_baud;
  return usage_error("unknown modbus action '" + std::string{word} +
                     "' (expected scan, read, set-address or set-baud)");
}

// What an action still needs after every option was read.
Result<void> check_complete(const ModbusCliOptions& o, bool has_device, bool has_host,
                            bool has_mode, bool has_address, std::string_view action) {
  const std::string a{action};
  if (has_device && has_host) return usage_error("give either --device or --host, not both");
  if (!has_device && !has_host) {
    return usage_error(a + " needs a bus: --device DEV, or --host H --port P --mode MODE");
  }
  if (has_host && !has_mode) {
    return usage_error(
        "--host needs --mode rtu_over_tcp or --mode modbus_tcp (what the converter speaks)");
  }
  if (has_device && has_mode && o.link.mode != modbus::LinkMode::rtu) {
    return usage_error("--mode " + std::string{link_mode_name(o.link.mode)} +
                       " needs --host, not --device");
  }
  if (has_host && o.link.mode == modbus::LinkMode::rtu) {
    return usage_error("--mode serial needs --device; a converter is rtu_over_tcp or modbus_tcp");
  }
  if (o.action != ModbusAction::scan && !has_address) return usage_error(a + " needs --address N");
  if (o.action == ModbusAction::scan && o.from > o.to) {
    return usage_error("--from " + std::to_string(o.from) + " is above --to " +
                       std::to_string(o.to));
  }
  if (o.action == ModbusAction::set_address && o.new_address == 0) {
    return usage_error("set-address needs --new-address M");
  }
  if (o.action == ModbusAction::set_baud && o.new_baud == 0) {
    return usage_error("set-baud needs --new-baud B");
  }
  return {};
}

}  // namespace

bool is_bsmart_baud(int baud) noexcept {
  switch (baud) {
    case 1200:
    case 2400:
    case 4800:
    case 9600:
    case 19200:
    case 38400:
      return true;
    default:
      return false;
  }
}

std::chrono::milliseconds exchange_wire_time(const modbus::LinkSettings& link, int registers) {
  const int bits = 1 + link.data_bits + (link.parity == 'N' ? 0 : 1) + link.stop_bits;
  const double t35_us = link.baud > 19200 ? 1750.0 : 3.5 * bits * 1e6 / link.baud;
  const double bytes = 8 + 5 + 2.0 * registers;
  const double us = bytes * bits * 1e6 / link.baud + 2 * t35_us;
  return std::chrono::milliseconds{static_cast<long>(us / 1000) + 1};
}

std::chrono::milliseconds default_probe_timeout(const modbus::LinkSettings& link) {
  return std::max(kScanProbeTimeout, 2 * exchange_wire_time(link, 1));
}

std::chrono::milliseconds default_read_timeout(const modbus::LinkSettings& link) {
  return std::max(kReadTimeout, 2 * exchange_wire_time(link, 100));
}

Result<modbus::LinkMode> parse_link_mode(std::string_view text) {
  if (text == "serial" || text == "rtu") return modbus::LinkMode::rtu;
  if (text == "rtu_over_tcp") return modbus::LinkMode::rtu_over_tcp;
  if (text == "modbus_tcp") return modbus::LinkMode::tcp;
  return usage_error("option --mode '" + std::string{text} +
                     "': expected serial, rtu_over_tcp or modbus_tcp");
}

std::string_view link_mode_name(modbus::LinkMode mode) noexcept {
  switch (mode) {
    case modbus::LinkMode::rtu:
      return "serial";
    case modbus::LinkMode::rtu_over_tcp:
      return "rtu_over_tcp";
    case modbus::LinkMode::tcp:
      return "modbus_tcp";
  }
  return "serial";
}

std::string_view parity_name(char parity) noexcept {
  switch (parity) {
    case 'E':
      return "even";
    case 'O':
      return "odd";
    default:
      return "none";
  }
}

Result<ModbusCliOptions> parse_modbus_options(std::span<const std::string> args) {
  ModbusCliOptions o;
  if (args.empty()) return usage_error("missing action (scan, read, set-address or set-baud)");
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    o.help = true;
    return o;
  }
  auto action = parse_action(args[0]);
  if (!action) return action.error();
  o.action = *action;
  bool has_device = false, has_host = false, has_mode = false, has_address = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    std::string_view word = args[i];
    std::optional<std::string_view> inline_value;
    if (const auto eq = word.find('='); word.starts_with("--") && eq != std::string_view::npos) {
      inline_value = word.substr(eq + 1);
      word = word.substr(0, eq);
    }
    const std::string name{word};
    auto value = [&]() -> Result<std::string_view> {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) return usage_error("option " + name + " needs a value");
      return std::string_view{args[++i]};
    };
    auto flag = [&](bool& target) -> Result<void> {
      if (inline_value) return usage_error("option " + name + " takes no value");
      target = true;
      return {};
    };
    Result<void> step;
    if (word == "--help" || word == "-h") {
      step = flag(o.help);
    } else if (word == "--yes" || word == "-y") {
      step = flag(o.yes);
    } else if (word == "--yaml") {
      step = flag(o.yaml);
    } else if (word == "--device" || word == "--host") {
      auto v = value();
      if (!v) return v.error();
      if (v->empty()) return usage_error("option " + name + " needs a value");
      (word == "--device" ? o.link.device : o.link.host) = std::string{*v};
      (word == "--device" ? has_device : has_host) = true;
    } else if (word == "--port") {
      auto v = value();
      if (!v) return v.error();
      auto n = parse_integer(name, *v, 1, 65535);
      if (!n) return n.error();
      o.link.port = static_cast<std::uint16_t>(*n);
    } else if (word == "--mode") {
      auto v = value();
      if (!v) return v.error();
      auto m = parse_link_mode(*v);
      if (!m) return m.error();
      o.link.mode = *m;
      has_mode = true;
    } else if (word == "--baud" || word == "--new-baud") {
      auto v = value();
      if (!v) return v.error();
      auto n = parse_integer(name, *v, 1, 115200);
      if (!n || !is_bsmart_baud(static_cast<int>(*n))) {
        return usage_error("option " + name + " '" + std::string{*v} +
                           "': expected 1200, 2400, 4800, 9600, 19200 or 38400");
      }
      (word == "--baud" ? o.link.baud : o.new_baud) = static_cast<int>(*n);
    } else if (word == "--parity") {
      auto v = value();
      if (!v) return v.error();
      if (*v == "none") {
        o.link.parity = 'N';
      } else if (*v == "even") {
        o.link.parity = 'E';
      } else if (*v == "odd") {
        o.link.parity = 'O';
      } else {
        return usage_error("option --parity '" + std::string{*v} + "': expected none, even or odd");
      }
    } else if (word == "--address" || word == "--new-address" || word == "--from" ||
               word == "--to") {
      auto v = value();
      if (!v) return v.error();
      auto n = parse_slave(name, *v);
      if (!n) return n.error();
      if (word == "--address") {
        o.address = *n;
        has_address = true;
      } else {
        (word == "--new-address" ? o.new_address : word == "--from" ? o.from : o.to) = *n;
      }
    } else if (word == "--timeout") {
      auto v = value();
      if (!v) return v.error();
      auto t = config::parse_duration(*v);
      if (!t || t->count() <= 0 || *t > std::chrono::milliseconds{60'000}) {
        return usage_error("option --timeout '" + std::string{*v} +
                           "': expected a duration from 1ms to 60s, e.g. 100ms");
      }
      o.timeout = *t;
    } else if (word == "--word-order") {
      auto v = value();
      if (!v) return v.error();
      auto w = modbus::word_order_from_string(*v);
      if (!w) {
        return usage_error("option --word-order '" + std::string{*v} +
                           "': expected abcd, cdab, badc or dcba");
      }
      o.word_order = *w;
    } else {
      return usage_error("unknown option '" + name + "' for modbus " + args[0]);
    }
    if (!step) return step.error();
  }
  if (o.help) return o;
  if (auto ok = check_complete(o, has_device, has_host, has_mode, has_address, args[0]); !ok) {
    return ok.error();
  }
  return o;
}

std::string modbus_usage() {
  return R"(Usage: meterd modbus ACTION BUS [OPTION]...
Commissioning of B-Smart meters on a Modbus bus (see docs/modbus.md).

Actions:
  scan         list the addresses that answer, with serial number and word order
  read         print every value of one meter with OBIS code, name, value and unit
  set-address  give one meter a new address (register 0x1000, function 10H)
  set-baud     give one meter a new baud rate (register 0x1001, function 10H)

Bus (one of):
  --device DEV [--baud B] [--parity none|even|odd]   serial RS485 adapter (default 9600 none)
  --host H [--port P] --mode rtu_over_tcp|modbus_tcp RS485-to-Ethernet converter (port 502)

Options:
  --from N --to M          scan: addresses to try (default 1..247)
  --timeout T              per-request timeout (scan default 100ms, others 1s; longer
                           defaults below 9600 bit/s)
  --yaml                   scan: print the `buses:` configuration for what was found
  --address N              read, set-address, set-baud: the meter's address now
  --word-order abcd|cdab|badc|dcba   read: how the meter orders float words (default abcd)
  --new-address M          set-address: 1..247
  --new-baud B             set-baud: 1200, 2400, 4800, 9600, 19200 or 38400
  --yes                    set-*: do not ask for confirmation

Exit status: 0 done, 1 failed (no answer, refused, I/O error), 2 usage error.
)";
}

}  // namespace meterd::app
