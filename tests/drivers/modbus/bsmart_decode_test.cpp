#include "drivers/modbus/bsmart_decode.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace meterd::modbus {
namespace {

const RegisterDef& reg(std::uint16_t address) { return *find_register(address); }

Value decode(std::uint16_t address, double wire, DecodeOptions opt = {}) {
  const RegisterDef& def = reg(address);
  const auto regs = def.type == RegType::f32 ? encode_f32(static_cast<float>(wire), opt.word_order)
                                             : encode_f64(wire, opt.word_order);
  return decode_value(def, regs, opt).value();
}

TEST(BsmartDecode, ScalesKiloUnitsToSi) {
  EXPECT_DOUBLE_EQ(decode(0x211A, 1.5).value, 1500.0);  // kW -> W
  EXPECT_EQ(decode(0x211A, 1.5).unit, Unit::watt);
  EXPECT_DOUBLE_EQ(decode(0x2122, -0.25).value, -250.0);          // kvar -> var, signed
  EXPECT_DOUBLE_EQ(decode(0x3004, 12345.678).value, 12345678.0);  // kWh -> Wh
  EXPECT_EQ(decode(0x3004, 12345.678).unit, Unit::watt_hour);
  EXPECT_FLOAT_EQ(static_cast<float>(decode(0x2100, 231.2).value), 231.2f);
}

TEST(BsmartDecode, NanAndInfinityAreFlaggedAndStayNan) {
  const Value nan = decode(0x2100, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(nan.quality, Quality::not_a_number);
  EXPECT_TRUE(std::isnan(nan.value));
  const Value inf = decode(0x3004, std::numeric_limits<double>::infinity());
  EXPECT_EQ(inf.quality, Quality::not_a_number);
  EXPECT_TRUE(std::isnan(inf.value));
  const Value minf = decode(0x211A, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(minf.quality, Quality::not_a_number);
}

TEST(BsmartDecode, OutOfRangeIsFlaggedAndKeepsItsValue) {
  struct Case {
    std::uint16_t address;
    double wire;
    Quality want;
  };
  const Case cases[] = {
      {0x2100, 230.0, Quality::good},         {0x2100, 500.1, Quality::out_of_range},
      {0x2100, -1.0, Quality::out_of_range},  {0x2106, 400.0, Quality::good},
      {0x2106, 900.0, Quality::out_of_range}, {0x210C, 80.0, Quality::good},
      {0x210C, -20.0, Quality::good},         {0x210C, 160.5, Quality::out_of_range},
      {0x2134, 50.0, Quality::good},          {0x2134, 39.9, Quality::out_of_range},
      {0x2134, 70.1, Quality::out_of_range},  {0x2132, -1.0, Quality::good},
      {0x2132, 1.005, Quality::good},         {0x2132, 1.02, Quality::out_of_range},
      {0x212C, -1.2, Quality::out_of_range},  {0x211A, -80.0, Quality::good},
      {0x211A, 81.0, Quality::out_of_range},  {0x212A, -0.5, Quality::out_of_range},
      {0x3004, -0.01, Quality::out_of_range}, {0x3000, -5.0, Quality::good},
      {0x3004, 0.0, Quality::good},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::to_string(c.address) + " " + std::to_string(c.wire));
    const Value v = decode(c.address, c.wire);
    EXPECT_EQ(v.quality, c.want);
    EXPECT_NEAR(v.value, static_cast<float>(c.wire) * reg(c.address).scale, 1e-3);
  }
}

TEST(BsmartDecode, LimitsAreConfigurable) {
  DecodeOptions opt;
  opt.limits.max_current_a = 100.0;
  EXPECT_EQ(decode(0x210C, 120.0, opt).quality, Quality::out_of_range);
  opt.limits.max_current_a = 200.0;
  EXPECT_EQ(decode(0x210C, 120.0, opt).quality, Quality::good);
}

TEST(BsmartDecode, WrongRegisterCountIsAnError) {
  const std::uint16_t one[] = {0};
  auto r = decode_value(reg(0x2100), one, {});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::invalid_argument));
}

TEST(BsmartDecode, SinglePhaseEmitsPhaseAAndTotalsOnly) {
  EXPECT_TRUE(emitted(reg(0x2100), 1));   // voltage A
  EXPECT_FALSE(emitted(reg(0x2102), 1));  // voltage B
  EXPECT_FALSE(emitted(reg(0x2106), 1));  // line voltage AB
  EXPECT_FALSE(emitted(reg(0x2112), 1));  // neutral current
  EXPECT_TRUE(emitted(reg(0x211A), 1));   // total active power
  EXPECT_TRUE(emitted(reg(0x2134), 1));   // frequency
  EXPECT_FALSE(emitted(reg(0x3034), 1));  // energy phase B
  EXPECT_TRUE(emitted(reg(0x301C), 1));   // energy phase A
  EXPECT_TRUE(emitted(reg(0x2102), 3));
  EXPECT_TRUE(emitted(reg(0x2112), 3));
}

TEST(BsmartDecode, SerialNumberAsAscii) {
  // "BS2301000042" padded with NULs.
  const std::uint16_t regs[] = {0x4253, 0x3233, 0x3031, 0x3030, 0x3030, 0x3432, 0x0000};
  EXPECT_EQ(decode_serial(regs).value(), "BS2301000042");
  const std::uint16_t spaced[] = {0x2020, 0x4142, 0x4344, 0x2020, 0, 0, 0};
  EXPECT_EQ(decode_serial(spaced).value(), "ABCD");
}

TEST(BsmartDecode, SerialNumberAsBcd) {
  const std::uint16_t regs[] = {0x0000, 0x0000, 0x0000, 0x0012, 0x3456, 0x7890, 0x1234};
  EXPECT_EQ(decode_serial(regs).value(),
            "1234567890"
            "1234");
}

TEST(BsmartDecode, SerialNumberOtherwiseDecimal) {
  const std::uint16_t regs[] = {1, 2, 3, 4, 5, 6, 0xFFFF};
  EXPECT_EQ(decode_serial(regs).value(), "00001000020000300004000050000665535");
}

TEST(BsmartDecode, UnsetSerialNumberIsEmpty) {
  const std::uint16_t zero[7] = {};
  EXPECT_EQ(decode_serial(zero).value(), "");
  const std::uint16_t ones[] = {0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF};
  EXPECT_EQ(decode_serial(ones).value(), "");
  const std::uint16_t spaces[] = {0x2020, 0x2020, 0x2020, 0x2020, 0x2020, 0x2020, 0x2020};
  EXPECT_EQ(decode_serial(spaces).value(), "");
  const std::uint16_t short_regs[6] = {};
  EXPECT_TRUE(decode_serial(short_regs).error().is(Errc::invalid_argument));
}

}  // namespace
}  // namespace meterd::modbus
