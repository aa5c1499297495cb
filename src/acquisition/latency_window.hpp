// acquisition/latency_window.hpp: the latency of the last N polls, for median and p99.
//
// A fixed ring of the most recent samples (bounded memory however long the daemon runs).
// Quantiles use the nearest-rank method: the q-quantile of n sorted samples is the sample at
// rank ceil(q * n) (1-based), so p99 of 100 samples is the 99th smallest. Not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

namespace meterd::acquisition {

class LatencyWindow {
 public:
  explicit LatencyWindow(std::size_t capacity = 1024);

  // Adds one sample, replacing the oldest when full.
  void add(std::chrono::microseconds latency);
  // The nearest-rank q-quantile (q in (0, 1]) of the samples held; empty when there are none.
  std::optional<std::chrono::microseconds> quantile(double q) const;
  std::size_t size() const noexcept { return samples_.size(); }

 private:
  std::size_t capacity_;
  std::size_t next_ = 0;  // where the next sample goes once full
  std::vector<std::chrono::microseconds> samples_;
};

}  // namespace meterd::acquisition
