// End to end over a real pty: several B-Smart meters on one bus, polled by the real scheduler
// through the daemon's wiring. Four meters, both channels, every second, with no slot skipped;
// and a meter that never answers costs the others at most its own timeout per slot.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/integration/acquisition_harness.hpp"
#include "tools/sim/bsmart_simulator.hpp"

namespace meterd::integration {
namespace {

using namespace std::chrono_literals;

// The interval between consecutive times, skipping readings before `from`.
std::vector<std::chrono::milliseconds> gaps(const std::vector<UtcTime>& times, UtcTime from) {
  std::vector<std::chrono::milliseconds> out;
  for (std::size_t i = 1; i < times.size(); ++i) {
    if (times[i - 1] >= from) out.push_back(times[i] - times[i - 1]);
  }
  return out;
}

TEST(BsmartBus, FourMetersBothChannelsAllPolledEverySecond) {
  AcquisitionHarness h(R"(time:
  unsynchronized: mark
buses:
  - id: sim
    transport: simulator
    baud: 38400
    meters:
      - { id: m1, address: 1 }
      - { id: m2, address: 2 }
      - { id: m3, address: 3 }
      - { id: m4, address: 4 }
)");
  const std::vector<std::string> meters{"m1", "m2", "m3", "m4"};
  h.start();
  ASSERT_TRUE(AcquisitionHarness::wait_until(
      [&] {
        return std::all_of(meters.begin(), meters.end(),
                           [&](const auto& m) { return h.recorder().count(m) >= 2; });
      },
      5s));
  const UtcTime window_start = SystemClock{}.utc_now();
  std::this_thread::sleep_for(4s);
  const UtcTime window_end = SystemClock{}.utc_now();
  std::vector<MeterStatus> statuses;
  for (const auto& m : meters) statuses.push_back(*h.status(m));
  h.stop();

  for (std::size_t i = 0; i < meters.size(); ++i) {
    SCOPED_TRACE(meters[i]);
    const auto times = h.recorder().times(meters[i]);
    const auto in_window = std::count_if(
        times.begin(), times.end(), [&](UtcTime t) { return t >= window_start && t < window_end; });
    EXPECT_GE(in_window, 4 - 1);  // 4 s at 1 s; the window's edges may cut one
    EXPECT_LE(in_window, 4 + 1);
    for (const auto gap : gaps(times, window_start)) {
      EXPECT_GT(gap, 600ms);
      EXPECT_LT(gap, 1400ms);
    }
    EXPECT_EQ(statuses[i].overruns, 0u);
    EXPECT_EQ(statuses[i].polls_failed, 0u);
    EXPECT_EQ(statuses[i].timeouts, 0u);
    EXPECT_TRUE(statuses[i].online);
    // Both channels in the cache, fresh: CT1 and CT2 net active power.
    for (std::uint8_t channel : {1, 2}) {
      const auto p = h.latest().get(meters[i], ObisCode{1, channel, 16, 7, 0});
      ASSERT_TRUE(p);
      EXPECT_EQ(p->unit, Unit::watt);
      EXPECT_GE(p->time, window_end - 1500ms);
    }
  }
}

TEST(BsmartBus, SilentMeterDelaysTheOthersAtMostItsTimeout) {
  const SystemClock clock;
  sim::SimulatorConfig sc;
  sc.addresses = {1, 2, 3, 4};
  sc.line.baud = 38400;
  auto simulator = sim::BsmartSimulator::create(sc, clock);
  ASSERT_TRUE(simulator) << simulator.error().message();
  (*simulator)->start();
  AcquisitionHarness h(R"(time:
  unsynchronized: mark
buses:
  - id: rs485
    transport: serial
    device: )" + (*simulator)->device_path() +
                       R"(
    baud: 38400
    timeout: 200ms
    retries: 0
    meters:
      - { id: m1, address: 1 }
      - { id: m2, address: 2 }
      - { id: m3, address: 3 }
      - { id: m4, address: 4 }
)");
  const UtcTime t0 = clock.utc_now();  // the schedule's grid starts here (within milliseconds)
  h.start();
  ASSERT_TRUE(AcquisitionHarness::wait_until([&] { return h.recorder().count("m4") >= 2; }, 5s));
  // Meter 1 stops answering. Served first in each slot (the others' due times are equal and it
  // was served least recently), its polls now run into the timeout ahead of the others.
  sim::FaultConfig silent;
  silent.silent_after = 0ms;
  silent.silent_for = std::chrono::hours{1};
  (*simulator)->slave().set_faults(1, silent);
  const UtcTime t_fault = clock.utc_now();
  std::this_thread::sleep_for(5s);
  std::vector<MeterStatus> statuses;
  for (const char* m : {"m1", "m2", "m3", "m4"}) statuses.push_back(*h.status(m));
  h.stop();

  const auto& m1 = statuses[0];
  EXPECT_FALSE(m1.online);
  EXPECT_GE(m1.timeouts, 3u);
  EXPECT_TRUE(h.has_event(EventKind::meter_offline, "m1"));

  // Each answering meter's 1 s polls complete within their slot no later than: the other
  // answering meters' polls ahead of it (3 x 2 transactions of ~33 ms at 38400 bit/s, pty and
  // scheduling slack included in 100 ms each) plus one timeout of the silent meter.
  constexpr auto kBound = 3 * 100ms + 200ms;
  std::chrono::milliseconds worst_of_all{0};
  for (std::size_t i = 1; i < 4; ++i) {
    SCOPED_TRACE(statuses[i].meter_id);
    EXPECT_TRUE(statuses[i].online);
    EXPECT_EQ(statuses[i].overruns, 0u);
    EXPECT_EQ(statuses[i].timeouts, 0u);
    const auto times = h.recorder().times(statuses[i].meter_id);
    std::chrono::milliseconds worst{0};
    std::size_t after_fault = 0;
    for (const UtcTime t : times) {
      if (t < t_fault) continue;
      ++after_fault;
      worst = std::max(worst, (t - t0) % 1000ms);
    }
    EXPECT_GE(after_fault, 4u);  // 5 s at 1 s: no slot lost
    EXPECT_LT(worst, kBound);
    worst_of_all = std::max(worst_of_all, worst);
    for (const auto gap : gaps(times, t_fault)) EXPECT_LT(gap, 1000ms + kBound);
  }
  // The silent meter's timeouts really were in the way: some poll waited for one.
  EXPECT_GE(worst_of_all, 200ms);
}

}  // namespace
}  // namespace meterd::integration
