// tools/sim/bsmart_options.hpp: the command line of `meterd-sim bsmart`.
//
// Parses options into a SimulatorConfig; `--opt value` and `--opt=value` are both accepted.
// Fault options take an optional "@ADDRESS" suffix to apply to one slave instead of the bus.
// Pure functions, thread-safe.
#pragma once

#include "meterd/error.hpp"
#include "tools/sim/bsmart_simulator.hpp"

#include <chrono>
#include <span>
#include <string>
#include <string_view>

namespace meterd::sim {

struct BsmartCommand {
  SimulatorConfig config;
  bool help = false;
};

// Parses the arguments after "bsmart". Errc::invalid_argument naming the option otherwise.
Result<BsmartCommand> parse_bsmart_options(std::span<const std::string_view> args);

// "200ms", "30s", "2min", "1h" (a bare "0" too). Errc::invalid_argument otherwise.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// The --help text.
std::string bsmart_usage();

}  // namespace meterd::sim
