// src/nilm/change_detector.hpp: finds the switching steps in one phase of a power signal.
//
// Online change detection on the (P, Q) vector of one phase, in four parts:
//  0. Noise: the std of P (and Q) is estimated on steady stretches from successive differences
//     (sigma = sqrt(pi)/2 E|x_i - x_{i-1}|, insensitive to slow drift; each difference clipped
//     at 4 sigma; a running mean at first, then an exponential one over noise_tau_ms), taken at
//     its upper confidence bound (x (1 + 1.5 / sqrt(pairs)), the |difference| having a relative
//     spread of 0.76) so a young estimate errs high, and floored at noise_w. The smallest step
//     reported is step = max(min_step, 4.5 sigma): with the new level averaged over >= 3
//     samples, a step made of noise has odds below ~1e-4 per trigger.
//  1. Trigger: a two-sided CUSUM on P and on Q (when measured) of the departure from the current
//     steady level, drift k = step/2 and threshold h = step/2, so a step of that size fires on
//     its first sample and smaller ones accumulate (Page 1954, "Continuous inspection schemes";
//     Basseville & Nikiforov 1993, "Detection of abrupt changes", sec. 2.2). The change is dated
//     at the CUSUM's last zero (the first sample of the change).
//  2. Settling wait: the new level is confirmed only once the signal has stayed inside a band
//     (max(3 sigma, rel_tolerance * level)) for settle_ms and at least two samples, so inrush,
//     overshoot and multi-second transitions are measured between two steady states rather than
//     sample to sample (Hart 1992, "Nonintrusive appliance load monitoring", sec. on edge
//     detection). A change that never settles is measured after max_transient_ms.
//  3. Decision: the step is the difference of the two steady means (the GLR test of a change in
//     mean between two segments of known variance reduces to thresholding it, Basseville &
//     Nikiforov sec. 2.4): reported when |dP| or |dQ| >= step and the change is abrupt (one
//     sample-to-sample jump of at least step/2 inside it), so slow ramps and drifts are followed
//     by the level and never chopped into events. A monotone transition that passes through a
//     one-sample plateau with at most one partial sample on each side is two switchings a second
//     apart (two appliances): it is reported as two events, each at least step.
// Rate independent from ~1 Hz to 1-min data: thresholds are in W/var, waits and time constants in
// ms. Missing values (NaN p) are skipped; a silence longer than max_gap_ms or a clock going back
// restarts the detector (no event across it). Emits a SwitchEvent (cluster = -1) per step.
//
// Thread contract: not thread-safe; one owner. Memory is O(1) in the signal length and each push()
// is O(1).
#pragma once

#include "src/nilm/engine.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace meterd::nilm {

struct DetectorConfig {
  double min_step_w = 30.0;           // smallest |dP| (or |dQ|) reported (4.5 noise std if more)
  double noise_w = 5.0;               // std of P (and Q) around a steady level: prior and floor
  std::int64_t settle_ms = 3'000;     // steadiness required on the new level
  std::int64_t max_gap_ms = 180'000;  // a longer silence resets the detector (no event across)
  double rel_tolerance = 0.005;  // steadiness band as a fraction of the level (meter class, drift)
  std::int64_t level_tau_ms = 10'000;       // time constant of the level following slow drift
  std::int64_t max_transient_ms = 120'000;  // a change not settled by then is measured anyway
  std::int64_t noise_tau_ms = 900'000;      // time constant of the noise estimate
};

class ChangeDetector {
 public:
  ChangeDetector(std::uint8_t phase, DetectorConfig config);

  // One sample of this phase (p in W, q in var or NaN). Returns an event once the new level is
  // confirmed, dated at the first sample of the change. NaN p is ignored. When one transition holds
  // two switchings, the second event is returned by the next push() (or by take_pending()).
  std::optional<SwitchEvent> push(std::int64_t t_ms, double p_w, double q_var);

  // An event confirmed but not yet returned (the second of a pair); call at the end of a stream.
  std::optional<SwitchEvent> take_pending() noexcept;

  // The current steady level (P, Q) as the detector estimates it; NaN before the first steady
  // level (and Q NaN when Q is not measured).
  double level_p() const noexcept;
  double level_q() const noexcept;

  // The estimated std of P / Q around a steady level (>= noise_w), and the smallest step it
  // reports now: max(min_step, 4.5 std).
  double noise_p() const noexcept;
  double noise_q() const noexcept;
  double step_p() const noexcept;
  double step_q() const noexcept;

  // Whether a change is under way (begun, not yet confirmed or dismissed): an event may follow.
  bool in_transient() const noexcept { return state_ == State::transient; }

  // Number of restarts (gaps longer than max_gap_ms, clock going back).
  std::uint64_t resets() const noexcept { return resets_; }

 private:
  struct Sample {
    std::int64_t t_ms = 0;
    double p = 0.0;
    double q = 0.0;  // NaN: not measured
  };
  // Samples inside the steadiness band, summarised.
  struct Run {
    std::int64_t first_ms = 0;
    std::int64_t last_ms = 0;
    std::int64_t last_dt_ms = 0;
    int n = 0;
    int nq = 0;
    double p_min = 0.0, p_max = 0.0, p_sum = 0.0;
    double q_min = 0.0, q_max = 0.0, q_sum = 0.0;
  };
  // A short run that did not settle, kept to recognise two switchings in one transition.
  struct Segment {
    std::int64_t t_ms = 0;
    double p = 0.0;
    double q = 0.0;
    int n = 0;
  };
  // One side of the two-sided CUSUM of P or Q.
  struct Cusum {
    double g = 0.0;
    std::int64_t onset_ms = 0;
  };
  enum class State { init, steady, transient };
  static constexpr int kRing = 8;
  static constexpr int kMaxSegments = 4;
  static constexpr int kMaxQueue = 4;

  void reset();
  void emit(const SwitchEvent& event);
  double band_p(double level) const noexcept;
  double band_q(double level) const noexcept;
  bool run_accepts(double p, double q) const noexcept;
  void run_start(const Sample& s, std::int64_t dt_ms);
  void run_add(const Sample& s, std::int64_t dt_ms);
  bool run_settled() const noexcept;
  double run_mean_p() const noexcept;
  double run_mean_q() const noexcept;
  void on_init(const Sample& s, std::int64_t dt_ms);
  void on_steady(const Sample& s, std::int64_t dt_ms);
  void on_transient(const Sample& s, std::int64_t dt_ms);
  void start_transient(std::int64_t onset_ms);
  void transient_sample(const Sample& s, const Sample& before, std::int64_t dt_ms);
  void confirm();
  bool split_and_emit(double p1, double q1, bool q_ok);
  void become_steady(double p1, double q1, std::int64_t since_ms);
  void learn_noise(const Sample& before, const Sample& s, std::int64_t dt_ms);

  std::uint8_t phase_;
  DetectorConfig config_;
  State state_ = State::init;
  std::uint64_t resets_ = 0;

  bool have_last_ = false;
  std::int64_t last_ms_ = 0;
  Sample prev_{};      // the last valid sample (for the jump sizes)
  double abs_diff_p_;  // mean |difference| of successive steady samples (the noise estimate)
  double abs_diff_q_;
  std::uint64_t noise_pairs_p_ = 0;
  std::uint64_t noise_pairs_q_ = 0;

  double level_p_;
  double level_q_;
  std::int64_t steady_since_ms_ = 0;
  std::array<Cusum, 4> cusum_{};  // P up, P down, Q up, Q down
  std::array<Sample, kRing> ring_{};
  int ring_head_ = 0;
  int ring_size_ = 0;

  // Transient state.
  std::int64_t onset_ms_ = 0;
  double p0_ = 0.0;
  double q0_ = 0.0;
  double max_jump_p_ = 0.0;
  double max_jump_q_ = 0.0;
  Run run_{};
  std::array<Segment, kMaxSegments> segments_{};
  int segment_count_ = 0;
  bool segments_overflow_ = false;

  std::array<SwitchEvent, kMaxQueue> queue_{};
  int queue_head_ = 0;
  int queue_size_ = 0;
};

}  // namespace meterd::nilm
