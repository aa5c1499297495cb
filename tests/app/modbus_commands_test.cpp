// Integration tests of `meterd modbus ...`: the real meterd binary against the real
// `meterd-sim bsmart` binary on a pseudo-terminal (and a real TCP socket for the converter
// mode mismatch). The expected serial numbers and measurements come from the simulator's own
// model, rebuilt here from the same seed, so nothing is hard-coded.
#include "src/app/modbus_commands.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/app/temp_dir.hpp"
#include "tests/tools/serial_client.hpp"
#include "tools/sim/bsmart_device.hpp"
#include "tools/sim/bsmart_simulator.hpp"
#include "tools/sim/building_model.hpp"

namespace meterd::app {
namespace {

using namespace std::chrono;
using sim::test::run_command;
using sim::test::SimProcess;

const std::string kMeterd = METERD_BINARY_DIR "/src/app/meterd";
const std::string kSim = METERD_BINARY_DIR "/tools/meterd-sim";
const std::string kStart = "2026-06-22T10:30:00Z";  // a Monday morning: load and PV
constexpr std::uint64_t kSeed = 4242;

bool contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

// The exit status that `command; echo rc=$?` printed last.
int exit_code(const std::string& out) {
  const auto at = out.rfind("rc=");
  return at == std::string::npos ? -1 : std::stoi(out.substr(at + 3));
}

// What the simulated meter at `address` of `--slaves <addresses> --seed kSeed --freeze
// --start kStart` holds: its serial number and its frozen measurement.
struct Expected {
  std::string serial;
  sim::MeterSnapshot snapshot;
};
Expected expected(const std::vector<std::uint8_t>& addresses, std::uint8_t address) {
  sim::SimulatorConfig config;
  config.addresses = addresses;
  config.seed = kSeed;
  config.freeze = true;
  std::size_t index = 0;
  while (addresses.at(index) != address) ++index;
  const auto s = sim::device_settings(config, index, parse_utc(kStart).value());
  return {sim::BsmartDevice(s).serial_number(),
          sim::BuildingModel(s.seed, s.start, s.building).snapshot()};
}

std::vector<std::string> sim_args(const std::string& slaves) {
  return {"bsmart",   "--slaves", slaves, "--seed", std::to_string(kSeed),
          "--freeze", "--start",  kStart};
}

// `meterd modbus ARGS` with stderr merged and the exit code appended as "rc=N".
std::string meterd_modbus(const std::string& args, const std::string& stdin_text = "") {
  const std::string feed = stdin_text.empty() ? "</dev/null " : "printf '" + stdin_text + "' | ";
  return run_command(feed + kMeterd + " modbus " + args + "; echo rc=$?");
}

TEST(MeterdModbusScan, FindsExactlyTheSimulatedMetersWithSerialAndWordOrder) {
  const std::vector<std::uint8_t> addresses{2, 5, 9};
  SimProcess sim(kSim, sim_args("2,5,9"));
  ASSERT_FALSE(sim.device().empty());
  const auto t0 = steady_clock::now();
  const std::string out = meterd_modbus("scan --device " + sim.device() + " --from 1 --to 12");
  const double took = duration<double>(steady_clock::now() - t0).count();
  ASSERT_EQ(exit_code(out), 0) << out;
  static const std::regex row(R"((?:^|\n)(\d+)\s+(BS\d+)\s+(\w+)\s+([\d.]+) V\s+([\d.]+) Hz)");
  std::set<int> found;
  for (auto it = std::sregex_iterator(out.begin(), out.end(), row); it != std::sregex_iterator();
       ++it) {
    const int address = std::stoi((*it)[1]);
    found.insert(address);
    const Expected want = expected(addresses, static_cast<std::uint8_t>(address));
    EXPECT_EQ((*it)[2], want.serial) << "address " << address;
    EXPECT_EQ((*it)[3], "abcd") << "address " << address;
    EXPECT_NEAR(std::stod((*it)[4]), want.snapshot.grid.phase_a.voltage_v, 0.051);
    EXPECT_NEAR(std::stod((*it)[5]), want.snapshot.frequency_hz, 0.0051);
  }
  EXPECT_EQ(found, (std::set<int>{2, 5, 9})) << out;
  EXPECT_TRUE(contains(out, "3 B-Smart meter(s) found")) << out;
  // 9 silent addresses cost their 100 ms timeout each, and not much more.
  EXPECT_GE(took, 0.9);
  EXPECT_LT(took, 6.0) << out;
}

TEST(MeterdModbusScan, HonoursItsPerAddressTimeout) {
  SimProcess sim(kSim, sim_args("40"));
  ASSERT_FALSE(sim.device().empty());
  const auto t0 = steady_clock::now();
  const std::string out =
      meterd_modbus("scan --device " + sim.device() + " --from 1 --to 30 --timeout 20ms");
  const double took = duration<double>(steady_clock::now() - t0).count();
  EXPECT_EQ(exit_code(out), 1) << "nothing at 1..30: " << out;
  EXPECT_TRUE(contains(out, "0 B-Smart meter(s) found")) << out;
  EXPECT_TRUE(contains(out, "Check the baud rate")) << out;
  // 30 x (8.3 ms request at 9600 bit/s + 20 ms): well under a second.
  EXPECT_GE(took, 30 * 0.020);
  EXPECT_LT(took, 3.0);
}

TEST(MeterdModbusScan, AtASlowBaudRateTheDefaultTimeoutStillCoversTheReply) {
  auto args = sim_args("2");
  args.insert(args.end(), {"--baud", "1200"});
  SimProcess sim(kSim, args);
  ASSERT_FALSE(sim.device().empty());
  const std::string out =
      meterd_modbus("scan --device " + sim.device() + " --baud 1200 --from 1 --to 2");
  EXPECT_EQ(exit_code(out), 0) << out;
  EXPECT_TRUE(contains(out, expected({2}, 2).serial)) << out;
  EXPECT_TRUE(contains(out, "1 B-Smart meter(s) found")) << out;
}

// Meter 5 answers 200 ms late, after the 150 ms probe timeout: its reply arrives in the middle
// of the probe of address 6. The scan must not take it for a meter at 6, and must still find
// meter 5.
TEST(MeterdModbusScan, ALateReplyIsNotMistakenForTheNextAddress) {
  auto args = sim_args("5");
  args.insert(args.end(), {"--delay", "200ms@5"});
  SimProcess sim(kSim, args);
  ASSERT_FALSE(sim.device().empty());
  const std::string out =
      meterd_modbus("scan --device " + sim.device() + " --from 4 --to 7 --timeout 150ms");
  EXPECT_EQ(exit_code(out), 0) << out;
  EXPECT_TRUE(contains(out, "\n5        " + expected({5}, 5).serial)) << out;
  EXPECT_FALSE(contains(out, "not like a B-Smart")) << out;
  EXPECT_TRUE(contains(out, "1 B-Smart meter(s) found")) << out;
}

TEST(MeterdModbusScan, YamlIsAcceptedByCheckConfig) {
  SimProcess sim(kSim, sim_args("3,4"));
  ASSERT_FALSE(sim.device().empty());
  const std::string yaml = run_command(kMeterd + " modbus scan --device " + sim.device() +
                                       " --from 1 --to 6 --yaml 2>/dev/null");
  ASSERT_TRUE(contains(yaml, "buses:")) << yaml;
  EXPECT_TRUE(contains(yaml, "address: 3")) << yaml;
  EXPECT_TRUE(contains(yaml, "address: 4")) << yaml;
  EXPECT_TRUE(contains(yaml, "word_order: abcd")) << yaml;
  EXPECT_TRUE(contains(yaml, "# serial number " + expected({3, 4}, 4).serial)) << yaml;
  const test::TempDir dir;
  const auto file = dir.write("meterd.yaml", "gateway:\n  id: commissioning-test\n" + yaml);
  const std::string check =
      run_command(kMeterd + " --check-config " + file.string() + "; echo rc=$?");
  EXPECT_EQ(exit_code(check), 0) << check << "\n" << yaml;
}

TEST(MeterdModbusRead, PrintsEveryValueOfBothChannelsWithUnits) {
  SimProcess sim(kSim, sim_args("5"));
  ASSERT_FALSE(sim.device().empty());
  const std::string out = meterd_modbus("read --device " + sim.device() + " --address 5");
  ASSERT_EQ(exit_code(out), 0) << out;
  const Expected want = expected({5}, 5);
  EXPECT_TRUE(contains(out, "Serial number: " + want.serial)) << out;
  EXPECT_TRUE(contains(out, "baud rate: 9600")) << out;
  // One line per value: OBIS code, name, value, unit. 27 floats and 25 doubles per channel.
  static const std::regex line(R"((1-[12]):(\d+)\.(\d+)\.0\s+(.+?)\s{2,}(-?[\d.e+-]+)\s+(\S*)\n)");
  std::map<std::string, std::pair<double, std::string>> values;
  for (auto it = std::sregex_iterator(out.begin(), out.end(), line); it != std::sregex_iterator();
       ++it) {
    values[(*it)[1].str() + ":" + (*it)[2].str() + "." + (*it)[3].str() + ".0"] = {
        std::stod((*it)[5]), (*it)[6]};
  }
  EXPECT_EQ(values.size(), 2U * (27 + 25)) << out;
  const auto& grid = want.snapshot.grid.phase_a;
  EXPECT_NEAR(values["1-1:32.7.0"].first, grid.voltage_v, 1e-4);
  EXPECT_EQ(values["1-1:32.7.0"].second, "V");
  EXPECT_NEAR(values["1-1:31.7.0"].first, grid.current_a, 1e-5);
  EXPECT_EQ(values["1-1:31.7.0"].second, "A");
  EXPECT_NEAR(values["1-1:16.7.0"].first, grid.active_w, 1e-3 * std::abs(grid.active_w) + 1e-3);
  EXPECT_EQ(values["1-1:16.7.0"].second, "W");
  EXPECT_EQ(values["1-1:131.7.0"].second, "var");
  EXPECT_EQ(values["1-2:9.7.0"].second, "VA");
  EXPECT_NEAR(values["1-1:14.7.0"].first, want.snapshot.frequency_hz, 1e-4);
  EXPECT_EQ(values["1-1:14.7.0"].second, "Hz");
  EXPECT_EQ(values["1-1:1.8.0"].second, "Wh");
  EXPECT_EQ(values["1-2:3.8.0"].second, "varh");
  EXPECT_EQ(values["1-2:9.8.0"].second, "VAh");
  EXPECT_EQ(values["1-1:13.7.0"].second, "");  // power factor: no unit
  EXPECT_FALSE(contains(out, "[")) << "every value is plausible:\n" << out;
}

TEST(MeterdModbusRead, AWrongWordOrderShowsAbsurdValuesAndSaysSo) {
  SimProcess sim(kSim, sim_args("5"));
  ASSERT_FALSE(sim.device().empty());
  const std::string out =
      meterd_modbus("read --device " + sim.device() + " --address 5 --word-order dcba");
  EXPECT_EQ(exit_code(out), 0) << out;
  EXPECT_TRUE(contains(out, "word order is wrong")) << out;
  EXPECT_TRUE(contains(out, "[out_of_range]") || contains(out, "[not_a_number]")) << out;
}

TEST(MeterdModbusSetAddress, WithYesMovesTheMeterAndTheNewAddressAnswers) {
  SimProcess sim(kSim, sim_args("5,6"));
  ASSERT_FALSE(sim.device().empty());
  const std::string serial = expected({5, 6}, 5).serial;
  const std::string dev = " --device " + sim.device();
  // A taken address is refused before anything is written.
  const std::string taken =
      meterd_modbus("set-address" + dev + " --address 5 --new-address 6 --yes");
  EXPECT_EQ(exit_code(taken), 1) << taken;
  EXPECT_TRUE(contains(taken, "address 6 is already answered")) << taken;

  const std::string out =
      meterd_modbus("set-address" + dev + " --address 5 --new-address 17 --yes");
  ASSERT_EQ(exit_code(out), 0) << out;
  EXPECT_FALSE(contains(out, "Proceed?")) << out;
  EXPECT_TRUE(contains(out, "address 17 (serial " + serial + ") answers")) << out;
  const std::string at17 = meterd_modbus("read" + dev + " --address 17");
  EXPECT_EQ(exit_code(at17), 0) << at17;
  EXPECT_TRUE(contains(at17, "Serial number: " + serial)) << at17;
  EXPECT_TRUE(contains(at17, "Configured address: 17")) << at17;
  const std::string at5 = meterd_modbus("read" + dev + " --address 5 --timeout 200ms");
  EXPECT_EQ(exit_code(at5), 1) << at5;
  EXPECT_TRUE(contains(at5, "hint: no answer")) << at5;
}

TEST(MeterdModbusSetAddress, AnsweringNoLeavesTheMeterUnchanged) {
  SimProcess sim(kSim, sim_args("5"));
  ASSERT_FALSE(sim.device().empty());
  const std::string dev = " --device " + sim.device();
  const std::string out =
      meterd_modbus("set-address" + dev + " --address 5 --new-address 17", "n\\n");
  EXPECT_EQ(exit_code(out), 1) << out;
  EXPECT_TRUE(contains(out, "Proceed? [y/N]")) << out;
  EXPECT_TRUE(contains(out, "Nothing changed.")) << out;
  const std::string at5 = meterd_modbus("read" + dev + " --address 5");
  EXPECT_EQ(exit_code(at5), 0) << at5;
  EXPECT_TRUE(contains(at5, "Configured address: 5")) << at5;
  const std::string scan = meterd_modbus("scan" + dev + " --from 5 --to 17");
  EXPECT_TRUE(contains(scan, "1 B-Smart meter(s) found")) << scan;
  // No input at all (end of file) is a no as well.
  const std::string eof = meterd_modbus("set-address" + dev + " --address 5 --new-address 17");
  EXPECT_EQ(exit_code(eof), 1) << eof;
  EXPECT_TRUE(contains(eof, "Nothing changed.")) << eof;
}

TEST(MeterdModbusSetBaud, AnsweringYesMovesTheMeterToTheNewSpeed) {
  SimProcess sim(kSim, sim_args("8"));
  ASSERT_FALSE(sim.device().empty());
  const std::string dev = " --device " + sim.device();
  const std::string out = meterd_modbus("set-baud" + dev + " --address 8 --new-baud 19200", "y\\n");
  ASSERT_EQ(exit_code(out), 0) << out;
  EXPECT_TRUE(contains(out, "Proceed? [y/N]")) << out;
  EXPECT_TRUE(contains(out, "answers at 19200 bit/s")) << out;
  const std::string fast = meterd_modbus("read" + dev + " --address 8 --baud 19200");
  EXPECT_EQ(exit_code(fast), 0) << fast;
  EXPECT_TRUE(contains(fast, "baud rate: 19200")) << fast;
}

TEST(MeterdModbusErrors, MissingDeviceUsageAndNotASerialPort) {
  const test::TempDir dir;
  const std::string missing = meterd_modbus("scan --device " + (dir.path() / "ttyUSB9").string());
  EXPECT_EQ(exit_code(missing), 1) << missing;
  EXPECT_TRUE(contains(missing, "is the RS485 adapter plugged in?")) << missing;
  const auto file = dir.write("not-a-tty", "");
  const std::string plain = meterd_modbus("read --device " + file.string() + " --address 1");
  EXPECT_EQ(exit_code(plain), 1) << plain;
  EXPECT_TRUE(contains(plain, "not a serial device")) << plain;
  const std::string usage = meterd_modbus("scan --device /dev/null --baud 14400");
  EXPECT_EQ(exit_code(usage), 2) << usage;
  EXPECT_TRUE(contains(usage, "meterd modbus --help")) << usage;
  const std::string help = meterd_modbus("--help");
  EXPECT_EQ(exit_code(help), 0) << help;
  EXPECT_TRUE(contains(help, "set-baud")) << help;
}

// The simulator's pty belongs to root with mode 0600: `nobody` may not open it, as a user outside
// the dialout group may not open /dev/ttyUSB0.
TEST(MeterdModbusErrors, PermissionDeniedGivesTheDialoutHint) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run meterd as another user (setpriv)";
  SimProcess sim(kSim, sim_args("3"));
  ASSERT_FALSE(sim.device().empty());
  const std::string out =
      run_command("setpriv --reuid=nobody --regid=nogroup --clear-groups " + kMeterd +
                  " modbus read --address 3 --device " + sim.device() + " </dev/null; echo rc=$?");
  EXPECT_EQ(exit_code(out), 1) << out;
  EXPECT_TRUE(contains(out, sim.device() + ": permission denied")) << out;
  EXPECT_TRUE(contains(out, "dialout group")) << out;
}

// A converter that speaks Modbus TCP while the command says rtu_over_tcp: one real TCP peer on
// 127.0.0.1 that answers any request with an MBAP-framed reply.
TEST(MeterdModbusErrors, ModeMismatchOverTcpSaysWhatWasExpected) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);
  std::jthread gateway([listener] {
    const int conn = ::accept(listener, nullptr, nullptr);
    if (conn < 0) return;
    std::uint8_t request[64];
    if (::read(conn, request, sizeof request) > 0) {
      // Transaction 1, protocol 0, length 17, unit 1, FC03, 14 bytes of serial "BS..." zeros.
      std::vector<std::uint8_t> reply{0x00, 0x01, 0x00, 0x00, 0x00, 0x11, 0x01, 0x03, 0x0E};
      reply.resize(reply.size() + 14, 0x30);
      (void)!::write(conn, reply.data(), reply.size());
    }
    std::this_thread::sleep_for(milliseconds{300});
    ::close(conn);
  });
  const std::string out = meterd_modbus("read --host 127.0.0.1 --port " + std::to_string(port) +
                                        " --mode rtu_over_tcp --address 1");
  ::shutdown(listener, SHUT_RDWR);
  ::close(listener);
  EXPECT_EQ(exit_code(out), 1) << out;
  EXPECT_TRUE(contains(out, "looks like Modbus TCP")) << out;
  EXPECT_TRUE(contains(out, "--mode modbus_tcp")) << out;
}

}  // namespace
}  // namespace meterd::app
