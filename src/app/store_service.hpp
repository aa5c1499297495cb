// src/app/store_service.hpp: the store (src/store) as a daemon Service, a ReadingSink in the
// reading fan-out and an EventSink for acquisition's meter and bus events.
//
// start() loads the sealing keys (generating the first one on a fresh box, store_setup.hpp),
// opens the store file and starts its flush thread; a key file readable by group or others, an
// unreadable file or a missing credential abort start-up with a message naming the file. Readings
// and events are queued by Store::publish() (never blocks) and written by the store's next flush,
// in one transaction. async_stop() stops the store (which flushes everything queued) on its own
// thread and reports done from there.
// The `store` section takes effect at the next start (a reload only logs that it changed).
// Thread contract: the Service calls and publish() on the io_context thread (Service);
// store() from any thread once started.
#pragma once

#include <memory>
#include <thread>

#include "meterd/clock.hpp"
#include "meterd/event.hpp"
#include "meterd/reading_sink.hpp"
#include "src/app/service.hpp"
#include "src/config/config.hpp"
#include "src/store/store.hpp"

namespace meterd::app {

class StoreService final : public Service, public ReadingSink, public EventSink {
 public:
  StoreService(const Clock& clock, const config::Config& config);
  ~StoreService() override;
  StoreService(const StoreService&) = delete;
  StoreService& operator=(const StoreService&) = delete;

  std::string_view name() const override { return "store"; }
  Result<void> start() override;
  void async_stop(std::function<void()> done) override;
  void on_config_reloaded(const config::Config& config) override;

  // Queues a reading for the store (written by the next flush); dropped before start. After
  // async_stop() it stays queued until the store is destroyed, which flushes it.
  void publish(const Reading& reading) override;
  // The same for an event (the events table).
  void publish(const Event& event) override;

  // The open store (for readers such as the API), or nullptr before start().
  store::Store* store() noexcept { return store_.get(); }

 private:
  const Clock& clock_;
  config::StoreConfig config_;
  std::unique_ptr<store::Store> store_;

  std::thread stop_thread_;
};

}  // namespace meterd::app
