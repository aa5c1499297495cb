#include "src/store/chunk_codec.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

namespace meterd::store {
namespace {

const ObisCode kPower{1, 1, 1, 7, 0};
const ObisCode kVoltage{1, 1, 32, 7, 0};
const ObisCode kEnergy{1, 1, 1, 8, 0};

UtcTime at_ms(std::int64_t ms) { return UtcTime{std::chrono::milliseconds{ms}}; }

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

void expect_same(const std::vector<Reading>& a, const std::vector<Reading>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].meter_id, b[i].meter_id);
    EXPECT_EQ(a[i].time, b[i].time);
    EXPECT_EQ(a[i].time_sync, b[i].time_sync);
    ASSERT_EQ(a[i].values.size(), b[i].values.size()) << "row " << i;
    for (std::size_t k = 0; k < a[i].values.size(); ++k) {
      const auto& x = a[i].values[k];
      const auto& y = b[i].values[k];
      EXPECT_EQ(x.obis, y.obis);
      EXPECT_EQ(x.unit, y.unit);
      EXPECT_EQ(x.quality, y.quality);
      EXPECT_TRUE(same_bits(x.value, y.value)) << "row " << i << " value " << k;
    }
  }
}

std::vector<Reading> round_trip(const std::vector<Reading>& in) {
  auto bytes = encode_chunk(chunk_from_readings(in));
  EXPECT_TRUE(bytes);
  auto d = decode_chunk(*bytes);
  EXPECT_TRUE(d) << d.error().message();
  return readings_from_chunk(*d, "m1");
}

TEST(ChunkCodec, TwoPollGroupsMissingValuesAndQualitiesRoundTrip) {
  std::vector<Reading> in;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int i = 0; i < 600; ++i) {
    Reading r{"m1", at_ms(1'700'000'000'000 + 1000 * i + (i % 3)), TimeSync::synchronized, {}};
    if (i == 100) r.time_sync = TimeSync::unsynchronized;
    if (i % 60 == 0) {
      r.values.push_back(
          {kEnergy, 1e9 + 17.0 * i, Unit::watt_hour, Quality::good});  // another group
    } else if (i == 250) {
      r.values.push_back({kPower, nan, Unit::watt, Quality::timeout});  // a missed poll
      r.values.push_back({kVoltage, nan, Unit::volt, Quality::timeout});
    } else if (i != 300) {  // row 300 reports nothing at all
      r.values.push_back({kPower, static_cast<double>(static_cast<float>(1234.5 + i)) * 1000.0,
                          Unit::watt, i == 400 ? Quality::out_of_range : Quality::good});
      r.values.push_back({kVoltage, i == 500 ? std::numeric_limits<double>::infinity() : 230.25,
                          Unit::volt, i == 500 ? Quality::not_a_number : Quality::good});
    }
    in.push_back(r);
  }
  expect_same(in, round_trip(in));
}

TEST(ChunkCodec, RepeatedCodeInOneReadingAndClockStepsBack) {
  std::vector<Reading> in{
      {"m1",
       at_ms(5000),
       TimeSync::corrected,
       {{kPower, 1.0, Unit::watt, Quality::good}, {kPower, 2.0, Unit::watt, Quality::estimated}}},
      {"m1", at_ms(1000), TimeSync::meter, {{kPower, -0.0, Unit::watt, Quality::backfilled}}},
      {"m1", at_ms(1000), TimeSync::meter, {}},
      {"m1",
       at_ms(-86'400'000),
       TimeSync::synchronized,
       {{kPower, 3.0, Unit::none, Quality::counter_jump}}},
  };
  expect_same(in, round_trip(in));
}

TEST(ChunkCodec, IdenticalColumnsAreStoredOnceAndDecodeAlone) {
  const ObisCode total{1, 1, 15, 8, 0};
  std::vector<Reading> in;
  for (int i = 0; i < 600; ++i) {
    const double wh = 4.2e7 + 1.37 * i + 1e-3 * (i % 11);
    in.push_back(
        {"m1",
         at_ms(1000 * i),
         TimeSync::synchronized,
         {{kEnergy, wh, Unit::watt_hour, Quality::good},
          {ObisCode{1, 1, 2, 8, 0}, 0.0, Unit::watt_hour, Quality::good},
          {total, wh + 0.0, Unit::watt_hour, i == 7 ? Quality::estimated : Quality::good}}});
  }
  auto with_copy = encode_chunk(chunk_from_readings(in)).value();
  std::vector<Reading> without = in;
  for (auto& r : without) r.values.pop_back();
  auto base = encode_chunk(chunk_from_readings(without)).value();
  EXPECT_LT(with_copy.size(),
            base.size() + 24);  // the copy costs its header, quality runs, a reference
  expect_same(in, round_trip(in));
  auto only = decode_chunk(with_copy, total).value();
  ASSERT_EQ(only.columns.size(), 1u);
  EXPECT_EQ(only.columns[0].values, chunk_from_readings(in).columns[0].values);
  EXPECT_EQ(only.columns[0].qualities[7], Quality::estimated);
}

TEST(ChunkCodec, EmptyChunkRoundTrips) {
  std::vector<Reading> none;
  EXPECT_TRUE(round_trip(none).empty());
}

TEST(ChunkCodec, DecodesOneColumnOnly) {
  std::vector<Reading> in;
  for (int i = 0; i < 10; ++i) {
    in.push_back({"m1",
                  at_ms(1000 * i),
                  TimeSync::synchronized,
                  {{kPower, 100.0 + i, Unit::watt, Quality::good},
                   {kVoltage, 230.0, Unit::volt, Quality::good}}});
  }
  auto bytes = encode_chunk(chunk_from_readings(in)).value();
  auto d = decode_chunk(bytes, kVoltage).value();
  ASSERT_EQ(d.columns.size(), 1u);
  EXPECT_EQ(d.columns[0].obis, kVoltage);
  EXPECT_EQ(d.columns[0].values.size(), 10u);
  EXPECT_EQ(d.times_ms.size(), 10u);
}

TEST(ChunkCodec, RejectsUnknownVersionTruncationAndTrailingBytes) {
  std::vector<Reading> in{
      {"m1", at_ms(0), TimeSync::synchronized, {{kPower, 1.0, Unit::watt, Quality::good}}}};
  auto bytes = encode_chunk(chunk_from_readings(in)).value();
  auto v2 = bytes;
  v2[0] = 2;
  auto r = decode_chunk(v2);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::unsupported));
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(decode_chunk(std::span<const std::uint8_t>(bytes.data(), cut))) << cut;
  }
  auto longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(decode_chunk(longer));
}

TEST(ChunkCodec, EncoderRejectsInconsistentData) {
  ChunkData d;
  d.times_ms = {1, 2};
  d.time_sync = {TimeSync::synchronized, TimeSync::synchronized};
  d.columns.push_back({kPower, Unit::watt, {1, 0}, {1.0, 2.0}, {Quality::good, Quality::good}});
  EXPECT_FALSE(encode_chunk(d));
  d.columns[0].rows = {0, 2};
  EXPECT_FALSE(encode_chunk(d));
  d.columns[0].rows = {0, 1};
  EXPECT_TRUE(encode_chunk(d));
}

}  // namespace
}  // namespace meterd::store
