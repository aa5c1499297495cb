#include "tools/sim/commercial_meter_feed.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace meterd::sim {
namespace {

constexpr double kNominalV = 230.0;
constexpr double kSupplyOhm = 0.03;  // per phase, for the voltage drop under load

SiteConfig site_config(const CommercialSite& site, UtcTime start) {
  SiteConfig c;
  c.type = site.type;
  c.seed = site.seed;
  c.start = std::chrono::floor<std::chrono::seconds>(start);
  c.phases = 3;
  return c;
}

void integrate(EnergyCounters& e, const PhaseValues& v, double dt_s) {
  const double h = dt_s / 3600.0;
  (v.active_w >= 0.0 ? e.active_import_wh : e.active_export_wh) += std::abs(v.active_w) * h;
  (v.reactive_var >= 0.0 ? e.reactive_import_varh : e.reactive_export_varh) += std::abs(v.reactive_var) * h;
  e.apparent_vah += v.apparent_va * h;
}

}  // namespace

CommercialMeterFeed::CommercialMeterFeed(const CommercialSite& site, UtcTime start)
    : building_(site_config(site, start)), rng_(derive_seed(site.seed, 0xFEED)) {
  for (std::size_t k = 0; k < 3; ++k) {
    voltage_walk_[k] = 0.01 * (rng_.uniform() - 0.5);
    EnergyCounters& g = snaps_[k].grid.energy;  // a meter in service for a few years
    g.active_import_wh = rng_.uniform(80'000.0, 200'000.0) * 1000.0;
    g.reactive_import_varh = g.active_import_wh * rng_.uniform(0.05, 0.12);
    g.reactive_export_varh = g.active_import_wh * rng_.uniform(0.02, 0.05);
    g.apparent_vah = g.active_import_wh * rng_.uniform(1.01, 1.03);
    snaps_[k].solar.phase_a.power_factor = 1.0;  // CT2: no current
  }
  step(0.0);
}

void CommercialMeterFeed::advance_to(UtcTime t) {
  while (snaps_[0].time + std::chrono::seconds{1} <= t) step(1.0);
}

void CommercialMeterFeed::step(double dt_s) {
  const SiteSample& s = building_.step();
  const double a_v = std::exp(-1.0 / 3600.0), a_f = std::exp(-1.0 / 30.0);
  frequency_walk_ = std::clamp(a_f * frequency_walk_ + 0.015 * std::sqrt(1 - a_f * a_f) * rng_.normal(), -0.045, 0.045);
  const double frequency = 50.0 + std::clamp(frequency_walk_ + 0.002 * rng_.normal(), -0.05, 0.05);
  for (std::size_t k = 0; k < 3; ++k) {
    voltage_walk_[k] = std::clamp(a_v * voltage_walk_[k] + 0.012 * std::sqrt(1 - a_v * a_v) * rng_.normal(), -0.03, 0.03);
    const double v_source = kNominalV * (1.0 + voltage_walk_[k]);
    MeterSnapshot& m = snaps_[k];
    m.time = s.time;
    m.frequency_hz = frequency;
    PhaseValues& v = m.grid.phase_a;
    v.voltage_v = v_source - kSupplyOhm * s.p_w[k] / v_source;
    v.active_w = s.p_w[k];
    v.reactive_var = s.q_var[k];
    v.apparent_va = std::hypot(v.active_w, v.reactive_var);
    v.current_a = v.apparent_va / v.voltage_v;
    v.power_factor = v.apparent_va > 0.0 ? v.active_w / v.apparent_va : 1.0;
    m.solar.phase_a.voltage_v = v.voltage_v;
    integrate(m.grid.energy, v, dt_s);
  }
}

}  // namespace meterd::sim
