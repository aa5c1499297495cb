#include "src/acquisition/meter_stats.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace meterd::acquisition {
namespace {

using namespace std::chrono_literals;
using std::chrono::microseconds;

TEST(MeterStats, CountsPollsAndWireErrors) {
  MeterStats s("m1", "rs485-1", "modbus-rtu");
  const UtcTime t1{std::chrono::milliseconds{1'700'000'000'000}};
  s.record_poll(
      {.requests = 3, .timeouts = 0, .crc_errors = 0, .exception_replies = 0, .other_errors = 0},
      true, 12ms, t1);
  s.record_poll(
      {.requests = 2, .timeouts = 1, .crc_errors = 1, .exception_replies = 0, .other_errors = 0},
      false, 200ms, t1 + 1s);
  s.record_identify(
      {.requests = 1, .timeouts = 0, .crc_errors = 0, .exception_replies = 1, .other_errors = 0});
  s.set_overruns(4);
  s.set_online(true);
  const MeterStatus st = s.status();
  EXPECT_EQ(st.meter_id, "m1");
  EXPECT_EQ(st.bus, "rs485-1");
  EXPECT_EQ(st.protocol, "modbus-rtu");
  EXPECT_EQ(st.requests, 6u);
  EXPECT_EQ(st.timeouts, 1u);
  EXPECT_EQ(st.crc_errors, 1u);
  EXPECT_EQ(st.exception_replies, 1u);
  EXPECT_EQ(st.other_errors, 0u);
  EXPECT_EQ(st.polls_ok, 1u);
  EXPECT_EQ(st.polls_failed, 1u);
  EXPECT_EQ(st.overruns, 4u);
  EXPECT_TRUE(st.online);
  ASSERT_TRUE(st.last_success);
  EXPECT_EQ(*st.last_success, t1);  // the failed poll did not move it
  // Only successful polls count for latency.
  EXPECT_EQ(st.latency_median, microseconds{12000});
  EXPECT_EQ(st.latency_p99, microseconds{12000});
}

TEST(MeterStats, SerialChangeIsASwap) {
  MeterStats s("m1", "b", "modbus-rtu");
  s.set_serial("1001");
  s.set_serial("1001");
  EXPECT_EQ(s.status().swaps, 0u);
  s.set_serial("2002");
  const MeterStatus st = s.status();
  EXPECT_EQ(st.serial_number, "2002");
  EXPECT_EQ(st.previous_serial_number, "1001");
  EXPECT_EQ(st.swaps, 1u);
}

TEST(MeterStats, LatencyQuantilesOverTheWindow) {
  MeterStats s("m1", "b", "p");
  EXPECT_FALSE(s.status().latency_median);
  // 2000 polls: the first 976 slow ones fall out of the 1024-poll window.
  for (int i = 0; i < 976; ++i) s.record_poll({}, true, 900ms, UtcTime{});
  for (int i = 0; i < 1024; ++i) {
    s.record_poll({}, true, i % 100 == 0 ? 300ms : 10ms, UtcTime{});
  }
  const MeterStatus st = s.status();
  EXPECT_EQ(st.latency_median, microseconds{10000});
  // 11 of 1024 are 300 ms (i = 0, 100, ..., 1000): rank ceil(0.99 * 1024) = 1014 > 1013.
  EXPECT_EQ(st.latency_p99, microseconds{300000});
}

TEST(StatusBoard, SnapshotWhileWorkersUpdate) {
  StatusBoard board;
  const auto a = board.add("a", "bus1", "p");
  const auto b = board.add("b", "bus2", "p");
  std::thread t1([&] {
    for (int i = 0; i < 5000; ++i) {
      board.update(a, [](MeterStats& s) { s.record_poll({.requests = 1}, true, 1ms, UtcTime{}); });
    }
  });
  std::thread t2([&] {
    for (int i = 0; i < 5000; ++i) {
      board.update(b, [](MeterStats& s) { s.record_poll({.requests = 1}, false, 1ms, UtcTime{}); });
    }
  });
  std::uint64_t seen = 0;
  for (int i = 0; i < 200; ++i) {
    const auto snap = board.snapshot();
    ASSERT_EQ(snap.size(), 2u);
    EXPECT_GE(snap[0].requests, seen);  // monotonic
    seen = snap[0].requests;
  }
  t1.join();
  t2.join();
  const auto snap = board.snapshot();
  EXPECT_EQ(snap[0].meter_id, "a");
  EXPECT_EQ(snap[0].polls_ok, 5000u);
  EXPECT_EQ(snap[1].polls_failed, 5000u);
  EXPECT_EQ(snap[1].requests, 5000u);
}

}  // namespace
}  // namespace meterd::acquisition
