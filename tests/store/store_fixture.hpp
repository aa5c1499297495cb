// tests/store/store_fixture.hpp: a store in a temp dir with a fixed key and a manual clock, and
// deterministic B-Smart-like readings (float32 values, some converted from kW), for store tests.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "src/store/store.hpp"
#include "tests/store/temp_dir.hpp"

namespace meterd::store::testing {

inline constexpr std::int64_t kT0 = 1'763'700'000'000;  // 2025-11-21T04:40:00Z, a window boundary
inline const ObisCode kPower{1, 1, 1, 7, 0};
inline const ObisCode kVoltage{1, 1, 32, 7, 0};
inline const ObisCode kEnergy{1, 1, 1, 8, 0};

inline UtcTime at(std::int64_t ms) { return UtcTime{std::chrono::milliseconds{ms}}; }

inline KeyBytes test_key(std::uint8_t seed = 7) {
  KeyBytes k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(seed * 31 + i);
  return k;
}

// Reading number i of a meter: 1 s apart, power in W from float32 kW, voltage, an energy counter.
inline Reading bsmart_reading(const std::string& meter, std::int64_t i) {
  Reading r{meter, at(kT0 + 1000 * i), TimeSync::synchronized, {}};
  const float kw = 10.0f + static_cast<float>(std::sin(static_cast<double>(i) / 50.0)) * 3.0f +
                   static_cast<float>(i % 7) * 0.0137f;
  r.values.push_back({kPower, static_cast<double>(kw) * 1000.0, Unit::watt, Quality::good});
  r.values.push_back({kVoltage, static_cast<double>(230.0f + static_cast<float>(i % 13) * 0.11f),
                      Unit::volt, i % 97 == 5 ? Quality::out_of_range : Quality::good});
  r.values.push_back(
      {kEnergy, 1.0e7 + 2.5 * static_cast<double>(i), Unit::watt_hour, Quality::good});
  return r;
}

inline bool same_readings(const std::vector<Reading>& a, const std::vector<Reading>& b,
                          std::string* why) {
  if (a.size() != b.size()) {
    *why = "sizes " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    bool same = a[i].meter_id == b[i].meter_id && a[i].time == b[i].time &&
                a[i].time_sync == b[i].time_sync && a[i].values.size() == b[i].values.size();
    for (std::size_t k = 0; same && k < a[i].values.size(); ++k) {
      const auto& x = a[i].values[k];
      const auto& y = b[i].values[k];
      same = x.obis == y.obis && x.unit == y.unit && x.quality == y.quality &&
             std::bit_cast<std::uint64_t>(x.value) == std::bit_cast<std::uint64_t>(y.value);
    }
    if (!same) {
      *why = "reading " + std::to_string(i) + " differs";
      return false;
    }
  }
  return true;
}

class StoreFixture : public ::testing::Test {
 protected:
  StoreFixture() : clock_(at(kT0)) { options_.path = dir_.path() / "store.db"; }

  std::unique_ptr<Store> open_store() {
    auto s = Store::open(options_, clock_, KeyStore::from_keys({test_key()}).value());
    EXPECT_TRUE(s) << s.error().message();
    return std::move(*s);
  }

  TempDir dir_;
  ManualClock clock_;
  StoreOptions options_;
};

}  // namespace meterd::store::testing
