// acquisition/meter_stats.hpp: per-meter statistics, and the thread-safe board that holds them.
//
// Bus workers record what each transaction did (record_*); the REST API reads copies through
// StatusBoard::snapshot(). StatusBoard is thread-safe (one mutex, held only to copy or add a
// few counters); MeterStats alone is not.
#pragma once

#include "src/acquisition/latency_window.hpp"

#include "meterd/meter_driver.hpp"
#include "meterd/meter_status.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace meterd::acquisition {

class MeterStats {
 public:
  MeterStats(std::string meter_id, std::string bus, std::string protocol);

  // A poll completed at `completed`; `ok` whether it returned a Reading.
  void record_poll(const TransactionCounts& counts, bool ok, std::chrono::microseconds latency,
                   UtcTime completed);
  // identify() went like this (one request; a failure counted by its error code).
  void record_identify(const TransactionCounts& counts);
  // A new serial number; a change from a previous non-empty one counts as a swap.
  void set_serial(const std::string& serial);
  void set_online(bool online) { status_.online = online; }
  void set_overruns(std::uint64_t overruns) { status_.overruns = overruns; }

  // A copy with the latency quantiles filled in.
  MeterStatus status() const;

 private:
  void add_counts(const TransactionCounts& counts);

  MeterStatus status_;
  LatencyWindow latency_{MeterStatus::kLatencyWindow};
};

class StatusBoard {
 public:
  // Adds a meter; returns its index for update(). Before the workers start.
  std::size_t add(std::string meter_id, std::string bus, std::string protocol);

  // Runs f(MeterStats&) for meter `index` under the lock. f must be short and must not block.
  template <class F>
  void update(std::size_t index, F&& f) {
    std::lock_guard lock(mutex_);
    f(meters_.at(index));
  }

  // Every meter's status, in the order added.
  std::vector<MeterStatus> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::deque<MeterStats> meters_;  // deque: stable addresses, no copies on growth
};

}  // namespace meterd::acquisition
