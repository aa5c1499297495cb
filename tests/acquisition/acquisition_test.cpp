#include "src/acquisition/acquisition.hpp"

#include "tests/acquisition/fake_bus.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <sstream>
#include <thread>

namespace meterd::acquisition {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::steady_clock;
using testing::Concurrency;
using testing::FakeLink;
using testing::FakeMeter;

struct Readings final : ReadingSink {
  std::vector<Reading> got;
  void publish(const Reading& r) override { got.push_back(r); }
  std::size_t count(const std::string& id) const {
    return static_cast<std::size_t>(
        std::count_if(got.begin(), got.end(), [&](const Reading& r) { return r.meter_id == id; }));
  }
};
struct Events final : EventSink {
  std::vector<Event> got;
  void publish(const Event& e) override { got.push_back(e); }
  std::vector<Event> of(EventKind k) const {
    std::vector<Event> v;
    std::copy_if(got.begin(), got.end(), std::back_inserter(v),
                 [&](const Event& e) { return e.kind == k; });
    return v;
  }
};

std::shared_ptr<spdlog::logger> quiet_logger() {
  return std::make_shared<spdlog::logger>("acq-test",
                                          std::make_shared<spdlog::sinks::null_sink_mt>());
}

// One acquisition service on a real clock, with its loop run by the test thread.
struct Rig {
  boost::asio::io_context io;
  SystemClock clock;
  Readings readings;
  Events events;
  Acquisition acq{io, clock, readings, events, UnsyncedPolicy::mark, quiet_logger()};

  // Runs the loop (delivering readings and events) for `d`.
  void run_for(steady_clock::duration d) {
    io.restart();
    io.run_for(d);
  }
  // Stops the buses and delivers what they posted.
  void stop() {
    acq.stop();
    io.restart();
    io.poll();
  }
};

// A bus of fakes; the raw pointers stay valid while the Acquisition that owns them lives.
struct TestBus {
  BusSpec spec;
  FakeLink* link = nullptr;
  std::vector<FakeMeter*> meters;
};

TestBus make_bus(const std::string& name, int meters, milliseconds interval,
                 milliseconds transaction, milliseconds timeout,
                 Concurrency* concurrency = nullptr) {
  TestBus b;
  b.spec.name = name;
  auto link = std::make_unique<FakeLink>("/dev/tty" + name);
  b.link = link.get();
  b.spec.link = std::move(link);
  for (int i = 0; i < meters; ++i) {
    auto m = std::make_unique<FakeMeter>(name + "-m" + std::to_string(i), *b.link,
                                         std::vector<PollGroup>{{"fast", interval}}, transaction,
                                         timeout, concurrency);
    b.meters.push_back(m.get());
    b.spec.meters.push_back(std::move(m));
  }
  b.spec.random = [] { return 0.0; };  // no jitter: backoff steps are exact
  return b;
}

// Gaps between consecutive start times.
std::vector<milliseconds> gaps(const std::vector<testing::WallTime>& t) {
  std::vector<milliseconds> g;
  for (std::size_t i = 1; i < t.size(); ++i) {
    g.push_back(std::chrono::duration_cast<milliseconds>(t[i] - t[i - 1]));
  }
  return g;
}

TEST(Acquisition, FourMetersOnOneBusAreAllPolledEverySecond) {
  Rig rig;
  TestBus b = make_bus("bus1", 4, 1000ms, 40ms, 200ms);
  auto meters = b.meters;
  rig.acq.add_bus(std::move(b.spec));
  rig.acq.start();
  rig.run_for(3500ms);  // slots at 0, 1, 2, 3 s
  rig.stop();
  for (FakeMeter* m : meters) {
    EXPECT_EQ(rig.readings.count(m->meter_id()), 4u) << m->meter_id();
    // The first poll waits for the start-up (open + four identify); after that, 1 s apart.
    const auto g = gaps(m->poll_starts());
    ASSERT_EQ(g.size(), 3u);
    for (std::size_t i = 1; i < g.size(); ++i) {
      EXPECT_GE(g[i], 950ms);
      EXPECT_LE(g[i], 1050ms);
    }
  }
  for (const MeterStatus& s : rig.acq.snapshot()) {
    EXPECT_TRUE(s.online);
    EXPECT_EQ(s.serial_number, "SN-0001");
    EXPECT_EQ(s.polls_ok, 4u);
    EXPECT_EQ(s.overruns, 0u);
    EXPECT_EQ(s.requests, 5u);  // identify + 4 polls
    ASSERT_TRUE(s.latency_median);
    EXPECT_GE(*s.latency_median, 40ms);
    EXPECT_LT(*s.latency_median, 120ms);
    ASSERT_TRUE(s.last_success);
  }
  EXPECT_EQ(rig.events.of(EventKind::meter_online).size(), 4u);
}

TEST(Acquisition, ReadingsCarryThePollCompletionTimeEvenWhenTheLoopIsLate) {
  Rig rig;
  TestBus b = make_bus("bus1", 1, 1000ms, 30ms, 200ms);
  rig.acq.add_bus(std::move(b.spec));
  const UtcTime before = rig.clock.utc_now();
  rig.acq.start();
  // Keep the loop busy for 400 ms: the first reading is delivered late.
  boost::asio::post(rig.io, [] { std::this_thread::sleep_for(400ms); });
  rig.run_for(600ms);
  rig.stop();
  ASSERT_EQ(rig.readings.got.size(), 1u);
  const Reading& r = rig.readings.got[0];
  // open + identify + one poll of 30 ms each: completed ~65 ms after start, not ~400 ms.
  EXPECT_GE(r.time, before + 60ms);
  EXPECT_LT(r.time, before + 250ms);
  EXPECT_EQ(r.values.size(), 2u);
}

TEST(Acquisition, SilentMeterDelaysOthersAtMostItsTimeoutAndBacksOff) {
  Rig rig;
  TestBus b = make_bus("bus1", 4, 1000ms, 30ms, 200ms);
  auto meters = b.meters;
  meters[3]->set_answering(false);  // silent from the start: every attempt costs 200 ms
  rig.acq.add_bus(std::move(b.spec));
  rig.acq.start();
  rig.run_for(6200ms);
  rig.stop();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(rig.readings.count(meters[static_cast<std::size_t>(i)]->meter_id()), 7u);
    for (auto g : gaps(meters[static_cast<std::size_t>(i)]->poll_starts())) {
      EXPECT_LE(g, 1000ms + 200ms + 60ms);  // one timeout of the silent meter, plus margin
    }
  }
  // The silent meter is probed (identify) after 1 s, then 2 s, then goes offline: rarer.
  const auto probes = meters[3]->identify_starts();
  ASSERT_EQ(probes.size(), 3u);
  const auto g = gaps(probes);
  EXPECT_GE(g[0], 1200ms);  // 200 ms timeout + 1 s backoff
  EXPECT_GE(g[1], 2200ms);  // 200 ms timeout + 2 s backoff
  EXPECT_LE(g[1], 2400ms);
  ASSERT_EQ(rig.events.of(EventKind::meter_offline).size(), 1u);
  EXPECT_EQ(rig.events.of(EventKind::meter_offline)[0].meter_id, "bus1-m3");
  const auto snap = rig.acq.snapshot();
  EXPECT_FALSE(snap[3].online);
  EXPECT_EQ(snap[3].timeouts, 3u);
  EXPECT_TRUE(snap[0].online);
}

TEST(Acquisition, MeterThatStopsAnsweringGoesOfflineAndComesBack) {
  Rig rig;
  TestBus b = make_bus("bus1", 2, 250ms, 20ms, 100ms);
  b.spec.schedule.meter_backoff = {100ms, 1000ms, 0.0};
  auto meters = b.meters;
  rig.acq.add_bus(std::move(b.spec));
  rig.acq.start();
  rig.run_for(600ms);
  meters[1]->set_answering(false);
  rig.run_for(1200ms);  // three timed-out polls (~0.75 s), offline, probes 100, 200 ms apart
  EXPECT_FALSE(rig.acq.snapshot()[1].online);
  meters[1]->set_answering(true);
  meters[1]->set_serial("SN-0002");  // and while it was away, someone swapped it
  const int polls_before = meters[1]->polls_ok();
  rig.run_for(1000ms);
  rig.stop();
  ASSERT_EQ(rig.events.of(EventKind::meter_offline).size(), 1u);
  ASSERT_EQ(rig.events.of(EventKind::meter_online).size(), 3u);  // two at start, one back
  const auto swaps = rig.events.of(EventKind::meter_swapped);
  ASSERT_EQ(swaps.size(), 1u);
  EXPECT_EQ(swaps[0].meter_id, "bus1-m1");
  EXPECT_EQ(swaps[0].detail, "serial SN-0001 -> SN-0002");
  const auto snap = rig.acq.snapshot();
  EXPECT_TRUE(snap[1].online);
  EXPECT_EQ(snap[1].serial_number, "SN-0002");
  EXPECT_EQ(snap[1].previous_serial_number, "SN-0001");
  EXPECT_EQ(snap[1].swaps, 1u);
  EXPECT_EQ(snap[1].timeouts,
            3u + static_cast<std::uint64_t>(meters[1]->identify_starts().size() - 2));
  EXPECT_GE(meters[1]->polls_ok() - polls_before, 3);  // polling resumed every 250 ms
  EXPECT_EQ(snap[0].polls_failed, 0u);                 // the other meter never noticed
}

TEST(Acquisition, LostLinkIsReopenedWithBackoffAndPollingResumes) {
  Rig rig;
  TestBus b = make_bus("bus1", 2, 250ms, 20ms, 100ms);
  b.spec.schedule.link_backoff = {250ms, 60'000ms, 0.0};
  FakeLink* link = b.link;
  auto meters = b.meters;
  rig.acq.add_bus(std::move(b.spec));
  rig.acq.start();
  rig.run_for(600ms);
  link->set_plugged(false);  // the USB adapter is pulled
  rig.run_for(1200ms);
  link->set_plugged(true);
  const auto replugged = steady_clock::now();
  rig.run_for(1500ms);
  rig.stop();
  // Open at start; the next poll (~0.75 s) fails; retries follow 250 ms, then 500 ms, then
  // 1 s after each failure: ~1.0 and ~1.5 s fail (unplugged), ~2.5 s succeeds.
  const auto opens = link->open_attempts();
  ASSERT_EQ(opens.size(), 4u);
  const auto g = gaps(opens);
  EXPECT_GE(g[1], 500ms);
  EXPECT_LE(g[1], 600ms);
  EXPECT_GE(g[2], 1000ms);
  EXPECT_LE(g[2], 1100ms);
  EXPECT_GT(opens.back(), replugged);
  ASSERT_EQ(rig.events.of(EventKind::link_lost).size(), 1u);
  ASSERT_EQ(rig.events.of(EventKind::link_reopened).size(), 1u);
  EXPECT_EQ(rig.events.of(EventKind::link_reopened)[0].detail, "/dev/ttybus1 (fake)");
  EXPECT_TRUE(rig.events.of(EventKind::meter_offline).empty());
  for (FakeMeter* m : meters) {
    EXPECT_EQ(m->identify_starts().size(), 2u);  // at start and after the reopen
    const auto polls = m->poll_starts();
    const auto after =
        std::count_if(polls.begin(), polls.end(), [&](auto t) { return t > opens.back(); });
    EXPECT_GE(after, 3);  // polling resumed every 250 ms
  }
  EXPECT_TRUE(rig.acq.snapshot()[0].online);
}

TEST(Acquisition, TwoBusesRunConcurrently) {
  Rig rig;
  Concurrency concurrency;
  // Each bus needs 2 x 300 ms per 1 s cycle: serialised, the pair would need 1.2 s and overrun.
  TestBus a = make_bus("busA", 2, 1000ms, 300ms, 500ms, &concurrency);
  TestBus b = make_bus("busB", 2, 1000ms, 300ms, 500ms, &concurrency);
  rig.acq.add_bus(std::move(a.spec));
  rig.acq.add_bus(std::move(b.spec));
  const auto t0 = steady_clock::now();
  rig.acq.start();
  rig.run_for(3500ms);
  rig.stop();
  EXPECT_EQ(concurrency.max_in_flight, 2);
  for (const MeterStatus& s : rig.acq.snapshot()) {
    EXPECT_EQ(s.overruns, 0u) << s.meter_id;
    EXPECT_EQ(s.polls_ok, 4u) << s.meter_id;
  }
  EXPECT_LT(steady_clock::now() - t0, 4500ms);
}

TEST(Acquisition, StopReturnsWithinTheDriverTimeout) {
  Rig rig;
  TestBus b = make_bus("bus1", 1, 1000ms, 20ms, 500ms);
  b.meters[0]->set_answering(false);
  TestBus c = make_bus("bus2", 1, 1000ms, 20ms, 500ms);
  c.meters[0]->set_answering(false);
  rig.acq.add_bus(std::move(b.spec));
  rig.acq.add_bus(std::move(c.spec));
  rig.acq.start();
  rig.run_for(100ms);  // both buses are inside a 500 ms identify()
  const auto t0 = steady_clock::now();
  rig.acq.stop();
  const auto took = steady_clock::now() - t0;
  EXPECT_LE(took, 600ms);  // one timeout (the buses stop in parallel), not two
}

TEST(Acquisition, RepeatedErrorsAreLoggedOnceWithACount) {
  std::ostringstream log_text;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text);
  sink->set_pattern("%l %v");
  auto logger = std::make_shared<spdlog::logger>("acq-log-test", sink);
  boost::asio::io_context io;
  SystemClock clock;
  Readings readings;
  Events events;
  Acquisition acq(io, clock, readings, events, UnsyncedPolicy::mark, logger);
  TestBus b = make_bus("bus1", 1, 50ms, 5ms, 100ms);
  b.spec.log_period = 1000ms;
  FakeMeter* m = b.meters[0];
  acq.add_bus(std::move(b.spec));
  acq.start();
  io.run_for(300ms);
  m->set_reply_error(Errc::crc_error);  // answers every 50 ms with a bad checksum
  io.restart();
  io.run_for(1600ms);
  m->set_reply_error(Errc::ok);
  io.restart();
  io.run_for(300ms);
  acq.stop();
  const auto snap = acq.snapshot();
  ASSERT_GE(snap[0].crc_errors, 25u);  // ~32 failed polls ...
  EXPECT_TRUE(snap[0].online);         // (answering wrongly is not offline)
  std::vector<std::string> lines;
  std::istringstream in(log_text.str());
  for (std::string line; std::getline(in, line);) {
    if (line.find("poll fast failed") != std::string::npos ||
        line.find("answering again") != std::string::npos) {
      lines.push_back(line);
    }
  }
  // ... but only: the first, one summary after the 1 s period, one summary + clear at the end.
  ASSERT_EQ(lines.size(), 4u) << log_text.str();
  const std::string first =
      "warning meter bus1-m0 on bus bus1: poll fast failed: CRC error: scripted reply error";
  EXPECT_EQ(lines[0], first);
  EXPECT_EQ(lines[1].rfind(first + " (repeated ", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind(first + " (repeated ", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3].rfind("info meter bus1-m0 on bus bus1: answering again (after ", 0), 0u)
      << lines[3];
  EXPECT_EQ(lines[3], "info meter bus1-m0 on bus bus1: answering again (after " +
                          std::to_string(snap[0].crc_errors) + " occurrences)");
}

TEST(Acquisition, ADriverThatThrowsDoesNotStopItsBus) {
  Rig rig;
  TestBus b = make_bus("bus1", 2, 100ms, 5ms, 50ms);
  auto meters = b.meters;
  rig.acq.add_bus(std::move(b.spec));
  rig.acq.start();
  meters[0]->set_throwing(true);
  rig.run_for(500ms);
  meters[0]->set_throwing(false);
  rig.run_for(500ms);
  rig.stop();
  const auto snap = rig.acq.snapshot();
  EXPECT_GE(snap[0].polls_failed, 3u);  // each throw is a failed poll ...
  EXPECT_GE(snap[0].polls_ok, 3u);      // ... and polling went on afterwards
  EXPECT_TRUE(snap[0].online);
  EXPECT_GE(snap[1].polls_ok, 8u);  // the other meter never noticed
  EXPECT_EQ(snap[1].polls_failed, 0u);
}

TEST(Acquisition, RejectsABusWithoutALinkOrAMeterWithoutGroups) {
  Rig rig;
  BusSpec no_link;
  no_link.name = "x";
  EXPECT_THROW(rig.acq.add_bus(std::move(no_link)), std::invalid_argument);
  TestBus b = make_bus("bus1", 0, 1000ms, 20ms, 100ms);
  b.spec.meters.push_back(
      std::make_unique<FakeMeter>("m", *b.link, std::vector<PollGroup>{}, 20ms, 100ms));
  EXPECT_THROW(rig.acq.add_bus(std::move(b.spec)), std::invalid_argument);
}

}  // namespace
}  // namespace meterd::acquisition
