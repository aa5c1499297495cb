// RetryingDriver: repeats a poll after a timeout or CRC error only, up to its limit, and every
// attempt's counts add up.
#include "src/app/retrying_driver.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace meterd::app {
namespace {

// Answers poll() from a script of outcomes; each attempt is one request on the wire.
class ScriptedDriver final : public MeterDriver {
 public:
  explicit ScriptedDriver(std::deque<Result<Reading>> script, int& calls)
      : script_(std::move(script)), calls_(calls) {}
  const std::string& meter_id() const override { return id_; }
  std::string protocol() const override { return "scripted"; }
  const std::vector<PollGroup>& groups() const override { return groups_; }
  Result<std::string> identify() override { return std::string("SN-1"); }
  Result<Reading> poll(std::size_t, TransactionCounts& counts) override {
    ++calls_;
    ++counts.requests;
    auto r = std::move(script_.front());
    script_.pop_front();
    if (!r && r.error().is(Errc::timeout)) ++counts.timeouts;
    if (!r && r.error().is(Errc::crc_error)) ++counts.crc_errors;
    return r;
  }

 private:
  std::string id_ = "m1";
  std::vector<PollGroup> groups_{{"instantaneous", std::chrono::seconds{1}}};
  std::deque<Result<Reading>> script_;
  int& calls_;
};

Result<Reading> ok() { return Reading{"m1", UtcTime{}, TimeSync::synchronized, {}}; }
Result<Reading> fail(Errc e) { return Error{e, "scripted"}; }

TEST(RetryingDriver, RepeatsATimeoutAndACrcErrorThenSucceeds) {
  int calls = 0;
  RetryingDriver d(
      std::make_unique<ScriptedDriver>(
          std::deque<Result<Reading>>{fail(Errc::timeout), fail(Errc::crc_error), ok()}, calls),
      2);
  TransactionCounts counts;
  EXPECT_TRUE(d.poll(0, counts));
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(counts.requests, 3u);
  EXPECT_EQ(counts.timeouts, 1u);
  EXPECT_EQ(counts.crc_errors, 1u);
}

TEST(RetryingDriver, GivesUpAfterItsRetriesWithTheLastError) {
  int calls = 0;
  RetryingDriver d(
      std::make_unique<ScriptedDriver>(
          std::deque<Result<Reading>>{fail(Errc::crc_error), fail(Errc::timeout), ok()}, calls),
      1);
  TransactionCounts counts;
  const auto r = d.poll(0, counts);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::timeout));
  EXPECT_EQ(calls, 2);
}

TEST(RetryingDriver, DoesNotRepeatExceptionRepliesOrLinkErrors) {
  for (const Errc e : {Errc::exception_reply, Errc::io_error, Errc::protocol_error}) {
    int calls = 0;
    RetryingDriver d(
        std::make_unique<ScriptedDriver>(std::deque<Result<Reading>>{fail(e), ok()}, calls), 3);
    TransactionCounts counts;
    const auto r = d.poll(0, counts);
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(e));
    EXPECT_EQ(calls, 1);
  }
}

TEST(RetryingDriver, ZeroRetriesPollsOnceAndPassesTheRestThrough) {
  int calls = 0;
  RetryingDriver d(std::make_unique<ScriptedDriver>(
                       std::deque<Result<Reading>>{fail(Errc::timeout), ok()}, calls),
                   0);
  TransactionCounts counts;
  EXPECT_FALSE(d.poll(0, counts));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(d.meter_id(), "m1");
  EXPECT_EQ(d.protocol(), "scripted");
  EXPECT_EQ(d.groups().size(), 1u);
  EXPECT_EQ(d.identify().value(), "SN-1");
}

}  // namespace
}  // namespace meterd::app
