#include "drivers/modbus/word_order.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace meterd::modbus {
namespace {

using Regs = std::vector<std::uint16_t>;

// 1.2345678f is 3F 9E 06 51 big-endian; 1234.5678 is 40 93 4A 45 6D 5C FA AD.
TEST(WordOrder, Float32InEveryOrder) {
  const float v = 1.2345678f;
  const std::pair<WordOrder, Regs> cases[] = {
      {WordOrder::abcd, {0x3F9E, 0x0651}},
      {WordOrder::cdab, {0x0651, 0x3F9E}},
      {WordOrder::badc, {0x9E3F, 0x5106}},
      {WordOrder::dcba, {0x5106, 0x9E3F}},
  };
  for (const auto& [order, regs] : cases) {
    SCOPED_TRACE(to_string(order));
    EXPECT_EQ(decode_f32(regs, order), v);
    EXPECT_EQ(encode_f32(v, order), regs);
  }
}

TEST(WordOrder, Float64InEveryOrder) {
  const double v = 1234.5678;
  const std::pair<WordOrder, Regs> cases[] = {
      {WordOrder::abcd, {0x4093, 0x4A45, 0x6D5C, 0xFAAD}},
      {WordOrder::cdab, {0xFAAD, 0x6D5C, 0x4A45, 0x4093}},
      {WordOrder::badc, {0x9340, 0x454A, 0x5C6D, 0xADFA}},
      {WordOrder::dcba, {0xADFA, 0x5C6D, 0x454A, 0x9340}},
  };
  for (const auto& [order, regs] : cases) {
    SCOPED_TRACE(to_string(order));
    EXPECT_EQ(decode_f64(regs, order), v);
    EXPECT_EQ(encode_f64(v, order), regs);
  }
}

TEST(WordOrder, NanAndInfinitySurvive) {
  for (auto order : {WordOrder::abcd, WordOrder::cdab, WordOrder::badc, WordOrder::dcba}) {
    EXPECT_TRUE(
        std::isnan(decode_f32(encode_f32(std::numeric_limits<float>::quiet_NaN(), order), order)));
    EXPECT_EQ(decode_f64(encode_f64(-std::numeric_limits<double>::infinity(), order), order),
              -std::numeric_limits<double>::infinity());
  }
}

TEST(WordOrder, Names) {
  EXPECT_EQ(word_order_from_string("CDAB"), WordOrder::cdab);
  EXPECT_EQ(word_order_from_string("abcd"), WordOrder::abcd);
  EXPECT_EQ(word_order_from_string("dcba"), WordOrder::dcba);
  EXPECT_EQ(word_order_from_string("badc"), WordOrder::badc);
  EXPECT_EQ(word_order_from_string("abdc"), std::nullopt);
  EXPECT_EQ(word_order_from_string("big"), std::nullopt);
}

}  // namespace
}  // namespace meterd::modbus
