#include "src/acquisition/latency_window.hpp"

#include <algorithm>
#include <cmath>

namespace meterd::acquisition {

LatencyWindow::LatencyWindow(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {
  samples_.reserve(capacity_);
}

void LatencyWindow::add(std::chrono::microseconds latency) {
  if (samples_.size() < capacity_) {
    samples_.push_back(latency);
    return;
  }
  samples_[next_] = latency;
  next_ = (next_ + 1) % capacity_;
}

std::optional<std::chrono::microseconds> LatencyWindow::quantile(double q) const {
  if (samples_.empty()) return std::nullopt;
  q = std::clamp(q, 0.0, 1.0);
  const auto n = samples_.size();
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n)));
  rank = std::clamp<std::size_t>(rank, 1, n);
  std::vector<std::chrono::microseconds> copy = samples_;
  auto nth = copy.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(copy.begin(), nth, copy.end());
  return *nth;
}

}  // namespace meterd::acquisition
