#include "src/nilm/continuous_model.hpp"

#include <algorithm>
#include <cmath>

namespace meterd::nilm {
namespace {

// Ridge on the slope: as if the residual varied by kRidgeW more than it did, so a slot that saw
// a nearly constant residual falls back to its mean (the time-of-week profile).
constexpr double kRidgeW = 50.0;
// The same ridge on the slope on the residual's high-passed Q (var), and a bound on that slope
// (W per var: a motor's P/Q is rarely above 2 at part load; a slot fitted on noise stays bounded).
constexpr double kRidgeQ = 50.0;
constexpr double kMaxQSlope = 2.0;
constexpr double kPooledMaxWeightS = 50.0 * kSlotCount * 1800.0;

void scale(ContinuousModel::Sums& s, double f) noexcept {
  s.w *= f;
  s.r *= f;
  s.rr *= f;
  s.x *= f;
  s.xr *= f;
  s.err *= f;
  s.ax *= f;
  s.q *= f;
  s.qq *= f;
  s.xq *= f;
  s.rq *= f;
}

}  // namespace

double ContinuousModel::predict(const Sums& s, double residual_w, double dq_var) noexcept {
  if (s.w <= 0.0) return 0.0;
  const double mr = s.r / s.w;
  const double mx = s.x / s.w;
  const double var = std::max(s.rr / s.w - mr * mr, 0.0);
  const double cov = s.xr / s.w - mx * mr;
  if (s.qq <= 0.0) {  // no reactive power: the residual alone
    const double beta = std::clamp(cov / (var + kRidgeW * kRidgeW), 0.0, 1.0);
    return mx + beta * (residual_w - mr);
  }
  // Ridge least squares on (R, dQ): solve the 2x2 normal equations, clamp the slope on R to
  // [0, 1] and refit the slope on dQ given it.
  const double mq = s.q / s.w;
  const double var_q = std::max(s.qq / s.w - mq * mq, 0.0) + kRidgeQ * kRidgeQ;
  const double cov_xq = s.xq / s.w - mx * mq;
  const double cov_rq = s.rq / s.w - mr * mq;
  const double var_r = var + kRidgeW * kRidgeW;
  const double det = var_r * var_q - cov_rq * cov_rq;
  double beta = det > 0.0 ? (cov * var_q - cov_xq * cov_rq) / det : cov / var_r;
  beta = std::clamp(beta, 0.0, 1.0);
  const double gamma = std::clamp((cov_xq - beta * cov_rq) / var_q, -kMaxQSlope, kMaxQSlope);
  return mx + beta * (residual_w - mr) + gamma * (dq_var - mq);
}

void ContinuousModel::add(Sums& s, double residual_w, double x_w, double weight_s,
                          double dq_var) noexcept {
  s.w += weight_s;
  s.r += weight_s * residual_w;
  s.rr += weight_s * residual_w * residual_w;
  s.x += weight_s * x_w;
  s.xr += weight_s * x_w * residual_w;
  s.q += weight_s * dq_var;
  s.qq += weight_s * dq_var * dq_var;
  s.xq += weight_s * x_w * dq_var;
  s.rq += weight_s * residual_w * dq_var;
}

void ContinuousModel::learn(std::size_t slot, Usage usage, double residual_w, double x_w,
                            double weight_s, double dq_var) {
  if (slot >= kSlotCount || weight_s <= 0.0 || !std::isfinite(residual_w) || !std::isfinite(x_w))
    return;
  if (!std::isfinite(dq_var)) dq_var = 0.0;
  const std::size_t c = index_of(usage);
  Sums& s = table_[slot][c];
  if (s.w >= kMinWeightS) {
    s.err += weight_s * std::abs(x_w - std::max(predict(s, residual_w, dq_var), 0.0));
    s.ax += weight_s * std::abs(x_w);
  }
  add(s, residual_w, x_w, weight_s, dq_var);
  if (s.w > kMaxWeightS) scale(s, kMaxWeightS / s.w);
  Sums& p = pooled_[c];
  add(p, residual_w, x_w, weight_s, dq_var);
  if (p.w > kPooledMaxWeightS) scale(p, kPooledMaxWeightS / p.w);
}

double ContinuousModel::estimate(std::size_t slot, Usage usage, double residual_w,
                                 double dq_var) const noexcept {
  if (slot >= kSlotCount) return 0.0;
  if (!std::isfinite(dq_var)) dq_var = 0.0;
  const std::size_t c = index_of(usage);
  const Sums& s = table_[slot][c];
  const Sums& p = pooled_[c];
  if (p.w <= 0.0) return 0.0;
  // Blend towards the pooled fit while the slot has seen little (weight in seconds): the pooled
  // fit counts as kMinWeightS of the slot's own data, so it fills an empty slot and fades once
  // the slot has its own (a time-of-week profile is not the pooled one; worth one slot-day, it
  // kept a sixth of the pooled fit in every estimate at kMaxWeightS of memory).
  const double k = s.w / (s.w + kMinWeightS);
  return k * predict(s, residual_w, dq_var) + (1.0 - k) * predict(p, residual_w, dq_var);
}

double ContinuousModel::confidence(std::size_t slot, Usage usage) const noexcept {
  if (slot >= kSlotCount) return 0.0;
  const Sums& s = table_[slot][index_of(usage)];
  if (s.ax <= 0.0) return 0.0;
  const double nde = s.err / s.ax;
  const double k = s.w / (s.w + kMinWeightS * 3.0);
  return std::clamp(k * (1.0 - nde), 0.0, 1.0);
}

}  // namespace meterd::nilm
