#include "src/app/daemon.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace meterd::app {
namespace {

using namespace std::chrono_literals;

enum class StopMode { now, later_on_loop, from_thread, never };

// A service that records what happens to it in a shared journal.
class RecordingService final : public Service {
 public:
  RecordingService(boost::asio::io_context& io, std::string name, std::vector<std::string>& log,
                   StopMode mode = StopMode::now, bool fail_start = false)
      : timer_(io), name_(std::move(name)), log_(log), mode_(mode), fail_start_(fail_start) {}
  ~RecordingService() override {
    if (thread_.joinable()) thread_.join();
  }

  std::string_view name() const override { return name_; }
  Result<void> start() override {
    log_.push_back("start " + name_);
    if (fail_start_) return Error{Errc::io_error, "port busy"};
    return {};
  }
  void async_stop(std::function<void()> done) override {
    log_.push_back("stop " + name_);
    switch (mode_) {
      case StopMode::now:
        done();
        break;
      case StopMode::later_on_loop:
        timer_.expires_after(20ms);
        timer_.async_wait([done](const boost::system::error_code&) { done(); });
        break;
      case StopMode::from_thread:
        thread_ = std::thread([done] {
          std::this_thread::sleep_for(10ms);
          done();
        });
        break;
      case StopMode::never:
        break;
    }
  }
  void on_config_reloaded(const config::Config& c) override {
    log_.push_back("reload " + name_ + " " + c.gateway.id);
  }

 private:
  boost::asio::steady_timer timer_;
  std::string name_;
  std::vector<std::string>& log_;
  StopMode mode_;
  bool fail_start_;
  std::thread thread_;
};

TEST(Daemon, StartsInOrderAndStopsInReverse) {
  boost::asio::io_context io;
  std::vector<std::string> log;
  RecordingService a(io, "a", log);
  RecordingService b(io, "b", log, StopMode::later_on_loop);
  RecordingService c(io, "c", log, StopMode::from_thread);
  Daemon daemon(io);
  daemon.add(a);
  daemon.add(b);
  daemon.add(c);
  ASSERT_TRUE(daemon.start());
  std::optional<bool> clean;
  daemon.stop(1s, [&](bool ok) { clean = ok; });
  EXPECT_TRUE(daemon.stopping());
  io.run_for(2s);
  ASSERT_TRUE(clean.has_value());
  EXPECT_TRUE(*clean);
  EXPECT_EQ(log, (std::vector<std::string>{"start a", "start b", "start c", "stop c", "stop b",
                                           "stop a"}));
}

TEST(Daemon, EachStopWaitsForThePreviousCompletion) {
  boost::asio::io_context io;
  std::vector<std::string> log;
  RecordingService a(io, "a", log);
  RecordingService b(io, "b", log, StopMode::later_on_loop);
  Daemon daemon(io);
  daemon.add(a);
  daemon.add(b);
  ASSERT_TRUE(daemon.start());
  daemon.stop(1s, [&](bool) { log.push_back("done"); });
  EXPECT_EQ(log.back(), "stop b");  // a waits for b's completion, which comes 20 ms later
  io.run_for(1s);
  EXPECT_EQ(log, (std::vector<std::string>{"start a", "start b", "stop b", "stop a", "done"}));
}

TEST(Daemon, AFailedStartReportsTheServiceAndStopsOnlyThoseStarted) {
  boost::asio::io_context io;
  std::vector<std::string> log;
  RecordingService a(io, "a", log);
  RecordingService b(io, "b", log, StopMode::now, /*fail_start=*/true);
  RecordingService c(io, "c", log);
  Daemon daemon(io);
  daemon.add(a);
  daemon.add(b);
  daemon.add(c);
  const auto started = daemon.start();
  ASSERT_FALSE(started);
  EXPECT_TRUE(started.error().is(Errc::io_error));
  EXPECT_NE(started.error().detail.find("b: "), std::string::npos) << started.error().detail;
  EXPECT_NE(started.error().detail.find("port busy"), std::string::npos);
  std::optional<bool> clean;
  daemon.stop(1s, [&](bool ok) { clean = ok; });
  io.run_for(1s);
  EXPECT_EQ(clean, true);
  EXPECT_EQ(log, (std::vector<std::string>{"start a", "start b", "stop a"}));
}

TEST(Daemon, AHangingServiceMeetsTheDeadline) {
  boost::asio::io_context io;
  std::vector<std::string> log;
  RecordingService a(io, "a", log);
  RecordingService stuck(io, "stuck", log, StopMode::never);
  Daemon daemon(io);
  daemon.add(a);
  daemon.add(stuck);
  ASSERT_TRUE(daemon.start());
  std::optional<bool> clean;
  const auto begin = std::chrono::steady_clock::now();
  daemon.stop(100ms, [&](bool ok) { clean = ok; });
  io.run_for(2s);
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  EXPECT_EQ(clean, false);
  EXPECT_GE(elapsed, 100ms);
  EXPECT_LT(elapsed, 1s);  // run_for returned early: the deadline timer was the last work
  EXPECT_EQ(log, (std::vector<std::string>{"start a", "start stuck", "stop stuck"}));
}

TEST(Daemon, SecondStopIsIgnored) {
  boost::asio::io_context io;
  std::vector<std::string> log;
  RecordingService a(io, "a", log, StopMode::later_on_loop);
  Daemon daemon(io);
  daemon.add(a);
  ASSERT_TRUE(daemon.start());
  int done_calls = 0;
  daemon.stop(1s, [&](bool) { ++done_calls; });
  daemon.stop(1s, [&](bool) { done_calls += 100; });
  io.run_for(1s);
  EXPECT_EQ(done_calls, 1);
  EXPECT_EQ(log, (std::vector<std::string>{"start a", "stop a"}));
}

TEST(Daemon, StopWithNothingStartedCompletesAtOnce) {
  boost::asio::io_context io;
  Daemon daemon(io);
  std::optional<bool> clean;
  daemon.stop(1s, [&](bool ok) { clean = ok; });
  EXPECT_EQ(clean, true);
}

TEST(Daemon, ApplyConfigReachesStartedServicesInOrder) {
  boost::asio::io_context io;
  std::vector<std::string> log;
  RecordingService a(io, "a", log);
  RecordingService b(io, "b", log);
  Daemon daemon(io);
  daemon.add(a);
  daemon.add(b);
  config::Config c;
  c.gateway.id = "gw2";
  daemon.apply_config(c);  // nothing started yet: nobody hears it
  EXPECT_TRUE(log.empty());
  ASSERT_TRUE(daemon.start());
  daemon.apply_config(c);
  EXPECT_EQ(log, (std::vector<std::string>{"start a", "start b", "reload a gw2", "reload b gw2"}));
}

}  // namespace
}  // namespace meterd::app
