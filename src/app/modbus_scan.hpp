// src/app/modbus_scan.hpp: finding the B-Smart meters on a bus (`meterd modbus scan`).
//
// Two passes over one bus. The probe pass asks every address of the range for one register
// (0x1000, the meter's own address) with a short response timeout: an address that stays
// silent costs the request's wire time plus that timeout, so 247 addresses at 9600 bit/s take
// about 27 s with the default 100 ms. The second pass uses a generous timeout. It probes again
// each address that gave a garbled or foreign reply, and the address before it (a reply "from
// the wrong slave" is usually that address answering late). Then, at each address that
// answered, it reads the serial number (0x1009, 7 registers) and finds the word order under
// which channel 1's voltage (0x2100) and frequency (0x2134) are plausible (Modbus registers are
// big-endian words, Application Protocol v1.1b3 §4.2; the order of the words of a float is the
// meter's choice, see drivers/modbus/word_order.hpp). BLOCKING: bounded by the timeouts; run
// from the CLI's main thread. The pure parts (word order guess, YAML) are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "drivers/modbus/modbus_link.hpp"
#include "drivers/modbus/word_order.hpp"
#include "meterd/error.hpp"

namespace meterd::app {

// Plausible on any low-voltage grid the B-Smart is made for (230 V +-20 %, 50/60 Hz).
inline constexpr double kPlausibleVoltageMin = 100.0;
inline constexpr double kPlausibleVoltageMax = 300.0;
inline constexpr double kPlausibleFrequencyMin = 45.0;
inline constexpr double kPlausibleFrequencyMax = 65.0;

// The word orders under which both the voltage (2 registers at 0x2100) and the frequency (2
// registers at 0x2134) of channel 1 are plausible, in the order abcd, cdab, badc, dcba.
// Preconditions: both spans have 2 registers.
std::vector<modbus::WordOrder> plausible_word_orders(std::span<const std::uint16_t> voltage,
                                                     std::span<const std::uint16_t> frequency);

// What answered at one address.
struct FoundMeter {
  std::uint8_t address = 0;
  // The probe's outcome: empty when the meter answered normally; else why it is listed all
  // the same (an exception reply or a garbled reply means something is there).
  std::optional<Error> probe_error;
  std::string serial;                          // "" when unset or unreadable
  std::vector<modbus::WordOrder> word_orders;  // plausible ones; empty = none found
  double voltage_v = 0.0;                      // channel 1, under word_orders.front()
  double frequency_hz = 0.0;
  std::optional<Error> detail_error;  // the second pass failed (serial or values unread)

  // True when it answered the probe and the second pass like a B-Smart.
  bool is_bsmart() const noexcept { return !probe_error && !detail_error; }
};

struct ScanRequest {
  modbus::LinkSettings link;  // the bus; its timeouts are replaced by the two below
  std::uint8_t from = 1;
  std::uint8_t to = 247;
  std::chrono::milliseconds probe_timeout{100};
  std::chrono::milliseconds detail_timeout{1000};
};

// Called before each probe with the address (for progress output); may be empty.
using ScanProgress = std::function<void(std::uint8_t address)>;

// Scans the bus. Errors only when the bus itself cannot be used (the link does not open, or
// loses its device): io_error, config_error, timeout (TCP connect). Silent addresses are not
// errors; addresses that answered oddly are listed with their probe_error.
Result<std::vector<FoundMeter>> scan_bus(const ScanRequest& request,
                                         const ScanProgress& progress = {});

// The `buses:` YAML for `meters` on `link` (only those for which is_bsmart() holds), in the
// schema of docs/configuration.md; meter ids are "bsmart-<address>".
std::string scan_yaml(const modbus::LinkSettings& link, std::span<const FoundMeter> meters);

}  // namespace meterd::app
