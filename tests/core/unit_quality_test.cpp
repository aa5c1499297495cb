#include "meterd/quality.hpp"
#include "meterd/reading.hpp"
#include "meterd/unit.hpp"

#include <gtest/gtest.h>

namespace meterd {
namespace {

TEST(Unit, SymbolsAndDlmsCodes) {
  EXPECT_EQ(symbol(Unit::watt), "W");
  EXPECT_EQ(symbol(Unit::var_hour), "varh");
  EXPECT_EQ(unit_from_dlms(30), Unit::watt_hour);  // IEC 62056-6-2: 30 = Wh
  EXPECT_EQ(unit_from_dlms(35), Unit::volt);
  EXPECT_EQ(unit_from_dlms(200), std::nullopt);
  for (Unit u : {Unit::watt, Unit::var, Unit::volt_ampere, Unit::hertz, Unit::none}) {
    EXPECT_EQ(unit_from_symbol(symbol(u)), u);
  }
  EXPECT_EQ(unit_from_symbol("kW"), std::nullopt);
}

TEST(Quality, UsableAndNames) {
  EXPECT_TRUE(is_usable(Quality::good));
  EXPECT_TRUE(is_usable(Quality::backfilled));
  EXPECT_FALSE(is_usable(Quality::timeout));
  EXPECT_FALSE(is_usable(Quality::counter_jump));
  for (Quality q : {Quality::good, Quality::crc_error, Quality::not_a_number}) {
    EXPECT_EQ(quality_from_string(to_string(q)), q);
  }
  EXPECT_EQ(quality_from_string("fine"), std::nullopt);
}

TEST(Reading, FindsValueByObis) {
  Reading r;
  r.values.push_back({ObisCode(1, 1, 1, 7, 0), 1200.0, Unit::watt, Quality::good});
  r.values.push_back({ObisCode(1, 1, 32, 7, 0), 231.5, Unit::volt, Quality::good});
  ASSERT_NE(r.find(ObisCode(1, 1, 32, 7, 0)), nullptr);
  EXPECT_DOUBLE_EQ(r.find(ObisCode(1, 1, 32, 7, 0))->value, 231.5);
  EXPECT_EQ(r.find(ObisCode(1, 2, 32, 7, 0)), nullptr);
}

}  // namespace
}  // namespace meterd
