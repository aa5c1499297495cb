#include "src/app/modbus_commands.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "drivers/modbus/bsmart_driver.hpp"
#include "drivers/modbus/bsmart_map.hpp"
#include "meterd/clock.hpp"
#include "src/app/modbus_scan.hpp"

namespace meterd::app {
namespace {

using modbus::LinkMode;

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string word_orders_text(const FoundMeter& m) {
  if (m.word_orders.empty()) return "none plausible";
  std::string s{modbus::to_string(m.word_orders.front())};
  for (std::size_t i = 1; i < m.word_orders.size(); ++i) {
    s += "|" + std::string{modbus::to_string(m.word_orders[i])};
  }
  return s;
}

void print_scan_table(const std::vector<FoundMeter>& found, std::ostream& os) {
  os << "address  serial            word order  voltage      frequency\n";
  for (const auto& m : found) {
    os << pad(std::to_string(m.address), 9);
    if (m.probe_error || m.detail_error) {
      const Error& e = m.probe_error ? *m.probe_error : *m.detail_error;
      os << "answers, but not like a B-Smart: " << e.detail << '\n';
      continue;
    }
    char values[64];
    std::snprintf(values, sizeof values, "%6.1f V     %.2f Hz", m.voltage_v, m.frequency_hz);
    os << pad(m.serial.empty() ? "(none)" : m.serial, 18) << pad(word_orders_text(m), 12)
       << (m.word_orders.empty() ? "" : values) << '\n';
  }
}

// The name of the map entry with this OBIS code (channel included), or "".
std::string_view name_of(const ObisCode& obis) {
  for (const auto& def : modbus::kBsmartRegisters) {
    if (def.obis && *def.obis == obis) return def.name_en;
  }
  return {};
}

void print_value(const Value& v, std::ostream& os) {
  os << pad(v.obis.to_string(), 13) << pad(std::string{name_of(v.obis)}, 30)
     << pad(format_number(v.value), 16) << symbol(v.unit);
  if (v.quality != Quality::good) os << "  [" << to_string(v.quality) << ']';
  os << '\n';
}

}  // namespace

Result<void> check_serial_device(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == EACCES) {
      return Error{Errc::permission_denied,
                   path +
                       ": permission denied: add the user to the dialout group "
                       "(sudo usermod -aG dialout $USER, then log in again) or run as root"};
    }
    return Error{Errc::not_found,
                 path + ": " + std::strerror(err) +
                     ": is the RS485 adapter plugged in? See ls /dev/ttyUSB* /dev/serial/by-id/"};
  }
  if (!S_ISCHR(st.st_mode)) {
    return Error{Errc::io_error, path + ": not a serial device (a character device is expected)"};
  }
  if (::access(path.c_str(), R_OK | W_OK) != 0) {
    return Error{Errc::permission_denied,
                 path +
                     ": permission denied: add the user to the dialout group "
                     "(sudo usermod -aG dialout $USER, then log in again) or run as root"};
  }
  return {};
}

Result<void> open_link(modbus::ModbusLink& link) {
  if (link.settings().mode == LinkMode::rtu) {
    if (auto ok = check_serial_device(link.settings().device); !ok) return ok.error();
  }
  auto ok = link.open();
  if (!ok && link.settings().mode != LinkMode::rtu) {
    return Error{ok.error().code, "cannot connect to " + link.describe() + ": " +
                                      ok.error().detail +
                                      " (check the converter's address, port and power)"};
  }
  return ok;
}

bool confirm(std::string_view question, ModbusIo io) {
  io.out << question << "\nProceed? [y/N] " << std::flush;
  std::string line;
  if (!std::getline(io.in, line)) {
    io.out << '\n';
    return false;
  }
  for (char& c : line) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
  return line == "y" || line == "yes";
}

void report_failure(const Error& e, ModbusIo io) {
  io.err << "meterd modbus: error: " << e.detail << '\n';
  if (e.is(Errc::timeout)) {
    io.err << "hint: no answer. Check the address, the baud rate and parity (all meters on a bus "
              "use the same), the wiring (A+ to A+, B- to B-) and the termination; "
              "`meterd modbus scan` lists what answers.\n";
  } else if (e.is(Errc::crc_error)) {
    io.err << "hint: garbled replies: check the twisted pair, its shield and ground, the "
              "termination at both ends, and that the baud rate matches the meter.\n";
  } else if (e.is(Errc::protocol_error)) {
    io.err << "hint: on the command line the modes are --mode rtu_over_tcp (converter forwards "
              "RTU frames) and --mode modbus_tcp (Modbus TCP gateway).\n";
  }
}

void add_modbus_commands(CommandTable& commands) {
  // "modbus" is registered once, from main, so it cannot collide.
  (void)commands.add(
      {.name = "modbus",
       .summary = "commission B-Smart meters: scan, read, set-address, set-baud",
       .handler = [](const CommandLine& cl) {
         return run_modbus_command(cl.command_args, ModbusIo{std::cin, std::cout, std::cerr});
       }});
}

int run_modbus_command(std::span<const std::string> args, ModbusIo io) {
  const auto parsed = parse_modbus_options(args);
  if (!parsed) {
    io.err << "meterd modbus: " << parsed.error().detail
           << "\nTry 'meterd modbus --help' for more information.\n";
    return kExitUsage;
  }
  if (parsed->help) {
    io.out << modbus_usage();
    return kExitOk;
  }
  switch (parsed->action) {
    case ModbusAction::scan:
      return modbus_scan(*parsed, io);
    case ModbusAction::read:
      return modbus_read(*parsed, io);
    case ModbusAction::set_address:
      return modbus_set_address(*parsed, io);
    case ModbusAction::set_baud:
      return modbus_set_baud(*parsed, io);
  }
  return kExitUsage;
}

int modbus_scan(const ModbusCliOptions& o, ModbusIo io) {
  ScanRequest request{
      .link = o.link,
      .from = o.from,
      .to = o.to,
      .probe_timeout = o.timeout.value_or(default_probe_timeout(o.link)),
      .detail_timeout = std::max(default_read_timeout(o.link), o.timeout.value_or(kReadTimeout))};
  if (o.link.mode == LinkMode::rtu) {
    if (auto ok = check_serial_device(o.link.device); !ok) {
      report_failure(ok.error(), io);
      return kExitFailure;
    }
  }
  const modbus::ModbusLink described(o.link);
  io.err << "Scanning " << described.describe() << ", addresses " << int{o.from} << ".."
         << int{o.to} << ", " << request.probe_timeout.count() << " ms per address\n";
  const bool tty = ::isatty(STDERR_FILENO) == 1 && &io.err == &std::cerr;
  const auto t0 = std::chrono::steady_clock::now();
  auto found = scan_bus(request, [&](std::uint8_t a) {
    if (tty) io.err << "\rprobing address " << int{a} << "..." << std::flush;
  });
  if (tty) io.err << '\r' << std::string(32, ' ') << '\r';
  if (!found) {
    report_failure(found.error(), io);
    return kExitFailure;
  }
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::size_t meters = 0;
  for (const auto& m : *found) meters += m.is_bsmart() ? 1 : 0;
  if (o.yaml) {
    if (!found->empty()) print_scan_table(*found, io.err);
    io.out << scan_yaml(o.link, *found);
  } else if (!found->empty()) {
    print_scan_table(*found, io.out);
  }
  char summary[96];
  std::snprintf(summary, sizeof summary, "%zu B-Smart meter(s) found in %.1f s\n", meters, seconds);
  io.err << summary;
  if (meters == 0) {
    io.err << "Nothing answered like a B-Smart. Check the baud rate and parity, the wiring (A+/B-)"
           << (o.link.mode == LinkMode::rtu
                   ? ", and that the meters are powered."
                   : ", and the converter's mode: --mode rtu_over_tcp when it forwards RTU "
                     "frames, --mode modbus_tcp when it is a Modbus TCP gateway.")
           << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

int modbus_read(const ModbusCliOptions& o, ModbusIo io) {
  modbus::LinkSettings settings = o.link;
  settings.response_timeout = o.timeout.value_or(default_read_timeout(o.link));
  modbus::ModbusLink link(settings);
  if (auto ok = open_link(link); !ok) {
    report_failure(ok.error(), io);
    return kExitFailure;
  }
  // The whole map: three phases, so nothing of the register table is left out.
  auto meter = modbus::BsmartMeter::create({.meter_id = "bsmart-" + std::to_string(o.address),
                                            .address = o.address,
                                            .phases = 3,
                                            .word_order = o.word_order});
  if (!meter) {
    report_failure(meter.error(), io);
    return kExitFailure;
  }
  const SystemClock clock;
  modbus::BsmartDriver driver(std::move(*meter), link, clock);
  auto serial = driver.identify();
  auto settings_regs = serial ? link.read_registers(o.address, modbus::kSlaveAddressRegister, 2)
                              : Result<std::vector<std::uint16_t>>{serial.error()};
  auto network = settings_regs ? link.read_registers(o.address, modbus::kNetworkTypeRegister, 1)
                               : Result<std::vector<std::uint16_t>>{settings_regs.error()};
  if (!network) {
    report_failure(network.error(), io);
    return kExitFailure;
  }
  io.out << "Meter at address " << int{o.address} << " on " << link.describe() << ", word order "
         << modbus::to_string(o.word_order) << '\n'
         << "Serial number: " << (serial->empty() ? "(not set)" : *serial) << '\n'
         << "Configured address: " << (*settings_regs)[0] << ", baud rate: " << (*settings_regs)[1]
         << ", network type: " << ((*network)[0] == 0 ? "3P4L" : "3P3L") << " (" << (*network)[0]
         << ")\n\n"
         << pad("OBIS", 13) << pad("Name", 30) << pad("Value", 16) << "Unit\n";
  std::size_t implausible = 0;
  for (std::size_t group = 0; group < driver.groups().size(); ++group) {
    TransactionCounts counts;
    auto reading = driver.poll(group, counts);
    if (!reading) {
      report_failure(reading.error(), io);
      return kExitFailure;
    }
    for (const auto& v : reading->values) {
      print_value(v, io.out);
      implausible += v.quality == Quality::good ? 0 : 1;
    }
  }
  if (implausible > 0) {
    io.err << implausible << " value(s) are not plausible. Absurd values everywhere (like 1e-38 V) "
           << "mean the word order is wrong: `meterd modbus scan` finds the right one.\n";
  }
  return kExitOk;
}

}  // namespace meterd::app
