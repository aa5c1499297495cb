// bench/sim_readings.hpp: one channel of a simulated B-Smart reading, as the driver would deliver
// it (float32 instantaneous values, kW-scaled float32 powers, double energy counters, in SI), so
// bench-store and bench-uplink measure the same realistic data.
#pragma once

#include <cstdint>

#include "meterd/reading.hpp"
#include "tools/sim/building_model.hpp"

namespace meterd::bench {

inline double f32(double v) { return static_cast<double>(static_cast<float>(v)); }
inline double kilo_f32(double si) {
  return static_cast<double>(static_cast<float>(si / 1000.0)) * 1000.0;
}
inline double kilo_f64(double si) { return (si / 1000.0) * 1000.0; }

// Appends channel `ch`'s values (phase A and the energy counters) to `r`.
inline void add_channel(Reading& r, std::uint8_t ch, const sim::ChannelValues& c) {
  const auto& p = c.phase_a;
  const auto& e = c.energy;
  auto v = [&](std::uint8_t cc, std::uint8_t d, double x, Unit u) {
    r.values.push_back({ObisCode(1, ch, cc, d, 0), x, u, Quality::good});
  };
  v(32, 7, f32(p.voltage_v), Unit::volt);
  v(31, 7, f32(p.current_a), Unit::ampere);
  v(1, 7, kilo_f32(p.active_w), Unit::watt);
  v(3, 7, kilo_f32(p.reactive_var), Unit::var);
  v(9, 7, kilo_f32(p.apparent_va), Unit::volt_ampere);
  v(13, 7, f32(p.power_factor), Unit::none);
  v(1, 8, kilo_f64(e.active_import_wh), Unit::watt_hour);
  v(2, 8, kilo_f64(e.active_export_wh), Unit::watt_hour);
  v(15, 8, kilo_f64(e.active_import_wh + e.active_export_wh), Unit::watt_hour);
  v(3, 8, kilo_f64(e.reactive_import_varh), Unit::var_hour);
  v(4, 8, kilo_f64(e.reactive_export_varh), Unit::var_hour);
  v(128, 8, kilo_f64(e.reactive_import_varh + e.reactive_export_varh), Unit::var_hour);
  v(9, 8, kilo_f64(e.apparent_vah), Unit::volt_ampere_hour);
}

}  // namespace meterd::bench
