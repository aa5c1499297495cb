// tests/uplink/uplink_data.hpp: deterministic chunks of B-Smart-like readings for uplink tests:
// float32 kW registers converted to W, float32 voltages, a decimal energy counter, a timed-out
// value (NaN), a reading without its voltage, an unsynchronized reading.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "meterd/upload_queue.hpp"

namespace meterd::uplink::testing {

inline constexpr std::int64_t kT0 = 1'763'700'000'000;  // 2025-11-21T04:40:00Z
inline const ObisCode kPower{1, 1, 1, 7, 0};
inline const ObisCode kVoltage{1, 1, 32, 7, 0};
inline const ObisCode kEnergy{1, 1, 1, 8, 0};

inline UtcTime at_ms(std::int64_t ms) { return UtcTime{std::chrono::milliseconds{ms}}; }

inline Reading sample_reading(const std::string& meter, std::int64_t i) {
  Reading r{meter, at_ms(kT0 + 1000 * i + (i * 37) % 50), TimeSync::synchronized, {}};
  if (i % 211 == 3) r.time_sync = TimeSync::unsynchronized;
  const float kw = 10.0f + static_cast<float>(std::sin(static_cast<double>(i) / 50.0)) * 3.0f;
  r.values.push_back({kPower, static_cast<double>(kw) * 1000.0, Unit::watt, Quality::good});
  if (i % 101 != 7) {
    const bool lost = i % 97 == 5;
    r.values.push_back({kVoltage,
                        lost ? std::nan("") : static_cast<double>(230.0f + (i % 13) * 0.11f),
                        Unit::volt, lost ? Quality::timeout : Quality::good});
  }
  r.values.push_back(
      {kEnergy, 1.0e7 + 2.5 * static_cast<double>(i), Unit::watt_hour, Quality::good});
  return r;
}

// Chunk `id` of `meter`: `rows` readings starting at reading number first.
inline UploadChunk sample_chunk(std::int64_t id, const std::string& meter, std::int64_t first,
                                std::int64_t rows) {
  UploadChunk c{id, meter, at_ms(kT0 + 1000 * first), {}};
  for (std::int64_t i = first; i < first + rows; ++i)
    c.readings.push_back(sample_reading(meter, i));
  return c;
}

// Exact comparison (bit patterns of values, NaN included).
inline bool same_readings(const std::vector<Reading>& a, const std::vector<Reading>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].meter_id != b[i].meter_id || a[i].time != b[i].time ||
        a[i].time_sync != b[i].time_sync || a[i].values.size() != b[i].values.size())
      return false;
    for (std::size_t k = 0; k < a[i].values.size(); ++k) {
      const auto& x = a[i].values[k];
      const auto& y = b[i].values[k];
      if (x.obis != y.obis || x.unit != y.unit || x.quality != y.quality ||
          std::bit_cast<std::uint64_t>(x.value) != std::bit_cast<std::uint64_t>(y.value))
        return false;
    }
  }
  return true;
}

}  // namespace meterd::uplink::testing
