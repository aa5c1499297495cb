#include "src/nilm/submeter_channel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace meterd::nilm {
namespace {

double sum_phases(const std::array<double, kMaxPhases>& v, std::uint8_t phases) noexcept {
  if (phases < 1 || phases > kMaxPhases) return std::numeric_limits<double>::quiet_NaN();
  double s = 0.0;
  for (std::size_t i = 0; i < phases; ++i) s += v[i];  // NaN propagates
  return std::isfinite(s) ? s : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

double total_active_w(const PowerSample& sample) noexcept {
  return sum_phases(sample.p_w, sample.phases);
}

double total_reactive_var(const PowerSample& sample) noexcept {
  return sum_phases(sample.q_var, sample.phases);
}

bool SubmeterChannel::push(const PowerSample& sample) {
  const double p = total_active_w(sample);
  if (std::isnan(p) || (seen_ && sample.t_ms < last_ms_)) return false;
  seen_ = true;
  last_ms_ = sample.t_ms;
  p_w_ = p;
  history_[count_ % kHistory] = {sample.t_ms, p};
  ++count_;
  return true;
}

double SubmeterChannel::power_at(std::int64_t t_ms) const noexcept {
  const std::size_t n = std::min(count_, kHistory);
  for (std::size_t k = 1; k <= n; ++k) {  // newest first
    const Past& s = history_[(count_ - k) % kHistory];
    if (s.t_ms <= t_ms) return s.p_w;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

bool SubmeterChannel::live_at(std::int64_t t_ms, std::int64_t max_gap_ms) const noexcept {
  return seen_ && t_ms - last_ms_ <= max_gap_ms && last_ms_ - t_ms <= max_gap_ms;
}

}  // namespace meterd::nilm
