// src/nilm/continuous_model.hpp: the learned continuous part of each category.
//
// What the tracked on/off appliances do not explain (dimmed lighting, IT, variable-speed fans
// and pumps, many small loads) is modelled per category as a linear function of the residual
// power R (mains minus known loads minus running appliance instances) for each time-of-week
// slot: x_c = mean_x + beta * (R - mean_R), beta a ridge-regularised least-squares slope clamped
// to [0, 1]. When the mains measure Q, a second regressor dQ, the residual's reactive power minus
// its own running mean (the engine's high-pass), tells which categories the residual's changes
// belong to (motors carry Q, resistive loads none): + gamma * (dQ - mean_dQ), gamma bounded;
// without Q, dQ = 0 and the fit is the one on R alone. On a mains of several phases the residual
// of each phase (the phase minus the tracked instances on it) is known too, and the contrasts
// between them, C_k = R_k - R_k+1, are regressors as well (R and the contrasts are the per-phase
// residuals in other coordinates): a balanced three-phase motor moves R and no contrast, a
// single-phase load one phase only (per-phase signatures, Hart 1992), so categories of the one
// kind and of the other are told apart where they vary together in R. The fit is one ridge least
// squares on the regressors seen (R; the contrasts; dQ), each slope bounded in turn; on one phase
// without Q it is the fit on R alone. Slots with little data blend with the model
// pooled over all slots. Learned from complete sub-meters by weighted running sums (weights =
// seconds held) with a bounded memory of kMaxWeightS seconds per slot, so it keeps adapting; the
// pooled fit from one-minute means (observe(): 1 s noise in a regressor attenuates its slope).
// A category whose sub-meter reads (nearly) nothing at times (a plant that stops: a school's
// air-handling units on a closed afternoon) has two states; the residual's distribution in each
// is kept per slot, and where they lie apart, on_probability() tells the on state's probability
// given R (a switching regression, Quandt 1972). Each slot also keeps its level (the means the
// slopes are applied around) over a shorter memory (kLevelWeightS) and takes it in where that
// predicted better in training (a category's untracked part drifts over weeks: lengthening days,
// a tracker that learns more clusters). Confidence per category and slot is 1 - the
// prequential normalised absolute error of the fit during training (NILMTK's NDE in L1 form,
// Batra et al. 2014). Not thread-safe; owned by the engine.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "src/nilm/ridge_solver.hpp"
#include "src/nilm/step_accumulator.hpp"
#include "src/nilm/time_of_week.hpp"

namespace meterd::nilm {

class ContinuousModel {
 public:
  // The residual's phase contrasts C_k = R_k - R_k+1 (W). A non-finite one is not measured (a
  // phase missing from a sample): it is learned at the slot's mean and estimated at its level,
  // so it moves nothing (0 is not neutral: a contrast's mean is the site's standing imbalance).
  static constexpr std::size_t kContrasts = 2;
  static_assert(kContrasts == 2, "the cross sum c01 and the codec's layout are of two contrasts");
  using Contrasts = std::array<double, kContrasts>;

  // Running sums of one (slot, category) pair. Public for the model codec.
  struct Sums {
    double w = 0.0;    // seconds of data
    double r = 0.0;    // sum of w * R
    double rr = 0.0;   // sum of w * R^2
    double x = 0.0;    // sum of w * x
    double xr = 0.0;   // sum of w * x * R
    double err = 0.0;  // sum of w * |x - prediction| (prediction before the update)
    double ax = 0.0;   // sum of w * |x| over the same samples
    // Second regressor: the high-passed reactive power of the residual, dQ (0 without Q).
    double q = 0.0;   // sum of w * dQ
    double qq = 0.0;  // sum of w * dQ^2
    double xq = 0.0;  // sum of w * x * dQ
    double rq = 0.0;  // sum of w * R * dQ
    // The residual's distribution in the category's two states: off (its whole sub-metered
    // power <= kOffW) and on. The sums above are over both.
    double w0 = 0.0;   // seconds off
    double r0 = 0.0;   // sum of w * R while off
    double rr0 = 0.0;  // sum of w * R^2 while off
    double w1 = 0.0;   // seconds on
    double r1 = 0.0;   // sum of w * R while on
    double rr1 = 0.0;  // sum of w * R^2 while on
    // Third regressor: the power S of the category's shadow instances
    // (ApplianceTracker::shadow_w: a second same-size appliance whose ON step restarted the
    // first's instance), 0 while none.
    double s = 0.0;   // sum of w * S
    double ss = 0.0;  // sum of w * S^2
    double xs = 0.0;  // sum of w * x * S
    double rs = 0.0;  // sum of w * R * S
    double qs = 0.0;  // sum of w * dQ * S
    // The level with a shorter memory (kLevelWeightS): the first moments again, and the
    // prequential error of the fit whose level takes them in (kLevelBlend; slopes as above).
    double lw = 0.0;    // seconds of data
    double lr = 0.0;    // sum of w * R
    double lx = 0.0;    // sum of w * x
    double lq = 0.0;    // sum of w * dQ
    double ls = 0.0;    // sum of w * S
    double lerr = 0.0;  // sum of w * |x - prediction with that level| (as err)
    // The category's own spread, for the bound on its estimate (kMaxSdAbove).
    double xx = 0.0;  // sum of w * x^2
    double xw = 0.0;  // seconds that xx covers (a model saved before it: 0, then less than w)
    // The phase contrasts C_k (0 on one phase: then these sums stay 0).
    Contrasts c{};     // sum of w * C_k
    Contrasts cc{};    // sum of w * C_k^2
    double c01 = 0.0;  // sum of w * C_0 * C_1
    Contrasts xc{};    // sum of w * x * C_k
    Contrasts rc{};    // sum of w * R * C_k
    Contrasts qc{};    // sum of w * dQ * C_k
    Contrasts sc{};    // sum of w * S * C_k
    Contrasts lc{};    // sum of w * C_k over the short memory
  };
  using Table = std::array<std::array<Sums, kUsageCount>, kSlotCount>;

  static constexpr double kMaxWeightS = 5.0 * 1800.0;  // ~5 days of one slot
  static constexpr double kMinWeightS = 600.0;         // below: no estimate from the slot
  // The slot's level (the means the slopes are applied around): where the last ~2 days' means
  // (kLevelWeightS) predicted better in training than the whole memory's, by kLevelMargin, the
  // level is the two's mean (kLevelBlend: equal weights, a combination of the two forecasts).
  static constexpr double kLevelWeightS = 2.0 * 1800.0;
  static constexpr double kLevelMargin = 0.95;
  static constexpr double kLevelBlend = 0.5;
  static constexpr double kOffW = 5.0;  // a category's sub-meter at or below: the category is off

  // Learns that, in `slot`, category `usage` drew `x_w` of continuous power while the
  // residual was `residual_w`, for `weight_s` seconds.
  // `dq_var` is the residual's reactive power minus its slow running mean (0 when the mains do
  // not measure Q): motors carry Q, resistive loads none.
  // `off`: the category's whole sub-metered power was at most kOffW.
  // `shadow_w`: the power of the category's shadow instances (see shadow_slope()).
  // `contrasts`: the residual's phase contrasts (see Contrasts; on one phase not measured).
  // Every sum learns this sample (observe() is what the engine calls).
  void learn(std::size_t slot, Usage usage, double residual_w, double x_w, double weight_s,
             double dq_var = 0.0, bool off = false, double shadow_w = 0.0,
             Contrasts contrasts = {});

  static constexpr std::int64_t kBlockMs = 60'000;  // the pooled fit's blocks (one minute)

  // The same for one sample at `t_ms`, with the pooled fit (all slots) learned from the means of
  // one-minute blocks of (R, dQ, S, x) instead of the samples: short untracked loads (a lift, a
  // kettle, a compressor start) move the 1 s residual, mostly its Q, without moving the
  // category, and such noise in a regressor attenuates the slopes (regression dilution, Fuller
  // 1987: a slope shrinks by var(signal) / (var(signal) + var(noise))); over a minute it mostly
  // cancels. The slot's fit and the states keep the samples (docs/nilm.md, Continuous
  // components: per slot, the minute means' steeper slopes did worse out of sample). The block
  // being filled is not in the saved model (a restart loses at most one minute of it).
  void observe(std::int64_t t_ms, std::size_t slot, Usage usage, double residual_w, double x_w,
               double weight_s, double dq_var = 0.0, bool off = false, double shadow_w = 0.0,
               Contrasts contrasts = {});

  // The estimate of category `usage` in `slot` at residual `residual_w`; 0 when the category
  // was never learned. May be negative: it corrects what the tracked appliances attribute (the
  // caller clamps the category's total at 0).
  double estimate(std::size_t slot, Usage usage, double residual_w, double dq_var = 0.0,
                  double shadow_w = 0.0, Contrasts contrasts = {}) const noexcept;

  // The category's slope on its shadow instances' power, in [0, 1]: the ridge least-squares fit
  // of x on (R, dQ, S) over the sums pooled over all slots (a slot sees few shadows; ridge
  // kRidgeShadowW). 0 when the category never saw a shadow. estimate() is then
  // delta S + the fit on (R, dQ) of x - delta S.
  double shadow_slope(Usage usage) const noexcept;

  static constexpr double kRidgeShadowW = 300.0;

  // 0..1: the probability that the category is on (not entirely off) in `slot` given the
  // residual: the two states' residuals as Gaussians weighted by their time in the slot (a
  // switching regression), blended with the pooled states as estimate() is. 1 where the
  // category was never seen off or its states' residuals are not 2 standard deviations apart,
  // 0 where it was never seen on.
  double on_probability(std::size_t slot, Usage usage, double residual_w) const noexcept;

  // 0..1: how well the category's fit did in training in this slot (0 when never learned).
  double confidence(std::size_t slot, Usage usage) const noexcept;

  // Whether anything was learned for the category.
  bool learned(Usage usage) const noexcept { return pooled_[index_of(usage)].w > 0.0; }

  // The learned sums, for the model codec. Taking them to write counts as a change (the fits
  // cached for estimate() are dropped): write before the next estimate().
  const Table& table() const noexcept { return table_; }
  Table& table() noexcept {
    for (auto& g : generation_) ++g;
    return table_;
  }
  const std::array<Sums, kUsageCount>& pooled() const noexcept { return pooled_; }
  std::array<Sums, kUsageCount>& pooled() noexcept {
    for (auto& g : generation_) ++g;
    return pooled_;
  }

  // The most a category's estimate may be from one memory's sums: kMaxSdAbove (6) standard
  // deviations above its mean; +inf until the x^2 sum covers kMinBoundCoverage of the memory (a
  // model saved before it: its x^2 sum starts empty while w and x hold days).
  static double upper_bound(const Sums& s) noexcept;

 private:
  // A fit at fixed sums reduced to its linear form: the estimate is at_x + sum_i z_i (v_i - at_i)
  // + delta S, v_i the regressors' current values (at_i where not measured). The sums change
  // only while learning; between changes the fits are computed once per slot (slot_fits()).
  struct LinearFit {
    bool empty = true;  // no data: 0
    double at_x = 0.0;  // the level of x - delta S
    double delta = 0.0;
    std::size_t n = 0;  // regressors seen
    RegressorVector z{};
    RegressorVector at{};
    std::array<int, kMaxRegressors> id{};  // which regressor (continuous_model.cpp)
  };
  static LinearFit fit(const Sums& s, double delta, bool recent_level) noexcept;
  // Sets f's levels (at_x, at) to the whole memory's means or, with recent_level, their blend
  // with the short memory's; the slopes stay.
  static void set_levels(LinearFit& f, const Sums& s, bool recent_level) noexcept;
  static double apply(const LinearFit& f, double residual_w, double dq_var, double shadow_w,
                      const Contrasts& contrasts) noexcept;
  // What estimate() takes from a category's sums in a slot: the slot's and the pooled fit, the
  // slot's weight in their blend and the bound on the estimate.
  struct SlotFits {
    std::uint64_t generation = 0;  // of the category's sums they were computed from (0: none)
    std::size_t slot = 0;
    double k = 0.0;
    LinearFit own;
    LinearFit pooled;
    double cap = 0.0;
  };
  const SlotFits& slot_fits(std::size_t slot, std::size_t c) const noexcept;

  // Whether the slot's fit takes its level from the short memory (see kLevelWeightS).
  static bool recent_level(const Sums& s) noexcept;
  static double shadow_slope(const Sums& s) noexcept;
  static double on_probability(const Sums& s, double residual_w) noexcept;
  static void add(Sums& s, double residual_w, double x_w, double weight_s, double dq_var,
                  double shadow_w, const Contrasts& contrasts) noexcept;
  // Whether a sample can be learned (a known slot, weight, R and x); a non-finite dQ or S
  // counts as 0, a non-finite contrast as the slot's mean of it.
  bool usable(std::size_t slot, std::size_t c, double residual_w, double x_w, double weight_s,
              double& dq_var, double& shadow_w, Contrasts& contrasts) const noexcept;
  void learn_slot(std::size_t slot, std::size_t c, double residual_w, double x_w, double weight_s,
                  double dq_var, double shadow_w, const Contrasts& contrasts) noexcept;
  void learn_pooled(std::size_t c, double residual_w, double x_w, double weight_s, double dq_var,
                    double shadow_w, const Contrasts& contrasts) noexcept;
  void learn_state(std::size_t slot, std::size_t c, double residual_w, double weight_s,
                   bool off) noexcept;

  // The block being averaged for the pooled fit, per category.
  struct Block {
    std::int64_t id = 0;  // t_ms / kBlockMs
    double w = 0.0;       // seconds
    double r = 0.0;       // sums of w * R, x, dQ, S, C_k
    double x = 0.0;
    double q = 0.0;
    double s = 0.0;
    Contrasts c{};
  };
  void flush(std::size_t c) noexcept;

  Table table_{};
  std::array<Sums, kUsageCount> pooled_{};
  std::array<Block, kUsageCount> block_{};
  // Per category, changes with every change of its sums; its fits cached for the last slot
  // estimated (a 1 Hz engine solves each slot's systems once per category instead of twice per
  // sample, docs/nilm.md, Bounds; a category learning from its sub-meter leaves the others'
  // caches alone).
  std::array<std::uint64_t, kUsageCount> generation_ = [] {
    std::array<std::uint64_t, kUsageCount> g{};
    g.fill(1);
    return g;
  }();
  mutable std::array<SlotFits, kUsageCount> fits_{};
};

}  // namespace meterd::nilm
