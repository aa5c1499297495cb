#include "src/app/watchdog.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <thread>

#include "tests/app/notify_socket.hpp"
#include "tests/app/temp_dir.hpp"

namespace meterd::app {
namespace {

using namespace std::chrono_literals;

// Points sd_notify at a test socket for the lifetime of the fixture.
class WatchdogTest : public ::testing::Test {
 protected:
  WatchdogTest() : socket_(dir_.path() / "notify") {
    ::setenv("NOTIFY_SOCKET", socket_.path().c_str(), 1);
  }
  ~WatchdogTest() override { ::unsetenv("NOTIFY_SOCKET"); }

  test::TempDir dir_;
  test::NotifySocket socket_;
  SystemdNotifier notifier_;
  boost::asio::io_context io_;
};

TEST_F(WatchdogTest, DisabledWithoutAnInterval) {
  Watchdog w(io_, notifier_, std::nullopt);
  EXPECT_FALSE(w.period().has_value());
  ASSERT_TRUE(w.start());
  EXPECT_EQ(io_.run_for(100ms), 0u);  // nothing scheduled
  EXPECT_FALSE(socket_.wait_for("WATCHDOG=1", 1, 50ms));
}

TEST_F(WatchdogTest, PingsAtHalfTheIntervalWhileTheLoopRuns) {
  Watchdog w(io_, notifier_, 100ms);
  EXPECT_EQ(w.period(), std::chrono::microseconds{50ms});
  ASSERT_TRUE(w.start());
  io_.run_for(230ms);  // pings at 0, 50, 100, 150, 200 ms
  EXPECT_TRUE(socket_.wait_for("WATCHDOG=1", 4, 1s));
  EXPECT_LE(socket_.count("WATCHDOG=1"), 6);
}

TEST_F(WatchdogTest, AStalledLoopSendsNoPings) {
  Watchdog w(io_, notifier_, 100ms);
  ASSERT_TRUE(w.start());
  io_.run_for(60ms);
  socket_.drain();
  const int before = socket_.count("WATCHDOG=1");
  ASSERT_GE(before, 1);
  std::this_thread::sleep_for(200ms);  // the loop is not run: as if a handler hung
  EXPECT_FALSE(socket_.wait_for("WATCHDOG=1", before + 1, 100ms));
}

TEST_F(WatchdogTest, StopEndsThePingsAndCompletes) {
  Watchdog w(io_, notifier_, 100ms);
  ASSERT_TRUE(w.start());
  io_.run_for(60ms);
  bool done = false;
  w.async_stop([&] { done = true; });
  EXPECT_TRUE(done);
  socket_.drain();
  const int before = socket_.count("WATCHDOG=1");
  ASSERT_GE(before, 1);
  io_.restart();
  io_.run_for(200ms);  // the cancelled timer completes; nothing re-arms
  EXPECT_FALSE(socket_.wait_for("WATCHDOG=1", before + 1, 100ms));
}

}  // namespace
}  // namespace meterd::app
