// The `buses` section: a full configuration read into BusConfig, the defaults, and bad bus
// configurations each reported with its exact line, column and message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "src/config/config.hpp"
#include "tests/config/config_test_util.hpp"

namespace meterd::config {
namespace {

using ::testing::ElementsAre;
using namespace std::chrono_literals;

TEST(BusSection, ReadsEveryKey) {
  const auto r = load_config_text(R"(buses:
  - id: rs485-1
    transport: serial
    device: /dev/ttyUSB0
    baud: 19200
    parity: even
    data_bits: 7
    stop_bits: 2
    timeout: 200ms
    byte_timeout: 20ms
    retries: 2
    offline_after: 5
    meters:
      - id: grid
        address: 7
        model: bsmart
        word_order: cdab
        phases: 3
        channels: [2]
        poll: { instantaneous: 2s, energy: 5min }
  - id: tcp-gw
    transport: modbus_tcp
    host: 10.0.0.5
    port: 502
    meters:
      - { id: pv, address: 1 }
  - id: sim
    transport: simulator
    simulator:
      seed: 42
      speed: 60
      freeze: true
      start: 2026-06-22T10:30:00Z
      link: /tmp/meterd-sim
      drop: 0.05
      corrupt_crc: 0.5
      building: retail
    meters:
      - { id: s1, address: 1 }
)",
                                  "ok.yaml");
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->buses.size(), 3u);
  const BusConfig& serial = r->buses[0];
  EXPECT_EQ(serial.id, "rs485-1");
  EXPECT_EQ(serial.transport, BusTransport::serial);
  EXPECT_EQ(serial.device, "/dev/ttyUSB0");
  EXPECT_EQ(serial.baud, 19200);
  EXPECT_EQ(serial.parity, Parity::even);
  EXPECT_EQ(serial.data_bits, 7);
  EXPECT_EQ(serial.stop_bits, 2);
  EXPECT_EQ(serial.timeout, 200ms);
  EXPECT_EQ(serial.byte_timeout, 20ms);
  EXPECT_EQ(serial.retries, 2u);
  EXPECT_EQ(serial.offline_after, 5u);
  ASSERT_EQ(serial.meters.size(), 1u);
  const MeterConfig& grid = serial.meters[0];
  EXPECT_EQ(grid.id, "grid");
  EXPECT_EQ(grid.address, 7);
  EXPECT_EQ(grid.model, "bsmart");
  EXPECT_EQ(grid.word_order, WordOrder::cdab);
  EXPECT_EQ(grid.phases, 3);
  EXPECT_FALSE(grid.channel1);
  EXPECT_TRUE(grid.channel2);
  EXPECT_EQ(grid.instantaneous_interval, 2s);
  EXPECT_EQ(grid.energy_interval, 5min);

  EXPECT_EQ(r->buses[1].transport, BusTransport::modbus_tcp);
  EXPECT_EQ(r->buses[1].host, "10.0.0.5");
  EXPECT_EQ(r->buses[1].port, 502);

  const SimulatorOptions& sim = r->buses[2].simulator;
  EXPECT_EQ(r->buses[2].transport, BusTransport::simulator);
  EXPECT_EQ(sim.seed, 42u);
  EXPECT_EQ(sim.speed, 60u);
  EXPECT_TRUE(sim.freeze);
  ASSERT_TRUE(sim.start);
  EXPECT_EQ(format_utc(*sim.start), "2026-06-22T10:30:00.000Z");
  EXPECT_EQ(sim.link, "/tmp/meterd-sim");
  EXPECT_EQ(sim.drop, 0.05);
  EXPECT_EQ(sim.corrupt_crc, 0.5);
  EXPECT_EQ(sim.building, "retail");
}

TEST(BusSection, SimulatedBuildingHasOnePhasePerAddress) {
  const auto r = load_config_text("buses:\n  - id: b\n    transport: simulator\n    meters:\n"
                                  "      - { id: m, address: 1 }\n",
                                  "ok.yaml");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->buses[0].simulator.building, "");
  EXPECT_THAT(issues_of("buses:\n  - id: b\n    transport: simulator\n"
                        "    simulator: {building: mall}\n    meters:\n"
                        "      - { id: m1, address: 1 }\n      - { id: m4, address: 4 }\n"),
              ElementsAre(at(4, 27,
                             "buses[0].simulator.building: expected one of office, retail, "
                             "school, found 'mall'")));
  EXPECT_THAT(issues_of("buses:\n  - id: b\n    transport: simulator\n"
                        "    simulator: {building: office}\n    meters:\n"
                        "      - { id: m1, address: 1 }\n      - { id: m4, address: 4 }\n"),
              ElementsAre(at(6, 7,
                             "buses[0].meters: with simulator.building, the meters have "
                             "addresses 1 to 3 (phase Lk at address k), found 4")));
}

TEST(BusSection, Defaults) {
  const auto r = load_config_text(
      "buses:\n  - id: b\n    transport: serial\n    device: /dev/ttyS0\n"
      "    meters:\n      - id: m\n        address: 1\n",
      "ok.yaml");
  ASSERT_TRUE(r) << r.error().to_string();
  const BusConfig& b = r->buses.at(0);
  EXPECT_EQ(b.baud, 9600);
  EXPECT_EQ(b.parity, Parity::none);
  EXPECT_EQ(b.data_bits, 8);
  EXPECT_EQ(b.stop_bits, 1);
  EXPECT_EQ(b.timeout, 300ms);
  EXPECT_EQ(b.byte_timeout, 50ms);
  EXPECT_EQ(b.retries, 1u);
  EXPECT_EQ(b.offline_after, 3u);
  const MeterConfig& m = b.meters.at(0);
  EXPECT_EQ(m.model, "bsmart");
  EXPECT_EQ(m.word_order, WordOrder::abcd);
  EXPECT_EQ(m.phases, 1);
  EXPECT_TRUE(m.channel1);
  EXPECT_TRUE(m.channel2);
  EXPECT_EQ(m.instantaneous_interval, 1s);
  EXPECT_EQ(m.energy_interval, 60s);
  // No buses at all is valid: the daemon then polls nothing.
  const auto empty = load_config_text("log:\n  level: info\n", "ok.yaml");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->buses.empty());
}

TEST(BusSection, SerialWithoutDevice) {
  EXPECT_THAT(issues_of("buses:\n  - id: b\n    transport: serial\n    meters:\n"
                        "      - { id: m, address: 1 }\n"),
              ElementsAre(at(2, 5,
                             "buses[0].device: transport serial needs a device such as "
                             "/dev/ttyUSB0")));
}

TEST(BusSection, TcpWithoutHostAndPortAndWithSerialKeys) {
  EXPECT_THAT(issues_of("buses:\n  - id: gw\n    transport: rtu_over_tcp\n    baud: 9600\n"
                        "    meters:\n      - { id: m, address: 1 }\n"),
              ElementsAre(at(2, 5, "buses[0].host: transport rtu_over_tcp needs a host"),
                          at(2, 5, "buses[0].port: transport rtu_over_tcp needs a port"),
                          at(4, 11,
                             "buses[0].baud: not used by this transport (only by serial and "
                             "simulator)")));
}

TEST(BusSection, DuplicateIdsAndAddresses) {
  EXPECT_THAT(issues_of(R"(buses:
  - id: a
    transport: simulator
    meters:
      - { id: m1, address: 1 }
      - { id: m2, address: 1 }
  - id: a
    transport: simulator
    meters:
      - { id: m1, address: 1 }
)"),
              ElementsAre(at(6, 28,
                             "buses[0].meters[1].address: address 1 is already used by "
                             "buses[0].meters[0] on this bus"),
                          at(7, 9, "buses[1].id: duplicate bus id 'a' (already used by buses[0])"),
                          at(10, 15,
                             "buses[1].meters[0].id: duplicate meter id 'm1' (already "
                             "used by buses[0].meters[0])")));
}

TEST(BusSection, AddressOutOfRangeAndMissing) {
  EXPECT_THAT(issues_of("buses:\n  - id: b\n    transport: simulator\n    meters:\n"
                        "      - id: m1\n        address: 248\n      - id: m2\n"),
              ElementsAre(at(6, 18,
                             "buses[0].meters[0].address: expected an integer from 1 to "
                             "247, found '248'"),
                          at(7, 9, "buses[0].meters[1]: missing required key 'address'")));
}

TEST(BusSection, BadTransportBaudAndWordOrder) {
  EXPECT_THAT(issues_of("buses:\n  - id: b\n    transport: usb\n    baud: 9601\n    meters:\n"
                        "      - { id: m, address: 2, word_order: little }\n"),
              ElementsAre(at(3, 16,
                             "buses[0].transport: expected one of serial, rtu_over_tcp, "
                             "modbus_tcp, simulator, found 'usb'"),
                          at(4, 11,
                             "buses[0].baud: expected one of 1200, 2400, 4800, 9600, 19200, "
                             "38400, 57600, 115200, found '9601'"),
                          at(6, 42,
                             "buses[0].meters[0].word_order: expected one of abcd, cdab, badc, "
                             "dcba, found 'little'")));
}

TEST(BusSection, BadChannelsPhasesAndPoll) {
  EXPECT_THAT(issues_of("buses:\n  - id: b\n    transport: simulator\n    meters:\n"
                        "      - id: m\n        address: 1\n        phases: 2\n"
                        "        channels: [1, 3]\n        poll:\n          instantaneous: 10ms\n"
                        "      - id: n\n        address: 2\n        channels: []\n"),
              ElementsAre(at(7, 17, "buses[0].meters[0].phases: expected one of 1, 3, found '2'"),
                          at(8, 23,
                             "buses[0].meters[0].channels: expected an integer from 1 to 2, "
                             "found '3'"),
                          at(10, 26,
                             "buses[0].meters[0].poll.instantaneous: expected a duration from "
                             "100ms to 1h, found '10ms'"),
                          at(13, 19,
                             "buses[0].meters[1].channels: expected at least one channel (1 = "
                             "CT1, 2 = CT2)")));
}

TEST(BusSection, SimulatorOptionsOnlyWithTheSimulatorAndInRange) {
  EXPECT_THAT(issues_of("buses:\n  - id: b\n    transport: serial\n    device: /dev/ttyS1\n"
                        "    simulator:\n      drop: 1.5\n      start: yesterday\n"
                        "    meters:\n      - { id: m, address: 1 }\n"),
              ElementsAre(at(6, 7,
                             "buses[0].simulator: not used by this transport (only by "
                             "simulator)"),
                          at(6, 13,
                             "buses[0].simulator.drop: expected a number from 0 to 1, found "
                             "'1.5'"),
                          at(7, 14,
                             "buses[0].simulator.start: expected a UTC time such as "
                             "2026-06-22T10:30:00Z, found 'yesterday'")));
}

TEST(BusSection, BusWithoutMetersAndUnknownKey) {
  EXPECT_THAT(issues_of("buses:\n  - id: b\n    transport: simulator\n    meters: []\n"
                        "    speed: 2\n"),
              ElementsAre(at(4, 13, "buses[0].meters: expected at least one meter"),
                          at(5, 5,
                             "unknown key 'speed' in buses[0] (expected one of: id, "
                             "transport, device, baud, parity, data_bits, stop_bits, "
                             "host, port, timeout, byte_timeout, retries, offline_after, "
                             "simulator, meters)")));
}

// The shipped example polls 4 simulated B-Smart meters, and its `#key: value` lines under
// `buses` hold the real defaults (uncommenting them changes nothing).
TEST(BusSection, ShippedConfigPollsFourSimulatedMetersAndShowsTheDefaults) {
  const auto shipped = std::filesystem::path(METERD_SOURCE_DIR) / "config" / "meterd.yaml";
  std::ifstream in(shipped);
  ASSERT_TRUE(in) << shipped;
  std::stringstream text;
  text << in.rdbuf();
  const std::regex commented_key(R"(^(\s*)#([a-z_]+:))", std::regex::multiline);
  for (const std::string& yaml :
       {text.str(), std::regex_replace(text.str(), commented_key, "$1$2")}) {
    const auto r = load_config_text(yaml, "meterd.yaml");
    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_EQ(r->buses.size(), 2u);  // and the simulated building of the NILM section
    const BusConfig& bus = r->buses[0];
    BusConfig expected;
    expected.id = "sim";
    expected.transport = BusTransport::simulator;
    expected.baud = 38400;
    for (int a = 1; a <= 4; ++a) {
      MeterConfig m;
      m.id = "office-" + std::to_string(a);
      m.address = static_cast<std::uint8_t>(a);
      expected.meters.push_back(m);
    }
    EXPECT_EQ(bus, expected);
    BusConfig site;
    site.id = "site";
    site.transport = BusTransport::simulator;
    site.baud = 38400;
    site.simulator.building = "office";
    site.simulator.seed = 2;
    for (int a = 1; a <= 3; ++a) {
      MeterConfig m;
      m.id = "mains-l" + std::to_string(a);
      m.address = static_cast<std::uint8_t>(a);
      site.meters.push_back(m);
    }
    EXPECT_EQ(r->buses[1], site);
  }
}

}  // namespace
}  // namespace meterd::config
