// tests/uplink/batch_codec_test.cpp: JSON and CBOR batches round-trip exactly; columns, gzip,
// idempotency keys, and malformed documents refused.
#include "src/uplink/batch_codec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "src/uplink/column_codec.hpp"
#include "src/uplink/gzip.hpp"
#include "tests/uplink/uplink_data.hpp"

namespace meterd::uplink {
namespace {

using testing::same_readings;
using testing::sample_chunk;

Batch sample_batch() {
  Batch b;
  b.gateway = "gw-7";
  b.chunks.push_back(sample_chunk(11, "bsmart-1", 0, 600));
  b.chunks.push_back(sample_chunk(12, "bsmart-2", 0, 600));
  b.chunks.push_back(sample_chunk(13, "bsmart-1", 600, 600));
  b.serials["bsmart-1"] = "21000123";
  b.events.push_back({41,
                      {testing::at_ms(testing::kT0 + 5000), "rs485-1", "bsmart-2",
                       EventKind::meter_offline, "timeout: no reply within 300 ms"}});
  return b;
}

void expect_round_trip(Encoding e) {
  const Batch b = sample_batch();
  const auto key = idempotency_key(b);
  const auto body = encode_batch(b, e, key);
  auto d = decode_batch(body, e);
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->schema, kSchemaVersion);
  EXPECT_EQ(d->gateway, "gw-7");
  EXPECT_EQ(d->key, key);
  ASSERT_EQ(d->chunks.size(), 3u);
  // Chunks are grouped by meter in order of first appearance: 11, 13 (bsmart-1), then 12.
  EXPECT_EQ(d->chunks[0].id, 11);
  EXPECT_EQ(d->chunks[1].id, 13);
  EXPECT_EQ(d->chunks[2].id, 12);
  EXPECT_EQ(d->chunks[0].serial, std::optional<std::string>("21000123"));
  EXPECT_EQ(d->chunks[2].serial, std::nullopt);
  EXPECT_EQ(d->chunks[1].window_start, b.chunks[2].window_start);
  EXPECT_EQ(d->chunks[1].sha256, chunk_hash(b.chunks[2]));
  EXPECT_TRUE(same_readings(d->chunks[0].readings, b.chunks[0].readings));
  EXPECT_TRUE(same_readings(d->chunks[1].readings, b.chunks[2].readings));
  EXPECT_TRUE(same_readings(d->chunks[2].readings, b.chunks[1].readings));
  ASSERT_EQ(d->events.size(), 1u);
  EXPECT_EQ(d->events[0], b.events[0]);
}

TEST(BatchCodec, JsonRoundTripIsExact) { expect_round_trip(Encoding::json); }
TEST(BatchCodec, CborRoundTripIsExact) { expect_round_trip(Encoding::cbor); }

TEST(BatchCodec, JsonDocumentIsReadable) {
  Batch b;
  b.gateway = "gw";
  b.chunks.push_back(sample_chunk(5, "m1", 0, 2));
  const auto body = encode_batch(b, Encoding::json, "k");
  const std::string text(body.begin(), body.end());
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["schema"], 1);
  const auto& c = j["meters"][0]["chunks"][0];
  EXPECT_EQ(c["t"][0], testing::kT0);
  EXPECT_EQ(c["t"][1], testing::kT0 + 1037);
  EXPECT_EQ(c["series"][0]["obis"], "1-1:1.7.0");
  EXPECT_EQ(c["series"][0]["unit"], "W");
  EXPECT_EQ(c["series"][2]["unit"], "Wh");
  EXPECT_EQ(c["series"][2]["v"][1], 10000002.5);
  EXPECT_FALSE(c["series"][0].contains("q"));     // all good: no quality column
  EXPECT_FALSE(c["series"][0].contains("rows"));  // in every reading: no row list
  EXPECT_FALSE(c.contains("sync"));               // all synchronized
}

TEST(BatchCodec, MissingValuesGetRowsQualityAndNull) {
  Batch b;
  b.gateway = "gw";
  b.chunks.push_back(sample_chunk(5, "m1", 0, 200));  // reading 5 timed out, 7 has no voltage
  const auto body = encode_batch(b, Encoding::json, "k");
  auto j = nlohmann::json::parse(std::string(body.begin(), body.end()));
  const auto& v = j["meters"][0]["chunks"][0]["series"][1];
  ASSERT_EQ(v["obis"], "1-1:32.7.0");
  EXPECT_EQ(v["rows"].size(), 198u);  // readings 7 and 108 have no voltage
  EXPECT_EQ(v["rows"][7], 8);
  EXPECT_TRUE(v["v"][5].is_null());
  EXPECT_EQ(v["q"][5], static_cast<int>(Quality::timeout));
  EXPECT_EQ(j["meters"][0]["chunks"][0]["sync"][3], static_cast<int>(TimeSync::unsynchronized));
}

// Readings that list their quantities in changing order, skip some, or carry one code in two
// units: the columns give exactly the readings back, one series per (OBIS code, unit).
TEST(BatchCodec, ColumnsOfIrregularReadingsAreExact) {
  const ObisCode p{1, 1, 1, 7, 0}, u{1, 1, 32, 7, 0}, e{1, 1, 1, 8, 0};
  UploadChunk c{5, "m", testing::at_ms(0), {}};
  auto add = [&](std::int64_t ms, std::vector<Value> values) {
    c.readings.push_back({"m", testing::at_ms(ms), TimeSync::synchronized, std::move(values)});
  };
  add(0, {{p, 1.0, Unit::watt, Quality::good}, {u, 230.0, Unit::volt, Quality::good}});
  add(1000, {{u, 231.0, Unit::volt, Quality::good}, {p, 2.0, Unit::watt, Quality::good}});
  add(2000, {{e, 7.0, Unit::watt_hour, Quality::good}});
  add(3000, {{p, 3.0, Unit::watt, Quality::good}, {p, 4.0, Unit::var, Quality::good}});
  const ChunkColumns cols = to_columns(c);
  ASSERT_EQ(cols.series.size(), 4u);  // W, V, Wh, and the same code in another unit
  EXPECT_EQ(cols.series[0].rows, (std::vector<std::uint32_t>{0, 1, 3}));
  EXPECT_EQ(cols.series[0].values, (std::vector<double>{1.0, 2.0, 3.0}));
  EXPECT_EQ(cols.series[3].unit, Unit::var);
  const auto back = to_readings(cols, "m");
  ASSERT_EQ(back.size(), 4u);
  // Values come back in series order; compare as sets per reading.
  for (std::size_t r = 0; r < back.size(); ++r) {
    auto want = c.readings[r].values, got = back[r].values;
    auto by_key = [](const Value& a, const Value& b) {
      return std::pair(a.obis.packed(), a.unit) < std::pair(b.obis.packed(), b.unit);
    };
    std::sort(want.begin(), want.end(), by_key);
    std::sort(got.begin(), got.end(), by_key);
    EXPECT_EQ(got, want) << "reading " << r;
  }
}

TEST(ColumnCodec, PicksTheExactCompactEncoding) {
  const std::vector<double> decimal{230.1, 230.2, 229.9};
  EXPECT_EQ(encode_value_column(decimal)["e"], "dec");
  EXPECT_EQ(encode_value_column(decimal)["k"], 1);
  const std::vector<double> kw{static_cast<double>(1.234f) * 1000.0,
                               static_cast<double>(1.2351f) * 1000.0};
  EXPECT_EQ(encode_value_column(kw)["e"], "f32");
  EXPECT_EQ(encode_value_column(kw)["s"], 1000);
  const std::vector<double> odd{std::sqrt(2.0), -0.0, std::numeric_limits<double>::infinity(),
                                std::nan("0x123")};
  auto j = encode_value_column(odd);
  EXPECT_EQ(j["e"], "f64");
  auto back = decode_value_column(j, odd.size());
  ASSERT_TRUE(back);
  for (std::size_t i = 0; i < odd.size(); ++i)
    EXPECT_EQ(std::bit_cast<std::uint64_t>((*back)[i]), std::bit_cast<std::uint64_t>(odd[i]));
  auto kw_back = decode_value_column(encode_value_column(kw), kw.size());
  ASSERT_TRUE(kw_back);
  EXPECT_EQ(*kw_back, kw);
}

TEST(ColumnCodec, DeltasRoundTripWrapping) {
  const std::vector<std::int64_t> ints{std::numeric_limits<std::int64_t>::min(), 0, -5,
                                       std::numeric_limits<std::int64_t>::max(), 7};
  auto back = decode_deltas(encode_deltas(ints), ints.size());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, ints);
  EXPECT_EQ(encode_deltas(std::vector<std::int64_t>{1000, 2001, 2999}),
            nlohmann::json({1000, 1001, 998}));
}

TEST(ColumnCodec, RefusesWrongLengthsAndEncodings) {
  auto j = encode_value_column(std::vector<double>{1.5, std::sqrt(3.0)});
  EXPECT_FALSE(decode_value_column(j, 3));
  EXPECT_FALSE(decode_value_column(nlohmann::json{{"e", "zip"}}, 0));
  EXPECT_FALSE(decode_value_column(nlohmann::json{{"e", "dec"}, {"k", 9}, {"d", {1}}}, 1));
  EXPECT_FALSE(decode_deltas(nlohmann::json{1, "x"}, 2));
}

TEST(BatchCodec, RefusesMalformedDocuments) {
  auto refuse = [](const std::string& text) {
    std::vector<std::uint8_t> b(text.begin(), text.end());
    return !decode_batch(b, Encoding::json);
  };
  EXPECT_TRUE(refuse("{"));
  EXPECT_TRUE(refuse(R"({"schema":2,"gateway":"g","key":"k","meters":[]})"));
  EXPECT_TRUE(refuse(R"({"schema":1,"gateway":"g","key":"k"})"));
  EXPECT_TRUE(
      refuse(R"({"schema":1,"gateway":"g","key":"k","meters":[{"id":"m","chunks":[{"id":1,)"
             R"("window_start":0,"sha256":"x","t":[1,2],"series":[{"obis":"1.7.0","unit":"W",)"
             R"("v":[1.0]}]}]}]})"));  // one value for two readings
  EXPECT_TRUE(
      refuse(R"({"schema":1,"gateway":"g","key":"k","meters":[{"id":"m","chunks":[{"id":1,)"
             R"("window_start":0,"sha256":"x","t":[1,2],"series":[{"obis":"1.7.0","unit":"W",)"
             R"("rows":[1,1],"v":[1.0,2.0]}]}]}]})"));  // rows not increasing
  const std::vector<std::uint8_t> junk{0xff, 0x00, 0x13};
  EXPECT_FALSE(decode_batch(junk, Encoding::cbor));
}

TEST(BatchCodec, ContentTypes) {
  EXPECT_EQ(encoding_from_content_type("application/json; charset=utf-8"), Encoding::json);
  EXPECT_EQ(encoding_from_content_type(kCborContentType), Encoding::cbor);
  EXPECT_EQ(encoding_from_content_type("text/plain"), std::nullopt);
  EXPECT_EQ(content_type(Encoding::cbor), kCborContentType);
}

TEST(IdempotencyKey, DependsOnContentOnly) {
  const Batch a = sample_batch();
  Batch b = sample_batch();
  EXPECT_EQ(idempotency_key(a), idempotency_key(b));
  EXPECT_EQ(idempotency_key(a).size(), 64u);
  b.chunks[1].readings[3].values[0].value += 1.0;
  EXPECT_NE(idempotency_key(a), idempotency_key(b));
  Batch c = sample_batch();
  c.gateway = "gw-8";
  EXPECT_NE(idempotency_key(a), idempotency_key(c));
  Batch d = sample_batch();
  d.chunks.pop_back();
  EXPECT_NE(idempotency_key(a), idempotency_key(d));
  Batch e = sample_batch();
  e.serials.clear();  // serial numbers are descriptive, not identity
  EXPECT_EQ(idempotency_key(a), idempotency_key(e));
  Batch f = sample_batch();
  f.events[0].id = 42;  // the same event text stored twice is two events
  EXPECT_NE(idempotency_key(a), idempotency_key(f));
  Batch g = sample_batch();
  g.events[0].event.detail += ".";
  EXPECT_NE(idempotency_key(a), idempotency_key(g));
  Batch h = sample_batch();
  h.events.clear();
  EXPECT_NE(idempotency_key(a), idempotency_key(h));
}

// The example of docs/uplink.md ("Example"): its chunk hash, key and document sizes are these, so
// a receiver written from the page can check itself against them.
TEST(IdempotencyKey, TheDocumentedExample) {
  Batch b;
  b.gateway = "gw-0042";
  UploadChunk c;
  c.id = 17;
  c.meter = "bsmart-1";
  c.window_start = testing::at_ms(1'763'700'000'000);
  const ObisCode power{1, 1, 1, 7, 0}, voltage{1, 1, 32, 7, 0}, energy{1, 1, 1, 8, 0};
  c.readings.push_back({"bsmart-1",
                        testing::at_ms(1'763'700'000'012),
                        TimeSync::synchronized,
                        {{power, static_cast<double>(10.137f) * 1000.0, Unit::watt, Quality::good},
                         {voltage, 230.1, Unit::volt, Quality::good},
                         {energy, 1234567.5, Unit::watt_hour, Quality::good}}});
  c.readings.push_back({"bsmart-1",
                        testing::at_ms(1'763'700'001'037),
                        TimeSync::synchronized,
                        {{power, static_cast<double>(10.142f) * 1000.0, Unit::watt, Quality::good},
                         {voltage, 230.2, Unit::volt, Quality::out_of_range},
                         {energy, 1234570.0, Unit::watt_hour, Quality::good}}});
  b.chunks.push_back(c);
  b.serials["bsmart-1"] = "21000123";
  b.events.push_back({41,
                      {testing::at_ms(1'763'700'005'000), "rs485-1", "bsmart-2",
                       EventKind::meter_offline, "timeout: no reply within 300 ms"}});
  EXPECT_EQ(chunk_hash(c), "e95509c09f8d1a80b13cdae4e3abbc670b8adb108cf7e183c2fe0aba1b87d7e2");
  const auto key = idempotency_key(b);
  EXPECT_EQ(key, "bec4755a51704ef76dc4635d5c4e6a817562c7a70be0efc287b3e95363a7e78c");
  EXPECT_EQ(encode_batch(b, Encoding::json, key).size(), 664u);
  EXPECT_EQ(encode_batch(b, Encoding::cbor, key).size(), 519u);
  std::vector<std::string> hashes;  // the chunk hashes computed once for key and document
  EXPECT_EQ(idempotency_key(b, &hashes), key);
  EXPECT_EQ(hashes, std::vector<std::string>{chunk_hash(c)});
  EXPECT_EQ(encode_batch(b, Encoding::cbor, key, hashes), encode_batch(b, Encoding::cbor, key));
}

TEST(Gzip, RoundTripAndBounds) {
  const Batch b = sample_batch();
  const auto body = encode_batch(b, Encoding::cbor, idempotency_key(b));
  auto gz = gzip_compress(body);
  ASSERT_TRUE(gz);
  EXPECT_LT(gz->size(), body.size());
  EXPECT_EQ((*gz)[0], 0x1f);  // RFC 1952 §2.3.1 ID1 ID2
  EXPECT_EQ((*gz)[1], 0x8b);
  auto back = gzip_decompress(*gz, body.size());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, body);
  EXPECT_TRUE(gzip_decompress(*gz, body.size() - 1).error().is(Errc::out_of_range));
  std::vector<std::uint8_t> cut(gz->begin(), gz->begin() + static_cast<long>(gz->size() / 2));
  EXPECT_FALSE(gzip_decompress(cut, body.size()));
}

TEST(BatchCodec, CborIsSmallerThanJsonOnTheWire) {
  const Batch b = sample_batch();
  const auto key = idempotency_key(b);
  const auto json_gz = gzip_compress(encode_batch(b, Encoding::json, key)).value();
  const auto cbor_gz = gzip_compress(encode_batch(b, Encoding::cbor, key)).value();
  const double values = static_cast<double>(value_count(b));
  EXPECT_LT(static_cast<double>(cbor_gz.size()) / values, 3.0);
  EXPECT_LT(cbor_gz.size(), json_gz.size());
}

}  // namespace
}  // namespace meterd::uplink
