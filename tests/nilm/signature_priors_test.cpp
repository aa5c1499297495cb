#include "src/nilm/signature_priors.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "synthetic_site.hpp"

namespace meterd::nilm {
namespace {

using testing::kMonday;
constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 24 * kHour;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double q_of(double p_w, double pf, bool leading) {
  return p_w * std::tan(std::acos(pf)) * (leading ? -1.0 : 1.0);
}

double sum(const UsageArray& a) { return std::accumulate(a.begin(), a.end(), 0.0); }

double at(const UsageArray& a, Usage u) { return a[index_of(u)]; }

StepSignature step(double p_w, double q_var, RunClass run, int occupied = -1) {
  StepSignature s;
  s.dp_w = p_w;
  s.dq_var = q_var;
  s.run = run;
  s.occupied = occupied;
  return s;
}

TEST(SignaturePriors, MostLikelyIsOtherWhenNothingIsKnown) {
  EXPECT_EQ(most_likely(UsageArray{}), Usage::other);
  UsageArray p{};
  p[index_of(Usage::ventilation)] = 0.4;
  p[index_of(Usage::other)] = 0.3;
  EXPECT_EQ(most_likely(p), Usage::ventilation);
}

TEST(SignaturePriors, PowerFactorGivesTheNatureOfAStep) {
  EXPECT_EQ(load_nature(3000.0, 12.0), LoadNature::resistive);
  EXPECT_EQ(load_nature(3000.0, q_of(3000.0, 0.85, false)), LoadNature::inductive);
  EXPECT_EQ(load_nature(1700.0, q_of(1700.0, 0.93, true)), LoadNature::capacitive);
  EXPECT_EQ(load_nature(1700.0, kNaN), LoadNature::unknown);
  EXPECT_EQ(load_nature(0.0, 0.0), LoadNature::unknown);
}

TEST(SignaturePriors, RunClassesFollowTheirEdges) {
  EXPECT_EQ(run_class(40.0), RunClass::brief);
  EXPECT_EQ(run_class(kNaN), RunClass::brief);
  EXPECT_EQ(run_class(120.0), RunClass::short_run);
  EXPECT_EQ(run_class(300.0), RunClass::cycle);
  EXPECT_EQ(run_class(2400.0), RunClass::cycle);
  EXPECT_EQ(run_class(3600.0), RunClass::long_run);
}

TEST(SignaturePriors, EveryPriorIsADistribution) {
  for (const double p : {150.0, 900.0, 3000.0})
    for (const double q_ratio : {kNaN, 0.0, 0.62, -0.35})
      for (std::size_t r = 0; r < kRunClassCount; ++r)
        for (const int occ : {-1, 0, 1}) {
          const UsageArray prior = step_prior(step(p, p * q_ratio, static_cast<RunClass>(r), occ));
          EXPECT_NEAR(sum(prior), 1.0, 1e-12) << p << " " << q_ratio << " " << r << " " << occ;
          for (double v : prior) EXPECT_GE(v, 0.0);
        }
}

TEST(SignaturePriors, CyclingLargeMotorIsHeatOrColdProduction) {
  // One phase of a 9 kW three-phase heat pump, PF 0.85, 10-20 min thermostat cycles.
  const UsageArray p = step_prior(step(3000.0, q_of(3000.0, 0.85, false), RunClass::cycle));
  EXPECT_EQ(most_likely(p), Usage::heat_cold_production);
  EXPECT_GE(at(p, Usage::heat_cold_production), 0.75);
}

TEST(SignaturePriors, ResistiveStepsAreElementsWhenTheyHoldAndKitchenWhenBrief) {
  const UsageArray heater = step_prior(step(3000.0, 5.0, RunClass::cycle));
  EXPECT_EQ(most_likely(heater), Usage::heating_elements);
  const UsageArray coffee = step_prior(step(2200.0, 5.0, RunClass::brief));
  EXPECT_EQ(most_likely(coffee), Usage::other);
  EXPECT_EQ(at(coffee, Usage::heat_cold_production), 0.0);
}

TEST(SignaturePriors, SmallLongRunningMotorIsAnAuxiliary) {
  const UsageArray pump = step_prior(step(240.0, q_of(240.0, 0.78, false), RunClass::long_run));
  EXPECT_EQ(most_likely(pump), Usage::hvac_auxiliaries);
  // The same size cycling is refrigeration: `other`.
  const UsageArray fridge = step_prior(step(250.0, q_of(250.0, 0.75, false), RunClass::cycle));
  EXPECT_EQ(most_likely(fridge), Usage::other);
}

TEST(SignaturePriors, LeadingStepsAreLightingByDayAndItOtherwise) {
  const double q = q_of(1700.0, 0.93, true);
  const UsageArray day = step_prior(step(1700.0, q, RunClass::long_run, 1));
  EXPECT_EQ(most_likely(day), Usage::lighting);
  const UsageArray night = step_prior(step(1700.0, q, RunClass::long_run, 0));
  EXPECT_GT(at(night, Usage::it), at(day, Usage::it));
  EXPECT_LT(at(night, Usage::lighting), at(day, Usage::lighting));
  const UsageArray printer = step_prior(step(1100.0, q_of(1100.0, 0.98, true), RunClass::brief, 1));
  EXPECT_EQ(most_likely(printer), Usage::it);
}

TEST(SignaturePriors, WithoutReactivePowerSizeAndDurationStillSpeak) {
  const UsageArray p = step_prior(step(3000.0, kNaN, RunClass::cycle));
  EXPECT_NEAR(sum(p), 1.0, 1e-12);
  EXPECT_GT(at(p, Usage::heat_cold_production), 0.3);
  EXPECT_GT(at(p, Usage::heating_elements), 0.3);
  EXPECT_LT(at(p, Usage::other), 0.25);
}

Cluster cluster_with_runs(double p_w, double q_var, const std::vector<double>& runs_s) {
  Cluster c;
  c.dp_w = p_w;
  c.dq_var = q_var;
  c.has_q = std::isfinite(q_var);
  for (double s : runs_s) {
    std::size_t bin = 0;
    while (bin < kDurationEdgesS.size() && s >= kDurationEdgesS[bin]) ++bin;
    c.durations[bin] += 1.0;
  }
  return c;
}

TEST(SignaturePriors, ClusterPriorReadsItsPairedDurations) {
  const Cluster heater = cluster_with_runs(2000.0, 0.0, {700, 900, 1100, 800, 1300, 650});
  EXPECT_EQ(most_likely(cluster_prior(heater, 0.0, -1)), Usage::heating_elements);
  const Cluster kettle = cluster_with_runs(2000.0, 0.0, {40, 55, 35, 70, 45, 50});
  EXPECT_EQ(most_likely(cluster_prior(kettle, 0.0, -1)), Usage::other);
}

TEST(SignaturePriors, ClusterPriorConditionsOnHowLongTheRunHasLasted) {
  // Half brief runs, half thermostat cycles: undecided at the ON step, an element after 5 min.
  const Cluster mixed = cluster_with_runs(2000.0, 0.0, {40, 50, 45, 900, 1000, 1100});
  const UsageArray young = cluster_prior(mixed, 0.0, -1);
  const UsageArray old = cluster_prior(mixed, 400.0, -1);
  EXPECT_NEAR(at(young, Usage::heating_elements), 0.5 * (0.15 + 0.80), 1e-12);
  EXPECT_NEAR(at(old, Usage::heating_elements), 0.80, 1e-12);
  // No run known: every class the run may still end in, uniformly.
  const Cluster unknown = cluster_with_runs(2000.0, 0.0, {});
  const UsageArray u = cluster_prior(unknown, 4000.0, -1);
  EXPECT_NEAR(at(u, Usage::heating_elements), 0.75, 1e-12);
  EXPECT_NEAR(sum(cluster_prior(unknown, 0.0, -1)), 1.0, 1e-12);
}

TEST(SignaturePriors, OccupiedHoursAreWeekdayDaytimeLocal) {
  const std::int64_t offset = kHour;                                        // UTC+1
  EXPECT_TRUE(occupied_hours(kMonday + 9 * kHour, offset));                 // 10:00 local
  EXPECT_FALSE(occupied_hours(kMonday + 5 * kHour + 30 * 60'000, offset));  // 06:30
  EXPECT_TRUE(occupied_hours(kMonday + 6 * kHour, offset));                 // 07:00
  EXPECT_FALSE(occupied_hours(kMonday + 18 * kHour, offset));               // 19:00
  EXPECT_FALSE(occupied_hours(kMonday + 5 * kDay + 9 * kHour, offset));     // Saturday
  EXPECT_TRUE(occupied_hours(kMonday + 4 * kDay + 9 * kHour, offset));      // Friday
}

TEST(SignaturePriors, RestrictKeepsOnlyTheUnlearnedCategories) {
  const UsageArray prior = step_prior(step(3000.0, 0.0, RunClass::cycle));
  std::array<bool, kUsageCount> allowed{};
  allowed[index_of(Usage::heating_elements)] = true;
  const UsageArray r = restrict_prior(prior, allowed, false);
  EXPECT_NEAR(at(r, Usage::heating_elements), 0.8, 1e-12);
  EXPECT_NEAR(at(r, Usage::other), 0.2, 1e-12);
  // A heat-pump-like step on a site where everything but `other` is learned: the priors add
  // nothing (the engine leaves it to what it learned).
  const UsageArray hp = step_prior(step(3000.0, q_of(3000.0, 0.85, false), RunClass::cycle));
  std::array<bool, kUsageCount> none{};
  EXPECT_EQ(restrict_prior(hp, none, false), UsageArray{});
  EXPECT_EQ(restrict_prior(hp, none, true), UsageArray{});
  // Ventilation unlearned, heat/cold learned: the heat pump's prior mass is not pushed onto
  // ventilation (it stays with what the engine learned), unless the mass is kept (a residual).
  std::array<bool, kUsageCount> vent{};
  vent[index_of(Usage::ventilation)] = true;
  const UsageArray dropped = restrict_prior(hp, vent, false);
  EXPECT_NEAR(at(dropped, Usage::ventilation), 0.1, 1e-12);
  EXPECT_EQ(at(dropped, Usage::heat_cold_production), 0.0);
  const UsageArray kept = restrict_prior(hp, vent, true);
  EXPECT_NEAR(sum(kept), 1.0, 1e-12);
  EXPECT_NEAR(at(kept, Usage::ventilation), 0.5, 1e-12);
}

TEST(SignaturePriors, LabelledSharesWinOverPriors) {
  EventClusters clusters;
  // A 3 kW resistive step cycling 10-20 min, seen 6 times.
  const int c = clusters.assign(0, 3000.0, 0.0);
  for (int i = 0; i < 6; ++i) clusters.record_on_duration(c, 600.0 + 100.0 * i);
  std::array<bool, kUsageCount> all{};
  all.fill(true);
  // Unlabelled: the prior alone.
  const UsageArray unlabelled = shares_with_priors(clusters, c, 0.0, -1, all);
  EXPECT_EQ(most_likely(unlabelled), Usage::heating_elements);
  EXPECT_NEAR(sum(unlabelled), 1.0, 1e-12);
  // Labelled as `it` by a sub-meter for 3/4 of its steps, the rest unexplained: the labels keep
  // their 3/4; only the unexplained quarter follows the prior.
  clusters.vote(c, Usage::it, 3.0);
  clusters.unmatched(c, 1.0);
  const UsageArray labelled = shares_with_priors(clusters, c, 0.0, -1, all);
  EXPECT_NEAR(at(labelled, Usage::it), 0.75, 1e-12);
  EXPECT_NEAR(at(labelled, Usage::heating_elements), 0.25 * 0.8, 1e-12);
  // Every category learned: the labels alone, as without priors.
  std::array<bool, kUsageCount> none{};
  EXPECT_EQ(shares_with_priors(clusters, c, 0.0, -1, none), clusters.shares(c, 0.0));
  EXPECT_EQ(shares_with_priors(clusters, -1, 0.0, -1, all), UsageArray{});
}

TEST(SignaturePriors, ResidualSplitsBaseAndExcessAndIsScaleFree) {
  const UsageArray night = residual_prior_w(8000.0, kNaN, 10000.0);  // below the base
  EXPECT_NEAR(sum(night), 8000.0, 1e-9);
  EXPECT_NEAR(at(night, Usage::it), 8000.0 * at(base_load_shares(), Usage::it), 1e-9);
  const UsageArray day = residual_prior_w(30000.0, kNaN, 10000.0);
  EXPECT_NEAR(sum(day), 30000.0, 1e-9);
  EXPECT_NEAR(at(day, Usage::lighting),
              10000.0 * at(base_load_shares(), Usage::lighting) +
                  20000.0 * at(excess_load_shares(), Usage::lighting),
              1e-9);
  const UsageArray big = residual_prior_w(300000.0, kNaN, 100000.0);
  for (std::size_t c = 0; c < kUsageCount; ++c) EXPECT_NEAR(big[c], 10.0 * day[c], 1e-6);
  EXPECT_EQ(residual_prior_w(-50.0, kNaN, 100.0), UsageArray{});
  EXPECT_NEAR(sum(base_load_shares()), 1.0, 1e-12);
  EXPECT_NEAR(sum(excess_load_shares()), 1.0, 1e-12);
}

TEST(SignaturePriors, ReactivePowerIsASecondEquation) {
  const UsageArray plain = residual_prior_w(30000.0, kNaN, 10000.0);
  double q_consistent = 0.0;
  for (const Usage u : kAllUsages) q_consistent += at(plain, u) * nominal_q_ratio(u);
  const UsageArray same = residual_prior_w(30000.0, q_consistent, 10000.0);
  for (std::size_t c = 0; c < kUsageCount; ++c) EXPECT_NEAR(same[c], plain[c], 1e-6);

  // A leading residual: more LED and IT than the prior said; a lagging one: more fans and pumps.
  const UsageArray leading = residual_prior_w(30000.0, -6000.0, 10000.0);
  const UsageArray lagging = residual_prior_w(30000.0, 12000.0, 10000.0);
  EXPECT_NEAR(sum(leading), 30000.0, 1e-6);
  EXPECT_NEAR(sum(lagging), 30000.0, 1e-6);
  EXPECT_GT(at(leading, Usage::lighting) + at(leading, Usage::it),
            at(plain, Usage::lighting) + at(plain, Usage::it));
  EXPECT_GT(at(lagging, Usage::ventilation) + at(lagging, Usage::hvac_auxiliaries),
            at(plain, Usage::ventilation) + at(plain, Usage::hvac_auxiliaries));
  for (const UsageArray* x : {&leading, &lagging}) {
    for (double v : *x) EXPECT_GE(v, 0.0);
  }
  // The correction moves Q towards the measurement.
  double q_leading = 0.0;
  for (const Usage u : kAllUsages) q_leading += at(leading, u) * nominal_q_ratio(u);
  EXPECT_LT(q_leading, q_consistent);
}

TEST(SignaturePriors, TrackedReactivePowerOfPairedInstances) {
  EventClusters clusters;
  ApplianceTracker tracker;
  // A 3 kW step at PF 0.85 that paired 6 times (10 min runs), now on again.
  const double q = q_of(3000.0, 0.85, false);
  std::int64_t t = kMonday;
  const int c = clusters.assign(0, 3000.0, q);
  for (int i = 0; i < 6; ++i) {
    clusters.assign(0, 3000.0, q);
    clusters.record_on(c);
    tracker.switch_on(t, 0, 3000.0, c, std::nullopt);
    t += 600'000;
    const auto run = tracker.switch_off(t, 0, -3000.0, clusters.assign(0, -3000.0, -q), &clusters);
    ASSERT_TRUE(run.has_value());
    clusters.record_on_duration(run->cluster, run->on_s);
    t += 600'000;
  }
  EXPECT_EQ(tracked_q_var(tracker, clusters, t), 0.0);
  clusters.record_on(c);
  tracker.switch_on(t, 0, 3000.0, c, std::nullopt);
  EXPECT_NEAR(tracked_q_var(tracker, clusters, t + 1000), q, 1.0);
}

TEST(SignaturePriors, BaseLoadTrackerFindsTheNightLevelWhateverTheScale) {
  for (const double scale : {1.0, 20.0}) {
    BaseLoadTracker base;
    EXPECT_FALSE(base.ready());
    std::uint64_t lcg = 7;
    // Starts on a Monday at 10:00 (occupied), 1 Hz, for a week: 10 kW base, 30 kW by day.
    for (std::int64_t t = kMonday + 10 * kHour; t < kMonday + 7 * kDay; t += 1000) {
      lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
      const double noise = (static_cast<double>(lcg >> 11) / 9007199254740992.0 - 0.5) * 400.0;
      const double w = (occupied_hours(t, 0) ? 30000.0 : 10000.0) + noise;
      base.update(scale * w, 1.0);
      if (t == kMonday + 10 * kHour + 1000) {
        EXPECT_GT(base.base_w(), scale * 25000.0);
      }
    }
    EXPECT_TRUE(base.ready());
    EXPECT_NEAR(base.base_w(), scale * 10000.0, scale * 600.0);
  }
}

TEST(SignaturePriors, BaseLoadTrackerIgnoresBadInput) {
  BaseLoadTracker base;
  base.update(kNaN, 1.0);
  base.update(500.0, 0.0);
  EXPECT_FALSE(base.ready());
  base.update(500.0, 1.0);
  EXPECT_DOUBLE_EQ(base.base_w(), 500.0);
}

}  // namespace
}  // namespace meterd::nilm
