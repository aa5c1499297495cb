// bench-store: bytes at rest, ingest rate and day-query time of the store (src/store), side by
// side with a naive one-row-per-value SQLite table of the same data, on
//   sim     24 h of 1 s readings of 8 simulated B-Smart meters (tools/sim BuildingModel, 27 values
//           each, converted as the driver does: float32 kW * 1000, float32 V/A/PF/Hz, f64 kWh *
//           1000)
//   ukdale  one day of UK-DALE mains and 4 appliances at 6 s (bench/data, CC BY 4.0)
//   lab     four 1 Hz laboratory traces, 12 quantities (bench/data/lab-1hz, MIT)
// Usage: bench-store [--hours N] [--dir DIR]. The last line is the summary for the sim set:
//   bytes_per_value=... naive_bytes_per_value=... ingest_values_per_s=... day_query_ms=...
//   written_mb_per_day=... (what reaches the disk in a day at the default 1 s flush: flash wear)
// Ingest time counts publish() + flush() (encode, seal, SQLite, fsync) on this thread only.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench/sim_readings.hpp"
#include "src/store/schema.hpp"
#include "src/store/sqlite_db.hpp"
#include "src/store/store.hpp"
#include "src/store/value_codec.hpp"
#include "tools/sim/building_model.hpp"

namespace {

using meterd::bench::add_channel;
using meterd::bench::f32;

using namespace meterd;
using namespace meterd::store;
namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;
using Batch = std::vector<Reading>;
using Producer = std::function<void(const std::function<void(Batch&)>&)>;

double seconds_since(Steady::time_point t0) {
  return std::chrono::duration<double>(Steady::now() - t0).count();
}

// CPU time of the calling thread: the machine may be shared, and "on one core" is what counts.
double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

UtcTime utc_ms(std::int64_t ms) { return UtcTime{std::chrono::milliseconds{ms}}; }

std::uint64_t file_bytes(const fs::path& p) {
  std::uint64_t n = 0;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    auto s = fs::file_size(p.string() + suffix, ec);
    if (!ec) n += s;
  }
  return n;
}

// ---- data sets --------------------------------------------------------------------------------


constexpr std::int64_t kSimStart = 1'782'000'000'000;  // 2026-06-21 (solar at midday)
constexpr int kSimMeters = 8;

Producer sim_producer(int hours) {
  return [hours](const std::function<void(Batch&)>& sink) {
    std::vector<sim::BuildingModel> models;
    for (int m = 0; m < kSimMeters; ++m)
      models.emplace_back(sim::derive_seed(2026, static_cast<std::uint64_t>(m)), utc_ms(kSimStart));
    std::mt19937_64 jitter_rng(99);
    std::uniform_int_distribution<int> jitter(8, 60);  // poll completion after the second tick
    Batch batch;
    for (std::int64_t s = 0; s < std::int64_t{hours} * 3600; ++s) {
      for (int m = 0; m < kSimMeters; ++m) {
        const UtcTime t = utc_ms(kSimStart + 1000 * s);
        models[static_cast<std::size_t>(m)].advance_to(t);
        const auto& snap = models[static_cast<std::size_t>(m)].snapshot();
        Reading r{"bsmart-" + std::to_string(m + 1),
                  t + std::chrono::milliseconds(jitter(jitter_rng)),
                  TimeSync::synchronized,
                  {}};
        r.values.reserve(27);
        add_channel(r, 1, snap.grid);
        add_channel(r, 2, snap.solar);
        r.values.push_back(
            {ObisCode(1, 1, 14, 7, 0), f32(snap.frequency_hz), Unit::hertz, Quality::good});
        batch.push_back(std::move(r));
      }
      if (batch.size() >= 60 * kSimMeters) {
        sink(batch);
        batch.clear();
      }
    }
    if (!batch.empty()) sink(batch);
  };
}

std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
  std::ifstream in(p);
  if (!in) {
    std::fprintf(stderr, "bench-store: cannot read %s\n", p.c_str());
    std::exit(1);
  }
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    rows.push_back(std::move(f));
  }
  return rows;
}

UtcTime csv_time(const std::string& s) {
  auto t = parse_utc(s + "Z");
  if (!t) {
    std::fprintf(stderr, "bench-store: bad time %s\n", s.c_str());
    std::exit(1);
  }
  return *t;
}

// One CSV = one meter; column i (after the time) named by codes[header].
Producer csv_producer(std::vector<std::pair<std::string, fs::path>> files,
                      std::map<std::string, std::pair<ObisCode, Unit>> codes) {
  return [files, codes](const std::function<void(Batch&)>& sink) {
    for (const auto& [meter, path] : files) {
      auto rows = read_csv(path);
      std::vector<std::pair<ObisCode, Unit>> cols;
      for (std::size_t i = 1; i < rows.at(0).size(); ++i) {
        auto it = codes.find(rows[0][i]);
        if (it == codes.end()) {
          std::fprintf(stderr, "bench-store: unknown column %s\n", rows[0][i].c_str());
          std::exit(1);
        }
        cols.push_back(it->second);
      }
      Batch batch;
      for (std::size_t r = 1; r < rows.size(); ++r) {
        Reading reading{meter, csv_time(rows[r][0]), TimeSync::synchronized, {}};
        for (std::size_t i = 0; i < cols.size() && i + 1 < rows[r].size(); ++i) {
          reading.values.push_back({cols[i].first, std::strtod(rows[r][i + 1].c_str(), nullptr),
                                    cols[i].second, Quality::good});
        }
        batch.push_back(std::move(reading));
        if (batch.size() >= 600) {
          sink(batch);
          batch.clear();
        }
      }
      if (!batch.empty()) sink(batch);
    }
  };
}

// ---- the measurement --------------------------------------------------------------------------

struct Figures {
  std::string name;
  std::uint64_t values = 0;
  std::uint64_t store_bytes = 0, naive_bytes = 0;
  double ingest_s = 0, naive_ingest_s = 0;  // thread CPU time
  double ingest_wall_s = 0;
  double query_ms = 0, naive_query_ms = 0;
  std::size_t query_points = 0;
  bool verified = false;
  std::map<ObisCode, std::pair<std::uint64_t, std::uint64_t>>
      columns;  // obis -> (bytes, values), q_meter only
};

// Encoded bytes of each quantity of one meter, window by window (value columns only).
class ColumnAccounting {
 public:
  ColumnAccounting(std::string meter,
                   std::map<ObisCode, std::pair<std::uint64_t, std::uint64_t>>& out)
      : meter_(std::move(meter)), out_(out) {}
  void add(const Reading& r) {
    if (r.meter_id != meter_) return;
    const std::int64_t w = r.time.time_since_epoch().count() / 600'000;
    if (w != window_) flush();
    window_ = w;
    for (const auto& v : r.values) buf_[v.obis].push_back(v.value);
  }
  void flush() {
    for (auto& [obis, values] : buf_) {
      std::vector<std::uint8_t> bytes;
      ByteWriter w(bytes);
      encode_values(values, w);
      out_[obis].first += bytes.size();
      out_[obis].second += values.size();
    }
    buf_.clear();
  }

 private:
  std::string meter_;
  std::map<ObisCode, std::pair<std::uint64_t, std::uint64_t>>& out_;
  std::map<ObisCode, std::vector<double>> buf_;
  std::int64_t window_ = -1;
};

double median_ms(const std::function<void()>& fn) {
  std::vector<double> t;
  for (int i = 0; i < 7; ++i) {
    const auto t0 = Steady::now();
    fn();
    t.push_back(seconds_since(t0) * 1000.0);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

template <class T>
T must(Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "bench-store: %s: %s\n", what, r.error().message().c_str());
    std::exit(1);
  }
  return std::move(*r);
}
void must(Result<void> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "bench-store: %s: %s\n", what, r.error().message().c_str());
    std::exit(1);
  }
}

Figures measure(const std::string& name, const fs::path& dir, const Producer& produce,
                const std::string& q_meter, ObisCode q_obis, UtcTime q_from, UtcTime q_to) {
  Figures f;
  f.name = name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  StoreOptions options;
  options.path = dir / "store.db";
  ManualClock clock(q_from);
  KeyBytes key{};
  must(openssl_random(key), "random key");
  auto store =
      must(Store::open(options, clock, must(KeyStore::from_keys({key}), "keys")), "open store");

  auto naive = must(open_database(dir / "naive.db"), "open naive");  // same pragmas: WAL, FULL
  must(naive.exec(
           "CREATE TABLE IF NOT EXISTS naive (meter_id INTEGER NOT NULL, obis INTEGER NOT NULL, "
           "t INTEGER NOT NULL, value REAL, quality INTEGER NOT NULL, PRIMARY KEY (meter_id, obis, "
           "t)) "
           "WITHOUT ROWID"),
       "naive table");
  auto ins =
      must(naive.prepare("INSERT OR IGNORE INTO naive VALUES (?, ?, ?, ?, ?)"), "naive insert");
  std::map<std::string, std::int64_t> naive_ids;
  ColumnAccounting accounting(q_meter, f.columns);

  produce([&](Batch& batch) {
    for (const auto& r : batch) {
      f.values += r.values.size();
      accounting.add(r);
    }
    clock.step_utc(batch.back().time - clock.utc_now());
    auto t0 = Steady::now();
    double c0 = thread_cpu_s();
    for (const auto& r : batch) store->publish(r);
    must(store->flush(), "flush");
    f.ingest_s += thread_cpu_s() - c0;
    f.ingest_wall_s += seconds_since(t0);

    c0 = thread_cpu_s();
    auto tx = must(Transaction::begin(naive), "naive begin");
    for (const auto& r : batch) {
      const auto id = naive_ids.try_emplace(r.meter_id, static_cast<std::int64_t>(naive_ids.size()))
                          .first->second;
      for (const auto& v : r.values) {
        ins.bind(1, id)
            .bind(2, static_cast<std::int64_t>(v.obis.packed()))
            .bind(3, r.time.time_since_epoch().count());
        ins.bind_double(4, v.value);
        ins.bind(5, static_cast<std::int64_t>(v.quality));
        must(ins.run(), "naive row");
      }
    }
    must(tx.commit(), "naive commit");
    f.naive_ingest_s += thread_cpu_s() - c0;
  });
  accounting.flush();
  const auto t0 = Steady::now();
  const double c0 = thread_cpu_s();
  must(store->close_all_windows(), "close windows");
  f.ingest_s += thread_cpu_s() - c0;
  f.ingest_wall_s += seconds_since(t0);
  must(store->enforce_retention(), "retention");  // as the flush thread does every minute
  store.reset();  // closes the file: the WAL is checkpointed into it
  must(naive.exec("PRAGMA wal_checkpoint(TRUNCATE)"), "naive checkpoint");
  f.store_bytes = file_bytes(options.path);
  f.naive_bytes = file_bytes(dir / "naive.db");

  store =
      must(Store::open(options, clock, must(KeyStore::from_keys({key}), "keys")), "reopen store");
  auto report = must(store->verify(), "verify");
  f.verified = report.clean() && report.values == f.values;
  f.query_ms = median_ms([&] {
    f.query_points = must(store->series(q_meter, q_obis, q_from, q_to, std::chrono::milliseconds(0),
                                        Aggregate::raw),
                          "series")
                         .size();
  });
  auto q = must(naive.prepare("SELECT t, value, quality FROM naive WHERE meter_id = ? AND obis = ? "
                              "AND t >= ? AND t < ?"),
                "naive query");
  std::size_t naive_points = 0;
  f.naive_query_ms = median_ms([&] {
    naive_points = 0;
    q.bind(1, naive_ids[q_meter]).bind(2, static_cast<std::int64_t>(q_obis.packed()));
    q.bind(3, q_from.time_since_epoch().count()).bind(4, q_to.time_since_epoch().count());
    while (must(q.step(), "naive step")) ++naive_points;
    q.reset();
  });
  if (naive_points != f.query_points) {
    std::fprintf(stderr, "bench-store: %s: store returned %zu points, naive table %zu\n",
                 name.c_str(), f.query_points, naive_points);
    std::exit(1);
  }
  return f;
}

// What this process has written to storage so far (/proc/self/io write_bytes: every page it
// dirtied; with an fsync per flush each flush's pages count again). A lower bound of what the
// flash sees: the file system's journal and the flash's own write amplification come on top.
std::optional<std::uint64_t> written_bytes() {
  std::ifstream io("/proc/self/io");
  std::string key;
  std::uint64_t value = 0;
  while (io >> key >> value) {
    if (key == "write_bytes:") return value;
  }
  return std::nullopt;
}

struct RealtimeRun {
  std::vector<double> ms;       // wall time of each flush, fsync included
  double written_per_h = -1.0;  // bytes written to storage per hour of readings (< 0: unknown)
};

// How meter and bus events reach the store in a real-time run: none; one every kEventEveryS
// seconds in a transaction of its own (Store::record_event, how the daemon wrote them before
// they rode the flush); or queued and written by the next flush (Store::publish, the daemon).
enum class Events { none, own_commit, with_flush };
// NILM's load_switch events on the example configuration: 39 in 3 minutes, about one in 5 s.
constexpr int kEventEveryS = 5;

// Real-time shape: 8 readings a second, flushed every `flush_s` seconds (what the flush thread
// does at flush_interval), over 2 hours of data: 12 windows close and the WAL is checkpointed
// many times (20 minutes saw one close and, at 60 s, no checkpoint: 30 % fewer bytes a day).
RealtimeRun realtime_run(const fs::path& dir, int flush_s, Events events = Events::none) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  StoreOptions options;
  options.path = dir / "store.db";
  ManualClock clock(utc_ms(kSimStart));
  KeyBytes key{};
  must(openssl_random(key), "random key");
  auto store =
      must(Store::open(options, clock, must(KeyStore::from_keys({key}), "keys")), "open store");
  RealtimeRun run;
  constexpr int kSeconds = 7200;
  int seconds = 0;
  const auto written0 = written_bytes();
  sim_producer(kSeconds / 3600)([&](Batch& batch) {
    for (std::size_t s = 0; s + kSimMeters <= batch.size() && seconds < kSeconds; s += kSimMeters) {
      clock.step_utc(batch[s].time - clock.utc_now());
      const auto t0 = Steady::now();
      for (std::size_t m = 0; m < kSimMeters; ++m) store->publish(batch[s + m]);
      if (events != Events::none && seconds % kEventEveryS == 0) {
        const Event e{clock.utc_now(), "nilm", "usages", EventKind::load_switch,
                      "phase 1 dP +2012 W dQ +35 var cluster 7 heating_elements"};
        if (events == Events::with_flush) store->publish(e);
        else must(store->record_event(e), "record event");
      }
      if (++seconds % flush_s != 0) continue;
      must(store->flush(), "flush");
      run.ms.push_back(seconds_since(t0) * 1000.0);
    }
  });
  if (const auto written1 = written_bytes(); written0 && written1) {
    run.written_per_h =
        static_cast<double>(*written1 - *written0) * 3600.0 / static_cast<double>(kSeconds);
  }
  std::sort(run.ms.begin(), run.ms.end());
  return run;
}

// The table for flush intervals of 1, 5, 10 and 60 s; returns the bytes written per day at 1 s
// (the default), the flash wear figure of the summary line.
double realtime_flushes(const fs::path& dir) {
  std::printf("\nreal-time shape: %d readings a second over 2 hours, flushed every interval; "
              "written = /proc/self/io write_bytes (WAL, checkpoints into the file; a lower "
              "bound of the flash's writes)\n",
              kSimMeters);
  std::printf("| flush interval | flushes | median ms | p99 ms | written per day |\n"
              "|---|---|---|---|---|\n");
  double per_day_1s = -1.0;
  for (const int flush_s : {1, 5, 10, 60}) {
    const RealtimeRun r = realtime_run(dir, flush_s);
    const double per_day = r.written_per_h < 0.0 ? -1.0 : r.written_per_h * 24.0;
    if (flush_s == 1) per_day_1s = per_day;
    const std::string written =
        per_day < 0.0 ? "unknown (no /proc/self/io)" : fmt::format("{:.0f} MB", per_day / 1e6);
    std::printf("| %d s | %zu | %.2f | %.2f | %s |\n", flush_s, r.ms.size(),
                r.ms[r.ms.size() / 2], r.ms[r.ms.size() * 99 / 100], written.c_str());
  }
  std::printf("\nthe same with one event every %d s (NILM's switchings on the example):\n"
              "| flush interval | events | written per day |\n|---|---|---|\n",
              kEventEveryS);
  for (const int flush_s : {1, 10}) {
    for (const auto& [mode, name] : {std::pair{Events::own_commit, "own transaction each"},
                                     std::pair{Events::with_flush, "with the flush (daemon)"}}) {
      const RealtimeRun r = realtime_run(dir, flush_s, mode);
      const std::string written = r.written_per_h < 0.0
                                      ? "unknown"
                                      : fmt::format("{:.0f} MB", r.written_per_h * 24 / 1e6);
      std::printf("| %d s | %s | %s |\n", flush_s, name, written.c_str());
    }
  }
  return per_day_1s;  // < 0: unknown
}

}  // namespace

int main(int argc, char** argv) {
  int hours = 24;
  fs::path dir = fs::temp_directory_path() / "bench-store";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--hours")
      hours = std::max(1, std::atoi(argv[i + 1]));
    else if (a == "--dir")
      dir = argv[i + 1];
  }
  spdlog::set_level(spdlog::level::warn);
  const fs::path data = METERD_BENCH_DATA;

  std::vector<Figures> all;
  const UtcTime sim_from = utc_ms(kSimStart);
  std::printf(
      "bench-store: %d h of 1 s data, %d simulated B-Smart meters x 27 values; files in %s\n",
      hours, kSimMeters, dir.c_str());
  all.push_back(measure("sim", dir / "sim", sim_producer(hours), "bsmart-1",
                        ObisCode(1, 1, 1, 7, 0), sim_from,
                        sim_from + std::chrono::hours(std::min(hours, 24))));
  const std::pair<ObisCode, Unit> watt_main{ObisCode(1, 0, 1, 7, 0), Unit::watt};
  all.push_back(measure("ukdale", dir / "ukdale",
                        csv_producer({{"ukdale-house1", data / "ukdale_test_6s.csv"}},
                                     {{"main_W", watt_main},
                                      {"dish_washer_W", {ObisCode(1, 1, 1, 7, 0), Unit::watt}},
                                      {"fridge_W", {ObisCode(1, 2, 1, 7, 0), Unit::watt}},
                                      {"microwave_W", {ObisCode(1, 3, 1, 7, 0), Unit::watt}},
                                      {"washer_dryer_W", {ObisCode(1, 4, 1, 7, 0), Unit::watt}}}),
                        "ukdale-house1", watt_main.first,
                        must(parse_utc("2014-08-24T00:00:00Z"), "t"),
                        must(parse_utc("2014-08-25T00:00:00Z"), "t")));
  std::map<std::string, std::pair<ObisCode, Unit>> lab_codes{
      {"RMS Current", {ObisCode(1, 0, 31, 7, 0), Unit::ampere}},
      {"Average Current", {ObisCode(1, 0, 31, 5, 0), Unit::ampere}},
      {"Peak Current", {ObisCode(1, 0, 31, 6, 0), Unit::ampere}},
      {"Apparent (W)", {ObisCode(1, 0, 9, 7, 0), Unit::volt_ampere}},
      {"Active (W)", watt_main},
      {"Reactive (W)", {ObisCode(1, 0, 3, 7, 0), Unit::var}},
      {"Power Factor", {ObisCode(1, 0, 13, 7, 0), Unit::none}},
      {"Fundamental Frequency (50Hz)", {ObisCode(1, 0, 31, 7, 1), Unit::ampere}},
      {"Third Harmonics (150Hz)", {ObisCode(1, 0, 31, 7, 3), Unit::ampere}},
      {"Fifth (250Hz)", {ObisCode(1, 0, 31, 7, 5), Unit::ampere}},
      {"Seventh (350Hz)", {ObisCode(1, 0, 31, 7, 7), Unit::ampere}},
      {"Ninth (450Hz)", {ObisCode(1, 0, 31, 7, 9), Unit::ampere}}};
  const fs::path lab = data / "lab-1hz";
  all.push_back(measure("lab", dir / "lab",
                        csv_producer({{"lab-2combi-test", lab / "2combi_test_main.csv"},
                                      {"lab-2combi-train", lab / "2combi_train_main.csv"},
                                      {"lab-3combi-train", lab / "3combi_train_main.csv"},
                                      {"lab-3combi-test", lab / "3combi_test_main.csv"}},
                                     lab_codes),
                        "lab-3combi-train", watt_main.first,
                        must(parse_utc("2022-11-01T00:00:00Z"), "t"),
                        must(parse_utc("2022-12-01T00:00:00Z"), "t")));

  std::printf("\n%-7s %9s %11s %11s %8s %8s %10s %10s %10s %9s %9s %7s %s\n", "data", "values",
              "store_B", "naive_B", "B/value", "naive", "ingest/s", "wall/s", "naive/s", "query_ms",
              "naive_ms", "points", "verify");
  for (const auto& f : all) {
    const double v = static_cast<double>(f.values);
    std::printf("%-7s %9llu %11llu %11llu %8.3f %8.2f %10.0f %10.0f %10.0f %9.2f %9.2f %7zu %s\n",
                f.name.c_str(), static_cast<unsigned long long>(f.values),
                static_cast<unsigned long long>(f.store_bytes),
                static_cast<unsigned long long>(f.naive_bytes),
                static_cast<double>(f.store_bytes) / v, static_cast<double>(f.naive_bytes) / v,
                v / f.ingest_s, v / f.ingest_wall_s, v / f.naive_ingest_s, f.query_ms,
                f.naive_query_ms, f.query_points, f.verified ? "clean" : "FAILED");
  }
  std::printf(
      "(ingest/s and naive/s: values per second of the ingesting thread's CPU time, batches of 60 "
      "s of\n"
      " readings per flush; wall/s: the same by the wall clock, fsync included)\n");
  for (const auto& f : all) {
    std::printf("\nencoded value bytes per value by quantity (%s, one meter, 10-min windows):\n",
                f.name.c_str());
    for (const auto& [obis, bv] : f.columns) {
      std::printf("  %-14s %6.3f\n", obis.to_string().c_str(),
                  static_cast<double>(bv.first) / static_cast<double>(bv.second));
    }
  }
  const double written_per_day = realtime_flushes(dir / "realtime");
  const Figures& sim = all.front();
  const double per_day = static_cast<double>(sim.store_bytes) * 24.0 / hours;
  std::printf("\nprojected 35 days (sim, %d meters): store %.1f MB, naive table %.1f MB\n",
              kSimMeters, per_day * 35 / 1e6,
              static_cast<double>(sim.naive_bytes) * 24.0 / hours * 35 / 1e6);
  std::printf(
      "bytes_per_value=%.3f naive_bytes_per_value=%.2f ingest_values_per_s=%.0f "
      "day_query_ms=%.2f written_mb_per_day=%.0f\n",
      static_cast<double>(sim.store_bytes) / static_cast<double>(sim.values),
      static_cast<double>(sim.naive_bytes) / static_cast<double>(sim.values),
      static_cast<double>(sim.values) / sim.ingest_s, sim.query_ms, written_per_day / 1e6);
  bool ok = true;
  for (const auto& f : all) ok = ok && f.verified;
  return ok ? 0 : 1;
}
