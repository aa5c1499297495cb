// tools/sim/building_inventory.hpp: the appliances of one simulated commercial building.
//
// make_inventory() lists the loads of an office, a shop or a school, sized to the profile's
// floor area with a per-appliance random spread drawn from the seed (docs/simulator.md has the
// table). InventoryBuilder is the small vocabulary the three type files share: it rotates
// single-phase loads over L1..L3 and scales ratings. Not thread-safe (used while building).
#pragma once

#include "tools/sim/appliance.hpp"
#include "tools/sim/building_profile.hpp"
#include "tools/sim/event_load.hpp"
#include "tools/sim/modulating_load.hpp"
#include "tools/sim/scheduled_load.hpp"
#include "tools/sim/thermostat_unit.hpp"

#include <memory>
#include <string>
#include <vector>

namespace meterd::sim {

using Inventory = std::vector<std::unique_ptr<Appliance>>;

class InventoryBuilder {
 public:
  // `scale` multiplies every rating that grows with the floor area.
  InventoryBuilder(SimRng& rng, double scale) : rng_(rng), scale_(scale) {}

  // rated × scale × a random factor in [0.85, 1.15].
  double scaled(double rated_w) { return rated_w * scale_ * rng_.uniform(0.85, 1.15); }
  // rated × a random factor in [0.9, 1.1] (appliances whose size does not follow the area).
  double sized(double rated_w) { return rated_w * rng_.uniform(0.9, 1.1); }
  // The next single phase, L1, L2, L3, L1, ...
  int next_phase() { return (phase_++) % 3; }
  SimRng& rng() { return rng_; }

  void add(ApplianceBase base, const ScheduledSpec& spec);
  void add(ApplianceBase base, const ThermostatSpec& spec);
  void add(ApplianceBase base, const EventSpec& spec);
  void add(ApplianceBase base, const ModulatingSpec& spec);

  Inventory take() { return std::move(items_); }

 private:
  SimRng& rng_;
  double scale_;
  int phase_ = 0;
  Inventory items_;
};

// The appliances of the building described by `profile`.
Inventory make_inventory(const BuildingProfile& profile, SimRng& rng);

// The parts the three types have in common, each adding its appliances to `b`.
void add_hvac_plant(InventoryBuilder& b, const BuildingProfile& profile, double heat_pump_w);
void add_office_inventory(InventoryBuilder& b, const BuildingProfile& profile);
void add_retail_inventory(InventoryBuilder& b, const BuildingProfile& profile);
void add_school_inventory(InventoryBuilder& b, const BuildingProfile& profile);

// Common appliance shapes.
Inrush motor_inrush(double factor = 2.5);
ThermostatSpec fridge_spec(double electric_w, double cop);
ThermostatSpec water_heater_spec(double element_w, double litres, double mean_draw_w);
ThermostatSpec convector_spec(double rated_w);

}  // namespace meterd::sim
