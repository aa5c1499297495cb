#include "tools/sim/pty_bus.hpp"

#include "tests/tools/serial_client.hpp"
#include "tools/sim/bsmart_register_map.hpp"
#include "tools/sim/bsmart_simulator.hpp"
#include "tools/sim/modbus_crc.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <thread>

namespace meterd::sim {
namespace {

using namespace std::chrono;
using test::Bytes;
using test::SerialClient;

Bytes read_req(std::uint8_t address, std::uint16_t start, std::uint16_t count) {
  return make_rtu_frame(address, Bytes{0x03, static_cast<std::uint8_t>(start >> 8), static_cast<std::uint8_t>(start),
                                       static_cast<std::uint8_t>(count >> 8), static_cast<std::uint8_t>(count)});
}

class PtyBusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("meterd-sim-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    sim_.reset();
    std::filesystem::remove_all(dir_);
  }
  void start(SimulatorConfig config) {
    config.link_path = (dir_ / "bsmart").string();
    auto s = BsmartSimulator::create(config, clock_);
    ASSERT_TRUE(s) << s.error().message();
    sim_ = std::move(*s);
    sim_->start();
  }
  // One request/response; returns the reply and how long it took.
  std::pair<Bytes, microseconds> exchange(SerialClient& c, const Bytes& req, std::size_t reply_size,
                                          milliseconds timeout = milliseconds{2000}) {
    const auto t0 = steady_clock::now();
    c.send(req);
    Bytes reply = c.receive(reply_size, timeout);
    return {reply, duration_cast<microseconds>(steady_clock::now() - t0)};
  }

  std::filesystem::path dir_;
  SystemClock clock_;
  std::unique_ptr<BsmartSimulator> sim_;
};

TEST_F(PtyBusTest, AnswersOverARealPtyPacedAtTheLineSpeed) {
  SimulatorConfig config;
  config.freeze = true;
  start(config);
  EXPECT_TRUE(sim_->device_path().starts_with("/dev/pts/"));
  EXPECT_EQ(std::filesystem::read_symlink(dir_ / "bsmart"), sim_->device_path());

  SerialClient client((dir_ / "bsmart").string());
  ASSERT_TRUE(client.ok());
  const auto [reply, took] = exchange(client, read_req(1, 0x2100, 2), 9);
  ASSERT_EQ(reply.size(), 9U);
  EXPECT_TRUE(modbus_crc_ok(reply));
  const std::array<std::uint16_t, 2> regs{static_cast<std::uint16_t>(reply[3] << 8 | reply[4]),
                                          static_cast<std::uint16_t>(reply[5] << 8 | reply[6])};
  EXPECT_EQ(bsmart::get_float(regs), static_cast<float>(sim_->slave().snapshot(1)->grid.phase_a.voltage_v));
  // 8 request bytes + t3.5 + 9 reply bytes at 9600 bps 8N1 = 21.4 ms on a real wire.
  const SerialLine line;
  EXPECT_GE(took, line.wire_time(8) + line.t35() + line.wire_time(9));
  EXPECT_GE(took, line.wire_time(9));
  EXPECT_LT(took, seconds{2});  // generous: the test machine may be busy
}

TEST_F(PtyBusTest, SurvivesTheMasterClosingAndReopening) {
  SimulatorConfig config;
  config.freeze = true;
  start(config);
  for (int round = 0; round < 3; ++round) {
    SerialClient client(sim_->device_path());
    ASSERT_TRUE(client.ok());
    const auto [reply, took] = exchange(client, read_req(1, 0x1000, 1), 7);
    EXPECT_EQ(reply, make_rtu_frame(1, Bytes{0x03, 0x02, 0x00, 0x01})) << "round " << round;
  }
  std::this_thread::sleep_for(milliseconds{100});  // nobody has the port open: EIO on the master
  SerialClient client(sim_->device_path());
  EXPECT_EQ(exchange(client, read_req(1, 0x1000, 1), 7).first.size(), 7U);
}

TEST_F(PtyBusTest, AFrameInterruptedByASilenceIsDiscarded) {
  SimulatorConfig config;
  config.freeze = true;
  start(config);
  SerialClient client(sim_->device_path());
  const Bytes req = read_req(1, 0x2100, 2);
  client.send(Bytes(req.begin(), req.begin() + 4));
  std::this_thread::sleep_for(milliseconds{150});  // far beyond t3.5 = 3.6 ms, even on a busy machine
  client.send(Bytes(req.begin() + 4, req.end()));
  EXPECT_TRUE(client.receive(1, milliseconds{300}).empty());
  EXPECT_EQ(exchange(client, req, 9).first.size(), 9U);
}

TEST_F(PtyBusTest, SeveralSlavesOnOneBus) {
  SimulatorConfig config;
  config.addresses = {1, 2, 3, 4};
  config.speed = 100.0;
  start(config);
  SerialClient client(sim_->device_path());
  std::set<std::string> serials;
  for (std::uint8_t a = 1; a <= 4; ++a) {
    const auto [reply, took] = exchange(client, read_req(a, 0x1009, 7), 19);
    ASSERT_EQ(reply.size(), 19U) << int(a);
    EXPECT_EQ(reply[0], a);
    serials.insert(std::string(reply.begin() + 3, reply.begin() + 17));
  }
  EXPECT_EQ(serials.size(), 4U);
  EXPECT_TRUE(client.receive(1, milliseconds{100}).empty());
  client.send(read_req(9, 0x1000, 1));  // nobody there
  EXPECT_TRUE(client.receive(1, milliseconds{300}).empty());
}

TEST_F(PtyBusTest, FaultsThroughTheInProcessApi) {
  SimulatorConfig config;
  config.freeze = true;
  start(config);
  SerialClient client(sim_->device_path());
  FaultConfig slow;
  slow.delay = milliseconds{150};
  sim_->slave().set_faults(std::nullopt, slow);
  const auto [reply, took] = exchange(client, read_req(1, 0x2100, 2), 9);
  EXPECT_EQ(reply.size(), 9U);
  EXPECT_GE(took, milliseconds{150});

  FaultConfig lost;
  lost.drop_probability = 1.0;
  sim_->slave().set_faults(1, lost);
  EXPECT_TRUE(exchange(client, read_req(1, 0x2100, 2), 9, milliseconds{400}).first.empty());
  sim_->slave().clear_faults();
  EXPECT_EQ(exchange(client, read_req(1, 0x2100, 2), 9).first.size(), 9U);
}

TEST_F(PtyBusTest, ABaudRateWriteSlowsTheNextReplies) {
  SimulatorConfig config;
  config.freeze = true;
  start(config);
  SerialClient client(sim_->device_path());
  const Bytes write = make_rtu_frame(1, Bytes{0x10, 0x10, 0x01, 0x00, 0x01, 0x02, 0x09, 0x60});  // 2400
  EXPECT_EQ(exchange(client, write, 8).first.size(), 8U);
  const auto [reply, took] = exchange(client, read_req(1, 0x2100, 0x36), 5 + 2 * 0x36);
  ASSERT_EQ(reply.size(), 5U + 2 * 0x36);
  const SerialLine line;
  EXPECT_GE(took, line.wire_time(8, 2400) + line.t35(2400) + line.wire_time(reply.size(), 2400));  // ~0.5 s
}

}  // namespace
}  // namespace meterd::sim
