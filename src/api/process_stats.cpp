#include "src/api/process_stats.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace meterd::api {

std::optional<ProcessStats> read_process_stats() {
  ProcessStats s;
  const long page = ::sysconf(_SC_PAGESIZE);
  const long ticks = ::sysconf(_SC_CLK_TCK);
  {
    std::ifstream statm("/proc/self/statm");
    std::uint64_t size = 0, resident = 0;
    if (!(statm >> size >> resident)) return std::nullopt;
    s.virtual_bytes = size * static_cast<std::uint64_t>(page);
    s.resident_bytes = resident * static_cast<std::uint64_t>(page);
  }
  double start_ticks = 0;
  {
    std::ifstream stat("/proc/self/stat");
    std::string line;
    if (!std::getline(stat, line)) return std::nullopt;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    // rest starts at field 3 (state); utime = 14, stime = 15, starttime = 22.
    double utime = 0, stime = 0;
    for (int i = 3; i <= 22 && rest >> field; ++i) {
      if (i == 14) utime = std::stod(field);
      if (i == 15) stime = std::stod(field);
      if (i == 22) start_ticks = std::stod(field);
    }
    s.cpu_seconds = (utime + stime) / static_cast<double>(ticks);
  }
  {
    std::ifstream stat("/proc/stat");
    std::string key;
    double btime = 0;
    while (stat >> key) {
      if (key == "btime") {
        stat >> btime;
        break;
      }
      stat.ignore(1 << 20, '\n');
    }
    s.start_time_seconds = btime + start_ticks / static_cast<double>(ticks);
  }
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++s.open_fds;
  }
  return s;
}

}  // namespace meterd::api
