// The real `meterd-sim building` binary: the CSV files it writes are complete, parseable, have
// the documented columns and rows, agree with the in-process model, and bad arguments exit 2.
#include "tests/tools/serial_client.hpp"
#include "tools/sim/commercial_building.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace meterd::sim {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono;

const std::string kBinary = METERD_BINARY_DIR "/tools/meterd-sim";

struct Csv {
  std::vector<std::string> header;
  std::vector<UtcTime> time;
  std::vector<std::vector<double>> rows;
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string cell; std::getline(ss, cell, ',');) out.push_back(cell);
  return out;
}

// Parses a file strictly: every row has the header's width, ISO timestamps, finite numbers.
Csv read_csv(const fs::path& path) {
  Csv csv;
  std::ifstream in(path);
  std::string line;
  EXPECT_TRUE(std::getline(in, line)) << path;
  csv.header = split(line);
  while (std::getline(in, line)) {
    const auto cells = split(line);
    EXPECT_EQ(cells.size(), csv.header.size()) << path << ": " << line;
    if (cells.size() != csv.header.size()) break;
    EXPECT_EQ(cells[0].size(), 20U) << line;  // 2026-01-05T00:00:00Z
    const auto t = parse_utc(cells[0]);
    EXPECT_TRUE(t) << line;
    csv.time.push_back(t ? *t : UtcTime{});
    std::vector<double> values;
    for (std::size_t i = 1; i < cells.size(); ++i) {
      std::size_t used = 0;
      const double v = std::stod(cells[i], &used);
      EXPECT_EQ(used, cells[i].size()) << line;
      EXPECT_TRUE(std::isfinite(v)) << line;
      values.push_back(v);
    }
    csv.rows.push_back(std::move(values));
  }
  return csv;
}

class BuildingCsvBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("meterd-sim-building-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(BuildingCsvBinaryTest, WritesMainsTruthAndOneFilePerUsage) {
  const std::string out = test::run_command(kBinary + " building --type retail --seed 3 --start 2026-01-05T00:00:00Z"
                                                      " --days 1 --rate 1min --out " + dir_.string() + " 2>&1; echo rc=$?");
  ASSERT_NE(out.find("rc=0"), std::string::npos) << out;

  const Csv mains = read_csv(dir_ / "mains.csv");
  EXPECT_EQ(mains.header, (std::vector<std::string>{"timestamp", "p1_w", "q1_var", "p2_w", "q2_var", "p3_w", "q3_var"}));
  ASSERT_EQ(mains.rows.size(), 1440U);
  const UtcTime start{sys_days{2026y / 1 / 5}};
  for (std::size_t i = 0; i < mains.time.size(); ++i) ASSERT_EQ(mains.time[i], start + minutes{i}) << i;

  const Csv truth = read_csv(dir_ / "truth.csv");
  std::vector<std::string> truth_header{"timestamp"};
  for (const Usage u : kAllUsages) truth_header.push_back(std::string(to_string(u)) + "_w");
  EXPECT_EQ(truth.header, truth_header);
  ASSERT_EQ(truth.rows.size(), 1440U);
  EXPECT_EQ(truth.time, mains.time);

  for (const Usage u : kAllUsages) {
    const Csv one = read_csv(dir_ / (std::string(to_string(u)) + ".csv"));
    EXPECT_EQ(one.header, (std::vector<std::string>{"timestamp", "p_w"}));
    ASSERT_EQ(one.rows.size(), 1440U) << to_string(u);
    EXPECT_EQ(one.time, mains.time);
    for (std::size_t i = 0; i < one.rows.size(); ++i)
      ASSERT_EQ(one.rows[i][0], truth.rows[i][index_of(u)]) << to_string(u) << " row " << i;
  }

  // The rows are the one-minute averages of the in-process model (same config, same numbers),
  // and the mains add up to the truth within the meter's noise.
  SiteConfig c;
  c.type = BuildingType::retail;
  c.seed = 3;
  c.start = start;
  CommercialBuilding b(c);
  double mains_wh = 0.0, truth_wh = 0.0;
  for (std::size_t row = 0; row < 1440; ++row) {
    std::array<double, kUsageCount> avg{};
    for (int s = 0; s < 60; ++s) {
      const SiteSample& x = b.step();
      for (std::size_t u = 0; u < kUsageCount; ++u) avg[u] += x.truth_w[u] / 60.0;
    }
    double total = 0.0;
    for (std::size_t u = 0; u < kUsageCount; ++u) {
      ASSERT_NEAR(truth.rows[row][u], avg[u], 0.051) << row;
      total += truth.rows[row][u];
    }
    const double mains_total = mains.rows[row][0] + mains.rows[row][2] + mains.rows[row][4];
    EXPECT_NEAR(mains_total, total, 0.005 * total + 10.0) << row;
    mains_wh += mains_total / 60.0;
    truth_wh += total / 60.0;
  }
  EXPECT_NEAR(mains_wh, truth_wh, 1e-3 * truth_wh);
}

TEST_F(BuildingCsvBinaryTest, OnePhaseAndOneSecondRows) {
  const std::string out = test::run_command(kBinary + " building --type office --start 2026-01-05T00:00:00Z"
                                                      " --days 1 --phases 1 --out " + dir_.string() + " 2>&1; echo rc=$?");
  ASSERT_NE(out.find("rc=0"), std::string::npos) << out;
  const Csv mains = read_csv(dir_ / "mains.csv");
  EXPECT_EQ(mains.header, (std::vector<std::string>{"timestamp", "p_w", "q_var"}));
  EXPECT_EQ(mains.rows.size(), 86400U);
  EXPECT_EQ(read_csv(dir_ / "lighting.csv").rows.size(), 86400U);
}

TEST_F(BuildingCsvBinaryTest, BadArgumentsExit2WithAMessage) {
  for (const std::string& args :
       {"--type castle --start 2026-01-05T00:00:00Z --days 1 --out " + dir_.string(),
        "--type office --start 2026-01-05T00:00:00Z --days 0 --out " + dir_.string(),
        "--type office --start 2026-01-05T00:00:00Z --days 1 --rate 7s --out " + dir_.string(),
        "--type office --start 2026-01-05T00:00:00Z --days 1 --phases 2 --out " + dir_.string(),
        "--type office --start 2026-13-05T00:00:00Z --days 1 --out " + dir_.string(),
        std::string("--type office --days 1 --out ") + dir_.string(), std::string("--type office --bogus 1")}) {
    const std::string out = test::run_command(kBinary + " building " + args + " 2>&1; echo rc=$?");
    EXPECT_NE(out.find("rc=2"), std::string::npos) << args << "\n" << out;
    EXPECT_NE(out.find("meterd-sim building: "), std::string::npos) << out;
  }
  EXPECT_FALSE(fs::exists(dir_ / "mains.csv"));
  const std::string help = test::run_command(kBinary + " building --help; echo rc=$?");
  EXPECT_NE(help.find("--rate"), std::string::npos);
  EXPECT_NE(help.find("rc=0"), std::string::npos);
}

TEST_F(BuildingCsvBinaryTest, AnUnwritableDirectoryExits1) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "file") << "x";
  const std::string out = test::run_command(kBinary + " building --type office --start 2026-01-05T00:00:00Z"
                                                      " --days 1 --out " + (dir_ / "file" / "sub").string() + " 2>&1; echo rc=$?");
  EXPECT_NE(out.find("rc=1"), std::string::npos) << out;
  EXPECT_NE(out.find("cannot create"), std::string::npos) << out;
}

}  // namespace
}  // namespace meterd::sim
