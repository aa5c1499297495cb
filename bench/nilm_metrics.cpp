#include "bench/nilm_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace meterd::bench::nilm {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kTenMinMs = 600'000;

std::int64_t floor_to(std::int64_t t, std::int64_t step) {
  const std::int64_t r = t % step;
  return r < 0 ? t - r - step : t - r;
}

}  // namespace

void TruthSteps::add(std::int64_t t_ms, std::int64_t dt_ms, const UsageWh& power_w) {
  UsageWh& e = steps_[floor_to(t_ms, step_ms_)];
  const double h = static_cast<double>(dt_ms) / 3'600'000.0;
  for (std::size_t c = 0; c < kUsageCount; ++c) e[c] += power_w[c] * h;
}

const UsageWh* TruthSteps::find(std::int64_t start_ms) const {
  const auto it = steps_.find(start_ms);
  return it == steps_.end() ? nullptr : &it->second;
}

Evaluation::Evaluation(std::int64_t step_ms) : step_ms_(step_ms) {}

void Evaluation::add(std::int64_t start_ms, const UsageWh& est_wh, double total_wh,
                     const UsageWh& true_wh) {
  ++n_steps_;
  double sum = 0.0;
  Bin& day = days_[floor_to(start_ms, kDayMs)];
  Bin& ten = bins_10min_[floor_to(start_ms, std::max(kTenMinMs, step_ms_))];
  for (std::size_t c = 0; c < kUsageCount; ++c) {
    sum += est_wh[c];
    day.est[c] += est_wh[c];
    day.truth[c] += true_wh[c];
    ten.est[c] += est_wh[c];
    ten.truth[c] += true_wh[c];
    abs_step_err_wh_[c] += std::abs(est_wh[c] - true_wh[c]);
    total_est_[c] += est_wh[c];
    total_true_[c] += true_wh[c];
  }
  closure_max_wh_ = std::max(closure_max_wh_, std::abs(sum - total_wh));
}

void Evaluation::add(const meterd::nilm::StepResult& step, const UsageWh& true_wh) {
  add(step.start_ms, step.energy_wh, step.total_wh, true_wh);
}

Figures Evaluation::figures() const {
  Figures f;
  f.steps = n_steps_;
  f.days = days_.size();
  f.closure_max_wh = closure_max_wh_;
  double sum_true = 0.0, sum_est = 0.0;
  for (std::size_t c = 0; c < kUsageCount; ++c) {
    sum_true += total_true_[c];
    sum_est += total_est_[c];
  }
  const double step_h = static_cast<double>(step_ms_) / 3'600'000.0;
  for (std::size_t c = 0; c < kUsageCount; ++c) {
    CategoryFigures& g = f.category[c];
    g.true_wh = total_true_[c];
    g.est_wh = total_est_[c];
    double day_err = 0.0, ten_err = 0.0;
    for (const auto& [start, bin] : days_) day_err += std::abs(bin.est[c] - bin.truth[c]);
    for (const auto& [start, bin] : bins_10min_) ten_err += std::abs(bin.est[c] - bin.truth[c]);
    g.daily_error = g.true_wh > 0.0 ? day_err / g.true_wh : 0.0;
    g.nep_10min = g.true_wh > 0.0 ? ten_err / g.true_wh : 0.0;
    g.true_share = sum_true > 0.0 ? g.true_wh / sum_true : 0.0;
    const double est_share = sum_est > 0.0 ? g.est_wh / sum_est : 0.0;
    g.share_error_pts = 100.0 * std::abs(est_share - g.true_share);
    g.mae_w = n_steps_ > 0 ? abs_step_err_wh_[c] / step_h / static_cast<double>(n_steps_) : 0.0;
  }
  return f;
}

double EventScore::precision() const {
  return detected ? static_cast<double>(matched) / static_cast<double>(detected) : 0.0;
}
double EventScore::recall() const {
  return truth ? static_cast<double>(matched) / static_cast<double>(truth) : 0.0;
}
double EventScore::f1() const {
  const double p = precision(), r = recall();
  return p + r > 0.0 ? 2.0 * p * r / (p + r) : 0.0;
}

std::vector<TrueSwitch> true_switches(const std::vector<meterd::nilm::PowerSample>& appliance,
                                      double threshold_w) {
  std::vector<TrueSwitch> out;
  bool on = false;
  for (const auto& s : appliance) {
    if (std::isnan(s.p_w[0])) continue;
    const bool now = s.p_w[0] > threshold_w;
    if (now != on) out.push_back({s.t_ms, now});
    on = now;
  }
  return out;
}

EventScore score_events(const std::vector<TrueSwitch>& truth,
                        const std::vector<meterd::nilm::SwitchEvent>& events,
                        std::int64_t tolerance_ms) {
  EventScore s;
  s.truth = truth.size();
  s.detected = events.size();
  std::vector<bool> used(truth.size(), false);
  for (const auto& e : events) {
    std::size_t best = truth.size();
    for (std::size_t i = 0; i < truth.size(); ++i) {
      const std::int64_t d = std::llabs(truth[i].t_ms - e.t_ms);
      if (used[i] || d > tolerance_ms || truth[i].on != (e.dp_w > 0.0)) continue;
      if (best == truth.size() || d < std::llabs(truth[best].t_ms - e.t_ms)) best = i;
    }
    if (best < truth.size()) {
      used[best] = true;
      ++s.matched;
    }
  }
  return s;
}

}  // namespace meterd::bench::nilm
