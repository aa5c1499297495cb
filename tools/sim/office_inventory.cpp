// The appliances of a simulated office (≈ 2,000 m² at scale 1; docs/simulator.md).
#include "tools/sim/building_inventory.hpp"

#include <string>

namespace meterd::sim {

void add_office_inventory(InventoryBuilder& b, const BuildingProfile& profile) {
  // Lighting: open-plan zones that switch on as people arrive (occupancy thresholds), perimeter
  // zones dimmed by daylight; corridors on the opening hours; meeting rooms now and then.
  for (int z = 0; z < 6; ++z) {
    ScheduledSpec s;
    s.switching = Switching::occupancy_zone;
    s.threshold = 0.08 + 0.1 * z;
    s.daylight_dimming = z < 4 ? 0.55 : 0.0;
    s.tick_s = z < 4 ? 30 : 10;
    b.add({"LED zone " + std::to_string(z + 1) + (z < 4 ? " (perimeter, dimmable)" : " (core)"),
           Usage::lighting, b.next_phase(), b.scaled(1700.0), 0.93, true}, s);
  }
  ScheduledSpec corridor;
  corridor.switching = Switching::opening_hours;
  corridor.lead_h = 0.75;
  corridor.lag_h = 1.0;
  corridor.jitter_h = 0.2;
  b.add({"corridors and stairs", Usage::lighting, b.next_phase(), b.scaled(900.0), 0.92, true}, corridor);
  for (int m = 0; m < 3; ++m) {
    EventSpec e;
    e.rate_per_h = 0.7;
    e.min_s = 1800.0;
    e.max_s = 5400.0;
    e.spread = 0.0;
    b.add({"meeting room " + std::to_string(m + 1) + " lights", Usage::lighting, b.next_phase(),
           b.sized(380.0), 0.94, true}, e);
  }
  ScheduledSpec dark;
  dark.switching = Switching::dark;
  b.add({"exterior and car park", Usage::lighting, b.next_phase(), b.scaled(650.0), 0.9, true}, dark);
  b.add({"emergency lighting", Usage::lighting, b.next_phase(), b.scaled(160.0), 0.9, true}, ScheduledSpec{});

  // IT: the server room and UPS all the time, workstations and screens with the occupancy.
  ScheduledSpec server;
  server.wander = 0.03;
  server.wander_tau_s = 1800.0;
  server.tick_s = 5;
  const double servers_w = b.scaled(2600.0);
  b.add({"server room (UPS output)", Usage::it, kThreePhase, servers_w, 0.98, true}, server);
  server.wander = 0.01;
  b.add({"UPS losses", Usage::it, b.next_phase(), 0.12 * servers_w, 0.97, true}, server);
  b.add({"network and telephony", Usage::it, b.next_phase(), b.scaled(320.0), 0.96, true}, ScheduledSpec{});
  for (int g = 0; g < 3; ++g) {
    ScheduledSpec ws;
    ws.switching = Switching::occupancy;
    ws.base = 0.07;
    ws.wander = 0.03;
    ws.wander_tau_s = 120.0;
    const int phase = b.next_phase();
    b.add({"workstations group " + std::to_string(g + 1), Usage::it, phase, b.scaled(2600.0), 0.96, true}, ws);
    b.add({"screens group " + std::to_string(g + 1), Usage::it, phase, b.scaled(800.0), 0.95, true}, ws);
  }
  for (int p = 0; p < 2; ++p) {
    EventSpec e;
    e.rate_per_h = 8.0;
    e.min_s = 15.0;
    e.max_s = 70.0;
    e.standby_w = 35.0;
    b.add({"printer " + std::to_string(p + 1), Usage::it, b.next_phase(), b.sized(1100.0), 0.98, false}, e);
  }

  // Heat and cold production, pumps.
  add_hvac_plant(b, profile, b.scaled(9000.0));
  ThermostatSpec split;
  split.cooling = true;
  const double split_w = b.sized(1500.0);
  split.output_w = split_w * 3.2;
  split.capacity_j_per_k = 400000.0;
  split.load = ThermalLoad::constant;
  split.load_share = 0.9 * servers_w;  // the servers' heat
  split.ua_w_per_k = 25.0;
  split.ambient_c = 21.0;
  split.low_c = 22.0;
  split.high_c = 25.0;
  split.min_on_s = 180.0;
  split.min_off_s = 180.0;
  split.inrush = motor_inrush(2.2);
  b.add({"server-room split system", Usage::heat_cold_production, b.next_phase(), split_w, 0.87, false}, split);

  // Heating elements: water heaters and convectors in unheated corners.
  const double draw_w = b.scaled(250.0);
  b.add({"water heater 300 l", Usage::heating_elements, b.next_phase(), 3000.0, 1.0, false},
        water_heater_spec(3000.0, 300.0, draw_w));
  b.add({"kitchenette water heater 100 l", Usage::heating_elements, b.next_phase(), 2000.0, 1.0, false},
        water_heater_spec(2000.0, 100.0, 90.0));
  for (const double w : {1000.0, 1500.0, 2000.0, 2000.0}) {
    b.add({"convector " + std::to_string(static_cast<int>(w)) + " W", Usage::heating_elements,
           b.next_phase(), w, 1.0, false}, convector_spec(w));
  }

  // Ventilation: a VSD air-handling unit, a constant-speed one, a toilet extract.
  ModulatingSpec ahu;
  ahu.min_fraction = 0.55;
  ahu.ramp_per_s = 0.01;
  ahu.wander = 0.015;
  b.add({"AHU 1 supply+extract fans (VSD)", Usage::ventilation, kThreePhase, b.scaled(7500.0), 0.9, false}, ahu);
  ScheduledSpec ahu2;
  ahu2.switching = Switching::hvac_schedule;
  ahu2.jitter_h = 0.1;
  ahu2.wander = 0.01;
  ahu2.inrush = motor_inrush(2.2);
  b.add({"AHU 2 (meeting rooms, fixed speed)", Usage::ventilation, kThreePhase, b.scaled(2600.0), 0.86, false},
        ahu2);
  b.add({"toilet extract fan", Usage::ventilation, b.next_phase(), b.sized(350.0), 0.82, false}, ScheduledSpec{});

  // Other: kitchen, refrigeration, plug loads, lifts.
  for (int c = 0; c < 2; ++c) {
    EventSpec e;
    e.rate_per_h = 9.0;
    e.min_s = 30.0;
    e.max_s = 80.0;
    e.standby_w = 15.0;
    b.add({"coffee machine " + std::to_string(c + 1), Usage::other, b.next_phase(), b.sized(2200.0), 1.0, false}, e);
  }
  EventSpec microwave;
  microwave.rate_per_h = 5.0;
  microwave.min_s = 60.0;
  microwave.max_s = 240.0;
  b.add({"microwave", Usage::other, b.next_phase(), b.sized(1300.0), 0.92, false}, microwave);
  EventSpec dish;
  dish.rate_per_h = 0.12;
  dish.min_s = 1200.0;
  dish.max_s = 2400.0;
  b.add({"dishwasher", Usage::other, b.next_phase(), b.sized(2300.0), 0.99, false}, dish);
  for (int f = 0; f < 3; ++f) {
    const double w = b.sized(f == 0 ? 250.0 : 140.0);
    b.add({"fridge " + std::to_string(f + 1), Usage::other, b.next_phase(), w, 0.75, false}, fridge_spec(w, 2.0));
  }
  const double vend = b.sized(420.0);
  b.add({"vending machine", Usage::other, b.next_phase(), vend, 0.8, false}, fridge_spec(vend, 2.2));
  for (int g = 0; g < 3; ++g) {
    ScheduledSpec plug;
    plug.switching = Switching::occupancy;
    plug.base = 0.25;
    plug.wander = 0.04;
    plug.wander_tau_s = 300.0;
    b.add({"plug loads group " + std::to_string(g + 1), Usage::other, b.next_phase(), b.scaled(1100.0), 0.9, false},
          plug);
  }
  for (int l = 0; l < 2; ++l) {
    EventSpec lift;
    lift.rate_per_h = 22.0;
    lift.idle_rate_per_h = 0.5;
    lift.open_only = false;
    lift.min_s = 12.0;
    lift.max_s = 35.0;
    lift.spread = 0.25;
    lift.standby_w = 140.0;
    lift.tick_s = 5;
    lift.inrush = motor_inrush(1.8);
    b.add({"lift " + std::to_string(l + 1), Usage::other, kThreePhase, b.sized(7000.0), 0.8, false}, lift);
  }
}

}  // namespace meterd::sim
