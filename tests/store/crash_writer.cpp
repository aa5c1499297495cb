// store_crash_writer: the process that store_crash_test kills with SIGKILL.
//
//   store_crash_writer <db> <key-dir> <first-index> <flush-interval-ms>
// Opens the store (resuming its open windows), starts the flush thread and publishes the
// deterministic readings bsmart_reading("crash", i) for i = first-index, first-index + 1, ...
// one per millisecond of wall time (1 s apart in data time), writing "i\n" to stdout after each
// publish. Runs until killed.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "src/store/store.hpp"
#include "tests/store/store_fixture.hpp"

int main(int argc, char** argv) {
  using namespace meterd;
  using meterd::store::Store;
  using meterd::store::StoreOptions;
  if (argc != 5) {
    std::fprintf(stderr,
                 "usage: store_crash_writer <db> <key-dir> <first-index> <flush-interval-ms>\n");
    return 2;
  }
  spdlog::set_default_logger(spdlog::stderr_logger_st("stderr"));  // stdout carries the indices
  const std::int64_t first = std::atoll(argv[3]);
  ManualClock clock(store::testing::at(store::testing::kT0 + 1000 * first));
  StoreOptions options;
  options.path = argv[1];
  options.keys.key_dir = argv[2];
  options.flush_interval = std::chrono::milliseconds(std::atoll(argv[4]));
  options.window = std::chrono::milliseconds(60'000);  // a chunk every 60 readings: many closings
  auto store = Store::open(options, clock);
  if (!store) {
    std::fprintf(stderr, "store_crash_writer: %s\n", store.error().message().c_str());
    return 1;
  }
  (*store)->start();
  for (std::int64_t i = first;; ++i) {
    (*store)->publish(store::testing::bsmart_reading("crash", i));
    clock.advance(std::chrono::milliseconds(1000));
    const std::string line = std::to_string(i) + "\n";
    if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
      return 1;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}
