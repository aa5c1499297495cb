// src/app/store_commands.hpp: the operator's store commands (docs/store.md "Operating the store"):
//   meterd key generate|rotate [--config FILE]
//   meterd verify [--config FILE]
//   meterd export --meter ID --from TIME --to TIME [--obis CODE]... [--format csv]
//                 [--output FILE] [--config FILE]
// Each reads the configuration (--config after the command, else the global --config, else
// /etc/meterd/meterd.yaml) for the store file and key directory. verify and export open the store
// read-only (PRAGMA query_only; safe while the daemon writes, WAL) and never create a key. Times
// are ISO 8601 UTC (meterd::parse_utc). Exit codes: kExitOk; kExitFailure (an error, or verify
// found a bad chunk); kExitUsage. BLOCKING (file I/O); call from the main thread only.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <span>
#include <string>

#include "src/app/command_line.hpp"

namespace meterd::app {

struct StoreIo {
  std::ostream& out;
  std::ostream& err;
};

// Registers `key`, `verify` and `export` (std::cout, std::cerr).
void add_store_commands(CommandTable& commands);

// The words after the command name; `config` is the file used when no --config is among them.
int run_key_command(std::span<const std::string> args, const std::filesystem::path& config,
                    StoreIo io);
int run_verify_command(std::span<const std::string> args, const std::filesystem::path& config,
                       StoreIo io);
int run_export_command(std::span<const std::string> args, const std::filesystem::path& config,
                       StoreIo io);

}  // namespace meterd::app
