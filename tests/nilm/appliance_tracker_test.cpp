// tests/nilm/appliance_tracker_test.cpp: Hart pairing of running instances with the clusters'
// learned run lengths (src/nilm/appliance_tracker.hpp): a dropped instance's OFF step still
// closes it (the run is learned with its true length), and an OFF step closes the instance
// whose run length is usual for its cluster; the shadow instances' lifecycle; the reactive power
// across categories, three-phase legs and neighbouring fragments in the pairing.
#include "src/nilm/appliance_tracker.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>

namespace meterd::nilm {
namespace {

constexpr std::int64_t kT0 = 1'767'571'200'000;  // 2026-01-05T00:00:00Z
constexpr std::int64_t kS = 1'000;

// Teaches `cluster` `n` paired runs of `seconds` each.
void learn_runs(EventClusters& clusters, int cluster, int n, double seconds) {
  for (int i = 0; i < n; ++i) {
    clusters.record_on(cluster);
    clusters.record_on_duration(cluster, seconds);
  }
}

TEST(ApplianceTracker, RunPlausibilityFollowsTheLearnedRunLengths) {
  EventClusters clusters;
  const int c = clusters.assign(0, 2000.0, 0.0);
  EXPECT_EQ(clusters.run_plausibility(c, 30.0), 1.0);  // nothing learned yet: anything goes
  learn_runs(clusters, c, 10, 900.0);  // class [600, 1200)
  // 900 s +- a factor 1.5 covers [600, 1200) whole: every run is close.
  EXPECT_EQ(clusters.run_plausibility(c, 900.0), 1.0);
  // [400, 900) overlaps half of the class: half of the runs, times 3, capped at 1.
  EXPECT_EQ(clusters.run_plausibility(c, 600.0), 1.0);
  // [93, 210): no run is close.
  EXPECT_EQ(clusters.run_plausibility(c, 140.0), 0.0);
  // [1000, 2250) overlaps a third of [600, 1200): a third of the runs, times 3.
  EXPECT_NEAR(clusters.run_plausibility(c, 1500.0), 1.0, 1e-12);
  // [1400, 3150): none of the runs.
  EXPECT_EQ(clusters.run_plausibility(c, 2100.0), 0.0);
}

TEST(ApplianceTracker, ADroppedInstanceIsStillClosedByItsOffStep) {
  EventClusters clusters;
  const int c = clusters.assign(0, 1500.0, 0.0);
  // Runs of 400-550 s so far: the class [300, 600), whose survival ends at 600 s.
  for (const double s : {400.0, 450.0, 500.0, 550.0, 420.0, 480.0}) learn_runs(clusters, c, 1, s);
  ASSERT_TRUE(clusters.pairs_reliably(c));
  EXPECT_EQ(clusters.on_probability(c, 620.0), 0.0);
  ASSERT_EQ(clusters.max_on_s(c), 1.5 * 550.0);

  ApplianceTracker tracker;
  tracker.switch_on(kT0, 0, 1500.0, c, std::nullopt);
  tracker.expire(kT0 + 300 * kS, clusters);  // every run lasted 300 s: still on
  ASSERT_EQ(tracker.running().size(), 1u);
  tracker.expire(kT0 + 620 * kS, clusters);  // on-probability 0: dropped, attributes nothing
  EXPECT_TRUE(tracker.running().empty());
  // Its OFF step at 700 s (a run longer than any seen) closes it: the run is learned as it was.
  const auto run = tracker.switch_off(kT0 + 700 * kS, 0, -1500.0, c, &clusters);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->cluster, c);
  EXPECT_DOUBLE_EQ(run->on_s, 700.0);
  // It is closed only once.
  EXPECT_FALSE(tracker.switch_off(kT0 + 710 * kS, 0, -1500.0, c, &clusters).has_value());

  // A dropped instance older than the cluster's maximum on-time (825 s) is forgotten.
  const std::int64_t t1 = kT0 + 3'600 * kS;
  tracker.switch_on(t1, 0, 1500.0, c, std::nullopt);
  tracker.expire(t1 + 620 * kS, clusters);
  tracker.expire(t1 + 830 * kS, clusters);
  EXPECT_FALSE(tracker.switch_off(t1 + 840 * kS, 0, -1500.0, c, &clusters).has_value());

  // A running instance (of another appliance of the same size) is closed before a dropped one.
  const int other = clusters.assign(0, 1500.0, 400.0);
  ASSERT_NE(other, c);
  const std::int64_t t2 = kT0 + 7'200 * kS;
  tracker.switch_on(t2, 0, 1500.0, c, std::nullopt);
  tracker.expire(t2 + 620 * kS, clusters);  // dropped at 620 s
  tracker.switch_on(t2 + 640 * kS, 0, 1500.0, other, std::nullopt);
  const auto first = tracker.switch_off(t2 + 700 * kS, 0, -1500.0, c, &clusters);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->cluster, other);
  EXPECT_DOUBLE_EQ(first->on_s, 60.0);
  const auto second = tracker.switch_off(t2 + 710 * kS, 0, -1500.0, c, &clusters);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->cluster, c);
  EXPECT_DOUBLE_EQ(second->on_s, 710.0);

  // A new ON step of the cluster: the dropped instance's OFF will not come (a two-state
  // appliance), the OFF step closes the new instance only.
  const std::int64_t t3 = kT0 + 10'800 * kS;
  tracker.switch_on(t3, 0, 1500.0, c, std::nullopt);
  tracker.expire(t3 + 620 * kS, clusters);
  tracker.switch_on(t3 + 700 * kS, 0, 1500.0, c, std::nullopt);
  const auto restarted = tracker.switch_off(t3 + 720 * kS, 0, -1500.0, c, &clusters);
  ASSERT_TRUE(restarted.has_value());
  EXPECT_DOUBLE_EQ(restarted->on_s, 20.0);
  EXPECT_FALSE(tracker.switch_off(t3 + 730 * kS, 0, -1500.0, c, &clusters).has_value());
}

TEST(ApplianceTracker, AnOffStepClosesTheInstanceWhoseRunLengthIsUsual) {
  EventClusters clusters;
  // Two 2 kW appliances on one phase, told apart by Q: a coffee machine (40 s runs) and a
  // convector (15 min runs); an OFF step measured between them (Q of neither) closes...
  const int coffee = clusters.assign(0, 2000.0, 0.0);
  const int convector = clusters.assign(0, 2000.0, 600.0);
  ASSERT_NE(coffee, convector);
  learn_runs(clusters, coffee, 10, 40.0);
  learn_runs(clusters, convector, 10, 900.0);

  ApplianceTracker tracker;
  tracker.switch_on(kT0, 0, 2000.0, convector, std::nullopt);
  tracker.switch_on(kT0 + 100 * kS, 0, 2000.0, coffee, std::nullopt);
  // ... at 140 s the coffee machine (on for 40 s), not the convector (on for 140 s).
  const auto first = tracker.switch_off(kT0 + 140 * kS, 0, -2000.0, -1, &clusters);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->cluster, coffee);
  EXPECT_DOUBLE_EQ(first->on_s, 40.0);
  // ... and at 900 s the convector.
  const auto second = tracker.switch_off(kT0 + 900 * kS, 0, -2000.0, -1, &clusters);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->cluster, convector);
  EXPECT_DOUBLE_EQ(second->on_s, 900.0);

  // The OFF step's own cluster still wins when both run lengths are usual.
  tracker.switch_on(kT0 + 2'000 * kS, 0, 2000.0, convector, std::nullopt);
  tracker.switch_on(kT0 + 2'860 * kS, 0, 2000.0, coffee, std::nullopt);
  const auto own = tracker.switch_off(kT0 + 2'900 * kS, 0, -2000.0, convector, &clusters);
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ(own->cluster, convector);
}

TEST(ApplianceTracker, AnInstanceRestartedByItsOwnClusterIsKeptAsAShadow) {
  EventClusters clusters;
  const int c = clusters.assign(0, 2000.0, 0.0);
  learn_runs(clusters, c, 10, 900.0);  // max on-time 1350 s
  for (int i = 0; i < 10; ++i) clusters.vote(c, Usage::heating_elements);
  ASSERT_TRUE(clusters.pairs_reliably(c));
  const std::size_t heating = index_of(Usage::heating_elements);
  const std::array<double, kMaxPhases> no_limit{std::nan(""), std::nan(""), std::nan("")};

  // Two 2 kW heaters of one model: the second's ON step restarts the first's instance, which
  // becomes a shadow drawing its power (on-probability 1 at 200 s, share 1).
  ApplianceTracker tracker;
  tracker.switch_on(kT0, 0, 2000.0, c, std::nullopt);
  EXPECT_TRUE(tracker.shadows().empty());
  tracker.switch_on(kT0 + 100 * kS, 0, 2000.0, c, std::nullopt);
  ASSERT_EQ(tracker.running().size(), 1u);
  ASSERT_EQ(tracker.shadows().size(), 1u);
  EXPECT_EQ(tracker.shadows()[0].on_ms, kT0);
  EXPECT_DOUBLE_EQ(tracker.shadow_w(clusters, kT0 + 200 * kS)[heating], 2000.0);
  EXPECT_DOUBLE_EQ(tracker.attributed_w(clusters, kT0 + 200 * kS, no_limit)[heating], 2000.0);

  // The first OFF step closes the running instance (a run of 200 s), not the shadow...
  const auto run = tracker.switch_off(kT0 + 300 * kS, 0, -2000.0, c, &clusters);
  ASSERT_TRUE(run.has_value());
  EXPECT_DOUBLE_EQ(run->on_s, 200.0);
  EXPECT_DOUBLE_EQ(tracker.shadow_w(clusters, kT0 + 350 * kS)[heating], 2000.0);
  // ... the second one, which no running instance takes, ends the shadow (no run learned).
  EXPECT_FALSE(tracker.switch_off(kT0 + 400 * kS, 0, -2000.0, c, &clusters).has_value());
  EXPECT_TRUE(tracker.shadows().empty());
  EXPECT_DOUBLE_EQ(tracker.shadow_w(clusters, kT0 + 450 * kS)[heating], 0.0);

  // A shadow whose OFF never comes goes once older than its cluster's maximum on-time.
  const std::int64_t t1 = kT0 + 3'600 * kS;
  tracker.switch_on(t1, 0, 2000.0, c, std::nullopt);
  tracker.switch_on(t1 + 10 * kS, 0, 2000.0, c, std::nullopt);
  tracker.expire(t1 + 1'000 * kS, clusters);
  EXPECT_EQ(tracker.shadows().size(), 1u);
  tracker.expire(t1 + 1'400 * kS, clusters);
  EXPECT_TRUE(tracker.shadows().empty());

  // An OFF step of another size leaves it; a mains gap (clear) drops it; at most kMaxInstances.
  const std::int64_t t2 = kT0 + 7'200 * kS;
  tracker.switch_on(t2, 0, 2000.0, c, std::nullopt);
  tracker.switch_on(t2 + 10 * kS, 0, 2000.0, c, std::nullopt);
  EXPECT_FALSE(tracker.switch_off(t2 + 20 * kS, 0, -500.0, -1, &clusters).has_value());
  EXPECT_EQ(tracker.shadows().size(), 1u);
  tracker.clear();
  EXPECT_TRUE(tracker.shadows().empty());
  for (std::size_t i = 0; i < ApplianceTracker::kMaxInstances + 5; ++i)
    tracker.switch_on(t2 + static_cast<std::int64_t>(i) * kS, 0, 2000.0, c, std::nullopt);
  EXPECT_EQ(tracker.shadows().size(), ApplianceTracker::kMaxInstances);
}


// A 3 kW water heater (resistive: dQ 0) and a lift's 3 kW leg (dQ 1800 var) on phase 0, and a
// heat pump's 3 kW leg (1800 var), each cluster voted for by its category's sub-meter.
struct HeaterAndMotors {
  EventClusters clusters;
  int heater = clusters.assign(0, 3000.0, 0.0);
  int lift = clusters.assign(0, 3000.0, 1800.0);
  int heat_pump = clusters.assign(0, 3000.0, 1150.0);
  HeaterAndMotors() {
    for (int i = 0; i < 5; ++i) {
      clusters.vote(heater, Usage::heating_elements);
      clusters.vote(lift, Usage::other);
      clusters.vote(heat_pump, Usage::heat_cold_production);
    }
  }
};

TEST(ApplianceTracker, AnOffStepOfAnotherCategoryMustMatchInReactivePowerToo) {
  HeaterAndMotors m;
  ASSERT_NE(m.heater, m.lift);
  ASSERT_NE(m.lift, m.heat_pump);
  ApplianceTracker tracker;
  tracker.switch_on(kT0, 0, 3000.0, m.heater, std::nullopt, &m.clusters, 0.0);
  // The lift's OFF step (its ON was missed): same P, 1800 var apart, 6 pairing tolerances of
  // 300 var: it closes nothing (by P alone it would close the heater).
  EXPECT_FALSE(
      tracker.switch_off(kT0 + 60 * kS, 0, -3000.0, m.lift, &m.clusters, -1800.0).has_value());
  ASSERT_EQ(tracker.running().size(), 1u);
  // The heater's own OFF step closes it after its whole run.
  const auto run = tracker.switch_off(kT0 + 900 * kS, 0, -2990.0, m.heater, &m.clusters, -10.0);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->cluster, m.heater);
  EXPECT_DOUBLE_EQ(run->on_s, 900.0);

  // Within a category P alone: a heat pump whose Q grew from 1150 to 1500 var over its run is
  // closed by its OFF step (350 var apart, beyond the 300 var tolerance; a cluster of its own).
  tracker.switch_on(kT0 + 1'000 * kS, 0, 3000.0, m.heat_pump, std::nullopt, &m.clusters, 1150.0);
  const int late = m.clusters.assign(0, -3000.0, -1500.0);
  m.clusters.vote(late, Usage::heat_cold_production, 5.0);  // what its sub-meter said
  ASSERT_NE(late, m.heat_pump);
  ASSERT_NE(late, m.lift);
  const auto grown =
      tracker.switch_off(kT0 + 1'600 * kS, 0, -3000.0, late, &m.clusters, -1500.0);
  ASSERT_TRUE(grown.has_value());
  EXPECT_EQ(grown->cluster, m.heat_pump);

  // Slow sampling (a step may be the sum of several loads' switchings): P alone again.
  m.clusters.set_slow_sampling(true);
  tracker.switch_on(kT0 + 2'000 * kS, 0, 3000.0, m.heater, std::nullopt, &m.clusters, 0.0);
  EXPECT_TRUE(
      tracker.switch_off(kT0 + 2'060 * kS, 0, -3000.0, m.lift, &m.clusters, -1800.0).has_value());
  EXPECT_TRUE(tracker.running().empty());
}

TEST(ApplianceTracker, ALegAndALoneStepOfOneClusterAreTwoAppliances) {
  EventClusters clusters;
  const int c = clusters.assign(0, 2000.0, 0.0);
  for (int i = 0; i < 5; ++i) clusters.vote(c, Usage::heating_elements);
  ApplianceTracker tracker;
  // A 2 kW convector on phase 0, then a 6 kW three-phase water heater (2 kW legs) starts: its
  // phase-0 leg falls in the convector's cluster but does not restart its instance.
  tracker.switch_on(kT0, 0, 2000.0, c, std::nullopt, &clusters, 0.0, false);
  tracker.switch_on(kT0 + 60 * kS, 0, 2000.0, c, std::nullopt, &clusters, 0.0, true);
  EXPECT_EQ(tracker.running().size(), 2u);
  EXPECT_TRUE(tracker.shadows().empty());
  // The water heater's OFF (a leg) closes its leg's instance, the convector's its own.
  const auto leg = tracker.switch_off(kT0 + 300 * kS, 0, -2000.0, c, &clusters, 0.0, true);
  ASSERT_TRUE(leg.has_value());
  EXPECT_DOUBLE_EQ(leg->on_s, 240.0);
  const auto lone = tracker.switch_off(kT0 + 600 * kS, 0, -2000.0, c, &clusters, 0.0, false);
  ASSERT_TRUE(lone.has_value());
  EXPECT_DOUBLE_EQ(lone->on_s, 600.0);
  EXPECT_TRUE(tracker.running().empty());

  // Two lone steps of the cluster: the second restarts the first, kept as a shadow.
  tracker.switch_on(kT0 + 1'000 * kS, 0, 2000.0, c, std::nullopt, &clusters, 0.0, false);
  tracker.switch_on(kT0 + 1'060 * kS, 0, 2000.0, c, std::nullopt, &clusters, 0.0, false);
  EXPECT_EQ(tracker.running().size(), 1u);
  EXPECT_EQ(tracker.shadows().size(), 1u);
}

TEST(ApplianceTracker, AnOnStepRestartsTheInstanceOfANeighbouringFragment) {
  EventClusters clusters;
  const int a = clusters.assign(0, 1000.0, 0.0);
  const int b = clusters.assign(0, 1060.0, 0.0);  // 1.2 tolerances of 50 W away: its own
  ASSERT_NE(a, b);
  ApplianceTracker tracker;
  // The appliance's ON steps fall on either side of the clusters' border: a 1030 W step is
  // within a clustering tolerance (51.5 W) of the 1000 W instance, the same appliance.
  tracker.switch_on(kT0, 0, 1000.0, a, std::nullopt, &clusters, 0.0);
  tracker.switch_on(kT0 + 60 * kS, 0, 1030.0, b, std::nullopt, &clusters, 0.0);
  ASSERT_EQ(tracker.running().size(), 1u);
  EXPECT_EQ(tracker.running()[0].cluster, b);
  EXPECT_EQ(tracker.shadows().size(), 1u);
  // 1120 W is 1.6 tolerances (56 W) from 1030 W: another appliance, both run.
  const int c = clusters.assign(0, 1120.0, 0.0);
  tracker.switch_on(kT0 + 120 * kS, 0, 1120.0, c, std::nullopt, &clusters, 0.0);
  EXPECT_EQ(tracker.running().size(), 2u);
  // So do two fragments' instances with slow sampling (only the cluster's own restarts there).
  tracker.clear();
  clusters.set_slow_sampling(true);
  tracker.switch_on(kT0, 0, 1000.0, a, std::nullopt, &clusters, 0.0);
  tracker.switch_on(kT0 + 60 * kS, 0, 1030.0, b, std::nullopt, &clusters, 0.0);
  EXPECT_EQ(tracker.running().size(), 2u);
}

}  // namespace
}  // namespace meterd::nilm
