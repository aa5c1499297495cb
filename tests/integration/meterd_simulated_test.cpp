// The real meterd binary on a bus of simulated B-Smart meters (transport: simulator): its log
// shows every meter's values within seconds, a changed `buses` section on SIGHUP restarts
// acquisition, and SIGTERM stops it with exit status 0.
#include <gtest/gtest.h>

#include <csignal>
#include <regex>
#include <string_view>

#include "tests/app/meterd_process.hpp"
#include "tests/app/temp_dir.hpp"

namespace meterd::integration {
namespace {

using namespace std::chrono_literals;
using app::test::MeterdProcess;
using app::test::TempDir;

std::size_t occurrences(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

std::string simulated_bus(int meters) {
  // Hermetic: state in the test's temp dir, no REST listener on the fixed default port.
  std::string yaml = R"(gateway:
  state_dir: .
api:
  enabled: false
time:
  unsynchronized: mark
buses:
  - id: sim
    transport: simulator
    baud: 38400
    meters:
)";
  for (int a = 1; a <= meters; ++a) {
    yaml += "      - { id: m" + std::to_string(a) + ", address: " + std::to_string(a) + " }\n";
  }
  return yaml;
}

TEST(MeterdSimulated, LogsValuesOfAllFourMetersAndStopsOnSigterm) {
  const TempDir dir;
  const auto config = dir.write("meterd.yaml", simulated_bus(4));
  MeterdProcess meterd({.args = {"--config", config.string()}});
  // The first summary comes 3 s after start, one line per meter, m4 last.
  ASSERT_TRUE(meterd.wait_for_stderr("meter m4 (bus sim, online", 10s)) << meterd.stderr_text();
  const std::string log = meterd.stderr_text();
  for (int a = 1; a <= 4; ++a) {
    SCOPED_TRACE(a);
    const std::regex line(
        "meter m" + std::to_string(a) +
        R"( \(bus sim, online, serial BS[0-9]{12}\): CT1 P -?[0-9]+\.[0-9] W A\+ )"
        R"([0-9]+\.[0-9]{3} kWh A- [0-9]+\.[0-9]{3} kWh \| CT2 P -?[0-9]+\.[0-9] W )"
        R"(A\+ [0-9]+\.[0-9]{3} kWh A- [0-9]+\.[0-9]{3} kWh \| polls [1-9][0-9]* ok 0 )"
        R"(failed, timeouts 0, crc 0)");
    EXPECT_TRUE(std::regex_search(log, line)) << log;
  }
  meterd.signal(SIGTERM);
  EXPECT_EQ(meterd.wait_exit(5s), 0) << meterd.stderr_text();
  EXPECT_NE(meterd.stderr_text().find("meterd stopped"), std::string::npos);
}

TEST(MeterdSimulated, SighupWithChangedBusesRestartsAcquisition) {
  const TempDir dir;
  const auto config = dir.write("meterd.yaml", simulated_bus(2));
  MeterdProcess meterd({.args = {"--config", config.string()}});
  ASSERT_TRUE(meterd.wait_for_stderr("meter m2 on bus sim: online", 5s)) << meterd.stderr_text();
  EXPECT_EQ(meterd.stderr_text().find("meter m3"), std::string::npos);

  dir.write("meterd.yaml", simulated_bus(3));
  meterd.signal(SIGHUP);
  ASSERT_TRUE(meterd.wait_for_stderr("buses changed: restarting acquisition with 1 bus(es)", 5s))
      << meterd.stderr_text();
  ASSERT_TRUE(meterd.wait_for_stderr("meter m3 on bus sim: online", 5s)) << meterd.stderr_text();
  EXPECT_TRUE(meterd.running());

  // A reload that leaves the buses alone does not restart anything.
  meterd.signal(SIGHUP);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (occurrences(meterd.stderr_text(), "configuration reloaded") < 2 &&
         std::chrono::steady_clock::now() < deadline) {
    meterd.wait_for_stderr("\x01", 100ms);  // reads output meanwhile
  }
  ASSERT_EQ(occurrences(meterd.stderr_text(), "configuration reloaded"), 2u);
  meterd.wait_for_stderr("\x01", 300ms);
  EXPECT_EQ(occurrences(meterd.stderr_text(), "buses changed"), 1u) << meterd.stderr_text();

  meterd.signal(SIGTERM);
  EXPECT_EQ(meterd.wait_exit(5s), 0) << meterd.stderr_text();
}

TEST(MeterdSimulated, ShippedConfigPollsFourSimulatedMeters) {
  const std::string shipped = std::string(METERD_SOURCE_DIR) + "/config/meterd.yaml";
  // The shipped file names no state_dir: $STATE_DIRECTORY (as systemd sets it) keeps the store in
  // a temp dir. Its API listens on the default 127.0.0.1:8080, as a newcomer's would.
  const TempDir state;
  MeterdProcess meterd(
      {.args = {"--config", shipped}, .env = {{"STATE_DIRECTORY", state.path().string()}}});
  ASSERT_TRUE(meterd.wait_for_stderr("meter office-4 (bus sim, online", 10s))
      << meterd.stderr_text();
  for (int a = 1; a <= 4; ++a) {
    EXPECT_NE(
        meterd.stderr_text().find("meter office-" + std::to_string(a) + " on bus sim: online"),
        std::string::npos);
  }
  meterd.signal(SIGTERM);
  EXPECT_EQ(meterd.wait_exit(5s), 0) << meterd.stderr_text();
}

}  // namespace
}  // namespace meterd::integration
