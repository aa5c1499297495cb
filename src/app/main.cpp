// meterd's main(): builds the subcommand table and hands over to run_cli (app/cli.hpp).
// A module with a subcommand registers it here, e.g. `meterd modbus scan` from drivers/modbus.
#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "src/app/cli.hpp"
#include "src/app/modbus_commands.hpp"
#include "src/app/nilm_commands.hpp"
#include "src/app/store_commands.hpp"

int main(int argc, char** argv) {
  try {
    meterd::app::CommandTable commands;
    meterd::app::add_builtin_commands(commands);
    meterd::app::add_modbus_commands(commands);
    meterd::app::add_store_commands(commands);
    meterd::app::add_nilm_commands(commands);
    const std::vector<std::string_view> args(argv, argv + argc);
    return meterd::app::run_cli(args, commands);
  } catch (const std::exception& e) {
    // Only start-up code may throw (STYLE.md rule 2); whatever did, say so and fail.
    std::cerr << "meterd: fatal: " << e.what() << '\n';
    return meterd::app::kExitFailure;
  }
}
