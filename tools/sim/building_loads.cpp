#include "tools/sim/building_loads.hpp"

#include <algorithm>
#include <cmath>

namespace meterd::sim {
namespace {

// Ratings of the simulated building (a ~400 m² office, single-phase supply).
constexpr double kLightingOfficeW = 2200.0;
constexpr double kLightingExteriorW = 180.0;
constexpr double kLightingEmergencyW = 40.0;
constexpr double kItBaseW = 700.0;
constexpr double kWorkstationW = 95.0;
constexpr int kWorkstations = 14;
constexpr double kCompressorW = 2600.0;
constexpr double kHeatingCop = 3.2;
constexpr double kCoolingEer = 3.0;
constexpr double kBuildingCapacityJPerK = 5.0e6;
constexpr double kBuildingUaWPerK = 450.0;      // envelope
constexpr double kVentilationUaWPerK = 250.0;   // fresh air while the fans run
constexpr double kMinCycleS = 300.0;  // compressor anti-short-cycle time
constexpr double kElementW = 2000.0;
constexpr double kTankJPerK = 150.0 * 4186.0;  // 150 l of water
constexpr double kFanW = 850.0;
constexpr double kPumpW = 160.0;
constexpr double kControlsW = 35.0;
constexpr double kFridgeW = 150.0;
constexpr double kKettleW = 2000.0;
constexpr double kPlugW = 120.0;

double smoothstep(double x, double a, double b) noexcept {
  const double u = std::clamp((x - a) / (b - a), 0.0, 1.0);
  return u * u * (3.0 - 2.0 * u);
}

// Reactive power of a load of active power p at power factor pf; capacitive loads lead.
ComplexPower at_pf(double p, double pf, bool capacitive = false) noexcept {
  const double q = p * std::tan(std::acos(pf));
  return {p, capacitive ? -q : q};
}

// Exact discretisation of an Ornstein-Uhlenbeck process (mean 0, time constant tau_s,
// stationary standard deviation sigma).
double ou_step(double x, double tau_s, double sigma, double dt_s, std::mt19937_64& rng) {
  const double a = std::exp(-dt_s / tau_s);
  std::normal_distribution<double> n{0.0, 1.0};
  return x * a + sigma * std::sqrt(1.0 - a * a) * n(rng);
}

bool hvac_schedule(const LocalCalendar& cal) noexcept {
  return !cal.weekend() && cal.hour >= 6.0 && cal.hour < 19.0;
}

}  // namespace

BuildingLoads::BuildingLoads(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u{0.0, 1.0};
  indoor_c_ = 19.0 + 2.5 * u(rng);
  tank_c_ = 53.0 + 5.0 * u(rng);
  fridge_timer_s_ = 900.0 * u(rng);
  fridge_on_ = u(rng) < 0.4;
  it_wander_ = 0.02 * (u(rng) - 0.5);
}

double BuildingLoads::scheduled_occupancy(const LocalCalendar& cal) noexcept {
  const double h = cal.hour;
  if (cal.weekday == 5) return 0.03 + 0.12 * smoothstep(h, 8.5, 9.0) * (1.0 - smoothstep(h, 12.0, 12.5));
  if (cal.weekend()) return 0.02;
  double occ = smoothstep(h, 7.0, 8.75) * (1.0 - smoothstep(h, 17.25, 19.5));
  occ *= 1.0 - 0.3 * smoothstep(h, 12.0, 12.3) * (1.0 - smoothstep(h, 13.2, 13.6));
  return std::max(occ, 0.02);
}

LoadPowers BuildingLoads::step(const LocalCalendar& cal, double outdoor_c, double daylight,
                               double dt_s, std::mt19937_64& rng) {
  if (cal.day_of_year != day_index_) {  // each day is a little more or less busy
    day_index_ = cal.day_of_year;
    day_factor_ = std::uniform_real_distribution<double>{0.8, 1.0}(rng);
  }
  const double occ = std::clamp(scheduled_occupancy(cal) * day_factor_, 0.0, 1.0);
  LoadPowers out{};
  auto& lighting = out[index_of(Usage::lighting)];
  auto& it = out[index_of(Usage::it)];
  auto& heat_cold = out[index_of(Usage::heat_cold_production)];
  auto& elements = out[index_of(Usage::heating_elements)];
  auto& vent = out[index_of(Usage::ventilation)];
  auto& aux = out[index_of(Usage::hvac_auxiliaries)];
  auto& other = out[index_of(Usage::other)];

  // LED lighting: office lights dimmed by daylight, exterior lights from dusk to dawn.
  const double office_light = kLightingOfficeW * occ * (1.0 - 0.45 * daylight);
  const double exterior = daylight < 0.05 ? kLightingExteriorW : 0.0;
  lighting = at_pf(office_light + exterior + kLightingEmergencyW, 0.95, true);

  // IT: servers and network always on (slowly wandering), workstations follow occupancy.
  it_wander_ = ou_step(it_wander_, 1800.0, 0.03, dt_s, rng);
  it = at_pf(kItBaseW * (1.0 + it_wander_) + kWorkstations * kWorkstationW * occ, 0.99, true);

  // Ventilation: the air handling unit runs on the HVAC schedule.
  vent_wander_ = ou_step(vent_wander_, 300.0, 0.02, dt_s, rng);
  vent = hvac_schedule(cal) ? at_pf(kFanW * (1.0 + vent_wander_), 0.92) : ComplexPower{};

  other = kitchen_and_plugs(occ, dt_s, rng);
  elements = water_heater(occ, dt_s, rng);

  // Part of the electricity ends up as heat in the conditioned space, plus the people.
  const double internal_gain = 0.7 * (lighting.p_w + it.p_w + other.p_w) + 80.0 * kWorkstations * occ;
  heat_cold = heat_pump(cal, outdoor_c, internal_gain, daylight, dt_s, rng);

  // Circulation pump while there is a heating/cooling demand, controls always.
  const bool pump = heat_cold.p_w > 0.0 || (hvac_schedule(cal) && (outdoor_c < 14.0 || outdoor_c > 22.0));
  const ComplexPower controls = at_pf(kControlsW, 0.6);
  const ComplexPower pump_power = pump ? at_pf(kPumpW, 0.78) : ComplexPower{};
  aux = {controls.p_w + pump_power.p_w, controls.q_var + pump_power.q_var};
  return out;
}

ComplexPower BuildingLoads::heat_pump(const LocalCalendar& cal, double outdoor_c,
                                      double internal_gain_w, double daylight, double dt_s,
                                      std::mt19937_64& rng) {
  // A reversible heat pump with automatic changeover between its two setpoints.
  const bool occupied = hvac_schedule(cal);
  const double heat_sp = occupied ? 21.0 : 17.0;
  const double cool_sp = occupied ? 24.5 : 28.0;
  const bool heating = indoor_c_ < (heat_sp + cool_sp) / 2.0 && outdoor_c < 18.0;
  const bool cooling = !heating && outdoor_c > 12.0;
  const double setpoint = heating ? heat_sp : cool_sp;

  compressor_timer_s_ += dt_s;
  if (compressor_timer_s_ >= kMinCycleS) {
    const bool want_on = heating ? indoor_c_ < setpoint - 0.5 : cooling && indoor_c_ > setpoint + 0.5;
    const bool want_off = heating ? indoor_c_ > setpoint + 0.5 : !cooling || indoor_c_ < setpoint - 0.5;
    if (!compressor_on_ && want_on) {
      compressor_on_ = true;
      compressor_timer_s_ = 0.0;
    } else if (compressor_on_ && (want_off || (!heating && !cooling))) {
      compressor_on_ = false;
      compressor_timer_s_ = 0.0;
    }
  }
  double electric_w = 0.0;
  double thermal_w = 0.0;
  if (compressor_on_) {
    // Draw rises a little as the condensing temperature climbs during a run.
    electric_w = kCompressorW * (0.95 + 0.1 * std::min(compressor_timer_s_ / 1800.0, 1.0)) *
                 (1.0 + std::normal_distribution<double>{0.0, 0.004}(rng));
    thermal_w = heating ? electric_w * kHeatingCop : -electric_w * kCoolingEer;
  }
  const double solar_gain = 900.0 * daylight;
  const double ua = kBuildingUaWPerK + (occupied ? kVentilationUaWPerK : 0.0);
  const double net_w = thermal_w + internal_gain_w + solar_gain + ua * (outdoor_c - indoor_c_);
  indoor_c_ += net_w * dt_s / kBuildingCapacityJPerK;
  return electric_w > 0.0 ? at_pf(electric_w, 0.88) : ComplexPower{};
}

ComplexPower BuildingLoads::water_heater(double occupancy, double dt_s, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u{0.0, 1.0};
  // Hot water draws (hand washing, kitchen) while people are in: about 3 l at 45 K each.
  if (u(rng) < occupancy * dt_s / 1800.0) tank_c_ -= (3.0 * 4186.0 * 45.0) * u(rng) * 2.0 / kTankJPerK;
  if (tank_c_ < 53.0) element_on_ = true;
  if (tank_c_ > 58.0) element_on_ = false;
  const double heat_w = element_on_ ? kElementW : 0.0;
  tank_c_ += (heat_w - 1.5 * (tank_c_ - 20.0)) * dt_s / kTankJPerK;
  return {heat_w, 0.0};  // resistive
}

ComplexPower BuildingLoads::kitchen_and_plugs(double occupancy, double dt_s, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u{0.0, 1.0};
  fridge_timer_s_ += dt_s;
  if (fridge_timer_s_ >= fridge_period_s_) {
    fridge_on_ = !fridge_on_;
    fridge_timer_s_ = 0.0;
    fridge_period_s_ = (fridge_on_ ? 600.0 : 1200.0) * (0.85 + 0.3 * u(rng));
  }
  if (kettle_left_s_ > 0.0) {
    kettle_left_s_ -= dt_s;
  } else if (u(rng) < occupancy * dt_s / 1200.0) {
    kettle_left_s_ = 150.0 + 90.0 * u(rng);
  }
  ComplexPower p = at_pf(kPlugW * (0.3 + occupancy), 0.9);
  if (fridge_on_) {
    const ComplexPower f = at_pf(kFridgeW, 0.75);
    p.p_w += f.p_w;
    p.q_var += f.q_var;
  }
  if (kettle_left_s_ > 0.0) p.p_w += kKettleW;
  return p;
}

}  // namespace meterd::sim
