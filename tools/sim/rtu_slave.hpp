// tools/sim/rtu_slave.hpp: the Modbus RTU slave side of a bus of simulated B-Smart meters.
//
// Takes one received RTU frame (address, PDU, CRC) and returns the reply frame, per Modbus
// over serial line v1.02 §2.4-2.5 and the Modbus Application Protocol v1.1b3 §6.3 (FC03 read
// holding registers), §6.12 (FC10 write multiple registers) and §7 (exceptions: 01 illegal
// function, 02 illegal data address, 03 illegal data value). Frames with a bad CRC and frames
// for addresses not on the bus are ignored; broadcast (address 0) writes execute without a
// reply. Faults from the FaultInjector are applied per addressed request. Does no I/O and no
// timing: PtyBus paces the reply. Thread-safe: every public call takes the same mutex, so an
// in-process test can change faults or read a model while the bus thread serves requests.
#pragma once

#include "meterd/time.hpp"
#include "tools/sim/bsmart_device.hpp"
#include "tools/sim/fault_injector.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace meterd::sim {

struct RtuReply {
  std::vector<std::uint8_t> frame;      // address .. CRC
  std::uint32_t baud = 9600;            // the replying slave's line speed
  std::chrono::milliseconds delay{0};   // injected extra turnaround
};

class RtuSlave {
 public:
  // The meters on the bus (distinct addresses 1..247); faults drawn from `fault_seed`.
  RtuSlave(const std::vector<DeviceSettings>& devices, std::uint64_t fault_seed);

  // Serves one frame received at `since_start` after start-up, with the building models at
  // `model_time`. nullopt when there is nothing to send (ignored, broadcast, silent, dropped).
  std::optional<RtuReply> handle_frame(std::span<const std::uint8_t> frame,
                                       std::chrono::milliseconds since_start, UtcTime model_time);

  // Fault injection: for slave `address`, or for the whole bus when nullopt.
  void set_faults(std::optional<std::uint8_t> address, const FaultConfig& config);
  void clear_faults();

  // The current addresses of the meters (they change when a master writes 0x1000).
  std::vector<std::uint8_t> addresses() const;
  // The latest measurement of the meter at `address`, nullopt if there is none.
  std::optional<MeterSnapshot> snapshot(std::uint8_t address) const;
  // The serial number of the meter at `address` ("" if none).
  std::string serial_number(std::uint8_t address) const;

 private:
  BsmartDevice* find(std::uint8_t address) const;
  std::vector<std::uint8_t> serve(BsmartDevice& dev, std::span<const std::uint8_t> pdu,
                                  UtcTime model_time, ModbusException forced);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<BsmartDevice>> devices_;
  FaultInjector faults_;
};

// Builds an RTU frame: address, pdu, CRC (low byte first). For tests and the simulator.
std::vector<std::uint8_t> make_rtu_frame(std::uint8_t address, std::span<const std::uint8_t> pdu);

}  // namespace meterd::sim
