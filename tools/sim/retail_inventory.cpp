// The appliances of a simulated shop (≈ 1,500 m² of sales floor at scale 1; docs/simulator.md).
#include "tools/sim/building_inventory.hpp"

#include <string>

namespace meterd::sim {
namespace {

ThermostatSpec oven_spec(double rated_w, double on_h, double off_h) {
  // Held at 200-220 °C while the bakery bakes, ~50 % duty, 10-minute heating runs.
  ThermostatSpec s;
  s.output_w = rated_w;
  s.ua_w_per_k = 0.5 * rated_w / 190.0;
  s.capacity_j_per_k = 15.0 * rated_w;
  s.ambient_c = 22.0;
  s.low_c = 200.0;
  s.high_c = 220.0;
  s.enable = Enable::open_window;
  s.window_on_h = on_h;
  s.window_off_h = off_h;
  return s;
}

}  // namespace

void add_retail_inventory(InventoryBuilder& b, const BuildingProfile& profile) {
  // Lighting: the sales floor in zones switched one after the other before opening.
  for (int z = 0; z < 8; ++z) {
    ScheduledSpec s;
    s.switching = Switching::opening_hours;
    s.lead_h = 1.0 - 0.08 * z;
    s.lag_h = 0.25 + 0.05 * z;
    s.jitter_h = 0.05;
    b.add({"sales floor LED zone " + std::to_string(z + 1), Usage::lighting, b.next_phase(), b.scaled(2300.0),
           0.95, true}, s);
  }
  ScheduledSpec accent;
  accent.switching = Switching::opening_hours;
  b.add({"accent and display lighting", Usage::lighting, b.next_phase(), b.scaled(2800.0), 0.93, true}, accent);
  ScheduledSpec window;
  window.switching = Switching::opening_hours;
  window.lag_h = 3.0;
  b.add({"shop windows", Usage::lighting, b.next_phase(), b.scaled(1200.0), 0.93, true}, window);
  for (int z = 0; z < 2; ++z) {
    ScheduledSpec back;
    back.switching = Switching::occupancy_zone;
    back.threshold = 0.1 + 0.25 * z;
    b.add({"stock room and offices " + std::to_string(z + 1), Usage::lighting, b.next_phase(), b.scaled(600.0),
           0.92, true}, back);
  }
  ScheduledSpec dark;
  dark.switching = Switching::dark;
  b.add({"sign and car park", Usage::lighting, b.next_phase(), b.scaled(1500.0), 0.9, true}, dark);
  b.add({"emergency lighting", Usage::lighting, b.next_phase(), b.scaled(200.0), 0.9, true}, ScheduledSpec{});

  // IT.
  ScheduledSpec server;
  server.wander = 0.03;
  server.wander_tau_s = 1800.0;
  const double servers_w = b.sized(900.0);
  b.add({"back-office servers", Usage::it, b.next_phase(), servers_w, 0.97, true}, server);
  b.add({"network", Usage::it, b.next_phase(), b.sized(250.0), 0.96, true}, ScheduledSpec{});
  ScheduledSpec tills;
  tills.switching = Switching::opening_hours;
  tills.lead_h = 0.5;
  tills.lag_h = 0.25;
  tills.jitter_h = 0.1;
  tills.wander = 0.02;
  tills.base = 0.1;
  b.add({"checkouts (POS)", Usage::it, b.next_phase(), b.scaled(1100.0), 0.96, true}, tills);
  b.add({"digital signage", Usage::it, b.next_phase(), b.scaled(1400.0), 0.97, true}, accent);
  ScheduledSpec office;
  office.switching = Switching::occupancy;
  office.base = 0.1;
  b.add({"office computers", Usage::it, b.next_phase(), b.sized(700.0), 0.96, true}, office);

  // Heat and cold production, pumps; the back-office split.
  add_hvac_plant(b, profile, b.scaled(11000.0));
  ThermostatSpec split;
  split.cooling = true;
  const double split_w = b.sized(1000.0);
  split.output_w = split_w * 3.2;
  split.capacity_j_per_k = 250000.0;
  split.load = ThermalLoad::constant;
  split.load_share = 0.9 * servers_w + 600.0;
  split.ua_w_per_k = 20.0;
  split.ambient_c = 20.0;
  split.low_c = 22.0;
  split.high_c = 25.0;
  split.min_on_s = 180.0;
  split.min_off_s = 180.0;
  split.inrush = motor_inrush(2.2);
  b.add({"back-office split system", Usage::heat_cold_production, b.next_phase(), split_w, 0.87, false}, split);

  // Heating elements: the entrance air curtain (thermostat on the entrance zone), water, convectors.
  ThermostatSpec curtain;
  const double curtain_w = b.sized(6000.0);
  curtain.output_w = curtain_w;
  curtain.ambient_outdoor = true;
  curtain.ua_w_per_k = 0.6 * curtain_w / 15.0;
  curtain.capacity_j_per_k = 60.0 * curtain_w;
  curtain.low_c = 16.0;
  curtain.high_c = 18.0;
  curtain.enable = Enable::open_window;
  curtain.window_on_h = 9.0;
  curtain.window_off_h = 19.0;
  b.add({"entrance air curtain", Usage::heating_elements, kThreePhase, curtain_w, 1.0, false}, curtain);
  b.add({"water heater 150 l", Usage::heating_elements, b.next_phase(), 2000.0, 1.0, false},
        water_heater_spec(2000.0, 150.0, 120.0));
  for (const double w : {2000.0, 1500.0}) {
    b.add({"convector " + std::to_string(static_cast<int>(w)) + " W", Usage::heating_elements, b.next_phase(), w,
           1.0, false}, convector_spec(w));
  }

  // Ventilation.
  ModulatingSpec ahu;
  ahu.min_fraction = 0.5;
  ahu.wander = 0.015;
  b.add({"sales-floor AHU (VSD)", Usage::ventilation, kThreePhase, b.scaled(9000.0), 0.9, false}, ahu);
  b.add({"stock-room extract", Usage::ventilation, b.next_phase(), b.sized(500.0), 0.82, false}, ScheduledSpec{});
  ScheduledSpec staff_ahu;
  staff_ahu.switching = Switching::hvac_schedule;
  staff_ahu.jitter_h = 0.1;
  staff_ahu.inrush = motor_inrush(2.2);
  b.add({"staff-area AHU (fixed speed)", Usage::ventilation, kThreePhase, b.scaled(1800.0), 0.85, false},
        staff_ahu);

  // Other: refrigeration (display cases, cold room, freezers), bakery oven, plugs, goods lift.
  int n = 0;
  for (const double w : {1800.0, 2200.0, 2600.0, 3000.0}) {
    const double rated = b.sized(w);
    b.add({"refrigerated display case " + std::to_string(++n), Usage::other, b.next_phase(), rated, 0.85, false},
          fridge_spec(rated, 2.2));
  }
  const double cold_room = b.sized(3500.0);
  ThermostatSpec cr = fridge_spec(cold_room, 2.0);
  cr.capacity_j_per_k *= 2.0;
  cr.min_off_s = 300.0;
  b.add({"cold room compressor", Usage::other, kThreePhase, cold_room, 0.84, false}, cr);
  const double freezer = b.sized(2500.0);
  b.add({"freezer island", Usage::other, b.next_phase(), freezer, 0.83, false}, fridge_spec(freezer, 1.6));
  const double oven = b.sized(9000.0);
  b.add({"bakery oven", Usage::other, kThreePhase, oven, 1.0, false}, oven_spec(oven, 6.5, 14.0));
  ScheduledSpec plug;
  plug.switching = Switching::occupancy;
  plug.base = 0.3;
  plug.wander = 0.04;
  b.add({"plug loads", Usage::other, b.next_phase(), b.scaled(1500.0), 0.9, false}, plug);
  EventSpec lift;
  lift.rate_per_h = 3.0;
  lift.min_s = 20.0;
  lift.max_s = 45.0;
  lift.spread = 0.3;
  lift.standby_w = 100.0;
  lift.tick_s = 5;
  lift.inrush = motor_inrush(1.8);
  b.add({"goods lift", Usage::other, kThreePhase, b.sized(5500.0), 0.8, false}, lift);
}

}  // namespace meterd::sim
