// bench-api: requests/s and latency of the REST API (src/api) under `wrk`, with the daemon's
// parts running as in production: 8 simulated B-Smart meters (two in-process simulator buses of
// 4 meters on ptys, the real driver and acquisition) polled every second into the latest-values
// cache and a real store, and the API server on the same io_context. The store is first filled
// with --hours (default 24) of 1 s readings of the same 8 meters.
// Measured with 64 connections (wrk -t2 -c64 --latency):
//   latest  GET /api/v1/meters/m1/latest
//   series  GET /api/v1/meters/m1/series?obis=1-1:1.7.0&from=<now-24h>&to=<now>&step=60s
//           (one day of 1 s data read from the store and averaged per minute: 1440 points)
// Usage: bench-api [--hours N] [--seconds S] [--connections C] [--only latest|series]. Needs
// `wrk` on PATH. --only runs one of the two (e.g. under callgrind, to count the instructions of
// one endpoint: the skipped one reports 0 requests).
// Last line: latest_rps=... latest_p99_ms=... series_day_p99_ms=... errors=...
#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <regex>
#include <string>
#include <thread>

#include "meterd/clock.hpp"
#include "src/api/api.hpp"
#include "src/api/server.hpp"
#include "src/app/acquisition_service.hpp"
#include "src/app/api_sources.hpp"
#include "src/config/config.hpp"
#include "src/pipeline/latest_values.hpp"
#include "src/pipeline/reading_fanout.hpp"
#include "src/pipeline/recent_events.hpp"
#include "src/store/store.hpp"

namespace {

using namespace meterd;
namespace fs = std::filesystem;

struct WrkResult {
  double rps = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  long errors = 0;  // non-2xx responses + socket errors
  long requests = 0;
  std::string raw;
};

double to_ms(double v, const std::string& unit) {
  if (unit == "us") return v / 1000.0;
  if (unit == "s") return v * 1000.0;
  if (unit == "m") return v * 60'000.0;
  return v;
}

WrkResult run_wrk(const std::string& url, int connections, int seconds) {
  const std::string cmd = "wrk -t2 -c" + std::to_string(connections) + " -d" +
                          std::to_string(seconds) + "s --timeout 5s --latency '" + url + "' 2>&1";
  WrkResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.raw.append(buf, n);
  ::pclose(p);
  std::smatch m;
  if (std::regex_search(r.raw, m, std::regex(R"(Requests/sec:\s+([0-9.]+))")))
    r.rps = std::stod(m[1]);
  if (std::regex_search(r.raw, m, std::regex(R"(\s50%\s+([0-9.]+)(us|ms|s|m))")))
    r.p50_ms = to_ms(std::stod(m[1]), m[2]);
  if (std::regex_search(r.raw, m, std::regex(R"(\s99%\s+([0-9.]+)(us|ms|s|m))")))
    r.p99_ms = to_ms(std::stod(m[1]), m[2]);
  if (std::regex_search(r.raw, m, std::regex(R"(([0-9]+) requests in)")))
    r.requests = std::stol(m[1]);
  if (std::regex_search(r.raw, m, std::regex(R"(Non-2xx or 3xx responses:\s+([0-9]+))")))
    r.errors += std::stol(m[1]);
  if (std::regex_search(
          r.raw, m,
          std::regex(
              R"(Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+))"))) {
    for (int i = 1; i <= 4; ++i) r.errors += std::stol(m[i]);
  }
  if (r.requests == 0) r.errors += 1;  // wrk did not run
  return r;
}

// One day (or --hours) of 1 s readings of meters m1..m8 ending now, through publish()/flush().
void fill_store(store::Store& s, const Clock& clock, int hours) {
  const auto end = std::chrono::floor<std::chrono::seconds>(clock.utc_now());
  const std::int64_t n = static_cast<std::int64_t>(hours) * 3600;
  for (std::int64_t i = 0; i < n; ++i) {
    for (int m = 1; m <= 8; ++m) {
      Reading r{
          "m" + std::to_string(m), end - std::chrono::seconds(n - i), TimeSync::synchronized, {}};
      const double kw = 2.0 + m + std::sin(static_cast<double>(i) / 300.0 + m);
      r.values.push_back(
          {ObisCode{1, 1, 1, 7, 0}, std::round(kw * 1000.0), Unit::watt, Quality::good});
      r.values.push_back(
          {ObisCode{1, 1, 32, 7, 0}, 230.0 + (i % 17) * 0.1, Unit::volt, Quality::good});
      r.values.push_back({ObisCode{1, 1, 1, 8, 0}, 1.0e6 + static_cast<double>(i) * kw / 3.6,
                          Unit::watt_hour, Quality::good});
      s.publish(r);
    }
    if (i % 600 == 599) s.flush().value();
  }
  s.flush().value();
  s.close_all_windows().value();
}

config::Config eight_simulated_meters() {
  // mark: this box's clock may not be NTP-synchronized; readings must flow at once.
  std::string yaml = "time:\n  unsynchronized: mark\nbuses:\n";
  for (int b = 0; b < 2; ++b) {
    yaml += "  - id: sim" + std::to_string(b + 1) +
            "\n    transport: simulator\n    baud: 38400\n    meters:\n";
    for (int a = 1; a <= 4; ++a) {
      yaml += "      - { id: m" + std::to_string(b * 4 + a) + ", address: " + std::to_string(a) +
              " }\n";
    }
  }
  return config::load_config_text(yaml, "bench.yaml").value();
}

std::uint64_t polls_ok(const std::vector<MeterStatus>& s) {
  std::uint64_t n = 0;
  for (const auto& m : s) n += m.polls_ok;
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  int hours = 24, seconds = 10, connections = 64;
  std::string only;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--hours")
      hours = std::atoi(argv[i + 1]);
    else if (a == "--seconds")
      seconds = std::atoi(argv[i + 1]);
    else if (a == "--connections")
      connections = std::atoi(argv[i + 1]);
    else if (a == "--only")
      only = argv[i + 1];
  }
  if (std::system("wrk --version >/dev/null 2>&1") > 256) {
    std::fprintf(stderr, "bench-api: wrk is not installed (scripts/install-deps.sh --test)\n");
    return 1;
  }
  spdlog::set_level(spdlog::level::warn);
  const fs::path dir = fs::temp_directory_path() / ("bench-api-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const SystemClock clock;
  store::StoreOptions so;
  so.path = dir / "store.db";
  store::KeyBytes key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i + 1);
  auto store = store::Store::open(so, clock, store::KeyStore::from_keys({key}).value()).value();
  const auto t0 = std::chrono::steady_clock::now();
  fill_store(*store, clock, hours);
  std::printf("store: %d h of 1 s readings x 8 meters x 3 values in %.1f s (%s)\n", hours,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
              so.path.c_str());

  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  pipeline::LatestValues latest;
  pipeline::RecentEvents events;
  pipeline::ReadingFanout fanout;
  fanout.add(latest);
  fanout.add(*store);
  const auto config = eight_simulated_meters();
  app::AcquisitionService acquisition(io, clock, fanout, events, config);
  store->start();

  app::FunctionMeterSource meters(
      [&] { return app::meter_entries(acquisition.snapshot(), config.buses); });
  app::LatestValuesSource latest_source(latest);
  app::StoreSeriesSource series_source(store.get());
  app::DaemonEventSource event_source(events, store.get());
  app::StoreStatusSource storage_source(store.get());
  api::ApiOptions options;
  options.listeners = {api::ListenerOptions{"127.0.0.1", 0, false}};
  options.max_connections = 256;
  api::Api api(
      options, clock,
      DataSources{&meters, &latest_source, &series_source, &event_source, &storage_source, nullptr},
      "bench");
  api::Server server(io, options, api);
  if (auto s = server.start(); !s) {
    std::fprintf(stderr, "bench-api: %s\n", s.error().message().c_str());
    return 1;
  }
  std::promise<bool> started;
  boost::asio::post(io, [&] { started.set_value(static_cast<bool>(acquisition.start())); });
  std::thread loop([&] { io.run(); });
  if (!started.get_future().get()) {
    std::fprintf(stderr, "bench-api: acquisition did not start\n");
    return 1;
  }
  for (int i = 0; i < 100 && !latest.meter("m8"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::string base = "http://127.0.0.1:" + std::to_string(server.ports().at(0));

  const auto polls_before = polls_ok(acquisition.snapshot());
  const auto w0 = std::chrono::steady_clock::now();
  const auto l = only == "series"
                     ? WrkResult{}
                     : run_wrk(base + "/api/v1/meters/m1/latest", connections, seconds);
  const auto now = clock.utc_now();
  const std::string series_url = base + "/api/v1/meters/m1/series?obis=1-1:1.7.0&from=" +
                                 format_utc(now - std::chrono::hours(hours)) +
                                 "&to=" + format_utc(now) + "&step=60s";
  const auto s = only == "latest" ? WrkResult{} : run_wrk(series_url, connections, seconds);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  const auto polls_after = polls_ok(acquisition.snapshot());

  boost::asio::post(io, [&] {
    server.stop();
    acquisition.async_stop([] {});
  });
  guard.reset();
  loop.join();
  store->stop();

  std::printf("\n| endpoint | connections | requests/s | p50 ms | p99 ms | errors |\n");
  std::printf("|---|---|---|---|---|---|\n");
  std::printf("| latest (m1) | %d | %.0f | %.2f | %.2f | %ld |\n", connections, l.rps, l.p50_ms,
              l.p99_ms, l.errors);
  std::printf("| series, %d h at 1 s, step 60s | %d | %.0f | %.2f | %.2f | %ld |\n", hours,
              connections, s.rps, s.p50_ms, s.p99_ms, s.errors);
  std::printf("requests served: latest %ld, series %ld\n", l.requests, s.requests);
  std::printf("alongside: 8 simulated meters polled, %llu good polls in %.1f s (%.1f/s)\n",
              static_cast<unsigned long long>(polls_after - polls_before), elapsed,
              static_cast<double>(polls_after - polls_before) / elapsed);
  if ((l.requests == 0 && only != "series") || (s.requests == 0 && only != "latest"))
    std::printf("wrk output:\n%s\n%s\n", l.raw.c_str(), s.raw.c_str());
  store.reset();
  std::error_code ec;
  fs::remove_all(dir, ec);
  std::printf("latest_rps=%.0f latest_p99_ms=%.2f series_day_p99_ms=%.2f errors=%ld\n", l.rps,
              l.p99_ms, s.p99_ms, l.errors + s.errors);
  return 0;
}
