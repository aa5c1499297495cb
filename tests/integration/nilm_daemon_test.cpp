// NILM in the real meterd binary on a simulated commercial building (three B-Smarts, one per
// phase): the virtual meter's steps reach the store and come back out of `meterd export` (every
// category adding up to the measured total), the learned model is saved into the store at
// SIGTERM and loaded at the next start, and the shipped configuration runs NILM on its simulated
// building.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "meterd/clock.hpp"
#include "meterd/time.hpp"
#include "meterd/usage.hpp"
#include "tests/app/meterd_process.hpp"
#include "tests/app/temp_dir.hpp"

namespace meterd::integration {
namespace {

using namespace std::chrono_literals;
using app::test::MeterdProcess;
using app::test::run_meterd;
using app::test::TempDir;

// 2 s steps so that a few seconds of polling close several of them.
constexpr char kConfig[] = R"(gateway:
  state_dir: state
time:
  unsynchronized: mark
api:
  enabled: false  # tests run side by side: no fixed port
store:
  window: 1min
  flush_interval: 200ms
buses:
  - id: sim
    transport: simulator
    baud: 38400
    simulator: {building: office}
    meters:
      - { id: m1, address: 1 }
      - { id: m2, address: 2 }
      - { id: m3, address: 3 }
nilm:
  enabled: true
  meter_id: usages
  mains:
    - {meter: m1, power: 1-1:16.7.0, reactive: 1-1:131.7.0}
    - {meter: m2, power: 1-1:16.7.0, reactive: 1-1:131.7.0}
    - {meter: m3, power: 1-1:16.7.0, reactive: 1-1:131.7.0}
  step: 2s
  max_lag: 2s
  max_gap: 5s
  utc_offset: "+01:00"
)";

// time -> obis -> value, from `meterd export --format csv`.
using Table = std::map<std::string, std::map<std::string, double>>;

Table parse_csv(const std::string& text) {
  Table table;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "time,meter,obis,value,unit,quality,time_sync");
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
    EXPECT_EQ(f.size(), 7u) << line;
    if (f.size() != 7) continue;
    EXPECT_EQ(f[1], "usages");
    EXPECT_TRUE(f[5] == "good" || f[5] == "estimated") << line;
    table[f[0]][f[2]] = std::stod(f[3]);
  }
  return table;
}

class NilmDaemon : public ::testing::Test {
 protected:
  NilmDaemon() : config_(dir_.write("meterd.yaml", kConfig)) {}

  // Runs the daemon for `run` after m3 is online, then SIGTERM; returns its log.
  std::string run_daemon(std::chrono::milliseconds run, std::string_view expect_at_start) {
    MeterdProcess meterd({.args = {"--config", config_.string()}});
    EXPECT_TRUE(meterd.wait_for_stderr(expect_at_start, 10s)) << meterd.stderr_text();
    EXPECT_TRUE(meterd.wait_for_stderr("meter m3 on bus sim: online", 10s))
        << meterd.stderr_text();
    std::this_thread::sleep_for(run);
    meterd.signal(SIGTERM);
    EXPECT_EQ(meterd.wait_exit(10s), 0) << meterd.stderr_text();
    return meterd.stderr_text();
  }

  Table export_usages() {
    const auto now = SystemClock().utc_now();
    const auto r = run_meterd({"export", "--meter", "usages", "--from", format_utc(now - 1h),
                               "--to", format_utc(now + 1h), "--format", "csv", "--config",
                               config_.string()},
                              20s);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return parse_csv(r.out);
  }

  TempDir dir_;
  std::filesystem::path config_;
};

TEST_F(NilmDaemon, VirtualMeterStepsAreStoredAndTheModelSurvivesARestart) {
  const std::string first = run_daemon(7s, "nilm: no saved model yet");
  EXPECT_NE(first.find("nilm: running on L1 m1 1-1:16.7.0, L2 m2 1-1:16.7.0, L3 m3 1-1:16.7.0 "
                       "(0 sub-meter(s)), virtual meter usages, step 2s, UTC offset 60 min"),
            std::string::npos)
      << first;
  // The model went into the store at SIGTERM, after the last steps and before the store closed.
  const auto saved = first.find("nilm: learned model saved into the store (1 save(s), 0 failed)");
  EXPECT_NE(saved, std::string::npos) << first;
  EXPECT_LT(saved, first.find("store: flushed and stopped")) << first;

  const Table steps = export_usages();
  ASSERT_GE(steps.size(), 2u) << "7 s of 2 s steps";
  for (const auto& [time, values] : steps) {
    SCOPED_TRACE(time);
    const auto stamp = parse_utc(time);
    ASSERT_TRUE(stamp);
    EXPECT_EQ(stamp->time_since_epoch().count() % 2000, 0) << "stamped with the step's start";
    ASSERT_EQ(values.size(), 3 + 3 * kUsageCount);
    EXPECT_EQ(values.at(kStepLengthObis.to_string()), 2.0);  // the step it was made with
    const double total = values.at(kTotalEnergyObis.to_string());
    EXPECT_GT(values.at(kTotalPowerObis.to_string()), 0.0);
    double sum = 0.0;
    for (const Usage u : kAllUsages) sum += values.at(usage_energy_obis(u).to_string());
    EXPECT_NEAR(sum, total, 1e-9 * std::abs(total) + 1e-12);
  }

  // Second start: the model comes back from the store.
  const std::string second = run_daemon(1500ms, "nilm: learned model loaded (");
  EXPECT_EQ(second.find("starting with a fresh one"), std::string::npos) << second;
  EXPECT_GE(export_usages().size(), steps.size());
}

TEST(NilmShippedConfig, RunsOnItsSimulatedBuilding) {
  std::ifstream in(std::string(METERD_SOURCE_DIR) + "/config/meterd.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A copy without the REST API: tests run side by side, the default port is fixed.
  const std::string api = "api:\n  #enabled: true\n";
  const auto at = text.find(api);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, api.size(), "api:\n  enabled: false\n");
  const TempDir dir;
  const auto config = dir.write("meterd.yaml", text);
  MeterdProcess meterd({.args = {"--config", config.string()},
                        .env = {{"STATE_DIRECTORY", (dir.path() / "state").string()}}});
  ASSERT_TRUE(meterd.wait_for_stderr("nilm: running on L1 mains-l1 1-1:16.7.0, L2 mains-l2", 10s))
      << meterd.stderr_text();
  meterd.signal(SIGTERM);
  EXPECT_EQ(meterd.wait_exit(10s), 0) << meterd.stderr_text();
  EXPECT_NE(meterd.stderr_text().find("nilm: learned model saved into the store"),
            std::string::npos)
      << meterd.stderr_text();
}

}  // namespace
}  // namespace meterd::integration
