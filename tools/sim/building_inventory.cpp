#include "tools/sim/building_inventory.hpp"

#include <tuple>

namespace meterd::sim {

void InventoryBuilder::add(ApplianceBase base, const ScheduledSpec& spec) {
  items_.push_back(std::make_unique<ScheduledLoad>(std::move(base), spec, rng_));
}
void InventoryBuilder::add(ApplianceBase base, const ThermostatSpec& spec) {
  items_.push_back(std::make_unique<ThermostatUnit>(std::move(base), spec, rng_));
}
void InventoryBuilder::add(ApplianceBase base, const EventSpec& spec) {
  items_.push_back(std::make_unique<EventLoad>(std::move(base), spec));
}
void InventoryBuilder::add(ApplianceBase base, const ModulatingSpec& spec) {
  items_.push_back(std::make_unique<ModulatingLoad>(std::move(base), spec, rng_));
}

Inrush motor_inrush(double factor) { return Inrush{factor, 0.9, 4, 0.45}; }

ThermostatSpec fridge_spec(double electric_w, double cop) {
  // A cabinet at 3-6 °C in a 20 °C room: ~10-15 min on, 15-25 min off.
  ThermostatSpec s;
  s.cooling = true;
  s.output_w = electric_w * cop;
  s.capacity_j_per_k = 0.6 * s.output_w * 600.0 / 3.0;
  s.ua_w_per_k = 0.45 * s.output_w / 14.5;
  s.ambient_c = 20.0;
  s.low_c = 3.0;
  s.high_c = 6.0;
  s.min_off_s = 180.0;
  s.run_drift = 0.05;
  s.inrush = Inrush{3.0, 0.7, 3, 0.5};
  return s;
}

ThermostatSpec water_heater_spec(double element_w, double litres, double mean_draw_w) {
  ThermostatSpec s;
  s.output_w = element_w;
  s.capacity_j_per_k = litres * 4186.0;
  s.ua_w_per_k = litres * 0.012;  // standing losses
  s.ambient_c = 18.0;
  s.load = ThermalLoad::hot_water;
  s.load_share = mean_draw_w;
  s.low_c = 54.0;
  s.high_c = 60.0;
  return s;
}

ThermostatSpec convector_spec(double rated_w) {
  // A small room heated only by its convector, ~40 % duty at 3 °C outdoors, 10-20 min cycles.
  ThermostatSpec s;
  s.output_w = rated_w;
  s.ambient_outdoor = true;
  s.ua_w_per_k = 0.45 * rated_w / 17.0;
  s.capacity_j_per_k = 200.0 * rated_w;
  s.low_c = 18.5;
  s.high_c = 20.0;
  s.enable = Enable::heating_season;
  return s;
}

void add_hvac_plant(InventoryBuilder& b, const BuildingProfile& profile, double heat_pump_w) {
  const double area = profile.floor_area_m2;
  // Two air-to-water heat pumps on their own buffer tanks (heating circuits of two wings), and
  // an inverter unit that modulates on a third circuit.
  const double cop = 3.0;
  const double hp1 = b.sized(heat_pump_w);
  const double hp2 = b.sized(0.65 * heat_pump_w);
  for (const auto& [name, rated, share] :
       {std::tuple{"heat pump 1 (wing A)", hp1, 0.4}, std::tuple{"heat pump 2 (wing B)", hp2, 0.3}}) {
    ThermostatSpec s;
    s.output_w = rated * cop;
    s.capacity_j_per_k = 1500.0 * 4186.0 * rated / 10000.0;  // 1,500 l per 10 kW
    s.ua_w_per_k = 8.0;
    s.load = ThermalLoad::space_heating;
    s.load_share = share;
    s.low_c = 38.0;
    s.high_c = 44.0;
    s.min_on_s = 360.0;
    s.min_off_s = 300.0;
    s.enable = Enable::heating_season;
    s.run_drift = 0.08;
    s.inrush = motor_inrush(2.8);
    b.add({name, Usage::heat_cold_production, kThreePhase, rated, 0.85, false}, s);
  }
  ModulatingSpec vs;
  vs.drive = Drive::space_heating;
  vs.share = 0.3;
  const double vs_w = b.sized(0.45 * heat_pump_w);
  vs.output_w = vs_w * 3.3;
  vs.min_fraction = 0.25;
  vs.ramp_per_s = 0.004;
  vs.wander = 0.02;
  vs.tick_s = 10;
  b.add({"inverter heat pump (ground floor)", Usage::heat_cold_production, 1, vs_w, 0.97, false}, vs);

  // Cooling: a chiller on the chilled-water loop (summer), the server-room split all year.
  ThermostatSpec ch;
  ch.cooling = true;
  const double chiller_w = b.sized(0.9 * heat_pump_w);
  ch.output_w = chiller_w * 3.2;
  ch.capacity_j_per_k = 800.0 * 4186.0;
  ch.load = ThermalLoad::space_cooling;
  ch.load_share = 0.8;
  ch.low_c = 6.0;
  ch.high_c = 11.0;
  ch.ambient_c = 12.0;
  ch.ua_w_per_k = 5.0;
  ch.min_on_s = 420.0;
  ch.min_off_s = 300.0;
  ch.enable = Enable::cooling_season;
  ch.inrush = motor_inrush(3.0);
  b.add({"chiller", Usage::heat_cold_production, kThreePhase, chiller_w, 0.85, false}, ch);

  // Circulators and pumps.
  ScheduledSpec circ;
  circ.switching = Switching::heating;
  circ.jitter_h = 0.1;
  b.add({"heating circulator (secondary)", Usage::hvac_auxiliaries, b.next_phase(),
         b.scaled(0.12 * area), 0.78, false}, circ);
  ScheduledSpec prim;
  prim.switching = Switching::heating;
  prim.lead_h = -1.0;  // the primary pump runs whenever there is a heat demand
  b.add({"primary pump", Usage::hvac_auxiliaries, b.next_phase(), b.sized(0.04 * heat_pump_w), 0.76, false},
        prim);
  ScheduledSpec chw;
  chw.switching = Switching::cooling;
  chw.inrush = motor_inrush(2.0);
  b.add({"chilled-water pump", Usage::hvac_auxiliaries, kThreePhase, b.scaled(1100.0), 0.8, false}, chw);
  ScheduledSpec constant;
  b.add({"hot-water recirculation pump", Usage::hvac_auxiliaries, b.next_phase(), b.sized(85.0), 0.75, false},
        constant);
  b.add({"BMS and controls", Usage::hvac_auxiliaries, b.next_phase(), b.scaled(180.0), 0.7, false}, constant);
}

Inventory make_inventory(const BuildingProfile& profile, SimRng& rng) {
  switch (profile.type) {
    case BuildingType::office: {
      InventoryBuilder b(rng, profile.floor_area_m2 / 2000.0);
      add_office_inventory(b, profile);
      return b.take();
    }
    case BuildingType::retail: {
      InventoryBuilder b(rng, profile.floor_area_m2 / 1500.0);
      add_retail_inventory(b, profile);
      return b.take();
    }
    case BuildingType::school: {
      InventoryBuilder b(rng, profile.floor_area_m2 / 2500.0);
      add_school_inventory(b, profile);
      return b.take();
    }
  }
  return {};
}

}  // namespace meterd::sim
