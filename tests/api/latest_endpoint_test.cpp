// tests/api/latest_endpoint_test.cpp: the fast latest-values answer is byte for byte the
// reference JSON (json_views.hpp latest_json()) over many values and clock positions; a publish
// shows at once; the meter list is reused for at most its ttl; concurrent callers are safe.
// In-memory sources and a ManualClock (the behaviour is pure).
#include "src/api/latest_endpoint.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "src/api/json_views.hpp"

namespace meterd::api {
namespace {

using namespace std::chrono_literals;

class FakeMeters final : public MeterStatusSource {
 public:
  std::vector<MeterEntry> meters() const override {
    const std::lock_guard lock(mutex);
    ++calls;
    return list;
  }
  mutable std::mutex mutex;
  mutable int calls = 0;
  std::vector<MeterEntry> list;
};

class FakeLatest final : public LatestSource {
 public:
  std::optional<std::vector<LatestSample>> latest(std::string_view meter_id) const override {
    const std::lock_guard lock(mutex);
    const auto it = values.find(std::string{meter_id});
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  void set(const std::string& id, std::vector<LatestSample> v) {
    const std::lock_guard lock(mutex);
    values[id] = std::move(v);
  }
  mutable std::mutex mutex;
  std::map<std::string, std::vector<LatestSample>> values;
};

MeterEntry entry(std::string id, bool online, std::chrono::milliseconds poll,
                 std::chrono::milliseconds energy) {
  MeterEntry e;
  e.status.meter_id = std::move(id);
  e.status.online = online;
  e.poll_interval = poll;
  e.energy_interval = energy;
  return e;
}

const UtcTime kStart{std::chrono::milliseconds{1'795'000'000'123}};

struct Fixture {
  Fixture() {
    meters.list = {entry("grid", true, 1s, 60s), entry("pv \"roof\"/é", false, 1500ms, 900s),
                   entry("silent", true, 1s, 60s)};
  }
  std::string reference(std::size_t meter) const {
    const auto& m = meters.list.at(meter);
    const auto v = latest.latest(m.status.meter_id);
    return latest_json(m, v ? *v : std::vector<LatestSample>{}, clock.utc_now()).dump();
  }
  ManualClock clock{kStart};
  FakeMeters meters;
  FakeLatest latest;
};

TEST(LatestEndpoint, SameBytesAsTheReferenceJsonOverManyValuesAndTimes) {
  Fixture f;
  LatestEndpoint endpoint(f.clock, f.meters, f.latest);
  std::mt19937_64 rng(7);
  const std::array units{Unit::watt,    Unit::watt_hour, Unit::volt,
                         Unit::celsius, Unit::none,      Unit::percent};
  const std::array qualities{Quality::good, Quality::timeout, Quality::estimated,
                             Quality::not_a_number};
  const std::array specials{std::numeric_limits<double>::quiet_NaN(),
                            std::numeric_limits<double>::infinity(),
                            -0.0,
                            0.1,
                            1e-7,
                            1e21,
                            -123456.789,
                            230.4};
  for (int round = 0; round < 300; ++round) {
    std::vector<LatestSample> values;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      LatestSample s;
      s.obis =
          ObisCode{1, static_cast<std::uint8_t>(1 + rng() % 2), static_cast<std::uint8_t>(1 + i),
                   static_cast<std::uint8_t>(rng() % 2 ? 7 : 8), 0};
      s.value = rng() % 3 == 0 ? specials[rng() % specials.size()]
                               : std::ldexp(static_cast<double>(rng() % 1'000'000) - 5e5,
                                            static_cast<int>(rng() % 20) - 10);
      s.unit = units[rng() % units.size()];
      s.quality = qualities[rng() % qualities.size()];
      // Ages from -5 s (a meter clock ahead) to about a day, at millisecond resolution.
      s.time = f.clock.utc_now() -
               std::chrono::milliseconds(static_cast<long long>(rng() % 90'000'000) - 5000);
      values.push_back(s);
    }
    f.latest.set("grid", values);
    f.latest.set("pv \"roof\"/é", values);
    for (std::size_t m = 0; m < 2; ++m) {
      const auto r = endpoint.respond(f.meters.list[m].status.meter_id);
      ASSERT_EQ(r.status, 200u);
      EXPECT_EQ(r.content_type, "application/json");
      ASSERT_EQ(r.body, f.reference(m)) << "round " << round;
    }
    // Same values later: served from the serialised pieces, ages and staleness moved on.
    f.clock.advance(std::chrono::milliseconds(static_cast<long long>(rng() % 400'000)));
    ASSERT_EQ(endpoint.respond("grid").body, f.reference(0)) << "round " << round;
  }
  EXPECT_GT(endpoint.hits(), 250u);
}

TEST(LatestEndpoint, NoReadingYetAndUnknownMeter) {
  Fixture f;
  LatestEndpoint endpoint(f.clock, f.meters, f.latest);
  const auto silent = endpoint.respond("silent");
  EXPECT_EQ(silent.status, 200u);
  EXPECT_EQ(silent.body, f.reference(2));
  EXPECT_EQ(nlohmann::json::parse(silent.body)["values"].size(), 0u);
  const auto unknown = endpoint.respond("nope");
  EXPECT_EQ(unknown.status, 404u);
  const auto body = nlohmann::json::parse(unknown.body);
  EXPECT_EQ(body["error"], "unknown_meter");
  EXPECT_EQ(body["detail"], "no meter 'nope' is configured");
}

TEST(LatestEndpoint, APublishedValueShowsAtOnce) {
  Fixture f;
  LatestEndpoint endpoint(f.clock, f.meters, f.latest);
  LatestSample power{ObisCode{1, 1, 1, 7, 0}, 1000.0, Unit::watt, Quality::good, kStart};
  f.latest.set("grid", {power});
  EXPECT_EQ(endpoint.respond("grid").body, f.reference(0));
  EXPECT_EQ(endpoint.respond("grid").body, f.reference(0));
  EXPECT_EQ(endpoint.misses(), 1u);
  EXPECT_EQ(endpoint.hits(), 1u);
  // No clock movement at all: a new value, a new quality, a new time each show on the next call.
  power.value = 1001.0;
  f.latest.set("grid", {power});
  EXPECT_NE(endpoint.respond("grid").body.find("\"value\":1001.0"), std::string::npos);
  power.quality = Quality::timeout;
  power.value = std::numeric_limits<double>::quiet_NaN();
  f.latest.set("grid", {power});
  const auto flagged = nlohmann::json::parse(endpoint.respond("grid").body)["values"][0];
  EXPECT_EQ(flagged["quality"], "timeout");
  EXPECT_TRUE(flagged["value"].is_null());
  EXPECT_EQ(endpoint.respond("grid").body, f.reference(0));  // NaN == NaN for the cache
  EXPECT_EQ(endpoint.misses(), 3u);
  // A stale value is flagged by the clock alone, from cached pieces.
  f.clock.advance(3001ms);
  const auto stale = nlohmann::json::parse(endpoint.respond("grid").body)["values"][0];
  EXPECT_TRUE(stale["stale"].get<bool>());
  EXPECT_DOUBLE_EQ(stale["age_s"].get<double>(), 3.001);
  EXPECT_EQ(endpoint.misses(), 3u);
}

TEST(LatestEndpoint, MeterListIsReusedForAtMostItsTtl) {
  Fixture f;
  LatestEndpoint endpoint(f.clock, f.meters, f.latest, 100ms);
  EXPECT_EQ(nlohmann::json::parse(endpoint.respond("grid").body)["online"], true);
  EXPECT_EQ(f.meters.calls, 1);
  {
    const std::lock_guard lock(f.meters.mutex);
    f.meters.list[0].status.online = false;
    f.meters.list.push_back(entry("new", true, 1s, 60s));
  }
  f.clock.advance(99ms);
  EXPECT_EQ(nlohmann::json::parse(endpoint.respond("grid").body)["online"], true);
  EXPECT_EQ(endpoint.respond("new").status, 404u);
  EXPECT_EQ(f.meters.calls, 1);
  f.clock.advance(1ms);
  EXPECT_EQ(nlohmann::json::parse(endpoint.respond("grid").body)["online"], false);
  EXPECT_EQ(endpoint.respond("new").status, 200u);
  EXPECT_EQ(f.meters.calls, 2);
  // A changed poll interval (config reload) re-serialises stale_after_s.
  LatestSample v{ObisCode{1, 1, 1, 7, 0}, 5.0, Unit::watt, Quality::good, f.clock.utc_now()};
  f.latest.set("grid", {v});
  EXPECT_EQ(endpoint.respond("grid").body, f.reference(0));
  {
    const std::lock_guard lock(f.meters.mutex);
    f.meters.list[0].poll_interval = 10s;
  }
  f.clock.advance(100ms);
  EXPECT_EQ(endpoint.respond("grid").body, f.reference(0));
  EXPECT_NE(endpoint.respond("grid").body.find("\"stale_after_s\":30.0"), std::string::npos);
}

TEST(LatestEndpoint, ConcurrentCallersWhileValuesChange) {
  Fixture f;
  LatestEndpoint endpoint(f.clock, f.meters, f.latest, 1ms);
  std::atomic<bool> stop{false};
  std::thread publisher([&] {
    for (int i = 0; !stop; ++i) {
      f.latest.set("grid", {LatestSample{ObisCode{1, 1, 1, 7, 0}, static_cast<double>(i),
                                         Unit::watt, Quality::good, f.clock.utc_now()}});
      f.clock.advance(1ms);
    }
  });
  std::vector<std::thread> readers;
  std::atomic<int> valid{0};
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        const auto body = nlohmann::json::parse(endpoint.respond("grid").body, nullptr, false);
        if (body.is_object() && body["meter"] == "grid" && body["values"].size() <= 1) ++valid;
      }
    });
  }
  for (auto& r : readers) r.join();
  stop = true;
  publisher.join();
  EXPECT_EQ(valid.load(), 6000);
}

}  // namespace
}  // namespace meterd::api
