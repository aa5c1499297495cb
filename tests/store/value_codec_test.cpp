#include "src/store/value_codec.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>

namespace meterd::store {
namespace {

std::vector<std::uint8_t> encode(const std::vector<double>& v) {
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  encode_values(v, w);
  return out;
}

void expect_round_trip(const std::vector<double>& v) {
  auto bytes = encode(v);
  ByteReader in(bytes);
  std::vector<double> back;
  ASSERT_TRUE(decode_values(in, v.size(), back)) << "size " << v.size();
  EXPECT_TRUE(in.at_end());
  ASSERT_EQ(back.size(), v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(std::bit_cast<std::uint64_t>(back[i]), std::bit_cast<std::uint64_t>(v[i]))
        << "at " << i;
  }
}

ValueEncoding chosen(const std::vector<double>& v) {
  return static_cast<ValueEncoding>(encode(v).at(0));
}

TEST(ValueCodec, ConstantSeriesIsEightBytes) {
  std::vector<double> v(600, 230.0);
  EXPECT_EQ(encode(v).size(), 9u);
  EXPECT_EQ(chosen(v), ValueEncoding::constant);
  expect_round_trip(v);
  expect_round_trip({});
}

TEST(ValueCodec, SpecialValuesRoundTripBitExactly) {
  const double nan_payload = std::bit_cast<double>(std::uint64_t{0x7ff8000000000123});
  std::vector<double> v{1.5,
                        std::numeric_limits<double>::quiet_NaN(),
                        nan_payload,
                        std::numeric_limits<double>::infinity(),
                        -std::numeric_limits<double>::infinity(),
                        -0.0,
                        0.0,
                        std::numeric_limits<double>::denorm_min(),
                        std::numeric_limits<double>::max(),
                        -std::numeric_limits<double>::max(),
                        1e-300};
  expect_round_trip(v);
}

TEST(ValueCodec, BigJumpsRoundTrip) {
  std::vector<double> v;
  for (int i = 0; i < 200; ++i) v.push_back(i % 7 == 0 ? 1e15 : (i % 5 == 0 ? -3.0e-9 : 42.0 + i));
  expect_round_trip(v);
  std::vector<double> d{0.0, 9007199254740991.0, -9007199254740991.0, 0.0};  // +-(2^53 - 1)
  expect_round_trip(d);
}

TEST(ValueCodec, Float32ValuesUseThe32BitPattern) {
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 0.2f);
  std::vector<double> volts, watts;
  for (int i = 0; i < 600; ++i) {
    const float u = 230.0f + noise(rng);
    volts.push_back(static_cast<double>(u));
    const float kw = 12.5f + noise(rng);  // a meter's kW, converted to W at the driver
    watts.push_back(static_cast<double>(kw) * 1000.0);
  }
  EXPECT_EQ(chosen(volts), ValueEncoding::float32);
  EXPECT_EQ(chosen(watts), ValueEncoding::float32);
  EXPECT_LT(encode(volts).size(), 600u * 3);  // well under the 8 bytes of a raw double
  expect_round_trip(volts);
  expect_round_trip(watts);
}

TEST(ValueCodec, DecimalCountersUseDeltaOfDelta) {
  std::vector<double> wh;
  for (int i = 0; i < 600; ++i) wh.push_back(123456789.0 + 250.0 * i);  // a steady energy counter
  EXPECT_EQ(chosen(wh), ValueEncoding::decimal);
  EXPECT_LT(encode(wh).size(), 120u);
  expect_round_trip(wh);
  std::vector<double> tenths{579.1, 563.2, 0.1, -12.3, 1e6 + 0.5};
  expect_round_trip(tenths);
}

TEST(ValueCodec, FullPrecisionCountersUseOrderedIntegers) {
  std::mt19937 rng(3);
  std::normal_distribution<double> power(5000.0, 50.0);
  std::vector<double> wh{4.2e7};
  for (int i = 1; i < 600; ++i)
    wh.push_back(wh.back() + power(rng) / 3600.0);  // integrated each second
  EXPECT_EQ(chosen(wh), ValueEncoding::ordered64);
  EXPECT_LT(encode(wh).size(), 600u * 4);  // half of raw doubles: ~22 bits of noise per step remain
  expect_round_trip(wh);
  std::vector<double> mixed{-2.0, -1.0, -0.0,   0.0,
                            1.0,  2.0,  -1e300, 1e300};  // both signs in order space
  expect_round_trip(mixed);
}

TEST(ValueCodec, IntegersRoundTripAtTheExtremes) {
  std::vector<std::int64_t> v{0,
                              std::numeric_limits<std::int64_t>::max(),
                              std::numeric_limits<std::int64_t>::min(),
                              -1,
                              1,
                              5,
                              5,
                              5};
  for (std::size_t n = 0; n <= v.size(); ++n) {
    std::vector<std::int64_t> part(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
    std::vector<std::uint8_t> out;
    ByteWriter w(out);
    encode_ints(part, w);
    ByteReader in(out);
    std::vector<std::int64_t> back;
    ASSERT_TRUE(decode_ints(in, n, back));
    EXPECT_EQ(back, part);
    EXPECT_TRUE(in.at_end());
  }
}

TEST(ValueCodec, TruncatedInputIsAnErrorNotACrash) {
  std::vector<double> v;
  for (int i = 0; i < 100; ++i) v.push_back(std::sin(i) * 1000.0);
  auto bytes = encode(v);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    std::span<const std::uint8_t> part(bytes.data(), cut);
    ByteReader in(part);
    std::vector<double> back;
    auto r = decode_values(in, v.size(), back);
    ASSERT_FALSE(r) << "cut at " << cut;
    EXPECT_TRUE(r.error().is(Errc::parse_error));
  }
}

}  // namespace
}  // namespace meterd::store
