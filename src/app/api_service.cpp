#include "src/app/api_service.hpp"

#include <spdlog/spdlog.h>

#include "src/api/api.hpp"
#include "src/api/server.hpp"
#include "src/app/api_sources.hpp"

namespace meterd::app {

api::ApiOptions api_options(const config::ApiConfig& c) {
  api::ApiOptions o;
  o.listeners.clear();
  for (const auto& l : c.listeners) o.listeners.push_back({l.address, l.port, l.tls});
  o.tls_cert = c.tls_cert;
  o.tls_key = c.tls_key;
  o.tokens_file = c.tokens_file;
  o.max_header_bytes = c.max_header_bytes;
  o.max_body_bytes = c.max_body_bytes;
  o.read_timeout = c.read_timeout;
  o.write_timeout = c.write_timeout;
  o.max_connections = c.max_connections;
  o.max_series_points = c.max_series_points;
  o.max_export_range = std::chrono::duration_cast<std::chrono::hours>(c.max_export_range);
  o.worker_threads = c.worker_threads;
  return o;
}

api::UsageOptions usage_options(const config::NilmConfig& nilm, UtcTime now) {
  if (!nilm.enabled) return {};
  api::UsageOptions u{nilm.meter_id, nilm.step, config::effective_utc_offset(nilm, now),
                      nilm.usages, {}};
  if (!nilm.utc_offset) {  // `local`: the box's time zone at the time asked about
    u.local_offset = [](UtcTime t) { return config::local_utc_offset(t); };
  }
  return u;
}

ApiService::ApiService(boost::asio::io_context& io, const Clock& clock,
                       const config::Config& config, ApiInputs inputs, std::string version)
    : io_(io),
      clock_(clock),
      config_(config.api),
      nilm_(config.nilm),
      inputs_(std::move(inputs)),
      version_(std::move(version)),
      buses_(config.buses) {}

ApiService::~ApiService() = default;

std::vector<MeterEntry> ApiService::meters() const {
  const auto statuses =
      inputs_.meter_statuses ? inputs_.meter_statuses() : std::vector<MeterStatus>{};
  std::lock_guard lock(buses_mutex_);
  return meter_entries(statuses, buses_);
}

Result<void> ApiService::start() {
  if (!config_.enabled) {
    spdlog::info("api: disabled (api.enabled: false)");
    return {};
  }
  store::Store* store = inputs_.store ? inputs_.store() : nullptr;
  meter_source_ = std::make_unique<FunctionMeterSource>([this] { return meters(); });
  latest_source_ = std::make_unique<LatestValuesSource>(*inputs_.latest);
  series_source_ = std::make_unique<StoreSeriesSource>(store);
  event_source_ = std::make_unique<DaemonEventSource>(*inputs_.events, store);
  storage_source_ = std::make_unique<StoreStatusSource>(store);
  auto options = api_options(config_);
  options.usages = usage_options(nilm_, clock_.utc_now());
  api_ = std::make_unique<api::Api>(
      options, clock_,
      DataSources{meter_source_.get(), latest_source_.get(), series_source_.get(),
                  event_source_.get(), storage_source_.get(), inputs_.uplink},
      version_);
  server_ = std::make_unique<api::Server>(io_, options, *api_);
  if (auto started = server_->start(); !started) {
    server_.reset();
    return Error{started.error().code, "api: " + started.error().detail};
  }
  const auto ports = server_->ports();
  for (std::size_t i = 0; i < ports.size(); ++i) {
    spdlog::info("api: listening on {}:{}{}", options.listeners[i].address, ports[i],
                 options.listeners[i].tls ? " (TLS)" : "");
  }
  return {};
}

void ApiService::async_stop(std::function<void()> done) {
  if (server_) server_->stop();
  done();
}

void ApiService::on_config_reloaded(const config::Config& config) {
  {
    std::lock_guard lock(buses_mutex_);
    buses_ = config.buses;
  }
  const auto& a = config.api;
  const bool same =
      a.enabled == config_.enabled && a.listeners == config_.listeners &&
      a.tls_cert == config_.tls_cert && a.tls_key == config_.tls_key &&
      a.tokens_file == config_.tokens_file && a.max_header_bytes == config_.max_header_bytes &&
      a.max_body_bytes == config_.max_body_bytes && a.max_connections == config_.max_connections &&
      a.max_series_points == config_.max_series_points &&
      a.max_export_range == config_.max_export_range && a.read_timeout == config_.read_timeout &&
      a.write_timeout == config_.write_timeout && a.worker_threads == config_.worker_threads;
  if (!same) spdlog::warn("api: the api section changed; it takes effect at the next start");
  if (config.nilm != nilm_) {
    spdlog::warn("api: the nilm section changed; /api/v1/usages follows it at the next start");
  }
}

std::vector<std::uint16_t> ApiService::ports() const {
  return server_ ? server_->ports() : std::vector<std::uint16_t>{};
}

}  // namespace meterd::app
