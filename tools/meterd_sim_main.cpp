// tools/meterd_sim_main.cpp: `meterd-sim <meter> [options]`, the meter simulators.
//
// Today one subcommand, `bsmart`. Blocks SIGINT/SIGTERM, runs the simulator's bus thread,
// prints the device path on stdout and waits for a signal to stop.
#include "meterd/clock.hpp"
#include "tools/sim/bsmart_options.hpp"
#include "tools/sim/bsmart_simulator.hpp"

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

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << "usage: meterd-sim bsmart [options]   (meterd-sim bsmart --help)\n";
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "bsmart") return run_bsmart(std::span(args).subspan(1));
  std::cerr << "meterd-sim: unknown simulator '" << args[0] << "' (known: bsmart)\n";
  return 2;
}
