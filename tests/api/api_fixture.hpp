// tests/api/api_fixture.hpp: the REST API over real sources on 127.0.0.1, port 0.
//
// A real store file (temp dir) filled through the store library with two hours of readings of
// three meters every 10 s, a latest-values cache fed the same readings, meter statuses, recent
// events and an uplink view, behind the real adapters of src/app/api_sources.hpp; the server
// runs on its own io_context thread. "heat-pump" went offline 10 minutes ago, so its latest
// values are stale. The clock is a ManualClock at the wall-clock time of construction. With
// nilm_options(), the store also holds the NILM virtual meter's readings (usage_fixture.hpp).
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "src/api/api.hpp"
#include "src/api/server.hpp"
#include "src/app/api_sources.hpp"
#include "src/pipeline/latest_values.hpp"
#include "src/pipeline/recent_events.hpp"
#include "src/store/store.hpp"
#include "tests/api/usage_fixture.hpp"

namespace meterd::api::testing {

inline const ObisCode kPower{1, 1, 1, 7, 0};
inline const ObisCode kVoltage{1, 1, 32, 7, 0};
inline const ObisCode kEnergy{1, 1, 1, 8, 0};
inline constexpr std::chrono::seconds kStep{10};
inline constexpr std::chrono::hours kHistory{2};

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "meterd-api-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The power of meter number m at sample i (W): distinct, smooth, never zero.
inline double power_of(int m, std::int64_t i) {
  return 1000.0 * (m + 1) + 400.0 * std::sin(static_cast<double>(i) / (20.0 + m));
}

class ApiFixture {
 public:
  static inline const std::vector<std::string> kMeters{"grid", "pv", "heat-pump"};

  // `stored`: the usages with energy in the NILM readings (the others are stored at 0).
  explicit ApiFixture(ApiOptions options = test_options(), UsageSet stored = kAllUsagesPresent)
      : clock_(now_second()), options_(std::move(options)), stored_usages_(stored) {
    store::StoreOptions so;
    so.path = dir_.path() / "store.db";
    store::KeyBytes key{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i * 7 + 3);
    store_ = store::Store::open(so, clock_, store::KeyStore::from_keys({key}).value()).value();
    fill();
    meters_source_ = std::make_unique<app::FunctionMeterSource>([this] { return entries(); });
    series_source_ = std::make_unique<app::StoreSeriesSource>(store_.get());
    events_source_ = std::make_unique<app::DaemonEventSource>(events_, store_.get());
    storage_source_ = std::make_unique<app::StoreStatusSource>(store_.get());
    api_ = std::make_unique<Api>(
        options_, clock_,
        DataSources{meters_source_.get(), &latest_source_, series_source_.get(),
                    events_source_.get(), storage_source_.get(), &uplink_},
        "test");
    server_ = std::make_unique<Server>(io_, options_, *api_);
    start_result_ = server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }

  ~ApiFixture() {
    boost::asio::post(io_, [this] { server_->stop(); });
    guard_.reset();
    thread_.join();
    server_.reset();
  }

  static ApiOptions test_options() {
    ApiOptions o;
    o.listeners = {ListenerOptions{"127.0.0.1", 0, false}};
    o.read_timeout = std::chrono::milliseconds(400);
    o.max_series_points = 5000;
    return o;
  }

  // test_options() with NILM on: the virtual meter "usages" (usage_fixture.hpp).
  static ApiOptions nilm_options() {
    ApiOptions o = test_options();
    o.usages = usage_options(now_second());
    return o;
  }

  std::uint16_t port() const { return server_->ports().at(0); }
  const Result<void>& start_result() const { return start_result_; }
  UtcTime now() const { return clock_.utc_now(); }
  std::size_t connections() const { return server_->connections(); }
  const std::filesystem::path& dir() const { return dir_.path(); }
  const ApiOptions& options() const { return options_; }
  pipeline::LatestValues& latest() { return latest_; }

 private:
  static UtcTime now_second() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }

  // Two hours of readings per meter; heat-pump stops 10 minutes before now.
  void fill() {
    const auto now = clock_.utc_now();
    const auto samples = kHistory / kStep;
    for (int m = 0; m < static_cast<int>(kMeters.size()); ++m) {
      const auto last = m == 2 ? samples - 60 : samples;
      for (std::int64_t i = 0; i < last; ++i) {
        Reading r{kMeters[m], now - kHistory + kStep * (i + 1), TimeSync::synchronized, {}};
        r.values.push_back({kPower, power_of(m, i), Unit::watt, Quality::good});
        r.values.push_back({kVoltage, 230.0 + m, Unit::volt, Quality::good});
        r.values.push_back({kEnergy, 1.0e6 * (m + 1) + 3.0 * static_cast<double>(i),
                            Unit::watt_hour, Quality::good});
        store_->publish(r);
        latest_.publish(r);
      }
    }
    if (!options_.usages.meter_id.empty()) {
      fill_usages(now, options_.usages.utc_offset, stored_usages_,
                  [&](const Reading& r) { store_->publish(r); });
    }
    store_->flush().value();
    store_->close_all_windows().value();
    events_.publish({now - std::chrono::minutes(10), "rs485-2", "heat-pump",
                     EventKind::meter_offline, "timeout: no reply within 200 ms"});
  }

  std::vector<MeterEntry> entries() const {
    std::vector<MeterEntry> out;
    for (int m = 0; m < static_cast<int>(kMeters.size()); ++m) {
      MeterEntry e;
      e.status.meter_id = kMeters[m];
      e.status.bus = m == 2 ? "rs485-2" : "rs485-1";
      e.status.protocol = "modbus-rtu";
      e.status.online = m != 2;
      e.status.serial_number = "SN" + std::to_string(1000 + m);
      e.status.requests = 720;
      e.status.polls_ok = m == 2 ? 660 : 720;
      e.status.polls_failed = m == 2 ? 60 : 0;
      e.status.timeouts = m == 2 ? 60 : 0;
      e.status.latency_median = std::chrono::microseconds(40'000 + 1000 * m);
      e.status.latency_p99 = std::chrono::microseconds(90'000);
      e.status.last_success = clock_.utc_now() - (m == 2 ? std::chrono::minutes(10) : kStep);
      e.poll_interval = kStep;
      e.energy_interval = std::chrono::seconds(60);
      out.push_back(e);
    }
    return out;
  }

  TempDir dir_;
  ManualClock clock_;
  ApiOptions options_;
  UsageSet stored_usages_;
  std::unique_ptr<store::Store> store_;
  pipeline::LatestValues latest_;
  pipeline::RecentEvents events_;
  app::LatestValuesSource latest_source_{latest_};
  std::unique_ptr<app::FunctionMeterSource> meters_source_;
  std::unique_ptr<app::StoreSeriesSource> series_source_;
  std::unique_ptr<app::DaemonEventSource> events_source_;
  std::unique_ptr<app::StoreStatusSource> storage_source_;
  // The uplink as its provider reports it: connected, 3 chunks behind, acknowledged 30 s ago.
  struct FixedUplink final : UplinkStatusProvider {
    explicit FixedUplink(const Clock& c) : clock(c) {}
    UplinkStatus uplink_status() const override {
      UplinkStatus u;
      u.enabled = true;
      u.connected = true;
      u.backlog_chunks = 3;
      u.batches_sent = 42;
      u.last_success = clock.utc_now() - std::chrono::seconds(30);
      return u;
    }
    const Clock& clock;
  } uplink_{clock_};
  std::unique_ptr<Api> api_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{
      io_.get_executor()};
  std::unique_ptr<Server> server_;
  Result<void> start_result_;
  std::thread thread_;
};

}  // namespace meterd::api::testing
