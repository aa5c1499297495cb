#include "tools/sim/building_model.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace meterd::sim {
namespace {

// Measurement noise (1 sigma), well inside the meter's class 0.5 for power.
constexpr double kVoltageNoise = 0.0004;  // relative
constexpr double kCurrentNoise = 0.0015;  // relative
constexpr double kPhaseNoiseRad = 0.0015;
constexpr double kFrequencyNoiseHz = 0.002;

double ou_step(double x, double tau_s, double sigma, double dt_s, std::mt19937_64& rng) {
  const double a = std::exp(-dt_s / tau_s);
  return x * a + sigma * std::sqrt(1.0 - a * a) * std::normal_distribution<double>{0.0, 1.0}(rng);
}

void integrate(EnergyCounters& e, const PhaseValues& v, double dt_s) {
  const double h = dt_s / 3600.0;
  (v.active_w >= 0.0 ? e.active_import_wh : e.active_export_wh) += std::abs(v.active_w) * h;
  (v.reactive_var >= 0.0 ? e.reactive_import_varh : e.reactive_export_varh) += std::abs(v.reactive_var) * h;
  e.apparent_vah += v.apparent_va * h;
}

}  // namespace

std::uint64_t derive_seed(std::uint64_t base, std::uint64_t stream) noexcept {
  std::uint64_t z = base + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

BuildingModel::BuildingModel(std::uint64_t seed, UtcTime start, BuildingConfig config)
    : rng_(seed), config_(config), weather_(rng_), loads_(rng_) {
  std::uniform_real_distribution<double> u{0.0, 1.0};
  voltage_walk_ = 0.01 * (u(rng_) - 0.5);
  // Counters of a meter that has been in service for a few years.
  auto& g = snap_.grid.energy;
  g.active_import_wh = (30'000.0 + 50'000.0 * u(rng_)) * 1000.0;
  g.active_export_wh = (2'000.0 + 6'000.0 * u(rng_)) * 1000.0;
  g.reactive_import_varh = g.active_import_wh * (0.18 + 0.1 * u(rng_));
  g.reactive_export_varh = g.active_import_wh * (0.05 + 0.05 * u(rng_));
  g.apparent_vah = (g.active_import_wh + g.active_export_wh) * (1.04 + 0.03 * u(rng_));
  auto& s = snap_.solar.energy;
  s.active_import_wh = (15'000.0 + 15'000.0 * u(rng_)) * 1000.0;
  s.reactive_export_varh = s.active_import_wh * 0.03;
  s.apparent_vah = s.active_import_wh * 1.001;
  snap_.time = start;
  step(0.0);  // the first measurement, nothing integrated
}

void BuildingModel::advance_to(UtcTime t) {
  while (snap_.time + kStep <= t) {
    snap_.time += kStep;
    step(std::chrono::duration<double>(kStep).count());
  }
}

PhaseValues BuildingModel::measure(ComplexPower truth, double voltage_v) {
  std::normal_distribution<double> n{0.0, 1.0};
  PhaseValues m;
  m.voltage_v = voltage_v;
  const double s_true = std::hypot(truth.p_w, truth.q_var);
  if (s_true <= 0.0) {  // no current: nothing to measure, PF reads 1
    m.power_factor = 1.0;
    return m;
  }
  m.current_a = s_true / voltage_v * (1.0 + kCurrentNoise * n(rng_));
  const double phi = std::atan2(truth.q_var, truth.p_w) + kPhaseNoiseRad * n(rng_);
  m.apparent_va = m.voltage_v * m.current_a;
  m.power_factor = std::cos(phi);
  m.active_w = m.apparent_va * m.power_factor;
  m.reactive_var = m.apparent_va * std::sin(phi);
  return m;
}

void BuildingModel::step(double dt_s) {
  const double dt_model = std::max(dt_s, 1.0);  // random processes need a positive step
  weather_.step(snap_.time, config_.site, dt_model, rng_);
  const LocalCalendar cal = local_calendar(snap_.time, config_.utc_offset_h);
  snap_.loads = loads_.step(cal, weather_.outdoor_c(), weather_.daylight(), dt_model, rng_);

  // PV: clear-sky output grows with the sun's elevation (air mass), clouds cut it.
  const double sun = weather_.sun_sine();
  const double clear_sky = sun > 0.0 ? std::pow(sun, 1.15) : 0.0;
  snap_.solar_w = config_.solar_peak_w * 0.9 * clear_sky * weather_.sky_transmittance();
  const ComplexPower solar{snap_.solar_w, -0.02 * snap_.solar_w};  // inverter absorbs a little Q

  ComplexPower load{};
  for (const auto& l : snap_.loads) {
    load.p_w += l.p_w;
    load.q_var += l.q_var;
  }
  const ComplexPower grid{load.p_w - solar.p_w, load.q_var - solar.q_var};

  // Supply voltage: slow wander within ±3 %, a drop (or rise) across the supply impedance.
  voltage_walk_ = std::clamp(ou_step(voltage_walk_, 3600.0, 0.012, dt_model, rng_), -0.03, 0.03);
  const double v_source = config_.nominal_voltage_v * (1.0 + voltage_walk_);
  const double v_true = v_source - config_.grid_resistance_ohm * grid.p_w / v_source;
  const double v_meas = v_true * (1.0 + kVoltageNoise * std::normal_distribution<double>{0.0, 1.0}(rng_));
  frequency_walk_ = std::clamp(ou_step(frequency_walk_, 30.0, 0.015, dt_model, rng_), -0.045, 0.045);
  const double f_noise = kFrequencyNoiseHz * std::normal_distribution<double>{0.0, 1.0}(rng_);
  snap_.frequency_hz = config_.nominal_frequency_hz + std::clamp(frequency_walk_ + f_noise, -0.05, 0.05);

  snap_.grid.phase_a = measure(grid, v_meas);
  snap_.solar.phase_a = measure(solar, v_meas);
  integrate(snap_.grid.energy, snap_.grid.phase_a, dt_s);
  integrate(snap_.solar.energy, snap_.solar.phase_a, dt_s);
  snap_.indoor_c = loads_.indoor_c();
  snap_.outdoor_c = weather_.outdoor_c();
}

}  // namespace meterd::sim
