// bench-uplink: replay of a stored backlog through the uplink (src/uplink) to a local nginx with
// client-certificate checks, over real TLS on 127.0.0.1:
//   data   8 simulated B-Smart meters at 1 s (tools/sim BuildingModel, 27 values per reading,
//          converted as the driver does: float32 kW * 1000, float32 V/A/PF/Hz, f64 kWh * 1000,
//          poll jitter 8..60 ms), written once into a store file (10 min chunks, sealed)
//   server nginx (tests/uplink/make_certs.sh PKI, ssl_verify_client on) answering 204 to every
//          POST after reading the whole body
// Measured: wall time from start to an empty backlog, the process CPU time (getrusage: decrypting
// chunks, encoding, gzip, TLS, SQLite) over that time, and the TCP payload bytes both ways
// (TCP_INFO: TLS records, HTTP headers and bodies, handshakes; not TCP/IP headers).
// Usage: bench-uplink [--hours N (24)] [--meters N (8)] [--encoding cbor|json] [--no-gzip]
//                     [--batch-chunks N (8)] [--dir DIR (reuse the store file there)]
// Last line: batches_per_s=... wire_mb_per_s=... wire_bytes_per_value=... cpu_s_per_day=...
#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "bench/sim_readings.hpp"
#include "src/store/store.hpp"
#include "src/store/store_upload_queue.hpp"
#include "src/uplink/uplink.hpp"
#include "tests/uplink/process.hpp"
#include "tools/sim/building_model.hpp"

namespace {

using meterd::bench::add_channel;
using meterd::bench::f32;

using namespace meterd;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

constexpr std::int64_t kSimStart = 1'782'000'000'000;  // 2026-06-21 (solar at midday)

UtcTime utc_ms(std::int64_t ms) { return UtcTime{std::chrono::milliseconds{ms}}; }

store::KeyBytes bench_key() {
  store::KeyBytes k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(7 * i + 3);
  return k;
}

// Fills `s` with `hours` of data; returns the number of values.
std::uint64_t generate(store::Store& s, int hours, int meters) {
  std::vector<sim::BuildingModel> models;
  for (int m = 0; m < meters; ++m)
    models.emplace_back(sim::derive_seed(2026, static_cast<std::uint64_t>(m)), utc_ms(kSimStart));
  std::mt19937_64 rng(99);
  std::uniform_int_distribution<int> jitter(8, 60);
  std::uint64_t values = 0;
  for (std::int64_t sec = 0; sec < std::int64_t{hours} * 3600; ++sec) {
    for (int m = 0; m < meters; ++m) {
      const UtcTime t = utc_ms(kSimStart + 1000 * sec);
      auto& model = models[static_cast<std::size_t>(m)];
      model.advance_to(t);
      const auto& snap = model.snapshot();
      Reading r{"bsmart-" + std::to_string(m + 1),
                t + std::chrono::milliseconds(jitter(rng)),
                TimeSync::synchronized,
                {}};
      add_channel(r, 1, snap.grid);
      add_channel(r, 2, snap.solar);
      r.values.push_back(
          {ObisCode(1, 1, 14, 7, 0), f32(snap.frequency_hz), Unit::hertz, Quality::good});
      values += r.values.size();
      s.publish(r);
    }
    if (sec % 600 == 599 && !s.flush()) std::abort();
  }
  if (!s.flush() || !s.close_all_windows()) std::abort();
  return values;
}

double process_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

void write_nginx_conf(const fs::path& dir, const fs::path& pki, std::uint16_t port) {
  fs::create_directories(dir / "tmp");
  std::ofstream c(dir / "nginx.conf");
  c << "user root;\nworker_processes 1;\ndaemon off;\nmaster_process off;\n"
    << "pid " << (dir / "nginx.pid").string() << ";\nerror_log " << (dir / "error.log").string()
    << " warn;\nevents { worker_connections 64; }\nhttp {\n  access_log off;\n";
  for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
    c << "  " << t << "_temp_path " << (dir / "tmp" / t).string() << ";\n";
  c << "  server {\n    listen 127.0.0.1:" << port << " ssl;\n"
    << "    ssl_protocols TLSv1.2 TLSv1.3;\n"
    << "    ssl_certificate " << (pki / "server.crt").string() << ";\n"
    << "    ssl_certificate_key " << (pki / "server.key").string() << ";\n"
    << "    ssl_client_certificate " << (pki / "ca.crt").string() << ";\n"
    << "    ssl_verify_client on;\n    client_max_body_size 64m;\n"
    << "    client_body_buffer_size 16m;\n"
    << "    location / { return 204; }\n  }\n}\n";
}

// A port that was free a moment ago on 127.0.0.1.
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool port_open(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  int hours = 24, meters = 8;
  std::size_t batch_chunks = 8;
  uplink::Encoding encoding = uplink::Encoding::cbor;
  bool gzip = true;
  fs::path dir;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--hours")
      hours = std::stoi(next());
    else if (a == "--meters")
      meters = std::stoi(next());
    else if (a == "--batch-chunks")
      batch_chunks = std::stoul(next());
    else if (a == "--encoding")
      encoding = next() == "json" ? uplink::Encoding::json : uplink::Encoding::cbor;
    else if (a == "--no-gzip")
      gzip = false;
    else if (a == "--dir")
      dir = next();
    else {
      std::fprintf(stderr,
                   "usage: bench-uplink [--hours N] [--meters N] [--encoding cbor|json] "
                   "[--no-gzip] [--batch-chunks N] [--dir DIR]\n");
      return 2;
    }
  }
  spdlog::set_level(spdlog::level::warn);
  const bool temp = dir.empty();
  if (temp) {
    std::string tmpl = (fs::temp_directory_path() / "bench-uplink-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) return 1;
    dir = tmpl;
  }
  fs::create_directories(dir);
  SystemClock clock;
  store::StoreOptions so;
  so.path = dir / ("uplink-" + std::to_string(hours) + "h-" + std::to_string(meters) + "m.db");
  const bool reuse = fs::exists(so.path);
  auto opened = store::Store::open(so, clock, store::KeyStore::from_keys({bench_key()}).value());
  if (!opened) {
    std::fprintf(stderr, "store: %s\n", opened.error().message().c_str());
    return 1;
  }
  auto& s = **opened;
  store::StoreUploadQueue queue(s);
  const std::uint64_t values = std::uint64_t(hours) * 3600 * meters * 27;
  if (!reuse) {
    const auto t0 = Steady::now();
    generate(s, hours, meters);
    std::printf("generated %d h of %d meters (%llu values) in %.1f s\n", hours, meters,
                static_cast<unsigned long long>(values),
                std::chrono::duration<double>(Steady::now() - t0).count());
  } else {
    // Replay again: every chunk and event pending, no batch in flight.
    auto db = store::Db::open(so.path, false);
    if (!db || !db->exec("UPDATE chunks SET uploaded = 0; UPDATE events SET uploaded = 0 WHERE "
                         "uploaded = 1; DELETE FROM upload_cursor;"))
      return 1;
  }
  const auto backlog = queue.backlog().value();

  const fs::path pki = dir / "pki";
  if (!fs::exists(pki / "client.key")) {
    const std::string cmd = "sh " +
                            (fs::path(METERD_SOURCE_DIR) / "tests/uplink/make_certs.sh").string() +
                            " " + pki.string();
    if (std::system(cmd.c_str()) != 0) return 1;
  }
  const std::uint16_t port = free_port();
  write_nginx_conf(dir / "nginx", pki, port);
  uplink::testing::Process nginx(
      {"nginx", "-p", (dir / "nginx").string(), "-c", (dir / "nginx" / "nginx.conf").string()},
      (dir / "nginx" / "nginx.out").string());
  for (int i = 0; i < 500 && !port_open(port); ++i) std::this_thread::sleep_for(10ms);
  if (!port_open(port)) {
    std::fprintf(stderr, "nginx did not start (see %s)\n", (dir / "nginx").c_str());
    return 1;
  }

  uplink::UplinkOptions o;
  o.url = "https://127.0.0.1:" + std::to_string(port) + "/api/v1/batches";
  o.tls = {pki / "ca.crt", pki / "client.crt", pki / "client.key", {}};
  o.uploader.gateway = "bench";
  o.uploader.encoding = encoding;
  o.uploader.gzip = gzip;
  o.uploader.batch_chunks = batch_chunks;
  o.uploader.poll_interval = 20ms;
  o.uploader.heartbeat_interval = 0ms;
  std::mt19937_64 rng(1);
  auto up = uplink::Uplink::create(
      o, queue, clock, [&rng] { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); });
  if (!up) {
    std::fprintf(stderr, "uplink: %s\n", up.error().message().c_str());
    return 1;
  }
  const double cpu0 = process_cpu_s();
  const auto t0 = Steady::now();
  (*up)->start();
  // The uploader's own counters (no extra SQLite query on this thread while it runs).
  const std::uint64_t readings = values / 27;
  while ((*up)->uplink_status().readings_sent < readings) std::this_thread::sleep_for(5ms);
  (*up)->stop();
  const double wall = std::chrono::duration<double>(Steady::now() - t0).count();
  const double cpu = process_cpu_s() - cpu0;
  const auto st = (*up)->uplink_status();
  const auto wire = (*up)->wire_bytes();
  nginx.kill(SIGTERM);
  const double wire_total = static_cast<double>(wire.sent + wire.received);
  const double days = static_cast<double>(hours) / 24.0;
  std::printf(
      "\nuplink replay: %d h x %d meters at 1 s, %llu chunks (%.1f MB stored), %s%s, "
      "%zu chunks per batch\n",
      hours, meters, static_cast<unsigned long long>(backlog.chunks),
      static_cast<double>(backlog.bytes) / 1e6,
      encoding == uplink::Encoding::cbor ? "cbor" : "json", gzip ? "+gzip" : "", batch_chunks);
  std::printf(
      "| batches | retries | wall s | batches/s | sent MB | received MB | wire MB/s | "
      "bytes/value | CPU s | CPU s/day of data |\n|---|---|---|---|---|---|---|---|---|---|\n");
  std::printf("| %llu | %llu | %.1f | %.1f | %.2f | %.3f | %.2f | %.3f | %.1f | %.2f |\n",
              static_cast<unsigned long long>(st.batches_sent),
              static_cast<unsigned long long>(st.retries), wall,
              static_cast<double>(st.batches_sent) / wall, static_cast<double>(wire.sent) / 1e6,
              static_cast<double>(wire.received) / 1e6, wire_total / 1e6 / wall,
              wire_total / static_cast<double>(values), cpu, cpu / days);
  std::printf(
      "batches_per_s=%.2f wire_mb_per_s=%.3f wire_bytes_per_value=%.3f cpu_s_per_day=%.2f\n",
      static_cast<double>(st.batches_sent) / wall, wire_total / 1e6 / wall,
      wire_total / static_cast<double>(values), cpu / days);
  if (temp) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  return st.readings_sent == values / 27 ? 0 : 1;
}
