#include "meterd/obis.hpp"

#include <gtest/gtest.h>

namespace meterd {
namespace {

TEST(ObisCode, ParsesFullForm) {
  auto r = ObisCode::parse("1-1:1.7.0*255");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, ObisCode(1, 1, 1, 7, 0, 255));
  EXPECT_EQ(ObisCode::parse("1-2:32.7.0").value(), ObisCode(1, 2, 32, 7, 0));
  EXPECT_EQ(ObisCode::parse("0-0:96.1.0*101").value(), ObisCode(0, 0, 96, 1, 0, 101));
  EXPECT_EQ(ObisCode::parse("255-255:255.255.255*255").value(),
            ObisCode(255, 255, 255, 255, 255, 255));
}

TEST(ObisCode, ParsesReducedFormWithElectricityDefaults) {
  EXPECT_EQ(ObisCode::parse("1.8.0").value(), ObisCode(1, 0, 1, 8, 0, 255));
  EXPECT_EQ(ObisCode::parse("2.8.1*3").value(), ObisCode(1, 0, 2, 8, 1, 3));
  EXPECT_EQ(ObisCode::parse("1-0:1.8.0&12").value(), ObisCode(1, 0, 1, 8, 0, 12));
}

TEST(ObisCode, ParsesLetterGroupsOfC) {
  EXPECT_EQ(ObisCode::parse("C.1.0").value().c(), 96);
  EXPECT_EQ(ObisCode::parse("0-0:F.F.0").has_value(), false);  // only C may be a letter
  EXPECT_EQ(ObisCode::parse("0-0:F.8.0").value().c(), 97);
  EXPECT_EQ(ObisCode::parse("L.1.0").value().c(), 98);
  EXPECT_EQ(ObisCode::parse("P.1.0").value().c(), 99);
}

TEST(ObisCode, FormatsAndRoundTrips) {
  EXPECT_EQ(ObisCode(1, 1, 1, 7, 0).to_string(), "1-1:1.7.0");
  EXPECT_EQ(ObisCode(1, 0, 1, 8, 0, 101).to_string(), "1-0:1.8.0*101");
  for (const char* text : {"1-1:1.7.0", "1-2:14.7.0", "0-0:96.1.0*101", "1-0:99.1.0"}) {
    EXPECT_EQ(ObisCode::parse(text).value().to_string(), text);
  }
  const ObisCode o(1, 2, 3, 4, 5, 6);
  EXPECT_EQ(ObisCode::from_packed(o.packed()), o);
  EXPECT_EQ(o.with_channel(1), ObisCode(1, 1, 3, 4, 5, 6));
}

struct Malformed {
  const char* text;
  Errc code;
  const char* detail;
};

class ObisMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(ObisMalformed, IsRejectedWithReason) {
  const auto& m = GetParam();
  auto r = ObisCode::parse(m.text);
  ASSERT_FALSE(r) << m.text;
  EXPECT_TRUE(r.error().is(m.code)) << r.error().message();
  EXPECT_EQ(r.error().detail, m.detail);
}

INSTANTIATE_TEST_SUITE_P(
    Reasons, ObisMalformed,
    ::testing::Values(
        Malformed{"", Errc::parse_error,
                  "OBIS code \"\": expected an OBIS code such as 1-0:1.8.0 at column 1, found "
                  "end of text"},
        Malformed{"1-1:1.7", Errc::parse_error,
                  "OBIS code \"1-1:1.7\": expected '.' after group D at column 8, found end of "
                  "text"},
        Malformed{"1-1:1.7.0*", Errc::parse_error,
                  "OBIS code \"1-1:1.7.0*\": expected a decimal number for group F at column 11, "
                  "found end of text"},
        Malformed{"1-1:256.7.0", Errc::out_of_range,
                  "OBIS code \"1-1:256.7.0\": group C at column 5 is above 255"},
        Malformed{"1-1:1.7.0000", Errc::out_of_range,
                  "OBIS code \"1-1:1.7.0000\": group E at column 9 is above 255"},
        Malformed{"1:1.7.0", Errc::parse_error,
                  "OBIS code \"1:1.7.0\": expected '-' after group A at column 2, found ':'"},
        Malformed{" 1.8.0", Errc::parse_error,
                  "OBIS code \" 1.8.0\": expected a decimal number for group C at column 1, "
                  "found ' '"},
        Malformed{"1.8.0 ", Errc::parse_error,
                  "OBIS code \"1.8.0 \": expected end of code (or '*F') at column 6, found ' '"},
        Malformed{"1-1:-1.7.0", Errc::parse_error,
                  "OBIS code \"1-1:-1.7.0\": expected a decimal number for group C at column 5, "
                  "found '-'"},
        Malformed{"1-1:1.7.0*1*2", Errc::parse_error,
                  "OBIS code \"1-1:1.7.0*1*2\": expected end of code (or '*F') at column 12, "
                  "found '*'"},
        Malformed{"a-b:c.d.e", Errc::parse_error,
                  "OBIS code \"a-b:c.d.e\": expected a decimal number for group A at column 1, "
                  "found 'a'"}));

}  // namespace
}  // namespace meterd
