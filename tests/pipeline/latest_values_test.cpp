// LatestValues: the latest value per (meter, OBIS code), its quality and time, under concurrency.
#include "src/pipeline/latest_values.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>

namespace meterd::pipeline {
namespace {

const ObisCode kPower1{1, 1, 1, 7, 0};
const ObisCode kPower2{1, 2, 1, 7, 0};
const ObisCode kEnergy1{1, 1, 1, 8, 0};

UtcTime at(long long ms) { return UtcTime{std::chrono::milliseconds{ms}}; }

Reading reading(std::string meter, long long ms, std::vector<Value> values) {
  return Reading{std::move(meter), at(ms), TimeSync::synchronized, std::move(values)};
}

TEST(LatestValues, EmptyKnowsNothing) {
  const LatestValues cache;
  EXPECT_FALSE(cache.get("m1", kPower1));
  EXPECT_FALSE(cache.meter("m1"));
  EXPECT_TRUE(cache.snapshot().empty());
}

TEST(LatestValues, KeepsTheLatestValuePerMeterAndCode) {
  LatestValues cache;
  cache.publish(reading("m1", 1000,
                        {{kPower1, 1500.25, Unit::watt, Quality::good},
                         {kPower2, -320.5, Unit::watt, Quality::good}}));
  cache.publish(reading("m1", 2000, {{kPower1, 1490.0, Unit::watt, Quality::good}}));
  cache.publish(reading("m2", 2500, {{kEnergy1, 4.2e7, Unit::watt_hour, Quality::good}}));

  const auto p1 = cache.get("m1", kPower1);
  ASSERT_TRUE(p1);
  EXPECT_EQ(p1->value, 1490.0);
  EXPECT_EQ(p1->unit, Unit::watt);
  EXPECT_EQ(p1->time, at(2000));
  EXPECT_EQ(p1->time_sync, TimeSync::synchronized);
  // A code absent from the newer reading keeps its older value and time.
  const auto p2 = cache.get("m1", kPower2);
  ASSERT_TRUE(p2);
  EXPECT_EQ(p2->value, -320.5);
  EXPECT_EQ(p2->time, at(1000));
  EXPECT_FALSE(cache.get("m2", kPower1));

  const auto all = cache.snapshot();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].meter_id, "m1");
  EXPECT_EQ(all[0].readings, 2u);
  EXPECT_EQ(all[0].last_reading, at(2000));
  ASSERT_EQ(all[0].values.size(), 2u);
  EXPECT_EQ(all[0].values[0].obis, kPower1);  // ordered by OBIS code
  EXPECT_EQ(all[1].meter_id, "m2");
  EXPECT_EQ(all[1].values.at(0).value, 4.2e7);
}

TEST(LatestValues, AFlaggedValueReplacesAGoodOneAndStaysFlagged) {
  LatestValues cache;
  cache.publish(reading("m1", 1000, {{kEnergy1, 100.0, Unit::watt_hour, Quality::good}}));
  cache.publish(
      reading("m1", 2000, {{kEnergy1, 90.0, Unit::watt_hour, Quality::counter_regression}}));
  const auto v = cache.get("m1", kEnergy1);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->quality, Quality::counter_regression);
  EXPECT_EQ(v->value, 90.0);
  cache.publish(
      reading("m1", 3000, {{kEnergy1, std::nan(""), Unit::watt_hour, Quality::not_a_number}}));
  EXPECT_TRUE(std::isnan(cache.get("m1", kEnergy1)->value));
  EXPECT_EQ(cache.get("m1", kEnergy1)->quality, Quality::not_a_number);
}

TEST(LatestValues, ClearForgetsEverything) {
  LatestValues cache;
  cache.publish(reading("m1", 1000, {{kPower1, 1.0, Unit::watt, Quality::good}}));
  cache.clear();
  EXPECT_FALSE(cache.meter("m1"));
}

TEST(LatestValues, ReadersSeeConsistentCopiesWhileAWriterPublishes) {
  LatestValues cache;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 1; i <= 20'000; ++i) {
      // Both codes of one reading always carry the same number.
      cache.publish(reading("m1", i,
                            {{kPower1, double(i), Unit::watt, Quality::good},
                             {kPower2, double(i), Unit::watt, Quality::good}}));
    }
    done = true;
  });
  std::uint64_t last = 0;
  while (!done) {
    const auto m = cache.meter("m1");
    if (!m) continue;
    ASSERT_EQ(m->values.size(), 2u);
    EXPECT_EQ(m->values[0].value, m->values[1].value);
    EXPECT_GE(m->readings, last);  // never goes back
    last = m->readings;
  }
  writer.join();
  EXPECT_EQ(cache.meter("m1")->readings, 20'000u);
  EXPECT_EQ(cache.get("m1", kPower1)->value, 20'000.0);
}

}  // namespace
}  // namespace meterd::pipeline
