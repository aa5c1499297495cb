// src/nilm/change_detector.cpp: CUSUM trigger, settling wait and step decision on one phase.
// Method and references in the header.
#include "src/nilm/change_detector.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace meterd::nilm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kStepSigmas = 4.5;  // smallest step in noise std (see the header)
constexpr double kClipSigmas = 4.0;  // a difference counts at most this much in the noise estimate
constexpr double kSigmaToAbsDiff = 1.1283791670955126;  // E|x_i - x_{i-1}| / sigma = 2 / sqrt(pi)

bool valid(double x) noexcept { return !std::isnan(x); }

// Upper confidence factor of a noise std estimated from n absolute differences (their relative
// spread is sqrt(pi/2 - 1) = 0.76; about 2 standard errors). n = 0: the prior, noise_w, as is.
double upper_bound(std::uint64_t n) noexcept {
  return n == 0 ? 1.0 : 1.0 + 1.5 / std::sqrt(static_cast<double>(n));
}

}  // namespace

ChangeDetector::ChangeDetector(std::uint8_t phase, DetectorConfig config)
    : phase_(phase),
      config_(config),
      abs_diff_p_(config.noise_w * kSigmaToAbsDiff),
      abs_diff_q_(config.noise_w * kSigmaToAbsDiff),
      level_p_(kNaN),
      level_q_(kNaN) {}

std::optional<SwitchEvent> ChangeDetector::push(std::int64_t t_ms, double p_w, double q_var) {
  if (std::isfinite(p_w)) {
    if (!std::isfinite(q_var)) q_var = kNaN;
    std::int64_t dt_ms = 0;
    bool fresh = true;
    if (have_last_) {
      if (t_ms == last_ms_) {
        fresh = false;  // a duplicate timestamp: keep the first value
      } else if (t_ms < last_ms_ || t_ms - last_ms_ > config_.max_gap_ms) {
        reset();
        ++resets_;
      } else {
        dt_ms = t_ms - last_ms_;
      }
    }
    if (fresh) {
      have_last_ = true;
      last_ms_ = t_ms;
      const Sample s{t_ms, p_w, q_var};
      ring_[static_cast<std::size_t>(ring_head_)] = s;
      ring_head_ = (ring_head_ + 1) % kRing;
      ring_size_ = std::min(ring_size_ + 1, kRing);
      switch (state_) {
        case State::init:
          on_init(s, dt_ms);
          break;
        case State::steady:
          on_steady(s, dt_ms);
          break;
        case State::transient:
          on_transient(s, dt_ms);
          break;
      }
      prev_ = s;
    }
  }
  return take_pending();
}

std::optional<SwitchEvent> ChangeDetector::take_pending() noexcept {
  if (queue_size_ == 0) return std::nullopt;
  const SwitchEvent event = queue_[static_cast<std::size_t>(queue_head_)];
  queue_head_ = (queue_head_ + 1) % kMaxQueue;
  --queue_size_;
  return event;
}

double ChangeDetector::level_p() const noexcept { return level_p_; }
double ChangeDetector::level_q() const noexcept { return level_q_; }

double ChangeDetector::noise_p() const noexcept {
  return std::max(config_.noise_w, abs_diff_p_ / kSigmaToAbsDiff * upper_bound(noise_pairs_p_));
}
double ChangeDetector::noise_q() const noexcept {
  return std::max(config_.noise_w, abs_diff_q_ / kSigmaToAbsDiff * upper_bound(noise_pairs_q_));
}
double ChangeDetector::step_p() const noexcept {
  return std::max(config_.min_step_w, kStepSigmas * noise_p());
}
double ChangeDetector::step_q() const noexcept {
  return std::max(config_.min_step_w, kStepSigmas * noise_q());
}

void ChangeDetector::reset() {
  state_ = State::init;
  level_p_ = kNaN;
  level_q_ = kNaN;
  cusum_ = {};
  ring_size_ = 0;
  run_ = {};
  segment_count_ = 0;
  segments_overflow_ = false;
}

void ChangeDetector::emit(const SwitchEvent& event) {
  if (queue_size_ == kMaxQueue) {  // cannot happen (at most two per push, one taken each push)
    queue_head_ = (queue_head_ + 1) % kMaxQueue;
    --queue_size_;
  }
  queue_[static_cast<std::size_t>((queue_head_ + queue_size_) % kMaxQueue)] = event;
  ++queue_size_;
}

double ChangeDetector::band_p(double level) const noexcept {
  return std::max(3.0 * noise_p(), config_.rel_tolerance * std::abs(level));
}

double ChangeDetector::band_q(double level) const noexcept {
  return std::max(3.0 * noise_q(), config_.rel_tolerance * std::abs(level));
}

// --- the candidate steady run -------------------------------------------------------------------

bool ChangeDetector::run_accepts(double p, double q) const noexcept {
  const double lo = std::min(run_.p_min, p);
  const double hi = std::max(run_.p_max, p);
  if (hi - lo > 2.0 * band_p(run_mean_p())) return false;
  if (valid(q) && run_.nq > 0) {
    const double qlo = std::min(run_.q_min, q);
    const double qhi = std::max(run_.q_max, q);
    if (qhi - qlo > 2.0 * band_q(run_mean_q())) return false;
  }
  return true;
}

void ChangeDetector::run_start(const Sample& s, std::int64_t dt_ms) {
  run_ = {};
  run_.first_ms = s.t_ms;
  run_add(s, dt_ms);
}

void ChangeDetector::run_add(const Sample& s, std::int64_t dt_ms) {
  if (run_.n == 0) {
    run_.p_min = run_.p_max = s.p;
  } else {
    run_.p_min = std::min(run_.p_min, s.p);
    run_.p_max = std::max(run_.p_max, s.p);
  }
  run_.p_sum += s.p;
  ++run_.n;
  if (valid(s.q)) {
    if (run_.nq == 0) {
      run_.q_min = run_.q_max = s.q;
    } else {
      run_.q_min = std::min(run_.q_min, s.q);
      run_.q_max = std::max(run_.q_max, s.q);
    }
    run_.q_sum += s.q;
    ++run_.nq;
  }
  run_.last_ms = s.t_ms;
  run_.last_dt_ms = dt_ms;
}

// Steady for settle_ms (each sample stands for the interval before it; 10 % slack for timestamp
// jitter) and over at least two samples, so that at 1-min data one partial sample is not a level.
bool ChangeDetector::run_settled() const noexcept {
  if (run_.n < 2) return false;
  const std::int64_t span_ms = run_.last_ms - run_.first_ms + run_.last_dt_ms;
  return span_ms + span_ms / 10 >= config_.settle_ms;
}

double ChangeDetector::run_mean_p() const noexcept {
  return run_.n > 0 ? run_.p_sum / run_.n : kNaN;
}

double ChangeDetector::run_mean_q() const noexcept {
  return run_.nq > 0 ? run_.q_sum / run_.nq : kNaN;
}

// --- states -------------------------------------------------------------------------------------

void ChangeDetector::on_init(const Sample& s, std::int64_t dt_ms) {
  if (run_.n == 0 || !run_accepts(s.p, s.q)) {
    run_start(s, dt_ms);
  } else {
    learn_noise(prev_, s, dt_ms);
    run_add(s, dt_ms);
  }
  if (run_settled()) become_steady(run_mean_p(), run_mean_q(), run_.first_ms);
}

void ChangeDetector::on_steady(const Sample& s, std::int64_t dt_ms) {
  const bool q_here = valid(s.q) && valid(level_q_);
  if (valid(s.q) && !valid(level_q_)) level_q_ = s.q;  // Q starts being measured
  const double k_p = 0.5 * step_p();
  const double k_q = 0.5 * step_q();
  int alarm = -1;
  auto update = [&](int i, double x) {
    Cusum& c = cusum_[static_cast<std::size_t>(i)];
    const double k = i < 2 ? k_p : k_q;  // h = k
    const double g = std::max(0.0, c.g + x - k);
    if (c.g == 0.0 && g > 0.0) c.onset_ms = s.t_ms;
    c.g = g;
    if (g >= k && (alarm < 0 || c.onset_ms < cusum_[static_cast<std::size_t>(alarm)].onset_ms)) {
      alarm = i;
    }
  };
  const double rp = s.p - level_p_;
  update(0, rp);
  update(1, -rp);
  if (q_here) {
    const double rq = s.q - level_q_;
    update(2, rq);
    update(3, -rq);
  }
  if (alarm >= 0) {
    start_transient(cusum_[static_cast<std::size_t>(alarm)].onset_ms);
    return;
  }
  const double alpha =
      1.0 - std::exp(-static_cast<double>(dt_ms) / static_cast<double>(config_.level_tau_ms));
  level_p_ += alpha * (s.p - level_p_);
  if (q_here) level_q_ += alpha * (s.q - level_q_);
  learn_noise(prev_, s, dt_ms);
}

// Successive differences of two steady samples: for Gaussian noise on a level, d = x_i - x_{i-1}
// has E|d| = 2 sigma / sqrt(pi). The mean of |d| (each clipped at kClipSigmas sigma) is robust
// to the small real changes a busy signal is made of between its steps.
void ChangeDetector::learn_noise(const Sample& before, const Sample& s, std::int64_t dt_ms) {
  if (dt_ms <= 0) return;  // the first sample after a restart has no steady predecessor
  const double decay =
      1.0 - std::exp(-static_cast<double>(dt_ms) / static_cast<double>(config_.noise_tau_ms));
  const double dp = std::min(std::abs(s.p - before.p), kClipSigmas * noise_p());
  ++noise_pairs_p_;
  abs_diff_p_ += std::max(decay, 1.0 / static_cast<double>(noise_pairs_p_)) * (dp - abs_diff_p_);
  if (valid(s.q) && valid(before.q)) {
    const double dq = std::min(std::abs(s.q - before.q), kClipSigmas * noise_q());
    ++noise_pairs_q_;
    abs_diff_q_ += std::max(decay, 1.0 / static_cast<double>(noise_pairs_q_)) * (dq - abs_diff_q_);
  }
}

// The samples of the ring from the onset on replay into the transient; those before it (and after
// the last confirmation) give the old level.
void ChangeDetector::start_transient(std::int64_t onset_ms) {
  std::array<Sample, kRing> recent{};
  const int n = ring_size_;
  for (int i = 0; i < n; ++i) {
    recent[static_cast<std::size_t>(i)] =
        ring_[static_cast<std::size_t>((ring_head_ - n + i + kRing) % kRing)];
  }
  double sum_p = 0.0, sum_q = 0.0;
  int np = 0, nq = 0, first = n;
  for (int i = 0; i < n; ++i) {
    const Sample& r = recent[static_cast<std::size_t>(i)];
    if (r.t_ms >= onset_ms) {
      first = std::min(first, i);
    } else if (r.t_ms >= steady_since_ms_) {
      sum_p += r.p;
      ++np;
      if (valid(r.q)) {
        sum_q += r.q;
        ++nq;
      }
    }
  }
  p0_ = np > 0 ? sum_p / np : level_p_;
  q0_ = nq > 0 ? sum_q / nq : level_q_;
  // The CUSUM's last zero may precede the change by a noisy sample or two: skip those.
  while (first < n) {
    const Sample& r = recent[static_cast<std::size_t>(first)];
    const bool p_in = std::abs(r.p - p0_) <= band_p(p0_);
    const bool q_in = !valid(r.q) || !valid(q0_) || std::abs(r.q - q0_) <= band_q(q0_);
    if (!(p_in && q_in)) break;
    ++first;
  }
  cusum_ = {};
  if (first >= n) return;  // nothing left of the change: stay steady
  state_ = State::transient;
  onset_ms_ = recent[static_cast<std::size_t>(first)].t_ms;
  run_ = {};
  segment_count_ = 0;
  segments_overflow_ = false;
  const Sample* before = first > 0 ? &recent[static_cast<std::size_t>(first - 1)] : nullptr;
  max_jump_p_ = std::abs(recent[static_cast<std::size_t>(first)].p - (before ? before->p : p0_));
  max_jump_q_ = 0.0;
  for (int i = first; i < n && state_ == State::transient; ++i) {
    const Sample& r = recent[static_cast<std::size_t>(i)];
    const Sample* b = i > 0 ? &recent[static_cast<std::size_t>(i - 1)] : nullptr;
    if (b != nullptr) {
      max_jump_p_ = std::max(max_jump_p_, std::abs(r.p - b->p));
      if (valid(r.q) && valid(b->q)) max_jump_q_ = std::max(max_jump_q_, std::abs(r.q - b->q));
    }
    transient_sample(r, b != nullptr ? *b : r, b != nullptr ? r.t_ms - b->t_ms : 0);
  }
}

void ChangeDetector::on_transient(const Sample& s, std::int64_t dt_ms) {
  max_jump_p_ = std::max(max_jump_p_, std::abs(s.p - prev_.p));
  if (valid(s.q) && valid(prev_.q)) max_jump_q_ = std::max(max_jump_q_, std::abs(s.q - prev_.q));
  transient_sample(s, prev_, dt_ms);
  if (state_ == State::transient && s.t_ms - onset_ms_ >= config_.max_transient_ms) confirm();
}

void ChangeDetector::transient_sample(const Sample& s, const Sample& before, std::int64_t dt_ms) {
  if (run_.n > 0 && run_accepts(s.p, s.q)) {
    learn_noise(before, s, dt_ms);
  } else if (run_.n > 0) {
    if (segment_count_ < kMaxSegments) {
      segments_[static_cast<std::size_t>(segment_count_++)] =
          Segment{run_.first_ms, run_mean_p(), run_mean_q(), run_.n};
    } else {
      segments_overflow_ = true;
    }
    run_.n = 0;
  }
  if (run_.n == 0) {
    run_start(s, dt_ms);
  } else {
    run_add(s, dt_ms);
  }
  if (run_settled()) confirm();
}

// The new level is known: decide, report, and follow it.
void ChangeDetector::confirm() {
  const double p1 = run_mean_p();
  const double q1 = run_mean_q();
  const bool q_ok = valid(q1) && valid(q0_);
  const double dp = p1 - p0_;
  const double dq = q_ok ? q1 - q0_ : 0.0;
  const double sp = step_p();
  const double sq = step_q();
  const bool big = std::abs(dp) >= sp || (q_ok && std::abs(dq) >= sq);
  const bool abrupt = max_jump_p_ >= 0.5 * sp || (q_ok && max_jump_q_ >= 0.5 * sq);
  if (big && abrupt && !split_and_emit(p1, q1, q_ok)) {
    emit(SwitchEvent{onset_ms_, phase_, dp, dq, -1, Usage::other});
  }
  become_steady(p1, q1, run_.first_ms);
}

// Two switchings in one transition: old level, at most one partial sample, a one-sample (or
// short) plateau, at most one partial sample, new level, all in one direction, each step at least
// step. Of two possible plateaus the one giving the more balanced pair is taken.
bool ChangeDetector::split_and_emit(double p1, double q1, bool q_ok) {
  const int m = segment_count_;
  if (segments_overflow_ || m < 2 || m > 3) return false;
  const double sign = p1 >= p0_ ? 1.0 : -1.0;
  const double tol = band_p(std::max(std::abs(p0_), std::abs(p1)));
  double prev = p0_;
  for (int i = 0; i <= m; ++i) {
    const double next = i < m ? segments_[static_cast<std::size_t>(i)].p : p1;
    if (sign * (next - prev) < -tol) return false;
    prev = next;
  }
  int best = -1;
  double best_score = 0.0;
  for (int j = 0; j < m; ++j) {
    if (j > 1 || m - 1 - j > 1) continue;
    bool partials_ok = true;
    for (int i = 0; i < m; ++i) {
      if (i != j && segments_[static_cast<std::size_t>(i)].n != 1) partials_ok = false;
    }
    const double plateau = segments_[static_cast<std::size_t>(j)].p;
    const double a = std::abs(plateau - p0_);
    const double b = std::abs(p1 - plateau);
    if (!partials_ok || a < step_p() || b < step_p()) continue;
    if (std::min(a, b) > best_score) {
      best_score = std::min(a, b);
      best = j;
    }
  }
  if (best < 0) return false;
  const Segment& plateau = segments_[static_cast<std::size_t>(best)];
  const bool q_mid = q_ok && valid(plateau.q);
  const std::int64_t second_ms =
      best + 1 < m ? segments_[static_cast<std::size_t>(best + 1)].t_ms : run_.first_ms;
  emit(SwitchEvent{onset_ms_, phase_, plateau.p - p0_, q_mid ? plateau.q - q0_ : 0.0, -1,
                   Usage::other});
  emit(SwitchEvent{second_ms, phase_, p1 - plateau.p, q_mid ? q1 - plateau.q : 0.0, -1,
                   Usage::other});
  return true;
}

void ChangeDetector::become_steady(double p1, double q1, std::int64_t since_ms) {
  state_ = State::steady;
  level_p_ = p1;
  level_q_ = q1;
  steady_since_ms_ = since_ms;
  cusum_ = {};
  run_ = {};
  segment_count_ = 0;
  segments_overflow_ = false;
}

}  // namespace meterd::nilm
