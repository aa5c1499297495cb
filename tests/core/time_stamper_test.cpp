#include "meterd/time_stamper.hpp"

#include <gtest/gtest.h>

namespace meterd {
namespace {

using namespace std::chrono;

Reading reading(const char* id) {
  Reading r;
  r.meter_id = id;
  r.values.push_back({ObisCode(1, 1, 1, 7, 0), 1500.0, Unit::watt, Quality::good});
  return r;
}

struct Collect {
  std::vector<Reading> out;
  TimeStamper::Emit emit() {
    return [this](Reading&& r) { out.push_back(std::move(r)); };
  }
};

const UtcTime kBoot = UtcTime{sys_days{1970y / 1 / 1} + 30s};  // an RTC-less box after boot
const UtcTime kReal = UtcTime{sys_days{2026y / 11 / 21} + 8h};

TEST(TimeStamper, SynchronizedClockStampsAndPasses) {
  ManualClock clock(kReal, true);
  TimeStamper st(clock, UnsyncedPolicy::hold);
  Collect c;
  st.stamp(reading("m1"), c.emit());
  ASSERT_EQ(c.out.size(), 1u);
  EXPECT_EQ(c.out[0].time, kReal);
  EXPECT_EQ(c.out[0].time_sync, TimeSync::synchronized);
}

TEST(TimeStamper, MarkPolicyPassesUnsynchronizedAtOnce) {
  ManualClock clock(kBoot, false);
  TimeStamper st(clock, UnsyncedPolicy::mark);
  Collect c;
  st.stamp(reading("m1"), c.emit());
  ASSERT_EQ(c.out.size(), 1u);
  EXPECT_EQ(c.out[0].time, kBoot);
  EXPECT_EQ(c.out[0].time_sync, TimeSync::unsynchronized);
}

TEST(TimeStamper, HoldPolicyRedatesFromMonotonicClockAtFirstSync) {
  ManualClock clock(kBoot, false);
  TimeStamper st(clock, UnsyncedPolicy::hold);
  Collect c;
  st.stamp(reading("m1"), c.emit());  // at boot + 0
  clock.advance(10s);
  st.stamp(reading("m1"), c.emit());  // at boot + 10 s
  EXPECT_TRUE(c.out.empty());
  EXPECT_EQ(st.held(), 2u);

  clock.advance(5s);
  clock.step_utc(duration_cast<milliseconds>(kReal - (kBoot + 15s)));  // NTP steps the clock
  clock.set_synchronized(true);
  st.poll(c.emit());
  ASSERT_EQ(c.out.size(), 2u);
  EXPECT_EQ(c.out[0].time, kReal - 15s);
  EXPECT_EQ(c.out[1].time, kReal - 5s);
  EXPECT_EQ(c.out[0].time_sync, TimeSync::corrected);
  EXPECT_EQ(st.held(), 0u);
}

TEST(TimeStamper, FullHoldReleasesOldestUnsynchronizedNeverDrops) {
  ManualClock clock(kBoot, false);
  TimeStamper st(clock, UnsyncedPolicy::hold, 2);
  Collect c;
  for (int i = 0; i < 3; ++i) {
    st.stamp(reading("m1"), c.emit());
    clock.advance(1s);
  }
  ASSERT_EQ(c.out.size(), 1u);
  EXPECT_EQ(c.out[0].time, kBoot);
  EXPECT_EQ(c.out[0].time_sync, TimeSync::unsynchronized);
  EXPECT_EQ(st.held(), 2u);
}

TEST(TimeStamper, LaterLossOfSyncIsMarkedNotHeld) {
  ManualClock clock(kReal, true);
  TimeStamper st(clock, UnsyncedPolicy::hold);
  Collect c;
  st.stamp(reading("m1"), c.emit());
  clock.set_synchronized(false);
  st.stamp(reading("m1"), c.emit());
  ASSERT_EQ(c.out.size(), 2u);
  EXPECT_EQ(c.out[1].time_sync, TimeSync::unsynchronized);
}

TEST(TimeStamper, MeterTimeIsKept) {
  ManualClock clock(kBoot, false);
  TimeStamper st(clock, UnsyncedPolicy::hold);
  Collect c;
  Reading r = reading("kamstrup");
  r.time = kReal;
  r.time_sync = TimeSync::meter;
  st.stamp(std::move(r), c.emit());
  ASSERT_EQ(c.out.size(), 1u);
  EXPECT_EQ(c.out[0].time, kReal);
}

TEST(SystemClock, AnswersWithoutPrivilege) {
  SystemClock clock;
  const auto a = clock.mono_now();
  (void)clock.synchronized();  // must not fail or need CAP_SYS_TIME
  EXPECT_LE(a, clock.mono_now());
  EXPECT_GT(clock.utc_now(), UtcTime{sys_days{2020y / 1 / 1}});
}

}  // namespace
}  // namespace meterd
