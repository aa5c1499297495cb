#include "src/app/modbus_scan.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "drivers/modbus/bsmart_decode.hpp"
#include "drivers/modbus/bsmart_map.hpp"
#include "src/app/modbus_cli_options.hpp"

namespace meterd::app {
namespace {

using modbus::ModbusLink;
using modbus::WordOrder;

constexpr std::uint16_t kVoltageRegister = 0x2100;    // channel 1 phase voltage A, f32
constexpr std::uint16_t kFrequencyRegister = 0x2134;  // channel 1 frequency, f32

bool within(double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; }

// An error that says the bus itself is unusable (rather than one address misbehaving).
bool is_bus_error(const Error& e, modbus::LinkMode mode) {
  if (e.is(Errc::io_error) || e.is(Errc::config_error) || e.is(Errc::invalid_argument)) {
    return true;
  }
  // Over TCP, a reply framed for the other transport is the converter's mode, not a meter.
  return mode != modbus::LinkMode::rtu && e.is(Errc::protocol_error);
}

// The second pass for one address: serial number, then the word order from voltage and
// frequency. Leaves detail_error set when a read fails.
void look_closer(ModbusLink& link, FoundMeter& m) {
  auto serial =
      link.read_registers(m.address, modbus::kSerialNumberRegister, modbus::kSerialNumberRegisters);
  if (!serial) {
    m.detail_error = serial.error();
    return;
  }
  if (auto text = modbus::decode_serial(*serial)) m.serial = *text;
  auto voltage = link.read_registers(m.address, kVoltageRegister, 2);
  if (!voltage) {
    m.detail_error = voltage.error();
    return;
  }
  auto frequency = link.read_registers(m.address, kFrequencyRegister, 2);
  if (!frequency) {
    m.detail_error = frequency.error();
    return;
  }
  m.word_orders = plausible_word_orders(*voltage, *frequency);
  const WordOrder order = m.word_orders.empty() ? WordOrder::abcd : m.word_orders.front();
  m.voltage_v = modbus::decode_f32(*voltage, order);
  m.frequency_hz = modbus::decode_f32(*frequency, order);
}

std::string yaml_quote(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::vector<WordOrder> plausible_word_orders(std::span<const std::uint16_t> voltage,
                                             std::span<const std::uint16_t> frequency) {
  std::vector<WordOrder> out;
  for (const WordOrder w : {WordOrder::abcd, WordOrder::cdab, WordOrder::badc, WordOrder::dcba}) {
    const double v = modbus::decode_f32(voltage, w);
    const double f = modbus::decode_f32(frequency, w);
    if (within(v, kPlausibleVoltageMin, kPlausibleVoltageMax) &&
        within(f, kPlausibleFrequencyMin, kPlausibleFrequencyMax)) {
      out.push_back(w);
    }
  }
  return out;
}

Result<std::vector<FoundMeter>> scan_bus(const ScanRequest& request, const ScanProgress& progress) {
  std::map<std::uint8_t, std::optional<Error>> probed;  // answered: no error; odd: its error
  std::set<std::uint8_t> recheck;
  {
    modbus::LinkSettings settings = request.link;
    settings.response_timeout = request.probe_timeout;
    ModbusLink probe(settings);
    if (auto ok = probe.open(); !ok) {
      if (settings.mode == modbus::LinkMode::rtu) return ok.error();
      return Error{ok.error().code, "cannot connect to " + probe.describe() + ": " +
                                        ok.error().detail +
                                        " (check the converter's address, port and power)"};
    }
    for (unsigned a = request.from; a <= request.to; ++a) {
      const auto address = static_cast<std::uint8_t>(a);
      if (progress) progress(address);
      auto regs = probe.read_registers(address, modbus::kSlaveAddressRegister, 1);
      if (regs) {
        probed[address] = std::nullopt;
        continue;
      }
      if (is_bus_error(regs.error(), settings.mode)) return regs.error();
      if (regs.error().is(Errc::timeout)) continue;
      probed[address] = regs.error();
      // Garbled or foreign replies get a second look with the long timeout. A reply "from the
      // wrong slave" is most often the previous address answering after its timeout, so that
      // address is looked at again too.
      recheck.insert(address);
      if (address > request.from) recheck.insert(static_cast<std::uint8_t>(address - 1));
    }
  }
  if (probed.empty()) return std::vector<FoundMeter>{};
  modbus::LinkSettings settings = request.link;
  settings.response_timeout = request.detail_timeout;
  ModbusLink link(settings);
  if (auto ok = link.open(); !ok) return ok.error();
  for (const std::uint8_t address : recheck) {
    auto regs = link.read_registers(address, modbus::kSlaveAddressRegister, 1);
    if (regs) {
      probed[address] = std::nullopt;
    } else if (regs.error().is(Errc::timeout)) {
      probed.erase(address);
    } else {
      probed[address] = regs.error();
    }
  }
  std::vector<FoundMeter> found;
  for (const auto& [address, error] : probed) {
    FoundMeter m;
    m.address = address;
    m.probe_error = error;
    if (!error) look_closer(link, m);
    found.push_back(std::move(m));
  }
  return found;
}

std::string scan_yaml(const modbus::LinkSettings& link, std::span<const FoundMeter> meters) {
  std::string y = "buses:\n";
  const bool serial = link.mode == modbus::LinkMode::rtu;
  y += "  - id: " + std::string{serial ? "rs485" : "converter"} + "\n";
  y += "    transport: " + std::string{link_mode_name(link.mode)} + "\n";
  if (serial) {
    y += "    device: " + yaml_quote(link.device) + "\n";
    y += "    baud: " + std::to_string(link.baud) + "\n";
    y += "    parity: " + std::string{parity_name(link.parity)} + "\n";
  } else {
    y += "    host: " + yaml_quote(link.host) + "\n";
    y += "    port: " + std::to_string(link.port) + "\n";
  }
  y += "    meters:\n";
  for (const auto& m : meters) {
    if (!m.is_bsmart()) continue;
    y += "      - id: bsmart-" + std::to_string(m.address) + "\n";
    y += "        address: " + std::to_string(m.address) + "\n";
    y += "        model: bsmart\n";
    const WordOrder order = m.word_orders.empty() ? WordOrder::abcd : m.word_orders.front();
    y += "        word_order: " + std::string{modbus::to_string(order)};
    if (m.word_orders.empty()) {
      y += "  # no word order gave plausible values: check the wiring, then `meterd modbus read`";
    } else if (m.word_orders.size() > 1) {
      y += "  # ambiguous: several word orders gave plausible values";
    }
    y += "\n";
    if (!m.serial.empty()) y += "        # serial number " + m.serial + "\n";
  }
  return y;
}

}  // namespace meterd::app
