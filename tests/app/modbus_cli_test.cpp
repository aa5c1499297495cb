// Unit tests of the pure parts of `meterd modbus`: option parsing, the word order guess of a
// scan, and the `buses:` YAML it prints (loaded by the real configuration loader).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "drivers/modbus/word_order.hpp"
#include "src/app/modbus_cli_options.hpp"
#include "src/app/modbus_scan.hpp"
#include "src/config/config.hpp"

namespace meterd::app {
namespace {

using modbus::LinkMode;
using modbus::WordOrder;

Result<ModbusCliOptions> parse(std::vector<std::string> args) { return parse_modbus_options(args); }

std::string error_of(std::vector<std::string> args) {
  auto r = parse(std::move(args));
  EXPECT_FALSE(r.has_value());
  return r ? std::string{} : r.error().detail;
}

TEST(ModbusCliOptions, ScanOfASerialBusWithDefaults) {
  auto o = parse({"scan", "--device", "/dev/ttyUSB0"});
  ASSERT_TRUE(o) << o.error().detail;
  EXPECT_EQ(o->action, ModbusAction::scan);
  EXPECT_EQ(o->link.mode, LinkMode::rtu);
  EXPECT_EQ(o->link.device, "/dev/ttyUSB0");
  EXPECT_EQ(o->link.baud, 9600);
  EXPECT_EQ(o->link.parity, 'N');
  EXPECT_EQ(o->from, 1);
  EXPECT_EQ(o->to, 247);
  EXPECT_FALSE(o->timeout.has_value());
  EXPECT_FALSE(o->yaml);
}

TEST(ModbusCliOptions, EveryOptionInBothSpellings) {
  auto o = parse({"scan", "--device=/dev/ttyS1", "--baud", "19200", "--parity=even", "--from", "10",
                  "--to=20", "--timeout", "50ms", "--yaml"});
  ASSERT_TRUE(o) << o.error().detail;
  EXPECT_EQ(o->link.baud, 19200);
  EXPECT_EQ(o->link.parity, 'E');
  EXPECT_EQ(o->from, 10);
  EXPECT_EQ(o->to, 20);
  EXPECT_EQ(o->timeout, std::chrono::milliseconds{50});
  EXPECT_TRUE(o->yaml);

  auto r = parse({"read", "--host", "10.0.0.5", "--port", "4196", "--mode", "rtu_over_tcp",
                  "--address", "7", "--word-order", "cdab"});
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->link.mode, LinkMode::rtu_over_tcp);
  EXPECT_EQ(r->link.host, "10.0.0.5");
  EXPECT_EQ(r->link.port, 4196);
  EXPECT_EQ(r->address, 7);
  EXPECT_EQ(r->word_order, WordOrder::cdab);

  auto a = parse({"set-address", "--device", "/dev/ttyUSB0", "--address", "1", "--new-address",
                  "247", "--yes"});
  ASSERT_TRUE(a) << a.error().detail;
  EXPECT_EQ(a->new_address, 247);
  EXPECT_TRUE(a->yes);

  auto b = parse({"set-baud", "--host", "gw", "--mode", "modbus_tcp", "--address", "3",
                  "--new-baud", "38400"});
  ASSERT_TRUE(b) << b.error().detail;
  EXPECT_EQ(b->link.mode, LinkMode::tcp);
  EXPECT_EQ(b->link.port, 502);
  EXPECT_EQ(b->new_baud, 38400);
  EXPECT_FALSE(b->yes);
}

TEST(ModbusCliOptions, UsageErrorsNameWhatIsWrong) {
  EXPECT_NE(error_of({}).find("missing action"), std::string::npos);
  EXPECT_NE(error_of({"probe"}).find("unknown modbus action 'probe'"), std::string::npos);
  EXPECT_NE(error_of({"scan"}).find("needs a bus"), std::string::npos);
  EXPECT_NE(error_of({"scan", "--device", "a", "--host", "b"}).find("not both"), std::string::npos);
  EXPECT_NE(error_of({"scan", "--host", "gw"}).find("--host needs --mode"), std::string::npos);
  EXPECT_NE(error_of({"scan", "--device", "d", "--mode", "modbus_tcp"}).find("needs --host"),
            std::string::npos);
  EXPECT_NE(error_of({"scan", "--device", "d", "--baud", "14400"}).find("expected 1200"),
            std::string::npos);
  EXPECT_NE(error_of({"scan", "--device", "d", "--parity", "mark"}).find("none, even or odd"),
            std::string::npos);
  EXPECT_NE(error_of({"scan", "--device", "d", "--to", "248"}).find("1..247"), std::string::npos);
  EXPECT_NE(error_of({"scan", "--device", "d", "--from", "9", "--to", "3"}).find("above --to"),
            std::string::npos);
  EXPECT_NE(error_of({"scan", "--device", "d", "--timeout", "fast"}).find("--timeout"),
            std::string::npos);
  EXPECT_NE(error_of({"read", "--device", "d"}).find("read needs --address"), std::string::npos);
  EXPECT_NE(error_of({"read", "--device", "d", "--address", "1", "--word-order", "abdc"})
                .find("abcd, cdab, badc or dcba"),
            std::string::npos);
  EXPECT_NE(error_of({"set-address", "--device", "d", "--address", "1"}).find("--new-address"),
            std::string::npos);
  EXPECT_NE(error_of({"set-baud", "--device", "d", "--address", "1"}).find("--new-baud"),
            std::string::npos);
  EXPECT_NE(error_of({"scan", "--device", "d", "--yes=1"}).find("takes no value"),
            std::string::npos);
  EXPECT_NE(error_of({"scan", "--device"}).find("needs a value"), std::string::npos);
  EXPECT_NE(error_of({"scan", "--device", "d", "--frobnicate"}).find("'--frobnicate'"),
            std::string::npos);
}

TEST(ModbusCliOptions, HelpNeedsNothingElse) {
  for (const char* word : {"--help", "help", "-h"}) {
    auto o = parse({word});
    ASSERT_TRUE(o) << word;
    EXPECT_TRUE(o->help);
  }
  auto o = parse({"scan", "--help"});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->help);
  EXPECT_NE(modbus_usage().find("set-address"), std::string::npos);
}

TEST(ModbusCliOptions, DefaultTimeoutsCoverTheWireTimeOfSlowLines) {
  modbus::LinkSettings link;  // 9600 8N1
  // 15 bytes x 10 bits / 9600 + 2 x 3.5 x 10 / 9600 = 22.9 ms; 213 bytes: 229.2 ms.
  EXPECT_EQ(exchange_wire_time(link, 1), std::chrono::milliseconds{23});
  EXPECT_EQ(exchange_wire_time(link, 100), std::chrono::milliseconds{230});
  EXPECT_EQ(default_probe_timeout(link), kScanProbeTimeout);
  EXPECT_EQ(default_read_timeout(link), kReadTimeout);
  link.baud = 38400;  // t3.5 fixed at 1.75 ms above 19200 bit/s
  EXPECT_EQ(exchange_wire_time(link, 1), std::chrono::milliseconds{8});
  link.baud = 1200;
  link.parity = 'E';  // 11 bits per character
  EXPECT_EQ(exchange_wire_time(link, 1), std::chrono::milliseconds{202});
  EXPECT_EQ(default_probe_timeout(link), std::chrono::milliseconds{404});
  EXPECT_EQ(default_read_timeout(link), 2 * exchange_wire_time(link, 100));
  EXPECT_GT(default_read_timeout(link), std::chrono::milliseconds{4000});
}

// The registers a meter with word order `w` sends for `v`.
std::vector<std::uint16_t> f32(float v, WordOrder w) { return modbus::encode_f32(v, w); }

TEST(PlausibleWordOrders, FindsExactlyTheMetersOrder) {
  // Values as a real meter sends them: not tidy decimals.
  for (const WordOrder w : {WordOrder::abcd, WordOrder::cdab, WordOrder::badc, WordOrder::dcba}) {
    for (const float volts : {229.58431F, 118.4F, 241.0077F}) {
      const auto got = plausible_word_orders(f32(volts, w), f32(49.98714F, w));
      ASSERT_EQ(got.size(), 1U) << modbus::to_string(w) << ' ' << volts;
      EXPECT_EQ(got.front(), w);
    }
  }
}

TEST(PlausibleWordOrders, NoneWhenTheMeterMeasuresNothingPlausible) {
  // No voltage on the terminals: zero reads the same in every order, and is not plausible.
  EXPECT_TRUE(
      plausible_word_orders(f32(0.0F, WordOrder::abcd), f32(0.0F, WordOrder::abcd)).empty());
  // A 60 Hz grid is plausible, 400 V between phase and neutral is not.
  EXPECT_EQ(plausible_word_orders(f32(120.2F, WordOrder::abcd), f32(59.97F, WordOrder::abcd)),
            std::vector<WordOrder>{WordOrder::abcd});
  EXPECT_TRUE(
      plausible_word_orders(f32(400.0F, WordOrder::abcd), f32(50.0F, WordOrder::abcd)).empty());
}

FoundMeter meter(std::uint8_t address, std::string serial, std::vector<WordOrder> orders) {
  FoundMeter m;
  m.address = address;
  m.serial = std::move(serial);
  m.word_orders = std::move(orders);
  return m;
}

TEST(ScanYaml, IsAValidBusesSectionWithEveryBsmart) {
  modbus::LinkSettings link;
  link.device = "/dev/serial/by-id/usb-FTDI_RS485-if00";
  link.baud = 19200;
  link.parity = 'E';
  std::vector<FoundMeter> found{meter(3, "BS491171771975", {WordOrder::abcd}),
                                meter(7, "", {WordOrder::cdab}), meter(9, "X", {}),
                                meter(12, "Y", {WordOrder::abcd, WordOrder::badc})};
  found.push_back(meter(20, "", {}));
  found.back().probe_error = Error{Errc::exception_reply, "exception 0x02"};
  const std::string yaml = scan_yaml(link, found);
  EXPECT_NE(yaml.find("transport: serial"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("baud: 19200"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("parity: even"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("# serial number BS491171771975"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("word_order: cdab"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("ambiguous"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("no word order gave plausible values"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("bsmart-20"), std::string::npos) << "not a B-Smart:\n" << yaml;

  const auto loaded = config::load_config_text(yaml, "scan.yaml");
  ASSERT_TRUE(loaded) << loaded.error().to_string() << "\n" << yaml;
  ASSERT_EQ(loaded->buses.size(), 1U);
  const auto& bus = loaded->buses.front();
  EXPECT_EQ(bus.transport, config::BusTransport::serial);
  EXPECT_EQ(bus.device, link.device);
  EXPECT_EQ(bus.baud, 19200);
  EXPECT_EQ(bus.parity, config::Parity::even);
  ASSERT_EQ(bus.meters.size(), 4U);
  EXPECT_EQ(bus.meters[0].address, 3);
  EXPECT_EQ(bus.meters[0].id, "bsmart-3");
  EXPECT_EQ(bus.meters[1].word_order, config::WordOrder::cdab);
  EXPECT_EQ(bus.meters[3].address, 12);
}

TEST(ScanYaml, ConverterBusesNameHostPortAndMode) {
  for (const auto mode : {LinkMode::rtu_over_tcp, LinkMode::tcp}) {
    modbus::LinkSettings link;
    link.mode = mode;
    link.host = "10.0.0.5";
    link.port = 4196;
    const std::vector<FoundMeter> found{meter(1, "BS1", {WordOrder::abcd})};
    const std::string yaml = scan_yaml(link, found);
    const auto loaded = config::load_config_text(yaml, "scan.yaml");
    ASSERT_TRUE(loaded) << loaded.error().to_string() << "\n" << yaml;
    const auto& bus = loaded->buses.front();
    EXPECT_EQ(bus.transport, mode == LinkMode::tcp ? config::BusTransport::modbus_tcp
                                                   : config::BusTransport::rtu_over_tcp);
    EXPECT_EQ(bus.host, "10.0.0.5");
    EXPECT_EQ(bus.port, 4196);
  }
}

}  // namespace
}  // namespace meterd::app
