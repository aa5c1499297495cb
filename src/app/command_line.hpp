// src/app/command_line.hpp: meterd's hand-written command-line parser and subcommand dispatch.
//
// Grammar: meterd [GLOBAL OPTION]... [COMMAND [ARG]...]
// Global options come first; the first positional word names a subcommand (`modbus`, `key`,
// `export`, ... registered by their modules in a CommandTable) and everything after it belongs
// to that subcommand, unparsed. No command means "run the daemon". Options take their value as
// the next word or after '=' (`--config FILE`, `--config=FILE`). Pure functions of their input:
// thread-safe, no I/O.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "meterd/error.hpp"
#include "src/config/config.hpp"

namespace meterd::app {

// Process exit codes. kExitUsage matches the convention of getopt-based tools (bad usage = 2).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

inline constexpr std::string_view kDefaultConfigPath = "/etc/meterd/meterd.yaml";

struct CommandLine {
  std::optional<std::filesystem::path> config;        // --config FILE
  std::optional<config::LogLevel> log_level;          // --log-level LEVEL
  std::optional<std::filesystem::path> check_config;  // --check-config FILE
  bool help = false;                                  // --help, -h
  bool version = false;                               // --version, -V
  std::string command;                                // first positional word; empty = daemon
  std::vector<std::string> command_args;              // words after `command`, verbatim

  // The configuration file the daemon should load: --config, or kDefaultConfigPath.
  std::filesystem::path config_path() const;
};

// Parses argv[1..]. Errors (Errc::invalid_argument) name the offending word: an unknown
// option, a missing or invalid value, an option given twice.
Result<CommandLine> parse_command_line(std::span<const std::string_view> args);

// "trace" | "debug" | "info" | "warn" | "error" | "critical" | "off" (the spdlog names).
Result<config::LogLevel> parse_log_level(std::string_view text);

// A subcommand: `meterd NAME ARG...`. The handler returns the process exit code.
struct Command {
  std::string name;
  std::string summary;  // one line for --help
  std::function<int(const CommandLine&)> handler;
};

// The dispatch table from the first positional word to its handler. Modules register their
// subcommands in main; lookup is by exact name.
class CommandTable {
 public:
  // Adds a command; returns Errc::invalid_argument if the name is empty or already taken.
  Result<void> add(Command command);
  // The command named `name`, or nullptr.
  const Command* find(std::string_view name) const;
  const std::vector<Command>& commands() const { return commands_; }

 private:
  std::vector<Command> commands_;
};

// The --help text: usage, global options, and the table's commands with their summaries.
std::string usage_text(std::string_view program, const CommandTable& commands);

}  // namespace meterd::app
