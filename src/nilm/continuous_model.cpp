#include "src/nilm/continuous_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "src/nilm/ridge_solver.hpp"

namespace meterd::nilm {
namespace {

// Ridge on the slope: as if the residual varied by kRidgeW more than it did, so a slot that saw
// a nearly constant residual falls back to its mean (the time-of-week profile).
constexpr double kRidgeW = 50.0;
// The same ridge on the slope on the residual's high-passed Q (var), and a bound on that slope
// (W per var: a motor's P/Q is rarely above 2 at part load; a slot fitted on noise stays bounded).
constexpr double kRidgeQ = 50.0;
constexpr double kMaxQSlope = 2.0;
// How far above its mean, in its standard deviations in the slot, a category's estimate may go
// (Chebyshev: at most 1/36 of what it drew lies beyond; tighter bounds cost the simulated
// buildings' heat pumps and fans on their busier days: 4 took the dev worst NEP to 0.146).
constexpr double kMaxSdAbove = 6.0;
// The share of the memory the x^2 sum must cover before the bound applies.
constexpr double kMinBoundCoverage = 0.9;
// The ridge on the slopes on the residual's phase contrasts, and their bound (W per W: a category
// on one phase moves that phase's residual by at most its own change). The ridge is wider than
// R's: a contrast moves with every single-phase load, all categories' and none's, so a slope
// on it is taken only where a category's changes follow it over many of them.
constexpr double kRidgeC = 600.0;
constexpr double kMaxCSlope = 1.0;
constexpr double kPooledMaxWeightS = 50.0 * kSlotCount * 1800.0;

void scale(ContinuousModel::Sums& s, double f) noexcept {
  s.w *= f;
  s.r *= f;
  s.rr *= f;
  s.x *= f;
  s.xx *= f;
  s.xw *= f;
  s.xr *= f;
  s.err *= f;
  s.ax *= f;
  s.q *= f;
  s.qq *= f;
  s.xq *= f;
  s.rq *= f;
  s.w0 *= f;
  s.r0 *= f;
  s.rr0 *= f;
  s.w1 *= f;
  s.r1 *= f;
  s.rr1 *= f;
  s.s *= f;
  s.ss *= f;
  s.xs *= f;
  s.rs *= f;
  s.qs *= f;
  s.lerr *= f;
  for (std::size_t k = 0; k < ContinuousModel::kContrasts; ++k) {
    s.c[k] *= f;
    s.cc[k] *= f;
    s.xc[k] *= f;
    s.rc[k] *= f;
    s.qc[k] *= f;
    s.sc[k] *= f;
  }
  s.c01 *= f;
}

void scale_level(ContinuousModel::Sums& s, double f) noexcept {
  s.lw *= f;
  s.lr *= f;
  s.lx *= f;
  s.lq *= f;
  s.ls *= f;
  for (double& v : s.lc) v *= f;
}

// A category's on and off states (a switching regression): the residual in each is a Gaussian
// whose standard deviation is at least kStateSdW; they are used where their means lie
// kMinSeparation pooled standard deviations apart.
constexpr double kStateSdW = 100.0;
constexpr double kMinSeparation = 2.0;

// Log of the state's weight x its Gaussian density at r (constants dropped).
double state_log_likelihood(double w, double sr, double srr, double r) noexcept {
  const double m = sr / w;
  const double var = std::max(srr / w - m * m, 0.0) + kStateSdW * kStateSdW;
  return std::log(w) - 0.5 * std::log(var) - 0.5 * (r - m) * (r - m) / var;
}

bool states_apart(const ContinuousModel::Sums& s) noexcept {
  if (s.w0 <= 0.0 || s.w1 <= 0.0) return false;
  // A building's plant stopped moves R by its whole schedule; a thermostat's cycle hides in the
  // residual's spread.
  const double m1 = s.r1 / s.w1;
  const double m0 = s.r0 / s.w0;
  const double v1 = std::max(s.rr1 / s.w1 - m1 * m1, 0.0);
  const double v0 = std::max(s.rr0 / s.w0 - m0 * m0, 0.0);
  const double sd = std::sqrt(0.5 * (v1 + v0) + kStateSdW * kStateSdW);
  return std::abs(m1 - m0) >= kMinSeparation * sd;
}

// The regressors of the slots' fit: R, the phase contrasts, dQ (in this order: each slope is
// bounded given the ones before; ridge_solver.hpp), as LinearFit::id numbers them.
static_assert(kMaxRegressors == 2 + ContinuousModel::kContrasts);
constexpr int kRegressorR = 0;
constexpr int kRegressorC0 = 1;  // C_k: kRegressorC0 + k
constexpr int kRegressorQ = kRegressorC0 + static_cast<int>(ContinuousModel::kContrasts);
}  // namespace

ContinuousModel::LinearFit ContinuousModel::fit(const Sums& s, double delta,
                                                bool recent_level) noexcept {
  LinearFit f;
  if (s.w <= 0.0) return f;
  f.empty = false;
  f.delta = delta;
  // The fit on the regressors is of what the shadows leave, x - delta S (its sums follow from
  // the running sums by linearity); their part is added back at the current S (apply()).
  const double ms = s.s / s.w;
  // The regressors seen (R always; a contrast or dQ once its sum of squares is positive): their
  // means, centred second moments with the ridges, covariances with x - delta S and bounds.
  std::size_t n = 0;
  RegressorVector m{};      // means
  RegressorVector sq{};     // sums of w * v^2
  RegressorVector sx{};     // sums of w * x * v
  RegressorVector ss{};     // sums of w * S * v
  RegressorVector ridge{};  // W (var for dQ)
  RegressorVector lo{};
  RegressorVector hi{};
  const auto push = [&](int which, double sum, double sum_sq, double sum_x, double sum_s,
                        double ridge_w, double bound_lo, double bound_hi) {
    m[n] = sum / s.w;
    sq[n] = sum_sq;
    sx[n] = sum_x;
    ss[n] = sum_s;
    ridge[n] = ridge_w;
    lo[n] = bound_lo;
    hi[n] = bound_hi;
    f.id[n] = which;
    ++n;
  };
  push(kRegressorR, s.r, s.rr, s.xr, s.rs, kRidgeW, 0.0, 1.0);
  for (std::size_t k = 0; k < kContrasts; ++k)
    if (s.cc[k] > 0.0)
      push(kRegressorC0 + static_cast<int>(k), s.c[k], s.cc[k], s.xc[k], s.sc[k], kRidgeC,
           -kMaxCSlope, kMaxCSlope);
  if (s.qq > 0.0) push(kRegressorQ, s.q, s.qq, s.xq, s.qs, kRidgeQ, -kMaxQSlope, kMaxQSlope);
  // The sum of w * u * v of two different regressors.
  const auto cross = [&](int i, int j) {
    if (i > j) std::swap(i, j);
    if (i == kRegressorR)
      return j == kRegressorQ ? s.rq : s.rc[static_cast<std::size_t>(j - kRegressorC0)];
    if (j == kRegressorQ) return s.qc[static_cast<std::size_t>(i - kRegressorC0)];
    return s.c01;  // the two contrasts
  };
  RegressorMatrix a{};
  RegressorVector b{};
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j)
      if (j != i) a[i][j] = cross(f.id[i], f.id[j]) / s.w - m[i] * m[j];
    a[i][i] = std::max(sq[i] / s.w - m[i] * m[i], 0.0) + ridge[i] * ridge[i];
    b[i] = sx[i] / s.w - s.x / s.w * m[i] - delta * (ss[i] / s.w - ms * m[i]);
  }
  f.z = bounded_slopes(a, b, lo, hi, n);
  f.n = n;
  set_levels(f, s, recent_level);
  return f;
}

void ContinuousModel::set_levels(LinearFit& f, const Sums& s, bool recent_level) noexcept {
  if (f.empty) return;
  // The level the slopes are applied around: the means over the whole memory, or their mean
  // with the short memory's (kLevelBlend; the slopes stay the long memory's).
  const bool recent = recent_level && s.lw > 0.0;
  const auto level = [&](double whole, double last) {
    return recent ? whole + kLevelBlend * (last - whole) : whole;
  };
  const double mx = s.x / s.w - f.delta * (s.s / s.w);
  f.at_x = level(mx, recent ? s.lx / s.lw - f.delta * s.ls / s.lw : mx);
  for (std::size_t i = 0; i < f.n; ++i) {
    const int which = f.id[i];
    const auto k = static_cast<std::size_t>(which - kRegressorC0);
    const double sum = which == kRegressorR ? s.r : which == kRegressorQ ? s.q : s.c[k];
    const double sum_l = which == kRegressorR ? s.lr : which == kRegressorQ ? s.lq : s.lc[k];
    const double whole = sum / s.w;
    f.at[i] = level(whole, recent ? sum_l / s.lw : whole);
  }
}

double ContinuousModel::apply(const LinearFit& f, double residual_w, double dq_var,
                              double shadow_w, const Contrasts& contrasts) noexcept {
  if (f.empty) return 0.0;
  double out = f.at_x;
  for (std::size_t i = 0; i < f.n; ++i) {
    const int which = f.id[i];
    const double value =
        which == kRegressorR   ? residual_w
        : which == kRegressorQ ? dq_var
                               : contrasts[static_cast<std::size_t>(which - kRegressorC0)];
    // Not measured: at its level, it moves nothing.
    const double v = std::isfinite(value) ? value : f.at[i];
    out += f.z[i] * (v - f.at[i]);
  }
  return out + f.delta * shadow_w;
}

double ContinuousModel::upper_bound(const Sums& s) noexcept {
  if (!(s.w > 0.0) || !(s.xw >= kMinBoundCoverage * s.w))
    return std::numeric_limits<double>::infinity();
  const double mean = s.x / s.w;
  return mean + kMaxSdAbove * std::sqrt(std::max(s.xx / s.xw - mean * mean, 0.0));
}

bool ContinuousModel::recent_level(const Sums& s) noexcept {
  return s.lw > 0.0 && s.lerr < kLevelMargin * s.err;
}

double ContinuousModel::shadow_slope(const Sums& s) noexcept {
  if (s.w <= 0.0 || s.ss <= 0.0) return 0.0;
  // Centred second moments of (R, dQ, S) with the ridges on the diagonal, and their covariances
  // with x; Gaussian elimination (symmetric positive definite), the last unknown is S's slope.
  const double m[4] = {s.r / s.w, s.q / s.w, s.s / s.w, s.x / s.w};
  const double e[3][3] = {{s.rr, s.rq, s.rs}, {s.rq, s.qq, s.qs}, {s.rs, s.qs, s.ss}};
  const double ex[3] = {s.xr, s.xq, s.xs};
  const double ridge[3] = {kRidgeW * kRidgeW, kRidgeQ * kRidgeQ, kRidgeShadowW * kRidgeShadowW};
  double a[3][4];
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) a[i][j] = e[i][j] / s.w - m[i] * m[j];
    a[i][i] = std::max(a[i][i], 0.0) + ridge[i];
    a[i][3] = ex[i] / s.w - m[3] * m[i];
  }
  for (int k = 0; k < 3; ++k) {
    if (!(a[k][k] > 0.0)) return 0.0;
    for (int i = k + 1; i < 3; ++i) {
      const double f = a[i][k] / a[k][k];
      for (int j = k; j < 4; ++j) a[i][j] -= f * a[k][j];
    }
  }
  return std::clamp(a[2][3] / a[2][2], 0.0, 1.0);
}

double ContinuousModel::shadow_slope(Usage usage) const noexcept {
  return shadow_slope(pooled_[index_of(usage)]);
}

double ContinuousModel::on_probability(const Sums& s, double residual_w) noexcept {
  if (s.w0 <= 0.0) return 1.0;
  if (s.w1 <= 0.0) return 0.0;
  if (!states_apart(s)) return 1.0;
  const double on = state_log_likelihood(s.w1, s.r1, s.rr1, residual_w);
  const double off = state_log_likelihood(s.w0, s.r0, s.rr0, residual_w);
  return 1.0 / (1.0 + std::exp(std::clamp(off - on, -700.0, 700.0)));
}

void ContinuousModel::add(Sums& s, double residual_w, double x_w, double weight_s, double dq_var,
                          double shadow_w, const Contrasts& contrasts) noexcept {
  s.w += weight_s;
  s.r += weight_s * residual_w;
  s.rr += weight_s * residual_w * residual_w;
  s.x += weight_s * x_w;
  s.xx += weight_s * x_w * x_w;
  s.xw += weight_s;
  s.xr += weight_s * x_w * residual_w;
  s.q += weight_s * dq_var;
  s.qq += weight_s * dq_var * dq_var;
  s.xq += weight_s * x_w * dq_var;
  s.rq += weight_s * residual_w * dq_var;
  s.s += weight_s * shadow_w;
  s.ss += weight_s * shadow_w * shadow_w;
  s.xs += weight_s * x_w * shadow_w;
  s.rs += weight_s * residual_w * shadow_w;
  s.qs += weight_s * dq_var * shadow_w;
  for (std::size_t k = 0; k < kContrasts; ++k) {
    const double ck = contrasts[k];
    s.c[k] += weight_s * ck;
    s.cc[k] += weight_s * ck * ck;
    s.xc[k] += weight_s * x_w * ck;
    s.rc[k] += weight_s * residual_w * ck;
    s.qc[k] += weight_s * dq_var * ck;
    s.sc[k] += weight_s * shadow_w * ck;
  }
  s.c01 += weight_s * contrasts[0] * contrasts[1];
}

void ContinuousModel::learn_slot(std::size_t slot, std::size_t c, double residual_w, double x_w,
                                 double weight_s, double dq_var, double shadow_w,
                                 const Contrasts& contrasts) noexcept {
  Sums& s = table_[slot][c];
  if (s.w >= kMinWeightS) {
    // The prequential errors of the fit with the whole memory's level and with the recent one
    // (the same slopes: solved once).
    LinearFit f = fit(s, shadow_slope(pooled_[c]), false);
    const double pred = apply(f, residual_w, dq_var, shadow_w, contrasts);
    s.err += weight_s * std::abs(x_w - std::max(pred, 0.0));
    s.ax += weight_s * std::abs(x_w);
    set_levels(f, s, true);
    const double recent = apply(f, residual_w, dq_var, shadow_w, contrasts);
    s.lerr += weight_s * std::abs(x_w - std::max(recent, 0.0));
  }
  add(s, residual_w, x_w, weight_s, dq_var, shadow_w, contrasts);
  if (s.w > kMaxWeightS) scale(s, kMaxWeightS / s.w);
  s.lw += weight_s;
  s.lr += weight_s * residual_w;
  s.lx += weight_s * x_w;
  s.lq += weight_s * dq_var;
  s.ls += weight_s * shadow_w;
  for (std::size_t k = 0; k < kContrasts; ++k) s.lc[k] += weight_s * contrasts[k];
  if (s.lw > kLevelWeightS) scale_level(s, kLevelWeightS / s.lw);
}

void ContinuousModel::learn_pooled(std::size_t c, double residual_w, double x_w, double weight_s,
                                   double dq_var, double shadow_w,
                                   const Contrasts& contrasts) noexcept {
  Sums& p = pooled_[c];
  add(p, residual_w, x_w, weight_s, dq_var, shadow_w, contrasts);
  if (p.w > kPooledMaxWeightS) scale(p, kPooledMaxWeightS / p.w);
}

void ContinuousModel::learn_state(std::size_t slot, std::size_t c, double residual_w,
                                  double weight_s, bool off) noexcept {
  for (Sums* t : {&table_[slot][c], &pooled_[c]}) {
    double& w = off ? t->w0 : t->w1;
    double& r = off ? t->r0 : t->r1;
    double& rr = off ? t->rr0 : t->rr1;
    w += weight_s;
    r += weight_s * residual_w;
    rr += weight_s * residual_w * residual_w;
  }
}

bool ContinuousModel::usable(std::size_t slot, std::size_t c, double residual_w, double x_w,
                             double weight_s, double& dq_var, double& shadow_w,
                             Contrasts& contrasts) const noexcept {
  if (slot >= kSlotCount || weight_s <= 0.0 || !std::isfinite(residual_w) || !std::isfinite(x_w))
    return false;
  if (!std::isfinite(dq_var)) dq_var = 0.0;  // no Q measured: the fit on R alone
  if (!std::isfinite(shadow_w)) shadow_w = 0.0;
  const Sums& s = table_[slot][c];
  for (std::size_t k = 0; k < kContrasts; ++k)
    if (!std::isfinite(contrasts[k])) contrasts[k] = s.w > 0.0 ? s.c[k] / s.w : 0.0;
  return true;
}

void ContinuousModel::learn(std::size_t slot, Usage usage, double residual_w, double x_w,
                            double weight_s, double dq_var, bool off, double shadow_w,
                            Contrasts contrasts) {
  const std::size_t c = index_of(usage);
  if (!usable(slot, c, residual_w, x_w, weight_s, dq_var, shadow_w, contrasts)) return;
  ++generation_[c];  // its cached fits (slot_fits()) are out of date
  learn_state(slot, c, residual_w, weight_s, off);
  learn_slot(slot, c, residual_w, x_w, weight_s, dq_var, shadow_w, contrasts);
  learn_pooled(c, residual_w, x_w, weight_s, dq_var, shadow_w, contrasts);
}

void ContinuousModel::observe(std::int64_t t_ms, std::size_t slot, Usage usage, double residual_w,
                              double x_w, double weight_s, double dq_var, bool off, double shadow_w,
                              Contrasts contrasts) {
  const std::size_t c = index_of(usage);
  if (!usable(slot, c, residual_w, x_w, weight_s, dq_var, shadow_w, contrasts)) return;
  ++generation_[c];  // its cached fits (slot_fits()) are out of date
  learn_state(slot, c, residual_w, weight_s, off);
  learn_slot(slot, c, residual_w, x_w, weight_s, dq_var, shadow_w, contrasts);
  Block& b = block_[c];
  const std::int64_t id = t_ms >= 0 ? t_ms / kBlockMs : (t_ms + 1) / kBlockMs - 1;
  if (b.w > 0.0 && b.id != id) flush(c);
  b.id = id;
  b.w += weight_s;
  b.r += weight_s * residual_w;
  b.x += weight_s * x_w;
  b.q += weight_s * dq_var;
  b.s += weight_s * shadow_w;
  for (std::size_t k = 0; k < kContrasts; ++k) b.c[k] += weight_s * contrasts[k];
}

void ContinuousModel::flush(std::size_t c) noexcept {
  Block& b = block_[c];
  if (b.w > 0.0) {
    Contrasts means{};
    for (std::size_t k = 0; k < kContrasts; ++k) means[k] = b.c[k] / b.w;
    learn_pooled(c, b.r / b.w, b.x / b.w, b.w, b.q / b.w, b.s / b.w, means);
  }
  b = Block{};
}

const ContinuousModel::SlotFits& ContinuousModel::slot_fits(std::size_t slot,
                                                            std::size_t c) const noexcept {
  SlotFits& e = fits_[c];
  if (e.generation == generation_[c] && e.slot == slot) return e;
  const Sums& s = table_[slot][c];
  const Sums& p = pooled_[c];
  // Blend towards the pooled fit while the slot has seen little (weight in seconds): the pooled
  // fit counts as kMinWeightS of the slot's own data, so it fills an empty slot and fades once
  // the slot has its own (a time-of-week profile is not the pooled one; worth one slot-day, it
  // kept a sixth of the pooled fit in every estimate at kMaxWeightS of memory).
  e.k = s.w / (s.w + kMinWeightS);
  // The shadows' slope is the pooled fit's (a slot sees few shadows).
  const double d = shadow_slope(p);
  e.own = fit(s, d, recent_level(s));
  e.pooled = fit(p, d, false);
  // The linear fit extrapolates: a load the slot never saw in training (a 4.5 kW oven in a
  // fridge's night slot, where the residual's swings were the fridge's own) moves the estimate
  // by its slope times any step. The estimate stays within kMaxSdAbove standard deviations of
  // what the category drew in the slot (blended with the pooled bound as the fit is).
  const double own = upper_bound(s);
  const double pooled = upper_bound(p);
  e.cap = !std::isfinite(pooled) ? std::numeric_limits<double>::infinity()
          : std::isfinite(own)   ? e.k * own + (1.0 - e.k) * pooled
                                 : pooled;
  e.generation = generation_[c];
  e.slot = slot;
  return e;
}

double ContinuousModel::estimate(std::size_t slot, Usage usage, double residual_w, double dq_var,
                                 double shadow_w, Contrasts contrasts) const noexcept {
  if (slot >= kSlotCount) return 0.0;
  if (!std::isfinite(dq_var)) dq_var = 0.0;
  if (!std::isfinite(shadow_w)) shadow_w = 0.0;
  const std::size_t c = index_of(usage);
  if (pooled_[c].w <= 0.0) return 0.0;
  const SlotFits& e = slot_fits(slot, c);
  const double fit = e.k * apply(e.own, residual_w, dq_var, shadow_w, contrasts) +
                     (1.0 - e.k) * apply(e.pooled, residual_w, dq_var, shadow_w, contrasts);
  if (!std::isfinite(fit)) return 0.0;  // only from a damaged model's sums
  return std::min(fit, e.cap);
}

double ContinuousModel::on_probability(std::size_t slot, Usage usage,
                                       double residual_w) const noexcept {
  if (slot >= kSlotCount || !std::isfinite(residual_w)) return 1.0;
  const std::size_t c = index_of(usage);
  const Sums& s = table_[slot][c];
  const Sums& p = pooled_[c];
  if (p.w <= 0.0) return 1.0;
  const double k = s.w / (s.w + kMinWeightS);  // the pooled states while the slot saw little
  const double on = k * (s.w > 0.0 ? on_probability(s, residual_w) : 1.0) +
                    (1.0 - k) * on_probability(p, residual_w);
  return std::isfinite(on) ? on : 1.0;  // only from a damaged model's sums
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
