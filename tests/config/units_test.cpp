// parse_duration / parse_size / format_*: the syntax of durations and sizes in meterd.yaml.
#include "src/config/config.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace meterd::config {
namespace {

using namespace std::chrono_literals;

std::string duration_error(std::string_view text) {
  const auto r = parse_duration(text);
  EXPECT_FALSE(r) << text;
  return r ? std::string() : r.error().detail;
}

std::string size_error(std::string_view text) {
  const auto r = parse_size(text);
  EXPECT_FALSE(r) << text;
  return r ? std::string() : r.error().detail;
}

TEST(ParseDuration, EveryUnit) {
  EXPECT_EQ(parse_duration("500ms").value(), 500ms);
  EXPECT_EQ(parse_duration("1s").value(), 1s);
  EXPECT_EQ(parse_duration("10min").value(), 10min);
  EXPECT_EQ(parse_duration("2h").value(), 2h);
  EXPECT_EQ(parse_duration("1d").value(), 24h);
  EXPECT_EQ(parse_duration("0s").value(), 0ms);  // syntax only; ranges are the caller's
  EXPECT_EQ(parse_duration("0090s").value(), 90s);
}

TEST(ParseDuration, MalformedSaysWhatWasExpected) {
  EXPECT_EQ(duration_error("fast"), "expected a duration such as 500ms, found 'fast'");
  EXPECT_EQ(duration_error(""), "expected a duration such as 500ms, found ''");
  EXPECT_EQ(duration_error("s"), "expected a duration such as 500ms, found 's'");
  EXPECT_EQ(duration_error("+5s"), "expected a duration such as 500ms, found '+5s'");
  EXPECT_EQ(duration_error("1.5s"),
            "expected a whole number before the unit (such as 500ms), found '1.5s'");
  EXPECT_EQ(duration_error("500"),
            "missing unit in '500' (accepted units: ms, s, min, h, d)");
  EXPECT_EQ(duration_error("5sec"),
            "unknown unit 'sec' in '5sec' (accepted units: ms, s, min, h, d)");
  EXPECT_EQ(duration_error("5m"), "unknown unit 'm' in '5m' (accepted units: ms, s, min, h, d)");
  EXPECT_EQ(duration_error("5 s"), "unknown unit ' s' in '5 s' (accepted units: ms, s, min, h, d)");
  EXPECT_EQ(duration_error("5S"), "unknown unit 'S' in '5S' (accepted units: ms, s, min, h, d)");
  EXPECT_TRUE(parse_duration("fast").error().is(Errc::parse_error));
}

TEST(ParseDuration, NegativeAndOverflowAreOutOfRange) {
  EXPECT_EQ(duration_error("-5s"), "a duration cannot be negative, found '-5s'");
  EXPECT_TRUE(parse_duration("-5s").error().is(Errc::out_of_range));
  // 2^63 - 1 ms is about 106751991167 days.
  EXPECT_EQ(parse_duration("106751991167d").value().count(), 106751991167LL * 86'400'000);
  EXPECT_EQ(duration_error("106751991168d"), "duration '106751991168d' is too large");
  EXPECT_EQ(duration_error("99999999999999999999999ms"),
            "duration '99999999999999999999999ms' is too large");
  EXPECT_TRUE(parse_duration("106751991168d").error().is(Errc::out_of_range));
}

TEST(ParseSize, EveryUnit) {
  EXPECT_EQ(parse_size("17B").value(), 17u);
  EXPECT_EQ(parse_size("100kB").value(), 100'000u);
  EXPECT_EQ(parse_size("3MB").value(), 3'000'000u);
  EXPECT_EQ(parse_size("2GB").value(), 2'000'000'000u);
  EXPECT_EQ(parse_size("1TB").value(), 1'000'000'000'000u);
  EXPECT_EQ(parse_size("4KiB").value(), 4096u);
  EXPECT_EQ(parse_size("512MiB").value(), 536'870'912u);
  EXPECT_EQ(parse_size("2GiB").value(), 2'147'483'648u);
  EXPECT_EQ(parse_size("1TiB").value(), 1'099'511'627'776u);
  EXPECT_EQ(parse_size("0B").value(), 0u);
}

TEST(ParseSize, Malformed) {
  const std::string units = " (accepted units: B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)";
  EXPECT_EQ(size_error("big"), "expected a size such as 512MiB, found 'big'");
  EXPECT_EQ(size_error("512"), "missing unit in '512'" + units);
  EXPECT_EQ(size_error("512mb"), "unknown unit 'mb' in '512mb'" + units);
  EXPECT_EQ(size_error("1KB"), "unknown unit 'KB' in '1KB'" + units);
  EXPECT_EQ(size_error("1.5GiB"),
            "expected a whole number before the unit (such as 512MiB), found '1.5GiB'");
  EXPECT_EQ(size_error("-1MiB"), "a size cannot be negative, found '-1MiB'");
}

TEST(ParseSize, OverflowIsOutOfRange) {
  EXPECT_EQ(parse_size("18446744073709551615B").value(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(size_error("18446744073709551616B"), "size '18446744073709551616B' is too large");
  EXPECT_EQ(parse_size("16777215TiB").value(), 16'777'215ull << 40);
  EXPECT_EQ(size_error("16777216TiB"), "size '16777216TiB' is too large");
  EXPECT_TRUE(parse_size("16777216TiB").error().is(Errc::out_of_range));
}

TEST(Quote, LongAndBinaryTextStaysReadable) {
  EXPECT_EQ(duration_error(std::string(60, '9') + "x"),
            "unknown unit 'x' in '" + std::string(48, '9') +
                "...' (accepted units: ms, s, min, h, d)");
  EXPECT_EQ(duration_error(std::string_view("\x01\xff", 2)),
            "expected a duration such as 500ms, found '\\x01\\xff'");
}

TEST(FormatDuration, LargestExactUnit) {
  EXPECT_EQ(format_duration(0ms), "0ms");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(90s), "90s");
  EXPECT_EQ(format_duration(10min), "10min");
  EXPECT_EQ(format_duration(2h), "2h");
  EXPECT_EQ(format_duration(48h), "2d");
  EXPECT_EQ(format_duration(-3s), "-3s");
  EXPECT_EQ(format_duration(std::chrono::milliseconds::min()), "-9223372036854775808ms");
}

TEST(FormatSize, LargestExactUnit) {
  EXPECT_EQ(format_size(0), "0B");
  EXPECT_EQ(format_size(1000), "1kB");
  EXPECT_EQ(format_size(1'048'576), "1MiB");
  EXPECT_EQ(format_size(100'000), "100kB");
  EXPECT_EQ(format_size(4 * 1024 * 1024), "4MiB");
  EXPECT_EQ(format_size(1001), "1001B");
  for (const char* text : {"512MiB", "2GiB", "100kB", "7B", "3TB"}) {
    EXPECT_EQ(format_size(parse_size(text).value()), text);
  }
}

}  // namespace
}  // namespace meterd::config
