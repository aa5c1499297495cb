// tools/meterd_sim_main.cpp: `meterd-sim <simulator> [options]`, the meter simulators.
//
// `bsmart` blocks SIGINT/SIGTERM, runs the simulator's bus thread, prints the device path on
// stdout and waits for a signal to stop. `building` simulates a commercial building and writes
// its mains and per-usage ground truth as CSV files, then exits.
#include "meterd/clock.hpp"
#include "tools/sim/bsmart_options.hpp"
#include "tools/sim/bsmart_simulator.hpp"
#include "tools/sim/building_csv_writer.hpp"
#include "tools/sim/building_options.hpp"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string_view>
#include <vector>

namespace {

int run_bsmart(std::span<const std::string_view> args) {
  using namespace meterd::sim;
  auto cmd = parse_bsmart_options(args);
  if (!cmd) {
    std::cerr << "meterd-sim bsmart: " << cmd.error().detail << "\n";
    return 2;
  }
  if (cmd->help) {
    std::cout << bsmart_usage();
    return 0;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before the bus thread starts: it inherits

  const meterd::SystemClock clock;
  auto sim = BsmartSimulator::create(cmd->config, clock);
  if (!sim) {
    std::cerr << "meterd-sim bsmart: " << sim.error().message() << "\n";
    return 1;
  }
  (*sim)->start();
  std::cout << "device=" << (*sim)->device_path() << std::endl;
  std::cerr << "meterd-sim bsmart: " << cmd->config.addresses.size() << " meter(s) at "
            << cmd->config.line.baud << " bps on " << (*sim)->device_path() << ", model start "
            << meterd::format_utc((*sim)->start_time()) << (cmd->config.freeze ? " (frozen)" : "")
            << "\n";
  int sig = 0;
  sigwait(&signals, &sig);
  (*sim)->stop();
  return 0;
}

int run_building(std::span<const std::string_view> args) {
  using namespace meterd::sim;
  auto cmd = parse_building_options(args);
  if (!cmd) {
    std::cerr << "meterd-sim building: " << cmd.error().detail << "\n" << building_usage();
    return 2;
  }
  if (cmd->help) {
    std::cout << building_usage();
    return 0;
  }
  const auto rows = write_building_csv(cmd->site, cmd->days, cmd->rate_s, cmd->out);
  if (!rows) {
    std::cerr << "meterd-sim building: " << rows.error().detail << "\n";
    return 1;
  }
  std::cerr << "meterd-sim building: " << to_string(cmd->site.type) << " seed " << cmd->site.seed << ", "
            << cmd->days << " day(s) from " << meterd::format_utc(cmd->site.start) << ", " << *rows
            << " rows of " << cmd->rate_s << " s in " << cmd->out.string() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << "usage: meterd-sim bsmart [options]     (meterd-sim bsmart --help)\n"
                 "       meterd-sim building [options]   (meterd-sim building --help)\n";
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "bsmart") return run_bsmart(std::span(args).subspan(1));
  if (args[0] == "building") return run_building(std::span(args).subspan(1));
  std::cerr << "meterd-sim: unknown simulator '" << args[0] << "' (known: bsmart, building)\n";
  return 2;
}
