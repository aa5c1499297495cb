// The appliances of a simulated school (≈ 2,500 m² at scale 1; docs/simulator.md).
#include "tools/sim/building_inventory.hpp"

#include <string>

namespace meterd::sim {

void add_school_inventory(InventoryBuilder& b, const BuildingProfile& profile) {
  // Lighting: classrooms (occupied one after the other, dimmed by daylight), corridors, the gym
  // for sports lessons, the canteen, outside.
  for (int z = 0; z < 10; ++z) {
    ScheduledSpec s;
    s.switching = Switching::occupancy_zone;
    s.threshold = 0.06 + 0.055 * z;
    s.daylight_dimming = 0.5;
    s.tick_s = 30;
    b.add({"classroom block " + std::to_string(z + 1), Usage::lighting, b.next_phase(), b.scaled(900.0), 0.94,
           true}, s);
  }
  ScheduledSpec corridor;
  corridor.switching = Switching::opening_hours;
  corridor.lead_h = 0.5;
  corridor.lag_h = 0.75;
  corridor.jitter_h = 0.15;
  b.add({"corridors and stairs", Usage::lighting, b.next_phase(), b.scaled(1600.0), 0.92, true}, corridor);
  EventSpec gym;
  gym.rate_per_h = 0.45;
  gym.min_s = 3000.0;
  gym.max_s = 6600.0;
  gym.spread = 0.0;
  b.add({"gym lighting", Usage::lighting, kThreePhase, b.scaled(3600.0), 0.95, true}, gym);
  ScheduledSpec canteen;
  canteen.switching = Switching::window;
  canteen.on_h = 11.0;
  canteen.off_h = 14.0;
  canteen.jitter_h = 0.1;
  b.add({"canteen lighting", Usage::lighting, b.next_phase(), b.scaled(1200.0), 0.93, true}, canteen);
  ScheduledSpec dark;
  dark.switching = Switching::dark;
  b.add({"exterior and playground", Usage::lighting, b.next_phase(), b.scaled(900.0), 0.9, true}, dark);
  b.add({"emergency lighting", Usage::lighting, b.next_phase(), b.scaled(250.0), 0.9, true}, ScheduledSpec{});

  // IT: two computer rooms used for lessons, projectors and screens, staff PCs, servers.
  for (int r = 0; r < 2; ++r) {
    EventSpec lesson;
    lesson.rate_per_h = 0.6;
    lesson.min_s = 2700.0;
    lesson.max_s = 3300.0;
    lesson.standby_w = 90.0;
    b.add({"computer room " + std::to_string(r + 1), Usage::it, b.next_phase(), b.scaled(1900.0), 0.96, true},
          lesson);
  }
  for (int g = 0; g < 3; ++g) {
    ScheduledSpec proj;
    proj.switching = Switching::occupancy;
    proj.base = 0.03;
    proj.wander = 0.05;
    proj.wander_tau_s = 300.0;
    b.add({"projectors and screens " + std::to_string(g + 1), Usage::it, b.next_phase(), b.scaled(800.0), 0.95,
           true}, proj);
  }
  ScheduledSpec staff;
  staff.switching = Switching::occupancy;
  staff.base = 0.08;
  staff.wander = 0.03;
  b.add({"staff-room computers", Usage::it, b.next_phase(), b.scaled(900.0), 0.96, true}, staff);
  ScheduledSpec server;
  server.wander = 0.03;
  server.wander_tau_s = 1800.0;
  const double servers_w = b.sized(1000.0);
  b.add({"servers", Usage::it, b.next_phase(), servers_w, 0.97, true}, server);
  b.add({"network and Wi-Fi", Usage::it, b.next_phase(), b.scaled(350.0), 0.96, true}, ScheduledSpec{});

  // Heat and cold production, pumps; the server-room split.
  add_hvac_plant(b, profile, b.scaled(13000.0));
  ThermostatSpec split;
  split.cooling = true;
  const double split_w = b.sized(900.0);
  split.output_w = split_w * 3.2;
  split.capacity_j_per_k = 250000.0;
  split.load = ThermalLoad::constant;
  split.load_share = 0.9 * servers_w;
  split.ua_w_per_k = 20.0;
  split.ambient_c = 20.0;
  split.low_c = 22.0;
  split.high_c = 25.0;
  split.min_on_s = 180.0;
  split.min_off_s = 180.0;
  split.inrush = motor_inrush(2.2);
  b.add({"server-room split system", Usage::heat_cold_production, b.next_phase(), split_w, 0.87, false}, split);

  // Heating elements: kitchen and changing-room water heaters, convectors.
  const double kitchen_draw = b.scaled(500.0);
  b.add({"kitchen water heater 500 l", Usage::heating_elements, kThreePhase, 6000.0, 1.0, false},
        water_heater_spec(6000.0, 500.0, kitchen_draw));
  const double shower_draw = b.scaled(300.0);
  b.add({"changing-room water heater 300 l", Usage::heating_elements, b.next_phase(), 4500.0, 1.0, false},
        water_heater_spec(4500.0, 300.0, shower_draw));
  for (const double w : {1500.0, 2000.0, 2000.0}) {
    b.add({"convector " + std::to_string(static_cast<int>(w)) + " W", Usage::heating_elements, b.next_phase(), w,
           1.0, false}, convector_spec(w));
  }

  // Ventilation: classrooms (VSD), gym and canteen (fixed speed), kitchen hood.
  ModulatingSpec ahu;
  ahu.min_fraction = 0.5;
  ahu.wander = 0.015;
  b.add({"classroom AHU (VSD)", Usage::ventilation, kThreePhase, b.scaled(6500.0), 0.9, false}, ahu);
  ScheduledSpec gym_ahu;
  gym_ahu.switching = Switching::hvac_schedule;
  gym_ahu.jitter_h = 0.1;
  gym_ahu.wander = 0.01;
  gym_ahu.inrush = motor_inrush(2.3);
  b.add({"gym and canteen AHU (fixed speed)", Usage::ventilation, kThreePhase, b.scaled(4000.0), 0.86, false},
        gym_ahu);
  ScheduledSpec hood;
  hood.switching = Switching::window;
  hood.on_h = 9.5;
  hood.off_h = 14.0;
  hood.jitter_h = 0.1;
  hood.inrush = motor_inrush(2.0);
  b.add({"kitchen hood extract", Usage::ventilation, kThreePhase, b.sized(2200.0), 0.84, false}, hood);

  // Other: the kitchen (ovens, bain-marie, dishwasher), cold rooms, fridges, plugs, a lift.
  for (int o = 0; o < 2; ++o) {
    ThermostatSpec oven;
    const double w = b.sized(9000.0);
    oven.output_w = w;
    oven.ua_w_per_k = 0.45 * w / 170.0;
    oven.capacity_j_per_k = 15.0 * w;
    oven.ambient_c = 22.0;
    oven.low_c = 180.0;
    oven.high_c = 200.0;
    oven.enable = Enable::open_window;
    oven.window_on_h = 9.5 + 0.25 * o;
    oven.window_off_h = 12.5;
    b.add({"kitchen oven " + std::to_string(o + 1), Usage::other, kThreePhase, w, 1.0, false}, oven);
  }
  ScheduledSpec bain;
  bain.switching = Switching::window;
  bain.on_h = 11.0;
  bain.off_h = 13.75;
  bain.jitter_h = 0.1;
  bain.wander = 0.03;
  b.add({"bain-marie", Usage::other, b.next_phase(), b.sized(3000.0), 1.0, false}, bain);
  ScheduledSpec dish;
  dish.switching = Switching::window;
  dish.on_h = 13.25;
  dish.off_h = 14.75;
  dish.jitter_h = 0.15;
  dish.wander = 0.05;
  dish.inrush = motor_inrush(1.5);
  b.add({"tunnel dishwasher", Usage::other, kThreePhase, b.sized(8000.0), 0.97, false}, dish);
  for (int c = 0; c < 2; ++c) {
    const double w = b.sized(1200.0);
    ThermostatSpec cr = fridge_spec(w, 2.0);
    cr.capacity_j_per_k *= 1.5;
    b.add({"cold room " + std::to_string(c + 1), Usage::other, b.next_phase(), w, 0.84, false}, cr);
  }
  for (int f = 0; f < 2; ++f) {
    const double w = b.sized(180.0);
    b.add({"staff fridge " + std::to_string(f + 1), Usage::other, b.next_phase(), w, 0.75, false},
          fridge_spec(w, 2.0));
  }
  for (int g = 0; g < 3; ++g) {
    ScheduledSpec plug;
    plug.switching = Switching::occupancy;
    plug.base = 0.2;
    plug.wander = 0.04;
    b.add({"plug loads group " + std::to_string(g + 1), Usage::other, b.next_phase(), b.scaled(800.0), 0.9, false},
          plug);
  }
  EventSpec lift;
  lift.rate_per_h = 4.0;
  lift.min_s = 15.0;
  lift.max_s = 35.0;
  lift.spread = 0.2;
  lift.standby_w = 90.0;
  lift.tick_s = 5;
  lift.inrush = motor_inrush(1.8);
  b.add({"lift", Usage::other, kThreePhase, b.sized(5000.0), 0.8, false}, lift);
}

}  // namespace meterd::sim
