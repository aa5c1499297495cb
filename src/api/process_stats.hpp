// api/process_stats.hpp: this process's figures from /proc/self (proc(5)), for /metrics.
//
// Reads /proc/self/stat, /proc/self/statm, /proc/self/fd and /proc/stat (btime) each call.
// Thread-safe (no state).
#pragma once

#include <cstdint>
#include <optional>

namespace meterd::api {

struct ProcessStats {
  std::uint64_t resident_bytes = 0;
  std::uint64_t virtual_bytes = 0;
  double cpu_seconds = 0.0;  // user + system
  std::uint64_t open_fds = 0;
  double start_time_seconds = 0.0;  // since the Unix epoch
};

// The current figures, or nullopt when /proc is not readable.
std::optional<ProcessStats> read_process_stats();

}  // namespace meterd::api
