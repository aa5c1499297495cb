// config/config.hpp: meterd's configuration, one YAML file loaded into typed structs.
//
// load_config() validates the whole file before anything starts: unknown keys are errors (a typo
// never falls back to a default silently), and every problem is reported with file, line and
// column and what was expected, all of them at once rather than the first only. Durations are
// written `500ms`, `1s`, `10min`, `2h`, `1d`; sizes `512MiB`, `2GiB`, `100kB`.
// Sections are added here by the modules that need them; each struct documents its defaults,
// which docs/configuration.md and config/meterd.yaml repeat. Plain values, thread-safe to copy.
#pragma once

#include "meterd/error.hpp"
#include "meterd/time_stamper.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace meterd::config {

enum class LogLevel { trace, debug, info, warn, error, critical, off };

struct GatewayConfig {
  std::string id = "meterd";                             // gateway.id: names this box upstream
  std::filesystem::path state_dir = "/var/lib/meterd";   // gateway.state_dir
};

struct LogConfig {
  LogLevel level = LogLevel::info;  // log.level
};

struct TimeConfig {
  UnsyncedPolicy unsynchronized = UnsyncedPolicy::hold;  // time.unsynchronized: hold | mark
  std::size_t hold_capacity = 100'000;                   // time.hold_capacity (readings)
};

struct Config {
  std::filesystem::path source;  // the file it was loaded from
  GatewayConfig gateway;
  LogConfig log;
  TimeConfig time;
};

// One problem found in a configuration file. line and column are 1-based (0 when the problem
// is the file as a whole, e.g. it cannot be read).
struct ConfigIssue {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;

  // "meterd.yaml:12:5: unknown key 'levle' in log (expected one of: level)"
  std::string to_string() const;
  friend bool operator==(const ConfigIssue&, const ConfigIssue&) = default;
};

struct ConfigErrors {
  std::vector<ConfigIssue> issues;
  std::string to_string() const;  // one issue per line
};
[[noreturn]] void throw_exception_from_error(const ConfigErrors& e,
                                             const boost::source_location& loc);

using ConfigResult = boost::system::result<Config, ConfigErrors>;

// Loads and validates the file at `path`.
ConfigResult load_config(const std::filesystem::path& path);

// Same, from text; `name` is used as the file name in issues.
ConfigResult load_config_text(std::string_view yaml, std::string_view name);

// "500ms" -> 500 ms. Units: ms, s, min, h, d; a positive integer before the unit. Errors say
// what was expected.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// "512MiB" -> 536870912. Units: B, kB, MB, GB, KiB, MiB, GiB, TiB.
Result<std::uint64_t> parse_size(std::string_view text);

std::string_view to_string(LogLevel l) noexcept;

}  // namespace meterd::config
