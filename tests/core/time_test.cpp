#include "meterd/time.hpp"

#include <gtest/gtest.h>

namespace meterd {
namespace {

using namespace std::chrono;

TEST(Time, FormatsUtcWithMilliseconds) {
  const UtcTime t = UtcTime{sys_days{2026y / 11 / 21} + 5h + 48min + 7s + 123ms};
  EXPECT_EQ(format_utc(t), "2026-11-21T05:48:07.123Z");
  EXPECT_EQ(format_utc(UtcTime{}), "1970-01-01T00:00:00.000Z");
}

TEST(Time, ParsesWhatItFormatsAndOffsets) {
  const UtcTime t = UtcTime{sys_days{2024y / 2 / 29} + 23h + 59min + 59s + 5ms};
  EXPECT_EQ(parse_utc(format_utc(t)).value(), t);
  EXPECT_EQ(parse_utc("2024-02-29T23:59:59.005Z").value(), t);
  EXPECT_EQ(parse_utc("2024-03-01T01:59:59.005+02:00").value(), t);
  EXPECT_EQ(parse_utc("2024-02-29 23:59:59.0051Z").value(), t);
  EXPECT_EQ(parse_utc("2024-03-01T00:59:59.005-01:00").value(), t + 2h);
}

TEST(Time, RejectsMalformedWithColumn) {
  auto r = parse_utc("2024-02-29T23:59");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().detail, "time \"2024-02-29T23:59\": expected ':' at column 17");
  r = parse_utc("2023-02-29T00:00:00Z");
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::out_of_range));
  EXPECT_FALSE(parse_utc("2024-02-29T23:59:59"));   // no zone: ambiguous, refused
  EXPECT_FALSE(parse_utc("2024-02-29T23:59:59.Z"));
}

}  // namespace
}  // namespace meterd
