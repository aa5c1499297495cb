// tools/sim/bsmart_simulator.hpp: B-Smart meters on a pseudo-terminal, ready to embed.
//
// Composes the pieces: one RtuSlave with a BsmartDevice per address, a PtyBus, and a bus
// thread serving requests. The building models run on model time = start + (elapsed real
// time) x speed, or stay at `start` when frozen. Used by `meterd-sim bsmart`, by tests and
// benchmarks in a thread, and later by the daemon's "no hardware configured" mode.
// Thread contract: create/start/stop from one owner thread; slave() is thread-safe.
#pragma once

#include "meterd/clock.hpp"
#include "meterd/error.hpp"
#include "tools/sim/building_model.hpp"
#include "tools/sim/commercial_meter_feed.hpp"
#include "tools/sim/fault_injector.hpp"
#include "tools/sim/pty_bus.hpp"
#include "tools/sim/rtu_framer.hpp"
#include "tools/sim/rtu_slave.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace meterd::sim {

struct SimulatorConfig {
  std::vector<std::uint8_t> addresses{1};
  SerialLine line;
  std::uint64_t seed = 1;
  std::string link_path;             // optional stable symlink to the pty
  double speed = 1.0;                // model seconds per real second
  bool freeze = false;               // hold every meter at its start measurement
  std::optional<UtcTime> start;      // model start; the clock's UTC time by default
  BuildingConfig building;
  // Instead of one small building per meter: one commercial building whose phase Lk the meter
  // at address k (1..3) measures on CT1.
  std::optional<CommercialSite> commercial;
  FaultConfig bus_faults;
  std::map<std::uint8_t, FaultConfig> slave_faults;
};

// The settings of the meter at `addresses[index]`: its seed is derive_seed(seed, address), so
// a test can rebuild the same BuildingModel and know what the meter will say.
DeviceSettings device_settings(const SimulatorConfig& config, std::size_t index, UtcTime start);

class BsmartSimulator {
 public:
  // Opens the pty and builds the meters. Errc::invalid_argument for a bad address list (with
  // `commercial`: addresses outside 1..3) or speed, Errc::io_error when the pty or symlink
  // cannot be made.
  static Result<std::unique_ptr<BsmartSimulator>> create(const SimulatorConfig& config, const Clock& clock);
  ~BsmartSimulator();

  const std::string& device_path() const noexcept { return bus_->device_path(); }
  UtcTime start_time() const noexcept { return start_; }
  // The model time now.
  UtcTime model_time() const;

  // Starts (once) the bus thread; stop() joins it. The destructor stops.
  void start();
  void stop();

  RtuSlave& slave() noexcept { return *slave_; }

 private:
  BsmartSimulator(const SimulatorConfig& config, const Clock& clock, UtcTime start,
                  std::unique_ptr<PtyBus> bus);

  SimulatorConfig config_;
  const Clock& clock_;
  UtcTime start_;
  MonoTime mono_start_;
  std::unique_ptr<PtyBus> bus_;
  std::unique_ptr<RtuSlave> slave_;
  std::jthread thread_;
};

}  // namespace meterd::sim
