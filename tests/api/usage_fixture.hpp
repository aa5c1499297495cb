// tests/api/usage_fixture.hpp: the NILM virtual meter's readings, as the daemon stores them.
//
// One reading per 10-minute engine step (stamped with the step's start), from yesterday's local
// midnight to the last step that ended before now, with the OBIS codes of meterd/usage.hpp:
// total and per category average power and energy, per category confidence. Every category's
// power is a distinct smooth function of the step, so sums over any range are known exactly.
// Local midnight is taken with an offset that puts "now" near local noon, so "today" always
// holds about 12 hours. Today's plan: 03:00 and 03:10 are a gap (nothing stored), 03:20 covers
// 240 s only, 04:00 has a category value missing (timeout): the API must skip it whole. A usage
// the site does not have (not in `stored`) is stored as the engine stores it: exactly 0 W, 0 Wh.
#pragma once

#include <chrono>
#include <cmath>
#include <functional>

#include "meterd/reading.hpp"
#include "meterd/usage.hpp"
#include "src/api/api_options.hpp"

namespace meterd::api::testing {

inline constexpr std::chrono::minutes kEngineStep{10};
inline const std::string kUsageMeter = "usages";

// A whole-hour UTC offset putting `now` between 11:30 and 12:30 local time.
inline std::chrono::minutes noon_offset(UtcTime now) {
  const auto tod = now - std::chrono::floor<std::chrono::days>(now);
  const double hours = std::round(12.0 - static_cast<double>(tod.count()) / 3'600'000.0);
  return std::chrono::hours(static_cast<int>(hours));
}

// Average power of category u during engine step k (counted from the epoch), W: > 0.
inline double usage_power(Usage u, std::int64_t k) {
  const double i = static_cast<double>(index_of(u));
  return 300.0 * (i + 1.0) + 150.0 * (i + 1.0) * std::sin(static_cast<double>(k) / (4.0 + i));
}

inline double usage_confidence(Usage u, std::int64_t k) {
  const double i = static_cast<double>(index_of(u));
  return 0.5 + 0.4 * std::pow(std::sin(static_cast<double>(k) / 7.0 + i), 2.0);
}

// What is stored for a step starting at `local_from_midnight` after today's local midnight.
enum class StepPlan { full, absent, partial, broken };
inline StepPlan plan_of(std::chrono::milliseconds local_from_midnight) {
  using std::chrono::minutes;
  if (local_from_midnight == minutes(180) || local_from_midnight == minutes(190))
    return StepPlan::absent;
  if (local_from_midnight == minutes(200)) return StepPlan::partial;
  if (local_from_midnight == minutes(240)) return StepPlan::broken;
  return StepPlan::full;
}
inline constexpr double kPartialCoveredS = 240.0;

inline UtcTime today_local_midnight(UtcTime now, std::chrono::minutes offset) {
  return std::chrono::floor<std::chrono::days>(now + offset) - offset;
}

// The reading of engine step k covering `covered_s` seconds; `broken` loses `it`'s energy.
inline Reading usage_reading(std::int64_t k, double covered_s, bool broken,
                             const UsageSet& stored = kAllUsagesPresent) {
  Reading r{
      kUsageMeter, UtcTime{std::chrono::milliseconds{k * 600'000}}, TimeSync::synchronized, {}};
  double total_w = 0.0;
  double total_wh = 0.0;
  for (const Usage u : kAllUsages) {
    const double p = stored[index_of(u)] ? usage_power(u, k) : 0.0;
    const double e = p * covered_s / 3600.0;
    total_w += p;
    total_wh += e;
    r.values.push_back({usage_power_obis(u), p, Unit::watt, Quality::estimated});
    if (broken && u == Usage::it) {
      r.values.push_back({usage_energy_obis(u), NAN, Unit::watt_hour, Quality::timeout});
    } else {
      r.values.push_back({usage_energy_obis(u), e, Unit::watt_hour, Quality::estimated});
    }
    r.values.push_back(
        {usage_confidence_obis(u), usage_confidence(u, k), Unit::none, Quality::estimated});
  }
  r.values.push_back({kTotalPowerObis, total_w, Unit::watt, Quality::good});
  r.values.push_back({kTotalEnergyObis, total_wh, Unit::watt_hour, Quality::good});
  return r;
}

// Publishes every step from yesterday's local midnight to the last one ended by `now`.
inline void fill_usages(UtcTime now, std::chrono::minutes offset, const UsageSet& stored,
                        const std::function<void(const Reading&)>& publish) {
  const auto midnight = today_local_midnight(now, offset);
  const std::int64_t step_ms = std::chrono::milliseconds(kEngineStep).count();
  const std::int64_t first = (midnight - std::chrono::days(1)).time_since_epoch().count() / step_ms;
  for (std::int64_t k = first; (k + 1) * step_ms <= now.time_since_epoch().count(); ++k) {
    const auto plan = plan_of(std::chrono::milliseconds{k * step_ms} - midnight.time_since_epoch());
    if (plan == StepPlan::absent) continue;
    publish(usage_reading(k, plan == StepPlan::partial ? kPartialCoveredS : 600.0,
                          plan == StepPlan::broken, stored));
  }
}

// ApiOptions::usages for this data.
inline UsageOptions usage_options(UtcTime now) {
  return UsageOptions{kUsageMeter, kEngineStep, noon_offset(now)};
}

}  // namespace meterd::api::testing
