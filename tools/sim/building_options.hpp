// tools/sim/building_options.hpp: the command line of `meterd-sim building`.
//
// `meterd-sim building --type office|retail|school [--seed N] --start TIME --days D
// [--phases 1|3] [--rate 1s|10s|1min] --out DIR`; `--opt value` and `--opt=value` are both
// accepted. Pure functions, thread-safe.
#pragma once

#include "meterd/error.hpp"
#include "tools/sim/commercial_building.hpp"

#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace meterd::sim {

struct BuildingCommand {
  SiteConfig site;
  int days = 0;          // whole days from site.start
  int rate_s = 1;        // averaging interval of every output row, a divisor of 86,400
  std::filesystem::path out;
  bool help = false;
};

// Parses the arguments after "building". Errc::invalid_argument naming the option otherwise
// (unknown option, missing value, bad value, missing --type/--start/--days/--out).
Result<BuildingCommand> parse_building_options(std::span<const std::string_view> args);

// The --help text.
std::string building_usage();

}  // namespace meterd::sim
