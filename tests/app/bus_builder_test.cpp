// bus_builder: configured buses become links, drivers and (for transport: simulator) a running
// simulator on a real pty.
#include "src/app/bus_builder.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace meterd::app {
namespace {

using namespace std::chrono_literals;

config::BusConfig bus(config::BusTransport transport) {
  config::BusConfig b;
  b.id = "b1";
  b.transport = transport;
  config::MeterConfig m;
  m.id = "m1";
  m.address = 3;
  b.meters.push_back(m);
  return b;
}

TEST(BusBuilder, LinkSettingsFollowTheTransport) {
  auto serial = bus(config::BusTransport::serial);
  serial.device = "/dev/ttyUSB7";
  serial.baud = 19200;
  serial.parity = config::Parity::even;
  serial.stop_bits = 2;
  serial.data_bits = 7;
  serial.timeout = 250ms;
  serial.byte_timeout = 20ms;
  const auto s = link_settings(serial);
  EXPECT_EQ(s.mode, modbus::LinkMode::rtu);
  EXPECT_EQ(s.device, "/dev/ttyUSB7");
  EXPECT_EQ(s.baud, 19200);
  EXPECT_EQ(s.parity, 'E');
  EXPECT_EQ(s.stop_bits, 2);
  EXPECT_EQ(s.data_bits, 7);
  EXPECT_EQ(s.response_timeout, 250ms);
  EXPECT_EQ(s.byte_timeout, 20ms);

  auto tcp = bus(config::BusTransport::modbus_tcp);
  tcp.host = "10.0.0.5";
  tcp.port = 502;
  EXPECT_EQ(link_settings(tcp).mode, modbus::LinkMode::tcp);
  EXPECT_EQ(link_settings(tcp).host, "10.0.0.5");
  EXPECT_EQ(link_settings(tcp).port, 502);
  tcp.transport = config::BusTransport::rtu_over_tcp;
  EXPECT_EQ(link_settings(tcp).mode, modbus::LinkMode::rtu_over_tcp);

  auto sim = bus(config::BusTransport::simulator);
  sim.parity = config::Parity::odd;
  EXPECT_EQ(link_settings(sim, "/dev/pts/9").mode, modbus::LinkMode::rtu);
  EXPECT_EQ(link_settings(sim, "/dev/pts/9").device, "/dev/pts/9");
  EXPECT_EQ(link_settings(sim, "/dev/pts/9").parity, 'O');
}

TEST(BusBuilder, MeterSettingsFollowTheMeter) {
  config::MeterConfig m;
  m.id = "pv";
  m.address = 17;
  m.word_order = config::WordOrder::badc;
  m.phases = 3;
  m.channel1 = false;
  m.instantaneous_interval = 2s;
  m.energy_interval = 5min;
  const auto s = meter_settings(m);
  EXPECT_EQ(s.meter_id, "pv");
  EXPECT_EQ(s.address, 17);
  EXPECT_EQ(s.word_order, modbus::WordOrder::badc);
  EXPECT_EQ(s.phases, 3);
  EXPECT_FALSE(s.channel1);
  EXPECT_TRUE(s.channel2);
  EXPECT_EQ(s.instantaneous_interval, 2s);
  EXPECT_EQ(s.energy_interval, 5min);
  for (auto [c, w] : {std::pair{config::WordOrder::abcd, modbus::WordOrder::abcd},
                      std::pair{config::WordOrder::cdab, modbus::WordOrder::cdab},
                      std::pair{config::WordOrder::dcba, modbus::WordOrder::dcba}}) {
    m.word_order = c;
    EXPECT_EQ(meter_settings(m).word_order, w);
  }
}

TEST(BusBuilder, SimulatorConfigHasOneSlavePerMeter) {
  auto b = bus(config::BusTransport::simulator);
  config::MeterConfig m2;
  m2.id = "m2";
  m2.address = 9;
  b.meters.push_back(m2);
  b.baud = 38400;
  b.simulator.seed = 42;
  b.simulator.speed = 60;
  b.simulator.freeze = true;
  b.simulator.drop = 0.25;
  b.simulator.corrupt_crc = 0.5;
  const auto c = simulator_config(b);
  EXPECT_EQ(c.addresses, (std::vector<std::uint8_t>{3, 9}));
  EXPECT_EQ(c.line.baud, 38400u);
  EXPECT_EQ(c.seed, 42u);
  EXPECT_EQ(c.speed, 60.0);
  EXPECT_TRUE(c.freeze);
  EXPECT_EQ(c.bus_faults.drop_probability, 0.25);
  EXPECT_EQ(c.bus_faults.corrupt_crc_probability, 0.5);
  EXPECT_FALSE(c.commercial);
  b.simulator.building = "school";
  const auto site = simulator_config(b).commercial;
  ASSERT_TRUE(site);
  EXPECT_EQ(site->type, sim::BuildingType::school);
  EXPECT_EQ(site->seed, 42u);
}

TEST(BusBuilder, SimulatorBusRunsTheSimulatorOnAPty) {
  const SystemClock clock;
  auto built = build_bus(bus(config::BusTransport::simulator), clock);
  ASSERT_TRUE(built) << built.error().message();
  ASSERT_TRUE(built->simulator);
  EXPECT_TRUE(std::filesystem::exists(built->simulator->device_path()));
  EXPECT_EQ(built->spec.name, "b1");
  ASSERT_EQ(built->spec.meters.size(), 1u);
  EXPECT_EQ(built->spec.meters[0]->meter_id(), "m1");
  EXPECT_EQ(built->spec.meters[0]->protocol(), "modbus-rtu");
  ASSERT_TRUE(built->spec.link);
  EXPECT_NE(built->spec.link->describe().find(built->simulator->device_path()), std::string::npos);
  // The driver really reaches the simulated meter through the pty.
  ASSERT_TRUE(built->spec.link->open());
  const auto serial = built->spec.meters[0]->identify();
  ASSERT_TRUE(serial) << serial.error().message();
  EXPECT_EQ(serial->substr(0, 2), "BS");
  built->spec.link->close();
}

TEST(BusBuilder, SerialBusWithAMissingDeviceIsBuiltAndFailsOnlyWhenOpened) {
  auto b = bus(config::BusTransport::serial);
  b.device = "/dev/does-not-exist-meterd";
  b.offline_after = 7;
  const SystemClock clock;
  auto built = build_bus(b, clock);
  ASSERT_TRUE(built) << built.error().message();
  EXPECT_FALSE(built->simulator);
  EXPECT_EQ(built->spec.schedule.offline_after_timeouts, 7u);
  const auto opened = built->spec.link->open();
  ASSERT_FALSE(opened);
  EXPECT_TRUE(opened.error().is(Errc::io_error)) << opened.error().message();
}

}  // namespace
}  // namespace meterd::app
