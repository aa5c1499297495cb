// drivers/modbus/bsmart_driver.hpp: a B-Smart meter on a Modbus link, as a MeterDriver.
//
// Glue between BsmartMeter (what to read, what it means) and ModbusLink (the wire). Two poll
// groups, "instantaneous" and "energy", at the meter's intervals. identify() reads the serial
// number and remembers a meter swap for the scheduler to log. Calls are BLOCKING, bounded by the
// link's timeouts: the scheduler runs them on the bus thread only (meterd/meter_driver.hpp).
// Not thread-safe.
#pragma once

#include <optional>

#include "drivers/modbus/bsmart_meter.hpp"
#include "drivers/modbus/modbus_link.hpp"
#include "meterd/clock.hpp"
#include "meterd/meter_driver.hpp"

namespace meterd::modbus {

class BsmartDriver final : public MeterDriver {
 public:
  // `link` and `clock` must outlive the driver; other meters may share the link.
  BsmartDriver(BsmartMeter meter, ModbusLink& link, const Clock& clock);

  const std::string& meter_id() const override { return meter_.settings().meter_id; }
  std::string protocol() const override;  // "modbus-rtu", "modbus-tcp", "modbus-rtu-over-tcp"
  const std::vector<PollGroup>& groups() const override { return groups_; }

  // The serial number (may be "" when the meter has none set). Errors from the link.
  Result<std::string> identify() override;

  // Reads every transaction of group `index` (0 instantaneous, 1 energy); the first failed
  // transaction fails the poll (counted in `counts`). The reading is stamped with the clock's
  // UTC time when the last transaction completed (the energy guard's time axis).
  Result<Reading> poll(std::size_t index, TransactionCounts& counts) override;

  // The meter swap seen by the last identify(), if any; cleared by reading it.
  std::optional<SerialCheck> take_swap() noexcept;

  BsmartMeter& meter() noexcept { return meter_; }

 private:
  BsmartMeter meter_;
  ModbusLink& link_;
  const Clock& clock_;
  std::vector<PollGroup> groups_;
  std::optional<SerialCheck> swap_;
};

}  // namespace meterd::modbus
