#include "src/app/store_service.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <system_error>
#include <utility>

#include "src/app/store_setup.hpp"

namespace meterd::app {
namespace {

// The store keys that only take effect when the store is opened again.
bool same_store(const config::StoreConfig& a, const config::StoreConfig& b) {
  return a.path == b.path && a.flush_interval == b.flush_interval && a.window == b.window &&
         a.close_grace == b.close_grace && a.retention == b.retention &&
         a.retention_interval == b.retention_interval && a.quota_bytes == b.quota_bytes &&
         a.min_free_bytes == b.min_free_bytes && a.max_queued_readings == b.max_queued_readings &&
         a.key_dir == b.key_dir && a.key_credential == b.key_credential;
}

}  // namespace

StoreService::StoreService(const Clock& clock, const config::Config& config)
    : clock_(clock), config_(config.store) {}

StoreService::~StoreService() {
  if (stop_thread_.joinable()) stop_thread_.join();
}

Result<void> StoreService::start() {
  auto loaded = load_or_generate_keys(config_);
  if (!loaded) return loaded.error();
  if (!loaded->generated.empty()) {
    spdlog::warn(
        "store: no sealing key yet: generated {} (key id {}); back it up, the data "
        "cannot be read without it",
        loaded->generated.string(), format_key_id(loaded->keys.active_id()));
  }
  // A fresh box outside systemd (which makes StateDirectory=) may lack the directory.
  if (const auto parent = config_.path.parent_path(); !parent.empty()) {
    std::error_code ec;
    if (std::filesystem::create_directories(parent, ec)) {
      std::filesystem::permissions(parent, std::filesystem::perms::owner_all, ec);
    }
  }
  const store::KeyId active = loaded->keys.active_id();
  const std::size_t key_count = loaded->keys.ids().size();
  auto opened = store::Store::open(store_options(config_), clock_, std::move(loaded->keys));
  if (!opened) {
    return Error{opened.error().code,
                 "cannot open " + config_.path.string() + ": " + opened.error().detail};
  }
  store_ = std::move(*opened);
  store_->start();
  spdlog::info("store: {} open, sealing with key id {} ({} key(s)), window {}, flush every {}",
               config_.path.string(), format_key_id(active), key_count,
               config::format_duration(config_.window),
               config::format_duration(config_.flush_interval));
  return {};
}

void StoreService::publish(const Reading& reading) {
  if (store_) store_->publish(reading);
}

void StoreService::publish(const Event& event) {
  if (store_) store_->publish(event);
}

void StoreService::async_stop(std::function<void()> done) {
  if (!store_) {
    done();
    return;
  }
  // The final flush is blocking: off the loop, so the watchdog keeps being fed.
  stop_thread_ = std::thread([this, done = std::move(done)] {
    store_->stop();
    spdlog::info("store: flushed and stopped ({} readings and {} events dropped since start)",
                 store_->dropped_readings(), store_->dropped_events());
    done();
  });
}

void StoreService::on_config_reloaded(const config::Config& config) {
  if (!same_store(config.store, config_)) {
    spdlog::warn("store: the store section changed; it takes effect at the next start");
  }
}

}  // namespace meterd::app
