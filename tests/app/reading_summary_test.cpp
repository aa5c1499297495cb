// format_meter_summary: the compact per-meter log line, exactly.
#include "src/app/reading_summary.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace meterd::app {
namespace {

MeterStatus status() {
  MeterStatus s;
  s.meter_id = "m1";
  s.bus = "sim";
  s.online = true;
  s.serial_number = "BS000000000001";
  s.polls_ok = 12;
  s.polls_failed = 1;
  s.timeouts = 1;
  return s;
}

pipeline::LatestValue value(ObisCode obis, double v, Unit u, Quality q = Quality::good) {
  return {obis, v, u, q, UtcTime{}, TimeSync::synchronized};
}

TEST(ReadingSummary, PowerAndEnergiesOfBothChannels) {
  pipeline::MeterValues values{
      "m1",
      12,
      UtcTime{},
      {
          value({1, 1, 1, 8, 0}, 42'000'123.4, Unit::watt_hour),
          value({1, 1, 2, 8, 0}, 12'000.0, Unit::watt_hour),
          value({1, 1, 16, 7, 0}, 1234.56, Unit::watt),
          value({1, 1, 32, 7, 0}, 230.1, Unit::volt),  // not part of the summary
          value({1, 2, 1, 8, 0}, 5.0, Unit::watt_hour),
          value({1, 2, 2, 8, 0}, 9'876'543.0, Unit::watt_hour, Quality::counter_jump),
          value({1, 2, 16, 7, 0}, -800.26, Unit::watt),
      }};
  EXPECT_EQ(format_meter_summary(status(), values),
            "meter m1 (bus sim, online, serial BS000000000001): CT1 P 1234.6 W A+ 42000.123 kWh "
            "A- 12.000 kWh | CT2 P -800.3 W A+ 0.005 kWh A- 9876.543 kWh [counter_jump] | "
            "polls 12 ok 1 failed, timeouts 1, crc 0");
}

TEST(ReadingSummary, MissingAndNotANumber) {
  pipeline::MeterValues values{
      "m1",
      1,
      UtcTime{},
      {value({1, 1, 16, 7, 0}, std::nan(""), Unit::watt, Quality::not_a_number)}};
  auto s = status();
  s.serial_number.clear();
  s.online = false;
  EXPECT_EQ(format_meter_summary(s, values),
            "meter m1 (bus sim, offline): CT1 P NaN [not_a_number] A+ - A- - | polls 12 ok 1 "
            "failed, timeouts 1, crc 0");
}

TEST(ReadingSummary, NoReadingsYetAndHeldForTheClock) {
  EXPECT_EQ(format_meter_summary(status(), std::nullopt),
            "meter m1 (bus sim, online, serial BS000000000001): no readings yet | polls 12 ok 1 "
            "failed, timeouts 1, crc 0");
  EXPECT_EQ(format_meter_summary(status(), std::nullopt, true),
            "meter m1 (bus sim, online, serial BS000000000001): no readings delivered yet: held "
            "until the system clock is synchronized (time.unsynchronized: hold) | polls 12 ok 1 "
            "failed, timeouts 1, crc 0");
}

}  // namespace
}  // namespace meterd::app
