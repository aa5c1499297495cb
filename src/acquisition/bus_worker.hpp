// acquisition/bus_worker.hpp: one bus, one thread, one transaction at a time.
//
// The worker owns the bus's link and drivers and runs their BLOCKING calls (bounded by the
// drivers' own timeouts, STYLE.md rule 4) on its own thread, in the order BusSchedule decides.
// It samples the clock when each poll completes and posts the Reading (with that sample) and
// any Event to the io_context, where Delivery stamps and publishes them; per-meter statistics go
// straight to the thread-safe StatusBoard. Repeated errors are logged through a LogThrottle.
// Thread contract: start()/request_stop()/join() from the owner's thread; everything else runs
// on the worker thread. stop returns after the current transaction (bounded by its timeout).
#pragma once

#include "src/acquisition/bus_schedule.hpp"
#include "src/acquisition/delivery.hpp"
#include "src/acquisition/log_throttle.hpp"
#include "src/acquisition/meter_stats.hpp"

#include "meterd/clock.hpp"
#include "meterd/error.hpp"
#include "meterd/meter_driver.hpp"

#include <boost/asio/io_context.hpp>
#include <spdlog/logger.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace meterd::acquisition {

// One bus as configured: its link, the meters on it, and how to schedule them.
struct BusSpec {
  std::string name;
  std::unique_ptr<BusLink> link;
  std::vector<std::unique_ptr<MeterDriver>> meters;
  ScheduleOptions schedule{};
  UniformRandom random;  // backoff jitter; empty = make_uniform_random()
  std::chrono::milliseconds log_period{std::chrono::minutes{1}};  // LogThrottle summaries
};

// How an Error from a driver or link counts for the schedule (Errc::timeout -> timeout,
// Errc::io_error -> link_error, anything else -> failed).
Outcome classify(const Error& e) noexcept;

class BusWorker {
 public:
  BusWorker(BusSpec spec, const Clock& clock, boost::asio::io_context& io,
            std::shared_ptr<Delivery> delivery, StatusBoard& board,
            std::shared_ptr<spdlog::logger> logger);
  ~BusWorker();
  BusWorker(const BusWorker&) = delete;
  BusWorker& operator=(const BusWorker&) = delete;

  // Starts the thread; the schedule's grid starts now.
  void start();
  // Asks the thread to exit after its current transaction; does not wait.
  void request_stop();
  // Waits for the thread (after request_stop()), then closes the link.
  void join();

  const std::string& name() const noexcept { return spec_.name; }

 private:
  void run();
  void execute(const Task& task);
  void open_link(const Task& task);
  void identify(const Task& task);
  void poll(const Task& task);
  void apply(const Transition& t, std::size_t meter, const std::string& detail);
  void sync_overruns();
  void post_event(EventKind kind, const std::string& meter_id, std::string detail);
  std::string meter_key(std::size_t meter) const;
  // An error as event detail; link errors name the link ("/dev/ttyUSB0 ...: io_error: ...").
  std::string failure_detail(const Error& e) const;

  BusSpec spec_;
  const Clock& clock_;
  boost::asio::io_context& io_;
  std::shared_ptr<Delivery> delivery_;
  StatusBoard& board_;
  std::shared_ptr<spdlog::logger> logger_;
  LogThrottle throttle_;
  std::vector<std::size_t> board_index_;  // meter -> StatusBoard index
  std::vector<std::string> serials_;      // meter -> last identified serial
  std::vector<std::uint64_t> overruns_;   // meter -> overruns already reported
  std::vector<MonoTime> last_overrun_;    // meter -> when overruns last grew
  std::optional<BusSchedule> schedule_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace meterd::acquisition
