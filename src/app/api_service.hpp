// src/app/api_service.hpp: the REST API (src/api) as a daemon Service.
//
// start() maps the `api:` section onto api::ApiOptions (and the `nilm:` section's virtual meter
// onto its usages), builds the data sources over the
// running modules (api_sources.hpp: acquisition's statuses joined with the configured poll
// intervals, the latest-values cache, the recent events, the store if it runs, the uplink's
// status provider if any) and starts the server on the daemon's io_context; an unbindable port or
// an unsafe tokens/key file aborts start-up naming it. async_stop() stops accepting and cancels
// the connections. A changed `api` section takes effect at the next start (logged); changed
// buses (poll intervals for staleness) at once.
// Thread contract: Service calls on the io_context thread; the data sources are read from the
// API's worker threads, which the inputs allow (see api_sources.hpp).
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "meterd/clock.hpp"
#include "meterd/data_sources.hpp"
#include "meterd/meter_status.hpp"
#include "meterd/uplink_status.hpp"
#include "src/api/api_options.hpp"
#include "src/app/service.hpp"
#include "src/config/config.hpp"
#include "src/pipeline/latest_values.hpp"
#include "src/pipeline/recent_events.hpp"

namespace meterd::store {
class Store;
}
namespace meterd::api {
class Api;
class Server;
}  // namespace meterd::api

namespace meterd::app {

class LatestValuesSource;
class FunctionMeterSource;
class StoreSeriesSource;
class DaemonEventSource;
class StoreStatusSource;

struct ApiInputs {
  std::function<std::vector<MeterStatus>()> meter_statuses;  // e.g. acquisition.snapshot()
  const pipeline::LatestValues* latest = nullptr;            // required
  const pipeline::RecentEvents* events = nullptr;            // required
  std::function<store::Store*()> store;                      // the running store, or nullptr (none)
  const UplinkStatusProvider* uplink = nullptr;              // null: no uplink
};

// `api` as the server's options.
api::ApiOptions api_options(const config::ApiConfig& config);
// The NILM virtual meter /api/v1/usages reads: none (empty id) unless `nilm` is enabled; its
// `local` UTC offset resolved at `now` (config::effective_utc_offset), and again per request at
// the end of its range (UsageOptions::local_offset), as the NILM service follows it per reading.
api::UsageOptions usage_options(const config::NilmConfig& nilm, UtcTime now);

class ApiService final : public Service {
 public:
  ApiService(boost::asio::io_context& io, const Clock& clock, const config::Config& config,
             ApiInputs inputs, std::string version);
  ~ApiService() override;
  ApiService(const ApiService&) = delete;
  ApiService& operator=(const ApiService&) = delete;

  std::string_view name() const override { return "api"; }
  Result<void> start() override;
  void async_stop(std::function<void()> done) override;
  void on_config_reloaded(const config::Config& config) override;

  // The bound port of each listener (empty while stopped or disabled).
  std::vector<std::uint16_t> ports() const;

 private:
  std::vector<MeterEntry> meters() const;

  boost::asio::io_context& io_;
  const Clock& clock_;
  config::ApiConfig config_;
  config::NilmConfig nilm_;
  ApiInputs inputs_;
  std::string version_;
  mutable std::mutex buses_mutex_;  // meters() runs on the API's worker threads
  std::vector<config::BusConfig> buses_;
  std::unique_ptr<FunctionMeterSource> meter_source_;
  std::unique_ptr<LatestValuesSource> latest_source_;
  std::unique_ptr<StoreSeriesSource> series_source_;
  std::unique_ptr<DaemonEventSource> event_source_;
  std::unique_ptr<StoreStatusSource> storage_source_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<api::Server> server_;
};

}  // namespace meterd::app
