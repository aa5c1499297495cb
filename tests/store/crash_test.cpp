// Kills a writer process (store_crash_writer) with SIGKILL at random moments during ingest, at
// least 20 times. After each kill: the store reopens, verify() is clean, the readings are exactly
// 0, 1, ..., k-1 (none duplicated, none out of place, bit-exact), and every reading published
// longer ago than the flush interval plus one flush's duration (fsync on a shared machine) is
// there.
#include "src/store/store.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

#include "tests/store/store_fixture.hpp"

extern char** environ;

namespace meterd::store {
namespace {

using namespace testing;
using Steady = std::chrono::steady_clock;

constexpr int kKills = 24;
constexpr std::chrono::milliseconds kFlushInterval{50};
// One flush may take this long on a loaded 2-core machine (fsync of the WAL included).
constexpr std::chrono::milliseconds kFlushAllowance{400};

struct Child {
  pid_t pid = -1;
  int out = -1;
};

Child spawn_writer(const std::filesystem::path& db, const std::filesystem::path& keys,
                   std::int64_t first) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) std::abort();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  const std::string exe = STORE_CRASH_WRITER;
  const std::string first_s = std::to_string(first),
                    flush_s = std::to_string(kFlushInterval.count());
  std::vector<char*> argv{const_cast<char*>(exe.c_str()),     const_cast<char*>(db.c_str()),
                          const_cast<char*>(keys.c_str()),    const_cast<char*>(first_s.c_str()),
                          const_cast<char*>(flush_s.c_str()), nullptr};
  Child c;
  if (posix_spawn(&c.pid, exe.c_str(), &fa, nullptr, argv.data(), environ) != 0) std::abort();
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  c.out = fds[0];
  return c;
}

TEST(StoreCrash, SigkillDuringIngestLosesAtMostTheFlushIntervalAndNeverDuplicates) {
  TempDir dir;
  const auto db = dir.path() / "store.db";
  const auto keys = dir.path() / "keys";
  ASSERT_TRUE(generate_key(keys));
  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::uniform_int_distribution<int> delay_ms(20, 300);

  std::int64_t stored = 0;
  std::int64_t worst_loss = 0;
  for (int round = 0; round < kKills; ++round) {
    Child child = spawn_writer(db, keys, stored);
    const auto kill_at = Steady::now() + std::chrono::milliseconds(delay_ms(rng));
    std::vector<std::pair<std::int64_t, Steady::time_point>> published;
    std::string pending;
    while (Steady::now() < kill_at) {
      pollfd p{child.out, POLLIN, 0};
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(kill_at - Steady::now()).count();
      if (::poll(&p, 1, static_cast<int>(std::max<long long>(left, 0))) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::read(child.out, buf, sizeof buf);
      ASSERT_GT(n, 0) << "writer exited early";
      const auto now = Steady::now();
      pending.append(buf, static_cast<std::size_t>(n));
      for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos;
           pending.erase(0, nl + 1)) {
        published.emplace_back(std::stoll(pending.substr(0, nl)), now);
      }
    }
    const auto killed = Steady::now();
    ASSERT_EQ(::kill(child.pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(child.pid, &status, 0), child.pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "round " << round;
    ::close(child.out);

    // Every reading seen published before this instant must have survived.
    std::int64_t must_have = stored;
    for (const auto& [i, t] : published) {
      if (t + kFlushInterval + kFlushAllowance <= killed) must_have = i + 1;
    }

    ManualClock clock(at(kT0 + 1000 * stored));
    StoreOptions options;
    options.path = db;
    options.keys.key_dir = keys;
    options.window = std::chrono::milliseconds(60'000);
    auto store = Store::open(options, clock).value();
    auto report = store->verify().value();
    ASSERT_TRUE(report.clean()) << report.bad.front().reason;
    auto all = store->readings("crash", at(kT0), at(kT0 + 1000 * (stored + 1'000'000))).value();
    const auto k = static_cast<std::int64_t>(all.size());
    ASSERT_GE(k, stored) << "round " << round << ": readings that were stored before are gone";
    ASSERT_GE(k, must_have) << "round " << round << ": lost more than the flush interval";
    std::vector<Reading> expect;
    for (std::int64_t i = 0; i < k; ++i) expect.push_back(bsmart_reading("crash", i));
    std::string why;
    ASSERT_TRUE(same_readings(all, expect, &why)) << "round " << round << ": " << why;
    const std::int64_t last_published = published.empty() ? stored - 1 : published.back().first;
    worst_loss = std::max(worst_loss, last_published + 1 - k);
    stored = k;
  }
  EXPECT_GT(stored, 1000) << "the writer hardly wrote anything";
  RecordProperty("readings_stored", static_cast<int>(stored));
  RecordProperty("worst_loss_readings", static_cast<int>(worst_loss));
  std::printf(
      "crash test: %d kills, %lld readings stored, worst loss %lld readings (1 per ms published)\n",
      kKills, static_cast<long long>(stored), static_cast<long long>(worst_loss));
}

}  // namespace
}  // namespace meterd::store
