// Integration tests of the running daemon: the real meterd binary under a test that plays
// systemd's part (a $NOTIFY_SOCKET datagram socket, signals, $WATCHDOG_USEC, $JOURNAL_STREAM).
#include <gtest/gtest.h>

#include <csignal>
#include <regex>
#include <sstream>
#include <string>

#include "tests/app/meterd_process.hpp"
#include "tests/app/notify_socket.hpp"
#include "tests/app/temp_dir.hpp"

namespace meterd::app::test {
namespace {

using namespace std::chrono_literals;

std::string config_with_level(std::string_view level) {
  // Hermetic: state in the test's temp dir, no REST listener on the fixed default port.
  return "gateway:\n  id: test-gw\n  state_dir: .\napi:\n  enabled: false\nlog:\n  level: " +
         std::string{level} + "\n";
}

// A temp dir with a config file and a notify socket, and a daemon started on them.
class DaemonTest : public ::testing::Test {
 protected:
  DaemonTest() : notify_(dir_.path() / "notify") {}

  void write_config(std::string_view text) { config_ = dir_.write("meterd.yaml", text); }

  // Starts meterd --config <file> with NOTIFY_SOCKET, then waits for READY=1.
  MeterdProcess& start(SpawnOptions options = {}) {
    options.args.insert(options.args.begin(), {"--config", config_.string()});
    options.env["NOTIFY_SOCKET"] = notify_.path().string();
    process_.emplace(options);
    EXPECT_TRUE(notify_.wait_for("READY=1", 1, 5s)) << process_->stderr_text();
    return *process_;
  }

  // Sends `signo`, expects exit code 0 within 5 s and STOPPING=1.
  void expect_graceful_stop(int signo) {
    process_->signal(signo);
    const auto code = process_->wait_exit(5s);
    ASSERT_TRUE(code.has_value()) << "still running 5 s after signal " << signo;
    EXPECT_EQ(*code, 0) << process_->stderr_text();
    EXPECT_TRUE(notify_.wait_for("STOPPING=1", 1, 1s));
  }

  TempDir dir_;
  NotifySocket notify_;
  std::filesystem::path config_;
  std::optional<MeterdProcess> process_;
};

TEST_F(DaemonTest, SigtermStopsGracefullyAfterReady) {
  write_config(config_with_level("info"));
  MeterdProcess& p = start();
  // READY=1 carries a human STATUS naming the gateway.
  bool status_seen = false;
  for (const auto& m : notify_.messages()) {
    for (const auto& line : notify_lines(m)) {
      if (line.rfind("STATUS=running", 0) == 0 && line.find("test-gw") != std::string::npos) {
        status_seen = true;
      }
    }
  }
  EXPECT_TRUE(status_seen);
  EXPECT_TRUE(p.running());
  expect_graceful_stop(SIGTERM);
  EXPECT_NE(p.stderr_text().find("SIGTERM: stopping"), std::string::npos);
  EXPECT_NE(p.stderr_text().find("meterd stopped"), std::string::npos);
}

TEST_F(DaemonTest, SigintStopsGracefully) {
  write_config(config_with_level("info"));
  MeterdProcess& p = start();
  expect_graceful_stop(SIGINT);
  EXPECT_NE(p.stderr_text().find("SIGINT: stopping"), std::string::npos);
}

TEST_F(DaemonTest, SighupWithInvalidConfigKeepsRunningAndNamesLineAndColumn) {
  write_config(config_with_level("info"));
  MeterdProcess& p = start();
  write_config("log:\n  levle: debug\n");
  p.signal(SIGHUP);
  ASSERT_TRUE(p.wait_for_stderr("configuration reload failed", 5s)) << p.stderr_text();
  ASSERT_TRUE(p.wait_for_stderr("unknown key 'levle'", 5s)) << p.stderr_text();
  EXPECT_NE(p.stderr_text().find(config_.string() + ":2:3: unknown key 'levle'"), std::string::npos)
      << p.stderr_text();
  // The reload ends with READY=1 again, after RELOADING=1, and the daemon keeps running.
  EXPECT_TRUE(notify_.wait_for("READY=1", 2, 5s));
  EXPECT_EQ(notify_.count("RELOADING=1"), 1);
  EXPECT_TRUE(p.running());
  expect_graceful_stop(SIGTERM);
}

TEST_F(DaemonTest, SighupWithValidConfigAppliesTheNewLogLevel) {
  write_config(config_with_level("info"));
  MeterdProcess& p = start();
  ASSERT_TRUE(p.wait_for_stderr("meterd started", 2s)) << p.stderr_text();
  EXPECT_EQ(p.stderr_text().find(" debug "), std::string::npos) << p.stderr_text();
  write_config(config_with_level("debug"));
  p.signal(SIGHUP);
  ASSERT_TRUE(p.wait_for_stderr("log level is now debug", 5s)) << p.stderr_text();
  EXPECT_TRUE(notify_.wait_for("READY=1", 2, 5s));
  expect_graceful_stop(SIGTERM);
  // Debug lines now appear during shutdown, too.
  EXPECT_NE(p.stderr_text().find("stopping watchdog"), std::string::npos) << p.stderr_text();
}

TEST_F(DaemonTest, CommandLineLogLevelWinsOverReloadedConfig) {
  write_config(config_with_level("debug"));
  MeterdProcess& p = start({.args = {"--log-level", "error"}});
  p.signal(SIGHUP);
  ASSERT_TRUE(notify_.wait_for("READY=1", 2, 5s));
  // STATUS= names the level in force, not the configured one.
  EXPECT_EQ(notify_.count("STATUS=running: gateway test-gw, log level error"), 2);
  expect_graceful_stop(SIGTERM);
  // Neither the start-up, the reload nor the stop said anything below error level.
  EXPECT_EQ(p.stderr_text().find("info"), std::string::npos) << p.stderr_text();
  EXPECT_EQ(p.stderr_text().find("debug"), std::string::npos) << p.stderr_text();
}

TEST_F(DaemonTest, WatchdogPingsAtHalfTheInterval) {
  write_config(config_with_level("info"));
  // 300 ms interval: a ping at start-up, then every 150 ms.
  MeterdProcess& p = start({.env = {{"WATCHDOG_USEC", "300000"}}});
  const auto begin = std::chrono::steady_clock::now();
  ASSERT_TRUE(notify_.wait_for("WATCHDOG=1", 5, 5s)) << p.stderr_text();
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  // Four periods of 150 ms after the first ping: not faster than the period allows.
  EXPECT_GE(elapsed, 4 * 150ms - 50ms);
  EXPECT_TRUE(p.wait_for_stderr("pinging every 150 ms", 2s)) << p.stderr_text();
  expect_graceful_stop(SIGTERM);
}

TEST_F(DaemonTest, NoWatchdogPingsWithoutWatchdogUsec) {
  write_config(config_with_level("info"));
  start();
  expect_graceful_stop(SIGTERM);
  EXPECT_EQ(notify_.count("WATCHDOG=1"), 0);
}

TEST_F(DaemonTest, JournalStreamGivesPriorityPrefixesAndNoTimestamps) {
  write_config(config_with_level("info"));
  MeterdProcess& p = start({.journal_stream = true});
  expect_graceful_stop(SIGTERM);
  std::istringstream lines(p.stderr_text());
  std::string line;
  int count = 0;
  const std::regex prefixed(R"(^<[2-7]>\S.*)");
  while (std::getline(lines, line)) {
    ++count;
    EXPECT_TRUE(std::regex_match(line, prefixed)) << line;
    EXPECT_FALSE(std::regex_search(line, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d)"))) << line;
  }
  EXPECT_GE(count, 3);
  EXPECT_NE(p.stderr_text().find("<6>SIGTERM: stopping"), std::string::npos) << p.stderr_text();
}

TEST_F(DaemonTest, JournalStreamOfAnotherFileKeepsTimestamps) {
  write_config(config_with_level("info"));
  // $JOURNAL_STREAM inherited from a parent whose stderr went elsewhere (systemd.exec(5)).
  MeterdProcess& p = start({.env = {{"JOURNAL_STREAM", "1:1"}}});
  expect_graceful_stop(SIGTERM);
  EXPECT_TRUE(std::regex_search(p.stderr_text(),
                                std::regex(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info )")))
      << p.stderr_text();
  EXPECT_EQ(p.stderr_text().find("<6>"), std::string::npos);
}

TEST_F(DaemonTest, InvalidConfigAtStartExitsOneWithEveryIssue) {
  write_config("log:\n  level: loud\ngatway:\n  id: x\n");
  MeterdProcess p(SpawnOptions{.args = {"--config", config_.string()},
                               .env = {{"NOTIFY_SOCKET", notify_.path().string()}}});
  const auto code = p.wait_exit(5s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(p.stderr_text().find(config_.string() + ":2:10:"), std::string::npos)
      << p.stderr_text();
  EXPECT_NE(p.stderr_text().find(config_.string() + ":3:1:"), std::string::npos) << p.stderr_text();
  EXPECT_EQ(notify_.count("READY=1"), 0);
}

}  // namespace
}  // namespace meterd::app::test
