// meterd/meter_driver.hpp: what the acquisition scheduler needs from a meter driver.
//
// A driver instance is one meter on one bus. Its calls are BLOCKING and bounded by the driver's
// own timeouts (a libmodbus call cannot be cancelled by an Asio timer, STYLE.md rule 4), so the
// scheduler calls them only from the bus's own thread, one transaction at a time, never from the
// event loop. Drivers on one bus share that bus's link (see BusLink).
#pragma once

#include "meterd/error.hpp"
#include "meterd/reading.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace meterd {

// A set of values polled together at one interval (e.g. instantaneous 1 s, energy 60 s).
struct PollGroup {
  std::string name;
  std::chrono::milliseconds interval{1000};
};

// The physical bus (serial port, TCP connection to a converter) shared by its meters.
class BusLink {
 public:
  virtual ~BusLink() = default;
  virtual Result<void> open() = 0;  // (re)open the device or connection; bounded
  virtual void close() = 0;
  virtual bool is_open() const = 0;
  virtual std::string describe() const = 0;  // "/dev/ttyUSB0 9600 8N1", "10.0.0.5:502 (modbus_tcp)"
};

// How one poll went at the transaction level, for per-meter statistics.
struct TransactionCounts {
  unsigned requests = 0;
  unsigned timeouts = 0;
  unsigned crc_errors = 0;
  unsigned exception_replies = 0;
  unsigned other_errors = 0;
};

class MeterDriver {
 public:
  virtual ~MeterDriver() = default;

  virtual const std::string& meter_id() const = 0;
  virtual std::string protocol() const = 0;  // "modbus-rtu", "dlms-hdlc", ...
  virtual const std::vector<PollGroup>& groups() const = 0;

  // Reads the meter's identity (serial number). Called at start and after every reconnect.
  virtual Result<std::string> identify() = 0;

  // Polls group `index` of groups(): all its transactions; values of one transaction share one
  // timestamp. A failed transaction makes the whole poll an error (nothing half-stored); the
  // counts say what happened on the wire either way. The reading's time is left for the
  // scheduler's TimeStamper unless the meter stamped it (TimeSync::meter).
  virtual Result<Reading> poll(std::size_t index, TransactionCounts& counts) = 0;
};

}  // namespace meterd
