// acquisition/acquisition.hpp: the acquisition service: all buses, their threads, their status.
//
// Composition: main builds BusSpecs (a link and its drivers per bus), adds them, and starts the
// service. Each bus runs on its own BusWorker thread, so buses poll concurrently while each bus
// runs one transaction at a time; readings and events come back to the io_context and reach
// the ReadingSink and EventSink there, stamped with their poll-completion time (Delivery).
// See docs/acquisition.md for the scheduling behaviour.
// Thread contract: add_bus(), start() and stop() on the io_context's thread (or while it is
// not running); snapshot() from any thread. The sinks and the clock must outlive the
// io_context's last run; destroy the Acquisition before its io_context.
#pragma once

#include "src/acquisition/bus_worker.hpp"
#include "src/acquisition/delivery.hpp"
#include "src/acquisition/meter_stats.hpp"

#include "meterd/clock.hpp"
#include "meterd/event.hpp"
#include "meterd/meter_status.hpp"
#include "meterd/reading_sink.hpp"
#include "meterd/time_stamper.hpp"

#include <boost/asio/io_context.hpp>
#include <spdlog/logger.h>

#include <memory>
#include <vector>

namespace meterd::acquisition {

class Acquisition {
 public:
  // `logger` null = spdlog's default logger.
  Acquisition(boost::asio::io_context& io, const Clock& clock, ReadingSink& readings,
              EventSink& events, UnsyncedPolicy policy,
              std::shared_ptr<spdlog::logger> logger = nullptr);
  ~Acquisition();  // stop()
  Acquisition(const Acquisition&) = delete;
  Acquisition& operator=(const Acquisition&) = delete;

  // Adds a bus (before start()). Throws std::invalid_argument for a bus without a link or with
  // a null driver, or a meter without poll groups (a configuration error at start-up).
  void add_bus(BusSpec bus);
  // Starts every bus's thread and the TimeStamper's release timer.
  void start();
  // Asks every bus to finish its current transaction and joins them: returns within about the
  // longest driver timeout. Readings already posted are still delivered if the loop runs.
  void stop();

  // Every meter's status, in the order the buses and meters were added. Thread-safe.
  std::vector<MeterStatus> snapshot() const { return board_.snapshot(); }

 private:
  boost::asio::io_context& io_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> logger_;
  std::shared_ptr<Delivery> delivery_;
  StatusBoard board_;
  std::vector<std::unique_ptr<BusWorker>> buses_;
  bool started_ = false;
};

}  // namespace meterd::acquisition
