#include "src/nilm/total_split.hpp"

#include <algorithm>
#include <cmath>

namespace meterd::nilm {

Split split_total(const SplitInput& in) noexcept {
  Split out;
  const std::size_t other = index_of(Usage::other);
  double measured = 0.0;
  double estimated = 0.0;
  double conf_sum = 0.0;
  int estimated_count = 0;
  for (std::size_t c = 0; c < kUsageCount; ++c) {
    if (c == other) continue;
    measured += std::max(in.measured_w[c], 0.0);
    if (!in.complete[c]) {
      estimated += std::max(in.estimated_w[c], 0.0);
      conf_sum += in.estimated_conf[c];
      ++estimated_count;
    }
  }
  if (in.total_w <= 0.0) {
    out.power_w[other] = in.total_w;
    return out;
  }
  // Factors applied to the measured and the estimated parts.
  double fm = 1.0;
  double fe = 1.0;
  if (measured >= in.total_w) {
    fm = in.total_w / measured;
    fe = 0.0;
  } else if (measured + estimated > in.total_w) {
    fe = (in.total_w - measured) / estimated;
  }
  double assigned = 0.0;
  for (std::size_t c = 0; c < kUsageCount; ++c) {
    if (c == other) continue;
    double p = fm * std::max(in.measured_w[c], 0.0);
    if (!in.complete[c]) p += fe * std::max(in.estimated_w[c], 0.0);
    out.power_w[c] = p;
    out.confidence[c] = in.complete[c] ? 1.0 : std::clamp(in.estimated_conf[c], 0.0, 1.0);
    assigned += p;
  }
  out.power_w[other] = std::max(in.total_w - assigned, 0.0);
  out.confidence[other] =
      estimated_count == 0 ? 1.0 : std::clamp(conf_sum / estimated_count, 0.0, 1.0);
  return out;
}

double StepClamp::take(std::int64_t step_start_ms, double want_w, double weight_s) noexcept {
  if (step_start_ms != step_start_ms_) {
    step_start_ms_ = step_start_ms;
    carried_j_ = 0.0;
  }
  if (!std::isfinite(want_w)) want_w = 0.0;  // a damaged model's estimate: nothing, not NaN
  if (!(weight_s > 0.0)) return std::max(want_w, 0.0);
  const double want_j = want_w * weight_s + carried_j_;
  carried_j_ = std::min(want_j, 0.0);
  return std::max(want_j, 0.0) / weight_s;
}

}  // namespace meterd::nilm
