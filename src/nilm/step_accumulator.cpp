#include "src/nilm/step_accumulator.hpp"

#include <algorithm>

namespace meterd::nilm {
namespace {

constexpr double kMsPerHour = 3'600'000.0;

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace

StepAccumulator::StepAccumulator(std::int64_t step_ms, std::int64_t utc_offset_ms)
    : step_ms_(step_ms > 0 ? step_ms : 600'000), utc_offset_ms_(utc_offset_ms) {}

std::int64_t StepAccumulator::step_start(std::int64_t t_ms) const noexcept {
  return floor_div(t_ms + utc_offset_ms_, step_ms_) * step_ms_ - utc_offset_ms_;
}

StepAccumulator::Open& StepAccumulator::open_at(std::int64_t start_ms) {
  if (open_.empty()) open_.push_back(Open{.start_ms = next_start_});
  while (open_.back().start_ms < start_ms)
    open_.push_back(Open{.start_ms = open_.back().start_ms + step_ms_});
  return open_[static_cast<std::size_t>((start_ms - open_.front().start_ms) / step_ms_)];
}

void StepAccumulator::add(std::int64_t t_ms, std::int64_t dur_ms, double total_w,
                          const UsageArray& power_w, const UsageArray& confidence) {
  if (dur_ms <= 0) return;
  if (!started_) {
    started_ = true;
    next_start_ = step_start(t_ms);
  }
  std::int64_t from = std::max(t_ms, next_start_);
  const std::int64_t to = t_ms + dur_ms;
  while (from < to) {
    const std::int64_t start = step_start(from);
    const std::int64_t piece_end = std::min(to, start + step_ms_);
    const std::int64_t piece = piece_end - from;
    Open& o = open_at(start);
    const double hours = static_cast<double>(piece) / kMsPerHour;
    o.covered_ms += piece;
    o.total_wh += total_w * hours;
    for (std::size_t c = 0; c < kUsageCount; ++c) {
      o.energy_wh[c] += power_w[c] * hours;
      o.confidence_ms[c] += confidence[c] * static_cast<double>(piece);
    }
    from = piece_end;
  }
}

StepResult StepAccumulator::result_of(const Open& o) const {
  StepResult r;
  r.start_ms = o.start_ms;
  r.end_ms = o.start_ms + step_ms_;
  r.covered_s = static_cast<double>(o.covered_ms) / 1000.0;
  r.total_wh = o.total_wh;
  r.energy_wh = o.energy_wh;
  double known = 0.0;
  for (const Usage u : kAllUsages)
    if (u != Usage::other) known += r.energy_wh[index_of(u)];
  r.energy_wh[index_of(Usage::other)] = r.total_wh - known;  // closure, rounding included
  for (std::size_t c = 0; c < kUsageCount; ++c) {
    r.avg_w[c] =
        o.covered_ms > 0 ? r.energy_wh[c] * kMsPerHour / static_cast<double>(o.covered_ms) : 0.0;
    r.confidence[c] =
        o.covered_ms > 0
            ? std::clamp(o.confidence_ms[c] / static_cast<double>(o.covered_ms), 0.0, 1.0)
            : 0.0;
  }
  return r;
}

void StepAccumulator::close_until(std::int64_t t_ms, std::vector<StepResult>& out) {
  if (!started_) return;
  if (open_.empty()) {  // nothing pending: skip most of a very long silence
    const std::int64_t last = step_start(t_ms) - step_ms_;
    const std::int64_t oldest = last - (kMaxEmptySteps - 1) * step_ms_;
    if (oldest > next_start_) next_start_ = oldest;
  }
  while (next_start_ + step_ms_ <= t_ms) {
    if (!open_.empty() && open_.front().start_ms == next_start_) {
      out.push_back(result_of(open_.front()));
      open_.pop_front();
    } else {
      out.push_back(result_of(Open{.start_ms = next_start_}));
    }
    next_start_ += step_ms_;
    if (open_.empty()) {
      const std::int64_t last = step_start(t_ms) - step_ms_;
      const std::int64_t oldest = last - (kMaxEmptySteps - 1) * step_ms_;
      if (oldest > next_start_) next_start_ = oldest;
    }
  }
}

void StepAccumulator::close_all(std::vector<StepResult>& out) {
  if (!started_ || open_.empty()) return;
  close_until(open_.back().start_ms + step_ms_, out);
}

}  // namespace meterd::nilm
