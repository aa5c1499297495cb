// tests/nilm/synthetic_site.hpp: a small deterministic site for the engine tests.
//
// Three categories with known truth: lighting follows office hours (a weekday profile),
// IT is a constant base with slow noise, heating_elements is a 2 kW resistive element that
// switches on for 7 min every 20 min; `other` is a 150 W fridge-like load at PF 0.75 for 10 min
// every 25 min. One phase, P and Q, 1 s samples. Pure function of (seed, time): thread-safe.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

#include "src/nilm/engine.hpp"

namespace meterd::nilm::testing {

// 2026-01-05T00:00:00Z, a Monday.
inline constexpr std::int64_t kMonday = 1'767'571'200'000;

struct SiteTruth {
  std::array<double, kUsageCount> p_w{};
  double q_var = 0.0;
  double total_w() const {
    double s = 0.0;
    for (double v : p_w) s += v;
    return s;
  }
};

inline SiteTruth site_truth(std::int64_t t_ms) {
  SiteTruth s;
  const std::int64_t day_ms = 86'400'000;
  const std::int64_t in_day = ((t_ms % day_ms) + day_ms) % day_ms;
  const double hour = static_cast<double>(in_day) / 3.6e6;
  const std::int64_t day = (t_ms - kMonday) / day_ms;
  const bool weekday = ((day % 7) + 7) % 7 < 5;
  const double occ = weekday && hour >= 8.0 && hour < 18.0 ? 1.0 : 0.05;
  const double wobble = 0.5 + 0.5 * std::sin(static_cast<double>(t_ms) / 7.0e5);
  s.p_w[index_of(Usage::lighting)] = 1500.0 * occ * (0.8 + 0.2 * wobble);
  s.p_w[index_of(Usage::it)] = 600.0 + 40.0 * wobble;
  const std::int64_t sec = t_ms / 1000;
  if (sec % 1200 < 420) s.p_w[index_of(Usage::heating_elements)] = 2000.0;
  double q = 0.0;
  if (sec % 1500 < 600) {
    s.p_w[index_of(Usage::other)] = 150.0;
    q = 132.0;
  }
  s.q_var = q + 0.1 * s.p_w[index_of(Usage::lighting)];
  return s;
}

inline PowerSample mains_sample(std::int64_t t_ms) {
  const SiteTruth s = site_truth(t_ms);
  PowerSample p;
  p.t_ms = t_ms;
  p.phases = 1;
  p.p_w[0] = s.total_w();
  p.q_var[0] = s.q_var;
  return p;
}

inline PowerSample power_sample(std::int64_t t_ms, double p_w) {
  PowerSample p;
  p.t_ms = t_ms;
  p.phases = 1;
  p.p_w[0] = p_w;
  p.q_var[0] = std::nan("");
  return p;
}

}  // namespace meterd::nilm::testing
