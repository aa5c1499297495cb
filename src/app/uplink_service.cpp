// src/app/uplink_service.cpp: the uplink as a daemon Service (uplink_service.hpp).
#include "src/app/uplink_service.hpp"

#include <spdlog/spdlog.h>

namespace meterd::app {

using namespace std::chrono_literals;

uplink::UplinkOptions uplink_options(const config::Config& config) {
  const config::UplinkConfig& u = config.uplink;
  uplink::UplinkOptions o;
  o.url = u.url;
  if (!u.proxy.empty()) o.proxy = u.proxy;
  o.tls = {u.ca_file, u.cert_file, u.key_file, {}};
  o.pins = u.pins;
  o.client.connect_timeout = u.connect_timeout;
  o.client.handshake_timeout = u.handshake_timeout;
  o.client.request_timeout = u.request_timeout;
  o.client.idle_timeout = u.idle_timeout;
  o.uploader.gateway = config.gateway.id;
  o.uploader.encoding =
      u.encoding == config::UplinkEncoding::json ? uplink::Encoding::json : uplink::Encoding::cbor;
  o.uploader.gzip = u.gzip;
  o.uploader.batch_chunks = u.batch_chunks;
  o.uploader.min_interval = u.batch_interval;
  o.uploader.poll_interval = u.poll_interval;
  o.uploader.heartbeat_interval = u.heartbeat;
  o.uploader.backoff = {u.backoff_initial, u.backoff_max, u.retry_after_max};
  o.uploader.quarantine_dir = u.quarantine_dir;
  return o;
}

UplinkService::UplinkService(boost::asio::io_context& io, const Clock& clock,
                             const config::Config& config, StoreService& store, Snapshot meters)
    : io_(io),
      clock_(clock),
      config_(config),
      store_(store),
      meters_(std::move(meters)),
      facts_timer_(io),
      random_(std::random_device{}()) {}

UplinkService::~UplinkService() {
  if (stop_thread_.joinable()) stop_thread_.join();
  if (uplink_) uplink_->stop();
}

Result<void> UplinkService::start() {
  if (!config_.uplink.enabled()) {
    spdlog::info("uplink: off (no uplink.url in the configuration)");
    return {};
  }
  if (store_.store() == nullptr) return Error(Errc::invalid_argument, "uplink: store not open");
  queue_ = std::make_unique<store::StoreUploadQueue>(*store_.store());
  refresh_facts();
  uplink::GatewayFacts facts;
  facts.meters_online = [this] {
    std::lock_guard lock(facts_mutex_);
    return meters_online_;
  };
  facts.serials = [this] {
    std::lock_guard lock(facts_mutex_);
    return serials_;
  };
  auto created = uplink::Uplink::create(
      uplink_options(config_), *queue_, clock_,
      [this] { return std::uniform_real_distribution<double>(0.0, 1.0)(random_); },
      std::move(facts));
  if (!created) return Error(created.error().code, "uplink: " + created.error().detail);
  uplink_ = std::move(*created);
  uplink_->start();
  schedule_facts();
  spdlog::info("uplink: sending to {} ({} chunks per batch)", config_.uplink.url,
               config_.uplink.batch_chunks);
  return {};
}

void UplinkService::refresh_facts() {
  if (!meters_) return;
  const auto meters = meters_();
  int online = 0;
  std::map<std::string, std::string> serials;
  for (const auto& m : meters) {
    if (m.online) ++online;
    if (!m.serial_number.empty()) serials[m.meter_id] = m.serial_number;
  }
  std::lock_guard lock(facts_mutex_);
  meters_online_ = online;
  serials_ = std::move(serials);
}

void UplinkService::schedule_facts() {
  facts_timer_.expires_after(5s);
  facts_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    refresh_facts();
    schedule_facts();
  });
}

void UplinkService::async_stop(std::function<void()> done) {
  facts_timer_.cancel();
  if (!uplink_) {
    done();
    return;
  }
  stop_thread_ = std::thread([this, done = std::move(done)] {
    uplink_->stop();
    done();
  });
}

void UplinkService::on_config_reloaded(const config::Config& config) {
  const auto& a = config_.uplink;
  const auto& b = config.uplink;
  if (a.url != b.url || a.proxy != b.proxy || a.ca_file != b.ca_file ||
      a.cert_file != b.cert_file || a.key_file != b.key_file || a.pins != b.pins ||
      a.encoding != b.encoding || a.gzip != b.gzip || a.batch_chunks != b.batch_chunks ||
      a.batch_interval != b.batch_interval || a.heartbeat != b.heartbeat) {
    spdlog::info("uplink: section changed; it takes effect at the next start");
  }
}

UplinkStatus UplinkService::uplink_status() const {
  return uplink_ ? uplink_->uplink_status() : UplinkStatus{};
}

}  // namespace meterd::app
