#include "src/acquisition/delivery.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <vector>

namespace meterd::acquisition {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

struct Readings final : ReadingSink {
  std::vector<Reading> got;
  void publish(const Reading& r) override { got.push_back(r); }
};
struct Events final : EventSink {
  std::vector<Event> got;
  void publish(const Event& e) override { got.push_back(e); }
};

Reading reading() {
  Reading r;
  r.meter_id = "m1";
  r.values.push_back({ObisCode(1, 1, 1, 7, 0), 1500.0, Unit::watt, Quality::good});
  r.values.push_back({ObisCode(1, 1, 32, 7, 0), 230.1, Unit::volt, Quality::good});
  return r;
}

const UtcTime kReal = UtcTime{sys_days{2026y / 11 / 21} + 8h};

TEST(Delivery, StampsWithThePollCompletionTimeNotTheLoopTime) {
  boost::asio::io_context io;
  ManualClock clock(kReal, true);
  Readings readings;
  Events events;
  auto d = std::make_shared<Delivery>(io, clock, UnsyncedPolicy::hold, readings, events);
  const ClockSample done = ClockSample::take(clock);
  clock.advance(750ms);  // the loop gets to it later
  d->deliver(reading(), done);
  ASSERT_EQ(readings.got.size(), 1u);
  EXPECT_EQ(readings.got[0].time, kReal);
  EXPECT_EQ(readings.got[0].time_sync, TimeSync::synchronized);
  EXPECT_EQ(readings.got[0].values.size(), 2u);  // one stamp for the whole poll
}

TEST(Delivery, MeterTimeIsKept) {
  boost::asio::io_context io;
  ManualClock clock(kReal, true);
  Readings readings;
  Events events;
  auto d = std::make_shared<Delivery>(io, clock, UnsyncedPolicy::mark, readings, events);
  Reading r = reading();
  r.time = kReal - 15min;
  r.time_sync = TimeSync::meter;
  d->deliver(r, ClockSample::take(clock));
  ASSERT_EQ(readings.got.size(), 1u);
  EXPECT_EQ(readings.got[0].time, kReal - 15min);
}

TEST(Delivery, HeldReadingsAreReleasedByTheTimerWithCorrectedCompletionTimes) {
  boost::asio::io_context io;
  const UtcTime boot = UtcTime{sys_days{1970y / 1 / 1} + 30s};
  ManualClock clock(boot, false);
  Readings readings;
  Events events;
  auto d = std::make_shared<Delivery>(io, clock, UnsyncedPolicy::hold, readings, events);
  const ClockSample first = ClockSample::take(clock);
  clock.advance(1s);
  d->deliver(reading(), first);  // completed 1 s before the loop stamped it
  EXPECT_TRUE(readings.got.empty());
  clock.advance(9s);
  clock.step_utc(duration_cast<milliseconds>(kReal - boot));  // NTP steps the wall clock
  clock.set_synchronized(true);
  d->start_release_timer();
  io.run_for(1500ms);  // the timer fires after ~1 s of real time
  d->stop_release_timer();
  io.run();
  ASSERT_EQ(readings.got.size(), 1u);
  EXPECT_EQ(readings.got[0].time_sync, TimeSync::corrected);
  // Completed 10 s before the synchronized "now" (kReal + 10 s on the stepped wall clock).
  EXPECT_EQ(readings.got[0].time, kReal);
}

TEST(Delivery, PassesEventsOn) {
  boost::asio::io_context io;
  ManualClock clock(kReal, true);
  Readings readings;
  Events events;
  auto d = std::make_shared<Delivery>(io, clock, UnsyncedPolicy::mark, readings, events);
  const Event e{.time = kReal,
                .bus = "b",
                .meter_id = "m1",
                .kind = EventKind::meter_swapped,
                .detail = "serial 1 -> 2"};
  d->deliver(e);
  ASSERT_EQ(events.got.size(), 1u);
  EXPECT_EQ(events.got[0], e);
  EXPECT_EQ(to_string(events.got[0].kind), "meter_swapped");
}

}  // namespace
}  // namespace meterd::acquisition
