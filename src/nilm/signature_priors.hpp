// src/nilm/signature_priors.hpp: documented priors P(category | signature) for what no
// sub-meter labelled.
//
// Without sub-meters the engine has no votes on its clusters and no learned continuous model;
// these rules stand in for them (docs/nilm.md, "Priors (no sub-meters)"). They are priors from
// the physics of the loads and from published end-use benchmarks, not measurements:
//  - a switching step is read by its power factor class (the sign and share of dQ: resistive
//    elements, lagging motors and compressors, leading LED drivers and switched-mode supplies;
//    Hart 1992 §IV, the (dP, dQ) signature space), its size per phase, how long its runs last
//    (thermostat cycles of 5-60 min vs brief kitchen loads vs all-day plant) and whether it
//    switched on in occupied hours;
//  - the continuous residual (what the tracked appliances do not explain) is split in two: the
//    base load (a low quantile of the residual: nights and weekends) by a base prior dominated by
//    IT, and the excess over it by the electricity end-use shares of an air-conditioned office
//    (Energy Consumption Guide 19, "Energy use in offices", type 3 typical), scale-free; where
//    Q is measured, the split is corrected with the reactive balance as a second equation
//    (leading lighting and IT vs lagging fans, pumps and compressors).
// Labelled data always win: the engine applies a prior only to categories it never learned.
// Pure functions are thread-safe; BaseLoadTracker is not (one owner, the engine).
#pragma once

#include <array>
#include <cstdint>
#include <limits>

#include "src/nilm/appliance_tracker.hpp"
#include "src/nilm/event_clusters.hpp"
#include "src/nilm/step_accumulator.hpp"

namespace meterd::nilm {

// Power factor class of a step from its ON-direction (dP, dQ).
enum class LoadNature : std::uint8_t { resistive, inductive, capacitive, unknown };

// How long a run lasts: brief < 2 min (kettles, lifts, printers), short 2-5 min, cycle 5-60 min
// (thermostat cycling of compressors, convectors, water heaters), long >= 1 h (plant on a
// schedule, lighting, circulators).
enum class RunClass : std::uint8_t { brief, short_run, cycle, long_run };
inline constexpr std::size_t kRunClassCount = 4;

// Thresholds of the classes above (|dQ| / dP, W per phase, s).
inline constexpr double kResistiveMaxQRatio = 0.25;   // |dQ|/dP below: PF >= 0.97
inline constexpr double kCapacitiveMinQRatio = -0.1;  // dQ/dP below: leading
inline constexpr double kSmallMaxW = 600.0;
inline constexpr double kLargeMinW = 1500.0;
inline constexpr double kBriefMaxS = 120.0;
inline constexpr double kShortMaxS = 300.0;
inline constexpr double kCycleMaxS = 3600.0;

// The confidence the engine reports for a figure that comes from a prior (no measurement).
inline constexpr double kPriorConfidence = 0.3;

// A step as the rules read it.
struct StepSignature {
  double dp_w = 0.0;                                         // |dP| on its phase, W
  double dq_var = std::numeric_limits<double>::quiet_NaN();  // dQ, ON direction; NaN: unknown
  RunClass run = RunClass::cycle;
  int occupied = -1;  // ON step in occupied hours: 1 yes, 0 no, -1 unknown
};

// The nature of a step of dp_w (> 0, ON direction) and dq_var (NaN: unknown).
LoadNature load_nature(double dp_w, double dq_var) noexcept;

// The class of a run of `seconds`.
RunClass run_class(double seconds) noexcept;

// P(category | signature): non-negative, sums to 1 (`other` included).
UsageArray step_prior(const StepSignature& s) noexcept;

// P(category | cluster, still on after age_s): step_prior averaged over the run classes the
// cluster's paired runs longer than age_s fall in (weights: their counts), or uniformly over
// the classes at least as long as age_s when no such run is known. `occupied` as above.
UsageArray cluster_prior(const Cluster& cluster, double age_s, int occupied) noexcept;

// Occupied hours of a commercial building: Monday-Friday 07:00-19:00 local time (UTC + offset).
bool occupied_hours(std::int64_t t_ms, std::int64_t utc_offset_ms) noexcept;

// `prior` kept on the categories marked in `allowed` (`other` always is), the rest dropped, or
// with `keep_mass` renormalised to the sum it had (for a residual from which the learned
// categories were already taken). All zeros when no non-`other` category is allowed.
UsageArray restrict_prior(const UsageArray& prior, const std::array<bool, kUsageCount>& allowed,
                          bool keep_mass) noexcept;

// The shares of a running instance of `cluster` after age_s: its labelled shares
// (EventClusters::shares) first, and the part its labels leave unexplained by the cluster prior
// restricted to the `unlearned` categories (labelled data win). Sums to <= 1.
UsageArray shares_with_priors(const EventClusters& clusters, int cluster, double age_s,
                              int occupied,
                              const std::array<bool, kUsageCount>& unlearned) noexcept;

// Nominal reactive-to-active ratio (tan phi, > 0 lagging) of each category's continuous loads.
double nominal_q_ratio(Usage usage) noexcept;

// The residual's base-load share (nights, weekends) and its occupied-hours excess share.
const UsageArray& base_load_shares() noexcept;
const UsageArray& excess_load_shares() noexcept;

// W per category of a residual of residual_w (clamped >= 0): min(residual, base_w) by the base
// shares, the rest by the excess shares; when residual_q_var is finite, corrected towards the
// reactive balance sum_c x_c tan(phi_c) = Q by the least change of the shares (chi-square
// distance), damped. Sums to max(residual_w, 0).
UsageArray residual_prior_w(double residual_w, double residual_q_var, double base_w) noexcept;

// The category of highest probability in `p`; `other` when none is above zero.
Usage most_likely(const UsageArray& p) noexcept;

// The reactive power of the running instances of reliably paired clusters at t_ms, var: each
// instance's expected power (on-probability) times its cluster's dQ/dP. For the residual's
// reactive balance (the residual Q is the mains Q minus this).
double tracked_q_var(const ApplianceTracker& tracker, const EventClusters& clusters,
                     std::int64_t t_ms) noexcept;

// A low quantile (2 %) of the residual over time, the base load, by stochastic approximation
// with a step relative to its level (scale-free): it falls to a night's level within hours and
// rises over days. Bounded state; not thread-safe.
class BaseLoadTracker {
 public:
  static constexpr double kQuantile = 0.02;
  static constexpr double kRatePerS = 1e-4;  // relative step per s: down e-fold ~3 h, up < 10 %/day

  // Takes `residual_w` held for `dt_s` seconds (> 0); non-finite values are ignored.
  void update(double residual_w, double dt_s) noexcept;
  // Resumes from a base load of a saved model (ready from then on).
  void restore(double base_w) noexcept {
    base_w_ = base_w;
    ready_ = true;
  }
  // The base load, W (0 before any data).
  double base_w() const noexcept { return base_w_; }
  bool ready() const noexcept { return ready_; }

 private:
  double base_w_ = 0.0;
  bool ready_ = false;
};

}  // namespace meterd::nilm
