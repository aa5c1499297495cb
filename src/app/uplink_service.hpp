// src/app/uplink_service.hpp: the uplink (src/uplink) as a daemon Service over the store.
//
// start() does nothing but log when `uplink.url` is not set. Otherwise it builds the uplink from
// the `uplink` section over the open store (StoreUploadQueue) and starts its thread; a TLS file
// that is missing, unreadable, mismatched or a key readable by group/others aborts start-up with
// the file named. Every 5 s it copies the meters' status (online count, serial numbers) from
// acquisition on the loop, for the heartbeat and the batch documents. async_stop() stops the
// uplink on a thread of its own (a request in flight is abandoned unacknowledged and sent again
// with the same key at the next start) and reports done from there. The `uplink` section takes
// effect at the next start. Thread contract: Service calls on the io_context thread;
// uplink_status() from any thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "meterd/clock.hpp"
#include "meterd/meter_status.hpp"
#include "meterd/uplink_status.hpp"
#include "src/app/service.hpp"
#include "src/app/store_service.hpp"
#include "src/config/config.hpp"
#include "src/store/store_upload_queue.hpp"
#include "src/uplink/uplink.hpp"

namespace meterd::app {

// The uplink's options from the configuration (gateway.id, the uplink section).
uplink::UplinkOptions uplink_options(const config::Config& config);

class UplinkService final : public Service, public UplinkStatusProvider {
 public:
  using Snapshot = std::function<std::vector<MeterStatus>()>;  // called on the loop only

  UplinkService(boost::asio::io_context& io, const Clock& clock, const config::Config& config,
                StoreService& store, Snapshot meters);
  ~UplinkService() override;
  UplinkService(const UplinkService&) = delete;
  UplinkService& operator=(const UplinkService&) = delete;

  std::string_view name() const override { return "uplink"; }
  Result<void> start() override;
  void async_stop(std::function<void()> done) override;
  void on_config_reloaded(const config::Config& config) override;

  // Disabled (all zero) when no uplink is configured or before start().
  UplinkStatus uplink_status() const override;

 private:
  void refresh_facts();
  void schedule_facts();

  boost::asio::io_context& io_;
  const Clock& clock_;
  config::Config config_;
  StoreService& store_;
  Snapshot meters_;
  boost::asio::steady_timer facts_timer_;
  std::unique_ptr<store::StoreUploadQueue> queue_;
  std::unique_ptr<uplink::Uplink> uplink_;
  std::mt19937_64 random_;  // used on the uplink's thread only

  mutable std::mutex facts_mutex_;  // guards the two below
  std::optional<int> meters_online_;
  std::map<std::string, std::string> serials_;

  std::thread stop_thread_;
};

}  // namespace meterd::app
