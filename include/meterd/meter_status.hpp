// meterd/meter_status.hpp: what the daemon knows about one meter right now, for the REST API.
//
// Produced by the acquisition scheduler's snapshot() (a copy, taken under its lock); consumed by
// the API without knowing acquisition internals. Plain values. Counters count since start.
#pragma once

#include "meterd/time.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace meterd {

struct MeterStatus {
  std::string meter_id;
  std::string bus;            // the bus's name in the configuration
  std::string protocol;       // "modbus-rtu", "dlms-hdlc", ...
  bool online = false;        // answering now (false before the first successful identify())
  std::string serial_number;  // from the last successful identify(); empty before
  std::string previous_serial_number;  // before the last meter swap; empty if never swapped
  std::uint64_t swaps = 0;             // how often the serial number changed

  // Wire-level counts (TransactionCounts summed over every poll and identify()).
  std::uint64_t requests = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t crc_errors = 0;
  std::uint64_t exception_replies = 0;
  std::uint64_t other_errors = 0;
  // Poll-level counts.
  std::uint64_t polls_ok = 0;
  std::uint64_t polls_failed = 0;
  std::uint64_t overruns = 0;  // schedule slots skipped because the bus could not keep up

  // Latency of successful polls over the last kLatencyWindow polls; empty before the first.
  static constexpr std::size_t kLatencyWindow = 1024;
  std::optional<std::chrono::microseconds> latency_median;
  std::optional<std::chrono::microseconds> latency_p99;

  std::optional<UtcTime> last_success;  // completion time of the last successful poll
};

}  // namespace meterd
