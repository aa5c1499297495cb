#include "src/app/bus_builder.hpp"

#include "drivers/modbus/bsmart_driver.hpp"
#include "src/app/retrying_driver.hpp"

namespace meterd::app {
namespace {

char parity_char(config::Parity p) {
  switch (p) {
    case config::Parity::even:
      return 'E';
    case config::Parity::odd:
      return 'O';
    case config::Parity::none:
      break;
  }
  return 'N';
}

modbus::WordOrder word_order(config::WordOrder w) {
  switch (w) {
    case config::WordOrder::cdab:
      return modbus::WordOrder::cdab;
    case config::WordOrder::badc:
      return modbus::WordOrder::badc;
    case config::WordOrder::dcba:
      return modbus::WordOrder::dcba;
    case config::WordOrder::abcd:
      break;
  }
  return modbus::WordOrder::abcd;
}

Error named(const std::string& what, const Error& e) {
  return Error{e.code, what + ": " + e.detail};
}

}  // namespace

modbus::LinkSettings link_settings(const config::BusConfig& bus, const std::string& device) {
  modbus::LinkSettings s;
  switch (bus.transport) {
    case config::BusTransport::serial:
    case config::BusTransport::simulator:
      s.mode = modbus::LinkMode::rtu;
      break;
    case config::BusTransport::rtu_over_tcp:
      s.mode = modbus::LinkMode::rtu_over_tcp;
      break;
    case config::BusTransport::modbus_tcp:
      s.mode = modbus::LinkMode::tcp;
      break;
  }
  s.device = device.empty() ? bus.device : device;
  s.baud = bus.baud;
  s.parity = parity_char(bus.parity);
  s.data_bits = bus.data_bits;
  s.stop_bits = bus.stop_bits;
  s.host = bus.host;
  s.port = bus.port;
  s.response_timeout = bus.timeout;
  s.byte_timeout = bus.byte_timeout;
  return s;
}

modbus::BsmartSettings meter_settings(const config::MeterConfig& m) {
  modbus::BsmartSettings s;
  s.meter_id = m.id;
  s.address = m.address;
  s.channel1 = m.channel1;
  s.channel2 = m.channel2;
  s.phases = m.phases;
  s.word_order = word_order(m.word_order);
  s.instantaneous_interval = m.instantaneous_interval;
  s.energy_interval = m.energy_interval;
  return s;
}

sim::SimulatorConfig simulator_config(const config::BusConfig& bus) {
  sim::SimulatorConfig c;
  c.addresses.clear();
  for (const auto& m : bus.meters) c.addresses.push_back(m.address);
  c.line.baud = static_cast<std::uint32_t>(bus.baud);
  c.line.parity = parity_char(bus.parity);
  c.line.stop_bits = bus.stop_bits;
  c.seed = bus.simulator.seed;
  c.link_path = bus.simulator.link.string();
  c.speed = bus.simulator.speed;
  c.freeze = bus.simulator.freeze;
  c.start = bus.simulator.start;
  c.bus_faults.drop_probability = bus.simulator.drop;
  c.bus_faults.corrupt_crc_probability = bus.simulator.corrupt_crc;
  if (const auto type = sim::building_type_from_string(bus.simulator.building)) {
    c.commercial = sim::CommercialSite{*type, bus.simulator.seed};
  }
  return c;
}

Result<BuiltBus> build_bus(const config::BusConfig& bus, const Clock& clock) {
  BuiltBus built;
  std::string device;
  if (bus.transport == config::BusTransport::simulator) {
    auto sim = sim::BsmartSimulator::create(simulator_config(bus), clock);
    if (!sim) return named("bus " + bus.id + ": simulator", sim.error());
    built.simulator = std::move(*sim);
    built.simulator->start();
    device =
        bus.simulator.link.empty() ? built.simulator->device_path() : bus.simulator.link.string();
  }
  const auto settings = link_settings(bus, device);
  if (auto ok = modbus::validate(settings); !ok) return named("bus " + bus.id, ok.error());
  auto link = std::make_unique<modbus::ModbusLink>(settings);

  built.spec.name = bus.id;
  built.spec.schedule.offline_after_timeouts = bus.offline_after;
  for (const auto& m : bus.meters) {
    auto meter = modbus::BsmartMeter::create(meter_settings(m));
    if (!meter) return named("meter " + m.id, meter.error());
    auto driver = std::make_unique<modbus::BsmartDriver>(std::move(*meter), *link, clock);
    built.spec.meters.push_back(std::make_unique<RetryingDriver>(std::move(driver), bus.retries));
  }
  built.spec.link = std::move(link);  // the drivers keep a reference; the worker owns the link
  return built;
}

}  // namespace meterd::app
