// Integration tests of `meterd nilm replay`: the real meterd binary on a copy of the AMPds2
// excerpt (tests/data/nilm/ampds2, CC BY 4.0) in a temporary directory, and its usage errors.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/app/meterd_process.hpp"
#include "tests/app/temp_dir.hpp"

namespace meterd::app::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

const fs::path kAmpds2 = fs::path{METERD_SOURCE_DIR} / "tests/data/nilm/ampds2/ampds2_train_1min.csv";

std::vector<std::vector<std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::istringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) cells.push_back(c);
    rows.push_back(std::move(cells));
  }
  return rows;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  ADD_FAILURE() << "no column " << name;
  return 0;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

class NilmReplayCli : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.path() / "ampds2.csv";
    fs::copy_file(kAmpds2, data_);
  }
  TempDir dir_;
  fs::path data_;
};

TEST_F(NilmReplayCli, Ampds2WeekWithTwoSubmetersTrainedFiveDays) {
  const fs::path out = dir_.path() / "steps.csv";
  const auto r = run_meterd({"nilm", "replay", "--mains", data_.string() + ":mains_P_W,mains_Q_var",
                             "--submeter", "heat_cold_production=" + data_.string() + ":HPE_heatpump_P_W",
                             "--submeter", "hvac_auxiliaries=" + data_.string() + ":FGE_fridge_P_W",
                             "--train-until", "2013-11-26 00:00:00", "--step", "10min",
                             "--out", out.string()},
                            seconds{60});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(contains(r.err, "10080 mains samples, 14400 sub-meter samples, 1008 steps")) << r.err;
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_.path()), {}), 2);  // input and output

  const auto rows = read_csv(slurp(out));
  ASSERT_EQ(rows.size(), 1 + 7 * 144u);
  const auto& h = rows[0];
  ASSERT_EQ(h.size(), 4 + 2 * 7u);
  EXPECT_EQ(rows[1][0], "2013-11-21T00:00:00Z");
  EXPECT_EQ(rows[1][1], "2013-11-21T00:10:00Z");
  EXPECT_EQ(rows.back()[1], "2013-11-28T00:00:00Z");

  // The mains energy of the file, 1-min samples held for a minute.
  const auto input = read_csv(slurp(data_));
  const std::size_t p_col = column(input[0], "mains_P_W");
  const std::size_t hp_col = column(input[0], "HPE_heatpump_P_W");
  double mains_wh = 0.0, hp_train_wh = 0.0;
  for (std::size_t i = 1; i < input.size(); ++i) {
    mains_wh += std::stod(input[i][p_col]) / 60.0;
    if (i <= 5 * 1440) hp_train_wh += std::stod(input[i][hp_col]) / 60.0;
  }

  const std::size_t total = column(h, "total_wh"), covered = column(h, "covered_s");
  const std::size_t first_wh = column(h, "lighting_wh"), hp = column(h, "heat_cold_production_wh");
  const std::size_t first_conf = column(h, "lighting_confidence");
  double out_total = 0.0, out_hp_train = 0.0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    ASSERT_EQ(row.size(), h.size()) << i;
    EXPECT_EQ(row[covered], "600.000") << i;
    double sum = 0.0;
    for (std::size_t c = first_wh; c < first_wh + 7; ++c) sum += std::stod(row[c]);
    EXPECT_NEAR(sum, std::stod(row[total]), 0.004) << "closure, row " << i;
    for (std::size_t c = first_conf; c < first_conf + 7; ++c) {
      EXPECT_GE(std::stod(row[c]), 0.0);
      EXPECT_LE(std::stod(row[c]), 1.0);
    }
    out_total += std::stod(row[total]);
    if (i <= 5 * 144) out_hp_train += std::stod(row[hp]);
  }
  EXPECT_NEAR(out_total, mains_wh, 0.001 * 1008);
  // Trained with the heat pump as a complete sub-meter: its category is the sub-meter's.
  EXPECT_NEAR(out_hp_train, hp_train_wh, 0.001 * 720);
}

TEST_F(NilmReplayCli, WritesToStdoutByDefault) {
  const auto r = run_meterd({"nilm", "replay", "--mains=" + data_.string() + ":mains_P_W",
                             "--step=1h"},
                            seconds{60});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = read_csv(r.out);
  ASSERT_EQ(rows.size(), 1 + 7 * 24u);
  EXPECT_EQ(rows[0][0], "start");
  EXPECT_EQ(rows[1][1], "2013-11-21T01:00:00Z");
}

// --usages: the house has its fridge and `other` only; the other categories are empty columns.
TEST_F(NilmReplayCli, UsagesTheSiteLacksStayAtZero) {
  const auto r = run_meterd({"nilm", "replay", "--mains=" + data_.string() + ":mains_P_W",
                             "--submeter", "hvac_auxiliaries=" + data_.string() + ":FGE_fridge_P_W",
                             "--train-until", "2013-11-26 00:00:00", "--usages",
                             "hvac_auxiliaries", "--step=1h"},
                            seconds{60});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = read_csv(r.out);
  ASSERT_EQ(rows.size(), 1 + 7 * 24u);
  for (const std::string usage : {"lighting", "it", "heat_cold_production", "heating_elements",
                                  "ventilation"}) {
    const std::size_t c = column(rows[0], usage + "_wh");
    for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_EQ(rows[i][c], "0.000") << usage << i;
  }
}

// --utc-offset: a fixed one moves the hourly grid to local hours (xx:30 UTC at +05:30); `local`
// follows the TZ's rules (here a daylight-saving end on Sunday 2013-11-24, inside the week) and
// keeps the grid.
TEST_F(NilmReplayCli, LocalTimeIsAFixedOffsetOrTheTimeZone) {
  const std::string mains = "--mains=" + data_.string() + ":mains_P_W";
  const auto fixed = run_meterd({"nilm", "replay", mains, "--step=1h", "--utc-offset=+05:30"},
                                seconds{60});
  ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
  const auto rows = read_csv(fixed.out);
  ASSERT_EQ(rows.size(), 1 + 7 * 24 + 1u);  // the week cut into 169 local hours
  EXPECT_EQ(rows[1][0], "2013-11-20T23:30:00Z");
  EXPECT_EQ(rows[1][1], "2013-11-21T00:30:00Z");
  EXPECT_FALSE(contains(fixed.err, "of UTC offset")) << fixed.err;

  const auto zone = run_meterd(
      SpawnOptions{.args = {"nilm", "replay", mains, "--step=1h", "--utc-offset", "local"},
                   .env = {{"TZ", "EST5EDT,M3.2.0,M11.4.0"}}},
      seconds{60});
  ASSERT_EQ(zone.exit_code, 0) << zone.err;
  const auto zone_rows = read_csv(zone.out);
  ASSERT_EQ(zone_rows.size(), 1 + 7 * 24u);  // whole hours on either offset
  EXPECT_EQ(zone_rows[1][0], "2013-11-21T00:00:00Z");
  EXPECT_TRUE(contains(zone.err, ", 1 change of UTC offset")) << zone.err;
}

TEST_F(NilmReplayCli, BadArgumentsExitTwoWithAClearMessage) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::string mains = data_.string() + ":mains_P_W";
  const std::vector<Case> cases{
      {{"--mains", mains, "--submeter", "fridge=" + data_.string() + ":FGE_fridge_P_W"},
       "unknown category 'fridge'"},
      {{"--mains", mains, "--step", "10m"}, "bad duration '10m'"},
      {{"--mains", (dir_.path() / "absent.csv").string()}, "absent.csv: no such file"},
      {{"--mains", data_.string() + ":kettle_W"}, "no column 'kettle_W'"},
      {{"--mains", mains, "--train-until", "tomorrow"}, "--train-until: expected a timestamp"},
      {{"--mains", mains, "--frobnicate", "1"}, "unknown option '--frobnicate'"},
      {{"--mains", mains, "--usages", "lighting,lights"}, "--usages: unknown category 'lights'"},
      {{"--mains", mains, "--usages=lighting", "--submeter",
        "hvac_auxiliaries=" + data_.string() + ":FGE_fridge_P_W"},
       "'hvac_auxiliaries' has a sub-meter but is not among the site's usages"},
      {{"--step", "10min"}, "replay needs --mains"},
      {{"--mains", mains, "--step", "1h", "--step=2h"}, "option '--step' given twice"},
      {{"--mains", mains, "--utc-offset", "CET"},
       "--utc-offset: expected local or an offset from -14:00 to +14:00 such as +01:00, found "
       "'CET'"},
      {{"--mains", mains, "--step", "7min"},
       "--step: '7min' does not divide a day into whole steps"},
      {{"--mains", mains, "--max-gap", "2h"}, "--max-gap: '2h' is outside 1s .. 1h"},
      {{"--mains", dir_.path().string()}, ": is a directory, not a CSV file"},
      {{"--mains", mains, "--out", data_.string()},
       "--out " + data_.string() + " is the input file"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args{"nilm", "replay"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const auto r = run_meterd(args, seconds{30});
    EXPECT_EQ(r.exit_code, 2) << c.message << ": " << r.err;
    EXPECT_TRUE(contains(r.err, c.message)) << r.err;
    EXPECT_TRUE(contains(r.err, "usage: meterd nilm replay")) << r.err;
    EXPECT_EQ(r.out, "");
  }
  const auto unknown = run_meterd({"nilm", "rewind"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(contains(unknown.err, "unknown subcommand 'rewind'")) << unknown.err;
}

TEST_F(NilmReplayCli, MalformedLineExitsOneAndLeavesNoOutputFile) {
  std::string text = slurp(data_);
  const auto third_line = text.find('\n', text.find('\n', text.find('\n') + 1) + 1) + 1;
  text.insert(third_line, "2013-11-21 00:01:30,12O.5,3,0,0,0,0\n");  // a letter O in a number
  const fs::path bad = dir_.path() / "bad.csv";
  std::ofstream(bad) << text;
  const fs::path out = dir_.path() / "steps.csv";
  const auto r = run_meterd({"nilm", "replay", "--mains", bad.string() + ":mains_P_W",
                             "--out", out.string()},
                            seconds{30});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, bad.string() + ":4:21: expected a number in column 'mains_P_W'"))
      << r.err;
  EXPECT_FALSE(fs::exists(out));
  // Nothing but the inputs: no temporary file left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_.path()), {}), 2);
}

// A phase numbering with a hole (p1_w,p3_w) would leave a phase out of the mains unseen.
TEST_F(NilmReplayCli, PhaseColumnsOutOfSequenceAreRefused) {
  const fs::path mains = dir_.path() / "p1p3.csv";
  std::ofstream(mains) << "timestamp,p1_w,p3_w\n2026-01-05T00:00:00Z,100,200\n";
  const auto r = run_meterd({"nilm", "replay", "--mains", mains.string()}, seconds{30});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "column 'p3_w' is not one of the phases p1_w..p3_w in order"))
      << r.err;
  const auto alone = run_meterd({"nilm", "replay", "--mains", mains.string() + ":p3_w"});
  EXPECT_EQ(alone.exit_code, 0) << alone.err;
}

// --out into a named pipe (or a device such as /dev/null) writes into it: renaming a temporary
// file over it would replace the node with a plain file (as root, /dev/null itself). A symbolic
// link keeps being a link, to the new output. A directory is refused. (OutputFile's own cases:
// tests/app/output_file_test.cpp.)
TEST_F(NilmReplayCli, OutputIntoAPipeOrThroughALinkKeepsTheNode) {
  const std::vector<std::string> args{"nilm", "replay", "--mains", data_.string() + ":mains_P_W",
                                      "--step", "1d"};
  const fs::path fifo = dir_.path() / "steps.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string piped;
  std::thread reader([&] { piped = slurp(fifo); });
  auto with_out = [&](const fs::path& out) {
    auto a = args;
    a.insert(a.end(), {"--out", out.string()});
    return run_meterd(a, seconds{60});
  };
  const auto r = with_out(fifo);
  if (const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK); fd >= 0) ::close(fd);  // a
  reader.join();  // reader still waiting (meterd never opened the pipe) sees the end now
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_fifo(fifo));
  const auto rows = read_csv(piped);
  ASSERT_EQ(rows.size(), 1 + 7u);
  EXPECT_EQ(rows[0][0], "start");

  const fs::path target = dir_.path() / "kept.csv", link = dir_.path() / "latest.csv";
  std::ofstream(target) << "old\n";
  fs::create_symlink(target.filename(), link);
  ASSERT_EQ(with_out(link).exit_code, 0);
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(slurp(target), piped);

  const fs::path directory = dir_.path() / "out.d";
  fs::create_directory(directory);
  const auto failed = with_out(directory);
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_TRUE(contains(failed.err, "is a directory")) << failed.err;
}

// Data slower than the default --max-gap (3 min) is mostly gaps: the summary warns, and the gap
// steps have empty fields (missing, not zero consumption); --max-gap above the interval bridges
// it, every step covered, the energy the file's.
TEST_F(NilmReplayCli, SlowDataWarnsAndIsBridgedByMaxGap) {
  const fs::path mains = dir_.path() / "every5min.csv";
  {
    std::ofstream out(mains);
    out << "timestamp,p_w\n";
    for (int i = 0; i <= 24 * 12; ++i) out << 1'767'571'200 + 300 * i << ",1200\n";
  }
  const auto slow = run_meterd({"nilm", "replay", "--mains", mains.string(), "--step", "1h"});
  ASSERT_EQ(slow.exit_code, 0) << slow.err;
  EXPECT_TRUE(contains(slow.err, "warning: 288 of 289 mains samples came more than --max-gap "
                                 "(3min) after the one before"))
      << slow.err;
  const auto gappy = read_csv(slow.out);
  ASSERT_EQ(gappy.size(), 1 + 25u);  // the last sample, at midnight, opens a 25th step
  // covered_s is the 1 s each lone sample stands for; a step with none would have empty fields.
  for (std::size_t i = 1; i < gappy.size(); ++i) EXPECT_LT(std::stod(gappy[i][2]), 60.0) << i;

  const auto bridged = run_meterd(
      {"nilm", "replay", "--mains", mains.string(), "--step", "1h", "--max-gap", "6min"});
  ASSERT_EQ(bridged.exit_code, 0) << bridged.err;
  EXPECT_FALSE(contains(bridged.err, "warning")) << bridged.err;
  const auto rows = read_csv(bridged.out);
  ASSERT_EQ(rows.size(), 1 + 25u);
  for (std::size_t i = 1; i <= 24; ++i) {
    EXPECT_EQ(rows[i][2], "3600.000") << i;
    EXPECT_EQ(rows[i][3], "1200.000") << i;
  }
}

// A step without any mains data is a gap: its energies and confidences are empty fields.
TEST_F(NilmReplayCli, AGapStepHasEmptyFieldsNotZeros) {
  const fs::path mains = dir_.path() / "hole.csv";
  {
    std::ofstream out(mains);
    out << "timestamp,p_w\n";
    for (int i = 0; i < 3 * 60; ++i) {
      if (i >= 60 && i < 120) continue;  // the second hour is missing
      out << 1'767'571'200 + 60 * i << ",500\n";
    }
  }
  const auto r = run_meterd({"nilm", "replay", "--mains", mains.string(), "--step", "30min"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::vector<std::string> text;
  for (std::string line; std::getline(lines, line);) text.push_back(line);
  ASSERT_EQ(text.size(), 1 + 6u);
  EXPECT_EQ(text[3], "2026-01-05T01:00:00Z,2026-01-05T01:30:00Z,0.000,,,,,,,,,,,,,,,");
  EXPECT_EQ(text[4], "2026-01-05T01:30:00Z,2026-01-05T02:00:00Z,0.000,,,,,,,,,,,,,,,");
  EXPECT_TRUE(text[1].starts_with("2026-01-05T00:00:00Z,2026-01-05T00:30:00Z,1800.000,250.000,"))
      << text[1];
}

// A sub-meter measuring more than the mains (its scale 1000 times off) is scaled down
// to the mains, and the summary says so.
TEST_F(NilmReplayCli, ASubmeterAboveTheMainsIsReported) {
  const fs::path data = dir_.path() / "site.csv";
  {
    std::ofstream out(data);
    out << "timestamp,p_w,lights_kw\n";
    for (int i = 0; i < 3600; ++i) out << 1'767'571'200 + i << ",300,0.9\n";
  }
  const auto ok = run_meterd({"nilm", "replay", "--mains", data.string() + ":p_w", "--submeter",
                              "lighting=" + data.string() + ":lights_kw"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_FALSE(contains(ok.err, "warning")) << ok.err;
  std::string text = slurp(data);
  for (std::size_t at = text.find(",0.9\n"); at != std::string::npos; at = text.find(",0.9\n", at))
    text.replace(at, 5, ",900\n");  // kW read as W
  std::ofstream(data) << text;
  const auto r = run_meterd({"nilm", "replay", "--mains", data.string() + ":p_w", "--submeter",
                             "lighting=" + data.string() + ":lights_kw", "--step", "1h"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "warning: in 3600 mains samples the sub-meters measured more than "
                              "the mains"))
      << r.err;
  const auto rows = read_csv(r.out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][column(rows[0], "lighting_wh")], rows[1][column(rows[0], "total_wh")]);
}

// A training limit before the data withholds every sub-meter sample: said, not left to guess.
TEST_F(NilmReplayCli, ATrainingLimitBeforeTheDataIsReported) {
  const auto r = run_meterd({"nilm", "replay", "--mains", data_.string() + ":mains_P_W",
                             "--submeter", "hvac_auxiliaries=" + data_.string() + ":FGE_fridge_P_W",
                             "--train-until", "2000-01-01T00:00:00Z", "--step", "1d"},
                            seconds{60});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, " 0 sub-meter samples")) << r.err;
  EXPECT_TRUE(contains(r.err, "warning: no sub-meter sample was used (all are from --train-until "
                              "on): the engine learned nothing from the sub-meters"))
      << r.err;
}

}  // namespace
}  // namespace meterd::app::test
