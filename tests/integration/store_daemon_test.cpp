// The store in the real meterd binary on a bus of simulated B-Smart meters, and the store
// commands: readings reach the store and come back out of `meterd export`; `meterd verify` is
// clean (also while the daemon writes); a key file readable by others stops the daemon at start;
// `meterd key rotate` keeps old data readable; a byte flipped on disk makes `meterd verify` exit 1
// naming the chunk; and SIGKILL at random moments never corrupts the store or duplicates a reading.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "meterd/clock.hpp"
#include "meterd/time.hpp"
#include "src/store/store.hpp"
#include "tests/app/meterd_process.hpp"
#include "tests/app/temp_dir.hpp"

namespace meterd::integration {
namespace {

using namespace std::chrono_literals;
using app::test::Finished;
using app::test::MeterdProcess;
using app::test::run_meterd;
using app::test::TempDir;

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
    meters:
      - { id: m1, address: 1 }
      - { id: m2, address: 2 }
)";

unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return st.st_mode & 0777;
}

struct CsvRow {
  std::string time, meter, obis;
  double value = 0;
};

std::vector<CsvRow> parse_csv(const std::string& text) {
  std::vector<CsvRow> rows;
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
    rows.push_back({f[0], f[1], f[2], std::stod(f[3])});
  }
  return rows;
}

class StoreDaemon : public ::testing::Test {
 protected:
  StoreDaemon() : config_(dir_.write("meterd.yaml", kConfig)) {}

  std::filesystem::path state() const { return dir_.path() / "state"; }
  Finished cli(std::vector<std::string> args) {
    args.push_back("--config");
    args.push_back(config_.string());
    return run_meterd(std::move(args), 20s);
  }
  // Runs the daemon until it has stored readings for `run`, then stops it with SIGTERM.
  std::string run_daemon(std::chrono::milliseconds run) {
    MeterdProcess meterd({.args = {"--config", config_.string()}});
    EXPECT_TRUE(meterd.wait_for_stderr("meterd started", 10s)) << meterd.stderr_text();
    EXPECT_TRUE(meterd.wait_for_stderr("meter m2 on bus sim: online", 5s)) << meterd.stderr_text();
    std::this_thread::sleep_for(run);
    meterd.signal(SIGTERM);
    EXPECT_EQ(meterd.wait_exit(10s), 0) << meterd.stderr_text();
    EXPECT_NE(meterd.stderr_text().find("store: flushed and stopped"), std::string::npos);
    return meterd.stderr_text();
  }
  std::vector<CsvRow> export_meter(const std::string& meter) {
    const auto now = SystemClock().utc_now();
    const auto r = cli({"export", "--meter", meter, "--from", format_utc(now - 1h), "--to",
                        format_utc(now + 1h), "--format", "csv"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return parse_csv(r.out);
  }

  TempDir dir_;
  std::filesystem::path config_;
};

TEST_F(StoreDaemon, StoresPolledReadingsThatVerifyAndExport) {
  {
    MeterdProcess meterd({.args = {"--config", config_.string()}});
    ASSERT_TRUE(meterd.wait_for_stderr("store: no sealing key yet: generated", 10s))
        << meterd.stderr_text();
    ASSERT_TRUE(meterd.wait_for_stderr("meter m2 on bus sim: online", 10s)) << meterd.stderr_text();
    std::this_thread::sleep_for(2500ms);
    // verify opens the file read-only beside the writing daemon.
    const auto live = cli({"verify"});
    EXPECT_EQ(live.exit_code, 0) << live.out << live.err;
    EXPECT_NE(live.out.find("all authentic"), std::string::npos) << live.out;
    meterd.signal(SIGTERM);
    ASSERT_EQ(meterd.wait_exit(10s), 0) << meterd.stderr_text();
    EXPECT_NE(meterd.stderr_text().find("key-0001.key (key id 0x"), std::string::npos)
        << meterd.stderr_text();
  }
  // First start made a private key: 0600 in a 0700 directory.
  EXPECT_EQ(mode_of(state() / "keys"), 0700u);
  EXPECT_EQ(mode_of(state() / "keys" / "key-0001.key"), 0600u);

  const auto verify = cli({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("all authentic"), std::string::npos) << verify.out;

  for (const std::string meter : {"m1", "m2"}) {
    SCOPED_TRACE(meter);
    const auto rows = export_meter(meter);
    std::set<std::string> times;
    std::set<std::pair<std::string, std::string>> samples;  // (time, obis)
    std::size_t voltages = 0;
    for (const auto& row : rows) {
      EXPECT_EQ(row.meter, meter);
      times.insert(row.time);
      EXPECT_TRUE(samples.insert({row.time, row.obis}).second) << "duplicate " << row.time;
      if (row.obis == "1-1:32.7.0") {  // L1 voltage
        ++voltages;
        EXPECT_GT(row.value, 180.0);
        EXPECT_LT(row.value, 270.0);
      }
    }
    // Instantaneous values are polled every second (energy counters on their own schedule).
    EXPECT_GE(voltages, 2u);
    EXPECT_GE(times.size(), voltages);
  }

  // --output writes the same CSV into a file (replaced whole when complete, output_file.hpp).
  const auto now = SystemClock().utc_now();
  const auto file = dir_.path() / "m1.csv";
  const auto to_file = cli({"export", "--meter", "m1", "--from", format_utc(now - 1h), "--to",
                            format_utc(now + 1h), "--output", file.string()});
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  EXPECT_NE(to_file.err.find("values to " + file.string()), std::string::npos) << to_file.err;
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(parse_csv(text.str()).size(), export_meter("m1").size());

  // The acquisition events were persisted too.
  auto keys = store::KeyStore::load({state() / "keys", ""});
  ASSERT_TRUE(keys) << keys.error().message();
  store::StoreOptions options;
  options.path = state() / "store.db";
  const SystemClock clock;
  auto s = store::Store::open_read_only(options, clock, std::move(*keys));
  ASSERT_TRUE(s) << s.error().message();
  const auto events = (*s)->events();
  ASSERT_TRUE(events) << events.error().message();
  std::size_t online = 0;
  for (const auto& e : *events) online += e.kind == "meter_online" ? 1 : 0;
  EXPECT_EQ(online, 2u);
}

TEST_F(StoreDaemon, KeyFileReadableByOthersStopsTheDaemonAtStart) {
  const auto made = cli({"key", "generate"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const auto key = state() / "keys" / "key-0001.key";
  EXPECT_NE(made.out.find("generated " + key.string() + " (key id 0x"), std::string::npos)
      << made.out;
  ASSERT_EQ(::chmod(key.c_str(), 0644), 0);
  MeterdProcess meterd({.args = {"--config", config_.string()}});
  ASSERT_EQ(meterd.wait_exit(10s), 1) << meterd.stderr_text();
  EXPECT_NE(meterd.stderr_text().find("key file " + key.string() + " has mode"), std::string::npos)
      << meterd.stderr_text();
  EXPECT_NE(meterd.stderr_text().find("chmod 600 " + key.string()), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(state() / "store.db"));
  // The commands refuse it the same way.
  const auto verify = cli({"verify"});
  EXPECT_EQ(verify.exit_code, 1);
}

TEST_F(StoreDaemon, RotatedKeySealsNewDataAndOldDataStaysReadable) {
  run_daemon(1500ms);
  const auto before = export_meter("m1").size();
  ASSERT_GT(before, 0u);
  const auto rotated = cli({"key", "rotate"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_NE(rotated.out.find("key-0002.key (key id 0x"), std::string::npos) << rotated.out;
  EXPECT_EQ(mode_of(state() / "keys" / "key-0001.key"), 0400u);
  EXPECT_EQ(mode_of(state() / "keys" / "key-0002.key"), 0600u);

  const std::string log = run_daemon(1500ms);
  EXPECT_NE(log.find("(2 key(s))"), std::string::npos) << log;
  const auto verify = cli({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("all authentic"), std::string::npos) << verify.out;
  EXPECT_GT(export_meter("m1").size(), before);
}

TEST_F(StoreDaemon, CommandsExplainUsageAndMissingStore) {
  const auto missing = cli({"verify"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no store at " + (state() / "store.db").string()), std::string::npos)
      << missing.err;
  const auto usage = cli({"export", "--meter", "m1", "--from", "2026-11-21T00:00:00Z"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.err.find("meterd export: missing --to"), std::string::npos) << usage.err;
  const auto bad_time =
      cli({"export", "--meter", "m1", "--from", "yesterday", "--to", "2026-11-21T00:00:00Z"});
  EXPECT_EQ(bad_time.exit_code, 2);
  EXPECT_NE(bad_time.err.find("--from: "), std::string::npos) << bad_time.err;
  const auto bad_key = cli({"key", "make"});
  EXPECT_EQ(bad_key.exit_code, 2);
  EXPECT_NE(bad_key.err.find("expected generate or rotate"), std::string::npos) << bad_key.err;
  const auto no_key = cli({"key", "rotate"});
  EXPECT_EQ(no_key.exit_code, 1);
  EXPECT_NE(no_key.err.find("use `meterd key generate`"), std::string::npos) << no_key.err;
}

// A store filled through the library (closed windows, so there are chunks) with the key that
// `meterd key generate` made; one byte of one chunk flipped on disk.
TEST_F(StoreDaemon, VerifyReportsAFlippedByteAndExitsOne) {
  ASSERT_EQ(cli({"key", "generate"}).exit_code, 0);
  store::StoreOptions options;
  options.path = state() / "store.db";
  options.keys = {state() / "keys", ""};
  options.window = 1min;
  const ManualClock clock(UtcTime{std::chrono::milliseconds{1'763'700'000'000}});
  {
    auto s = store::Store::open(options, clock);
    ASSERT_TRUE(s) << s.error().message();
    for (int i = 0; i < 180; ++i) {
      for (const char* m : {"m1", "m2"}) {
        Reading r{m, clock.utc_now() + std::chrono::seconds{i}, TimeSync::synchronized, {}};
        r.values.push_back({ObisCode{1, 1, 32, 7, 0}, 230.0 + 0.01 * i, Unit::volt, Quality::good});
        r.values.push_back({ObisCode{1, 1, 1, 7, 0}, 1000.0 + i, Unit::watt, Quality::good});
        (*s)->publish(r);
      }
    }
    ASSERT_TRUE((*s)->close_all_windows());
  }
  ASSERT_EQ(cli({"verify"}).exit_code, 0);
  // Chunk 3's sealed bytes, found in the file and one bit of them flipped.
  std::vector<char> file;
  {
    std::ifstream in(options.path, std::ios::binary);
    file.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::vector<std::uint8_t> sealed;
  {
    auto db = store::Db::open(options.path, false).value();
    auto st = db.prepare("SELECT sealed FROM chunks WHERE id = 3").value();
    ASSERT_TRUE(st.step().value());
    const auto b = st.col_blob(0);
    sealed.assign(b.begin(), b.end());
  }
  ASSERT_GT(sealed.size(), 64u);
  const std::vector<char> needle(sealed.begin(), sealed.begin() + 48);
  const auto pos = std::search(file.begin(), file.end(), needle.begin(), needle.end());
  ASSERT_NE(pos, file.end());
  {
    std::fstream io(options.path, std::ios::binary | std::ios::in | std::ios::out);
    io.seekp(pos - file.begin() + 40);
    io.put(static_cast<char>(pos[40] ^ 0x10));
  }
  const auto verify = cli({"verify"});
  EXPECT_EQ(verify.exit_code, 1) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("BAD chunk 3 meter "), std::string::npos) << verify.out;
  EXPECT_NE(verify.out.find("1 failed authentication or decoding"), std::string::npos)
      << verify.out;
  // Exactly one line names a bad chunk; the others still export.
  std::size_t bad_lines = 0;
  for (auto p = verify.out.find("BAD "); p != std::string::npos; p = verify.out.find("BAD ", p + 1))
    ++bad_lines;
  EXPECT_EQ(bad_lines, 1u);
}

// SIGKILL at random moments, 20 times: after each restart `meterd verify` is clean (run beside
// the running daemon), and in the end no (time, quantity) of a meter was stored twice.
TEST_F(StoreDaemon, SurvivesSigkillAtRandomMomentsWithoutDuplicates) {
  std::mt19937 random(20261121);
  std::uniform_int_distribution<int> after_ms(0, 1500);
  for (int round = 0; round < 20; ++round) {
    SCOPED_TRACE(round);
    MeterdProcess meterd({.args = {"--config", config_.string()}});
    ASSERT_TRUE(meterd.wait_for_stderr("meterd started", 10s)) << meterd.stderr_text();
    if (round > 0) {
      const auto verify = cli({"verify"});
      ASSERT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{after_ms(random)});
    meterd.signal(SIGKILL);
    ASSERT_EQ(meterd.wait_exit(5s), 128 + SIGKILL);
  }
  run_daemon(500ms);
  const auto verify = cli({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  for (const std::string meter : {"m1", "m2"}) {
    std::set<std::pair<std::string, std::string>> samples;
    const auto rows = export_meter(meter);
    EXPECT_GT(rows.size(), 0u);
    for (const auto& row : rows) {
      EXPECT_TRUE(samples.insert({row.time, row.obis}).second)
          << meter << " " << row.time << " " << row.obis << " stored twice";
    }
  }
}

}  // namespace
}  // namespace meterd::integration
