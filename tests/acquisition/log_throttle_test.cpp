#include "src/acquisition/log_throttle.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>
#include <string>
#include <vector>

namespace meterd::acquisition {
namespace {

using namespace std::chrono_literals;

// A logger whose lines ("<level> <message>") land in a string stream.
struct Captured {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> logger;

  Captured() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
    sink->set_pattern("%l %v");
    logger = std::make_shared<spdlog::logger>("throttle-test", sink);
    logger->set_level(spdlog::level::trace);
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> v;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) v.push_back(line);
    return v;
  }
};

TEST(LogThrottle, FirstOccurrenceThenOneSummaryPerPeriodThenClear) {
  ManualClock clock;
  Captured cap;
  LogThrottle throttle(clock, cap.logger, 60s);
  const std::string msg = "meter m1 on bus rs485-1: poll fast failed: timeout: no reply";
  // One failure per second for 150 s.
  for (int i = 0; i < 150; ++i) {
    throttle.occurred("m1", msg);
    clock.advance(1s);
  }
  throttle.clear("m1", "meter m1 on bus rs485-1: answering again");
  const std::vector<std::string> expected = {
      "warning " + msg,
      "warning " + msg + " (repeated 60 times in the last 60s)",  // at t = 60 s
      "warning " + msg + " (repeated 60 times in the last 60s)",  // at t = 120 s
      "warning " + msg + " (repeated 29 times in the last 30s)",  // pending, flushed by clear
      "info meter m1 on bus rs485-1: answering again (after 150 occurrences)",
  };
  EXPECT_EQ(cap.lines(), expected);
  EXPECT_FALSE(throttle.active("m1"));
}

TEST(LogThrottle, SingleOccurrenceAndClearHasNoSummary) {
  ManualClock clock;
  Captured cap;
  LogThrottle throttle(clock, cap.logger, 1500ms);
  throttle.occurred("link", "bus b: link lost");
  EXPECT_TRUE(throttle.active("link"));
  throttle.clear("link", "bus b: link open");
  throttle.clear("link", "bus b: link open");  // not active: nothing
  const std::vector<std::string> expected = {"warning bus b: link lost",
                                             "info bus b: link open (after 1 occurrences)"};
  EXPECT_EQ(cap.lines(), expected);
}

TEST(LogThrottle, ChangedMessageIsLoggedAtOnce) {
  ManualClock clock;
  Captured cap;
  LogThrottle throttle(clock, cap.logger, 1500ms);
  throttle.occurred("m1", "m1: timeout");
  clock.advance(500ms);
  throttle.occurred("m1", "m1: timeout");
  throttle.occurred("m1", "m1: crc_error");
  clock.advance(1500ms);
  throttle.occurred("m1", "m1: crc_error");
  const std::vector<std::string> expected = {
      "warning m1: timeout",
      "warning m1: timeout (repeated 1 times in the last 500ms)",
      "warning m1: crc_error",
      "warning m1: crc_error (repeated 1 times in the last 1500ms)",
  };
  EXPECT_EQ(cap.lines(), expected);
}

TEST(LogThrottle, KeysAreIndependent) {
  ManualClock clock;
  Captured cap;
  LogThrottle throttle(clock, cap.logger, 60s);
  throttle.occurred("m1", "m1 down");
  throttle.occurred("m2", "m2 down");
  throttle.occurred("m1", "m1 down");
  throttle.clear("m2", "m2 up");
  const std::vector<std::string> expected = {"warning m1 down", "warning m2 down",
                                             "info m2 up (after 1 occurrences)"};
  EXPECT_EQ(cap.lines(), expected);
  EXPECT_TRUE(throttle.active("m1"));
}

TEST(LogThrottle, SummarySaysTheRealSpanAfterAQuietSpell) {
  ManualClock clock;
  Captured cap;
  LogThrottle throttle(clock, cap.logger, 60s);
  throttle.occurred("m1", "m1: overrun");
  clock.advance(10s);
  throttle.occurred("m1", "m1: overrun");  // counted, period not over
  clock.advance(3590s);
  throttle.occurred("m1", "m1: overrun");  // an hour later
  const std::vector<std::string> expected = {
      "warning m1: overrun", "warning m1: overrun (repeated 2 times in the last 3600s)"};
  EXPECT_EQ(cap.lines(), expected);
}

TEST(LogThrottle, FormatsPeriods) {
  EXPECT_EQ(LogThrottle::format_period(60s), "60s");
  EXPECT_EQ(LogThrottle::format_period(1500ms), "1500ms");
}

}  // namespace
}  // namespace meterd::acquisition
