// src/app/bus_builder.hpp: turns one configured bus into what the acquisition scheduler runs.
//
// From a config::BusConfig it builds the Modbus link (serial RTU, RTU over TCP, Modbus TCP)
// and one B-Smart driver per meter (wrapped in a RetryingDriver), as an acquisition::BusSpec.
// For `transport: simulator` it first starts the in-process simulated B-Smart meters
// (tools/sim) on a pseudo-terminal, one slave per configured address, and points a serial RTU
// link at the pty, so the whole real path runs: driver, libmodbus, tty, simulator.
// Used on the thread that starts acquisition; the returned simulator serves from its own thread
// and must outlive the bus (stop the acquisition before destroying it).
#pragma once

#include <memory>

#include "drivers/modbus/bsmart_meter.hpp"
#include "drivers/modbus/modbus_link.hpp"
#include "meterd/clock.hpp"
#include "meterd/error.hpp"
#include "src/acquisition/bus_worker.hpp"
#include "src/config/config.hpp"
#include "tools/sim/bsmart_simulator.hpp"

namespace meterd::app {

struct BuiltBus {
  acquisition::BusSpec spec;
  std::unique_ptr<sim::BsmartSimulator> simulator;  // transport simulator only, started
};

// The link settings of `bus` (for a simulator bus: serial RTU on `device`, the pty).
modbus::LinkSettings link_settings(const config::BusConfig& bus, const std::string& device = {});
// The driver settings of one configured meter.
modbus::BsmartSettings meter_settings(const config::MeterConfig& meter);
// The simulator of a `transport: simulator` bus: one slave per meter address, the bus's line.
sim::SimulatorConfig simulator_config(const config::BusConfig& bus);

// Builds `bus`. Errc::config_error when the link or a meter does not validate (the config
// loader already checks ranges, so this means the two disagree), Errc::io_error when the
// simulator's pty cannot be made. A serial device that does not exist yet is not an error
// here: the scheduler reports it as link_lost and keeps trying to open it.
Result<BuiltBus> build_bus(const config::BusConfig& bus, const Clock& clock);

}  // namespace meterd::app
