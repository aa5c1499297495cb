// src/app/cli.hpp: meterd's entry point behind main(): options, subcommands, or the daemon.
//
// Parses the command line, then does exactly one thing: --help, --version, --check-config,
// a registered subcommand, or run_daemon(). Usage errors print a hint on stderr and return
// kExitUsage. Call from the main thread.
#pragma once

#include <span>
#include <string_view>

#include "src/app/command_line.hpp"

namespace meterd::app {

// Registers the commands that app itself provides (`help`).
void add_builtin_commands(CommandTable& commands);

// args[0] is the program name. Returns the process exit code.
int run_cli(std::span<const std::string_view> args, const CommandTable& commands);

// `meterd --check-config FILE`: prints "FILE: ok" on stdout and returns kExitOk, or prints every
// issue as file:line:column: message on stderr and returns kExitFailure.
int check_config(const std::filesystem::path& file);

}  // namespace meterd::app
