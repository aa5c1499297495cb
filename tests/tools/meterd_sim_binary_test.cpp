// The real meterd-sim binary on a pty, driven by our own serial client and by mbpoll, an
// independent Modbus master built on libmodbus: if mbpoll decodes the values the model holds,
// the simulator's framing, CRC and register encoding are the standard ones.
#include "tests/tools/serial_client.hpp"
#include "tools/sim/bsmart_register_map.hpp"
#include "tools/sim/bsmart_simulator.hpp"
#include "tools/sim/commercial_meter_feed.hpp"
#include "tools/sim/modbus_crc.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

namespace meterd::sim {
namespace {

using namespace std::chrono;
using test::Bytes;

const std::string kBinary = METERD_BINARY_DIR "/tools/meterd-sim";
const std::string kStart = "2026-06-22T10:30:00Z";  // a Monday morning, PV producing
constexpr std::uint64_t kSeed = 1234;

// "[8448]: \t229.584" lines of mbpoll's output, by register number.
std::map<long, std::string> mbpoll_values(const std::string& out) {
  std::map<long, std::string> values;
  static const std::regex line(R"(\[(\d+)\]:\s+(\S+))");
  for (auto it = std::sregex_iterator(out.begin(), out.end(), line); it != std::sregex_iterator(); ++it)
    values[std::stol((*it)[1])] = (*it)[2];
  return values;
}

class MeterdSimBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mbpoll_ = test::run_command("command -v mbpoll");
    while (!mbpoll_.empty() && std::isspace(static_cast<unsigned char>(mbpoll_.back()))) mbpoll_.pop_back();
    ASSERT_FALSE(mbpoll_.empty()) << "mbpoll is missing: scripts/install-deps.sh --test";
  }
  // Runs mbpoll once against `device`; `values` (after the device) makes it write.
  std::string mbpoll(const std::string& device, const std::string& args, const std::string& values = "") {
    return test::run_command(mbpoll_ + " -m rtu -b 9600 -P none -0 -1 -o 1 " + args + " " + device + " " + values);
  }
  // The snapshot meter `address` of `meterd-sim --slaves 1,7 --seed kSeed --freeze` holds.
  static MeterSnapshot expected(std::uint8_t address) {
    SimulatorConfig config;
    config.addresses = {1, 7};
    config.seed = kSeed;
    config.freeze = true;
    const std::size_t index = address == 1 ? 0 : 1;
    const DeviceSettings s = device_settings(config, index, parse_utc(kStart).value());
    return BuildingModel(s.seed, s.start, s.building).snapshot();
  }
  std::string mbpoll_;
};

TEST_F(MeterdSimBinaryTest, HelpAndBadOptions) {
  const std::string help = test::run_command(kBinary + " bsmart --help; echo rc=$?");
  EXPECT_NE(help.find("--silent-after"), std::string::npos);
  EXPECT_NE(help.find("rc=0"), std::string::npos);
  const std::string bad = test::run_command(kBinary + " bsmart --drop 2; echo rc=$?");
  EXPECT_NE(bad.find("option --drop '2': expected a probability 0..1"), std::string::npos) << bad;
  EXPECT_NE(bad.find("rc=2"), std::string::npos);
}

TEST_F(MeterdSimBinaryTest, ServesThroughItsSymlinkAndStopsOnSigterm) {
  const auto dir = std::filesystem::temp_directory_path() / ("meterd-sim-bin-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string link = (dir / "rs485").string();
  {
    test::SimProcess sim(kBinary, {"bsmart", "--count", "2", "--link", link});
    ASSERT_TRUE(sim.device().starts_with("/dev/pts/")) << "no device= line";
    EXPECT_EQ(std::filesystem::read_symlink(link), sim.device());
    test::SerialClient client(link);
    ASSERT_TRUE(client.ok());
    const Bytes req = make_rtu_frame(2, Bytes{0x03, 0x10, 0x00, 0x00, 0x02});
    const auto t0 = steady_clock::now();
    client.send(req);
    const Bytes reply = client.receive(9, seconds{2});
    const auto took = steady_clock::now() - t0;
    ASSERT_EQ(reply.size(), 9U);
    EXPECT_TRUE(modbus_crc_ok(reply));
    EXPECT_EQ(reply[4], 2);       // 0x1000: its own address
    EXPECT_EQ(reply[5] << 8 | reply[6], 9600);  // 0x1001: baud
    EXPECT_GE(took, SerialLine{}.wire_time(9));
    EXPECT_EQ(sim.terminate(), 0);
  }
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(link)));
  std::filesystem::remove_all(dir);
}

TEST_F(MeterdSimBinaryTest, MbpollReadsTheModelsFloats) {
  test::SimProcess sim(kBinary, {"bsmart", "--slaves", "1,7", "--seed", std::to_string(kSeed), "--freeze",
                                 "--start", kStart});
  ASSERT_FALSE(sim.device().empty());
  for (const std::uint8_t address : {1, 7}) {
    const MeterSnapshot want = expected(address);
    for (const auto& [base, ch] : {std::pair{0x2100L, &want.grid}, std::pair{0x2300L, &want.solar}}) {
      const std::string out = mbpoll(sim.device(), "-a " + std::to_string(address) + " -t 4:float -B -r " +
                                                       std::to_string(base) + " -c 27");
      const auto got = mbpoll_values(out);
      ASSERT_EQ(got.size(), 27U) << out;
      const PhaseValues& a = ch->phase_a;
      // Register offset -> what the model holds, in the meter's units (kW, kvar, kVA).
      const std::map<long, double> model{
          {0x00, a.voltage_v}, {0x02, 0}, {0x04, 0}, {0x06, 0}, {0x08, 0}, {0x0A, 0},
          {0x0C, a.current_a}, {0x0E, 0}, {0x10, 0}, {0x12, a.current_a},
          {0x14, a.active_w / 1e3}, {0x16, 0}, {0x18, 0}, {0x1A, a.active_w / 1e3},
          {0x1C, a.reactive_var / 1e3}, {0x1E, 0}, {0x20, 0}, {0x22, a.reactive_var / 1e3},
          {0x24, a.apparent_va / 1e3}, {0x26, 0}, {0x28, 0}, {0x2A, a.apparent_va / 1e3},
          {0x2C, a.power_factor}, {0x2E, 0}, {0x30, 0}, {0x32, a.power_factor},
          {0x34, want.frequency_hz}};
      for (const auto& [off, value] : model) {
        ASSERT_EQ(got.count(base + off), 1U) << base + off;
        // mbpoll prints 6 significant digits.
        EXPECT_NEAR(std::stod(got.at(base + off)), value, 1e-5 * std::abs(value) + 1e-9)
            << "slave " << int(address) << " register 0x" << std::hex << base + off;
      }
    }
    // The scene is what the test means it to be: a sunny Monday morning.
    EXPECT_GT(want.solar.phase_a.active_w, 500.0);
  }
}

TEST_F(MeterdSimBinaryTest, MbpollReadsTheEnergyDoublesAsRegisters) {
  test::SimProcess sim(kBinary, {"bsmart", "--slaves", "1,7", "--seed", std::to_string(kSeed), "--freeze",
                                 "--start", kStart});
  ASSERT_FALSE(sim.device().empty());
  const MeterSnapshot want = expected(7);
  for (const auto& [base, e] : {std::pair{0x3000L, &want.grid.energy}, std::pair{0x3100L, &want.solar.energy}}) {
    const auto got = mbpoll_values(mbpoll(sim.device(), "-a 7 -t 4:hex -r " + std::to_string(base) + " -c 40"));
    ASSERT_EQ(got.size(), 40U);
    const auto dbl = [&](long off) {
      std::array<std::uint16_t, 4> regs{};
      for (long i = 0; i < 4; ++i) regs[i] = static_cast<std::uint16_t>(std::stoul(got.at(base + off + i), nullptr, 16));
      return bsmart::get_double(regs);
    };
    EXPECT_DOUBLE_EQ(dbl(0x04), e->active_import_wh / 1000.0);
    EXPECT_DOUBLE_EQ(dbl(0x08), e->active_export_wh / 1000.0);
    EXPECT_DOUBLE_EQ(dbl(0x00), (e->active_import_wh + e->active_export_wh) / 1000.0);
    EXPECT_DOUBLE_EQ(dbl(0x10), e->reactive_import_varh / 1000.0);
    EXPECT_DOUBLE_EQ(dbl(0x14), e->reactive_export_varh / 1000.0);
    EXPECT_DOUBLE_EQ(dbl(0x18), e->apparent_vah / 1000.0);
    EXPECT_DOUBLE_EQ(dbl(0x20), e->active_import_wh / 1000.0);  // phase A
    EXPECT_EQ(dbl(0x24), e->active_export_wh / 1000.0);
    EXPECT_GT(dbl(0x04), 1000.0);  // kWh of a meter in service
  }
}

TEST_F(MeterdSimBinaryTest, MbpollWritesWithFc10AndGetsTheStandardExceptions) {
  test::SimProcess sim(kBinary, {"bsmart", "--slaves", "1,7", "--exception", "4:0x3000@1"});
  ASSERT_FALSE(sim.device().empty());
  EXPECT_NE(mbpoll(sim.device(), "-a 7 -r 0x1009", "0x4142 0x4344").find("Written 2 references"), std::string::npos);
  const auto sn = mbpoll_values(mbpoll(sim.device(), "-a 7 -t 4:hex -r 0x1009 -c 2"));
  EXPECT_EQ(sn.at(0x1009), "0x4142");
  EXPECT_EQ(sn.at(0x100A), "0x4344");
  // A single value makes mbpoll use FC06, which the B-Smart does not offer (manual §10.1).
  EXPECT_NE(mbpoll(sim.device(), "-a 7 -r 0x1010", "1").find("Illegal function"), std::string::npos);
  EXPECT_NE(mbpoll(sim.device(), "-a 7 -r 0x5000").find("Illegal data address"), std::string::npos);
  EXPECT_NE(mbpoll(sim.device(), "-a 1 -r 0x3000 -c 4").find("Slave device or server failure"), std::string::npos);
  EXPECT_EQ(mbpoll_values(mbpoll(sim.device(), "-a 1 -r 0x2100 -c 2")).size(), 2U);
  EXPECT_NE(mbpoll(sim.device(), "-a 3 -o 0.3 -r 0x2100").find("timed out"), std::string::npos);
}

TEST_F(MeterdSimBinaryTest, MbpollSeesTheModelMoveWhenNotFrozen) {
  test::SimProcess sim(kBinary, {"bsmart", "--speed", "600", "--start", kStart});
  ASSERT_FALSE(sim.device().empty());
  const auto first = mbpoll_values(mbpoll(sim.device(), "-t 4:hex -r 0x3000 -c 4"));
  std::this_thread::sleep_for(milliseconds{1500});  // 15 model minutes
  const auto later = mbpoll_values(mbpoll(sim.device(), "-t 4:hex -r 0x3000 -c 4"));
  ASSERT_EQ(first.size(), 4U);
  ASSERT_EQ(later.size(), 4U);
  const auto dbl = [](const std::map<long, std::string>& v) {
    std::array<std::uint16_t, 4> regs{};
    for (long i = 0; i < 4; ++i) regs[i] = static_cast<std::uint16_t>(std::stoul(v.at(0x3000 + i), nullptr, 16));
    return bsmart::get_double(regs);
  };
  EXPECT_GT(dbl(later), dbl(first));  // the total energy counter advanced
  EXPECT_LT(dbl(later) - dbl(first), 10.0);  // ... by what 15 minutes of an office can use (kWh)
}

TEST_F(MeterdSimBinaryTest, CommercialBuildingOnePhasePerMeterThroughMbpoll) {
  test::SimProcess sim(kBinary, {"bsmart", "--building", "retail:4", "--freeze", "--start", kStart});
  ASSERT_FALSE(sim.device().empty());
  const CommercialMeterFeed want({BuildingType::retail, 4}, parse_utc(kStart).value());
  double total_kw = 0.0;
  for (const int address : {1, 2, 3}) {
    const auto got = mbpoll_values(mbpoll(sim.device(), "-a " + std::to_string(address) + " -t 4:float -B -r " +
                                                            std::to_string(0x2100 + 0x14) + " -c 4"));
    ASSERT_EQ(got.size(), 4U) << address;
    const PhaseValues& v = want.snapshot(address - 1).grid.phase_a;
    EXPECT_NEAR(std::stod(got.at(0x2114)), v.active_w / 1e3, 1e-5 * std::abs(v.active_w / 1e3)) << address;
    EXPECT_NEAR(std::stod(got.at(0x211A)), v.active_w / 1e3, 1e-5 * std::abs(v.active_w / 1e3)) << address;
    total_kw += std::stod(got.at(0x2114));
  }
  EXPECT_GT(total_kw, 10.0);  // a shop on a Monday morning: tens of kW over the three phases
  // Only addresses 1..3 exist: phase L1..L3.
  EXPECT_NE(mbpoll(sim.device(), "-a 4 -o 0.3 -r 0x2100").find("timed out"), std::string::npos);
}

}  // namespace
}  // namespace meterd::sim
