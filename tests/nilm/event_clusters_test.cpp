// tests/nilm/event_clusters_test.cpp: the paired share of a cluster pooled over its neighbours
// within the matching tolerance (src/nilm/event_clusters.hpp, pairs_reliably()): an appliance
// whose steps are split over neighbouring clusters pairs reliably as a whole.
#include "src/nilm/event_clusters.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace meterd::nilm {
namespace {

// A cluster of `dp_w` on `phase` with `ons` ON steps, `paired` of them closed by an OFF step.
Cluster cluster_of(std::uint8_t phase, double dp_w, double ons, double paired) {
  Cluster c;
  c.phase = phase;
  c.dp_w = dp_w;
  c.count = 2.0 * ons;
  c.ons = ons;
  c.on_count = paired;
  c.durations[4] = paired;  // runs of 5-10 min
  return c;
}

TEST(EventClusters, AFragmentPairsReliablyWithItsNeighboursWithinTheTolerance) {
  EventClusters clusters;
  auto& all = clusters.clusters();
  all.push_back(cluster_of(0, 1000.0, 10.0, 7.0));   // 0: 70 % paired alone
  all.push_back(cluster_of(0, 1030.0, 10.0, 10.0));  // 1: 30 W away (tolerance 51.5 W)
  all.push_back(cluster_of(0, 1200.0, 10.0, 7.0));   // 2: 170 W from 1: no neighbour
  all.push_back(cluster_of(1, 1010.0, 10.0, 7.0));   // 3: another phase: no neighbour
  all.push_back(cluster_of(0, 990.0, 4.0, 3.0));     // 4: next to 0 and 1, 3 runs of its own
  // 0 with 1 and 4: (7 + 10 + 3) / (10 + 10 + 4) = 83 % >= 80 %.
  EXPECT_TRUE(clusters.pairs_reliably(0));
  EXPECT_TRUE(clusters.pairs_reliably(1));   // 100 % alone
  EXPECT_FALSE(clusters.pairs_reliably(2));  // 70 %, alone
  EXPECT_FALSE(clusters.pairs_reliably(3));  // 70 %, alone on its phase
  // 4 with 0 and 1 (30 W from 1: tolerance 51.5 W): 20 / 24 = 83 %, 20 paired runs pooled.
  EXPECT_TRUE(clusters.pairs_reliably(4));
  clusters.set_slow_sampling(true);
  EXPECT_FALSE(clusters.pairs_reliably(4));  // there: fewer than 5 paired runs of its own
  clusters.set_slow_sampling(false);

  // Ten more ON steps of cluster 1 without an OFF step: 20 / 34 = 59 % around 0, 50 % for 1.
  for (int i = 0; i < 10; ++i) clusters.record_on(1);
  EXPECT_FALSE(clusters.pairs_reliably(0));
  EXPECT_FALSE(clusters.pairs_reliably(1));
  // And 20 of their OFF steps closing instances of 1: (7 + 30 + 3) / 44 = 91 % around 0.
  for (int i = 0; i < 20; ++i) clusters.record_on_duration(1, 400.0);
  EXPECT_TRUE(clusters.pairs_reliably(0));
}

TEST(EventClusters, AYoungFragmentPairsReliablyWithTheRunsOfItsNeighbourhood) {
  EventClusters clusters;
  auto& all = clusters.clusters();
  all.push_back(cluster_of(2, 1390.0, 5.0, 5.0));  // 0: a three-phase light's leg, 5 of 5 paired
  all.push_back(cluster_of(2, 1420.0, 5.0, 3.0));  // 1: its fragment, 30 W away, 3 of 5 paired
  all.push_back(cluster_of(2, 1360.0, 1.0, 0.0));  // 2: another fragment, never paired
  all.push_back(cluster_of(1, 1400.0, 4.0, 4.0));  // 3: alone on its phase, 4 of 4 paired
  all.push_back(cluster_of(0, 1400.0, 2.0, 2.0));  // 4: 2 of 2, next to 5
  all.push_back(cluster_of(0, 1380.0, 4.0, 4.0));  // 5: 4 of 4, next to 4
  for (Cluster& c : all) c.leg = true;
  // 1 with 0 and 2 (tolerance 71 W): (5 + 3 + 0) / (5 + 5 + 1) = 73 % < 80 %.
  EXPECT_TRUE(clusters.pairs_reliably(0));  // 5 of 5 of its own
  EXPECT_FALSE(clusters.pairs_reliably(1));
  // Five more paired runs of 0: (10 + 3) / (10 + 5 + 1) = 81 %, 13 paired runs pooled.
  clusters.clusters()[0].ons += 5.0;
  clusters.clusters()[0].on_count += 5.0;
  EXPECT_TRUE(clusters.pairs_reliably(1));
  EXPECT_FALSE(clusters.pairs_reliably(2));  // no paired run of its own
  EXPECT_FALSE(clusters.pairs_reliably(3));  // 4 paired runs, none around it: fewer than 5
  EXPECT_TRUE(clusters.pairs_reliably(5));   // 4 of its own, 6 of 6 pooled
  EXPECT_FALSE(clusters.pairs_reliably(4));  // 2 of its own: fewer than 3
  clusters.clusters()[4].ons += 1.0;
  clusters.clusters()[4].on_count += 1.0;
  EXPECT_TRUE(clusters.pairs_reliably(4));
  clusters.set_slow_sampling(true);
  EXPECT_FALSE(clusters.pairs_reliably(1));  // at slow sampling its own 5 runs are needed
  EXPECT_FALSE(clusters.pairs_reliably(4));
  EXPECT_TRUE(clusters.pairs_reliably(0));
}

TEST(EventClusters, TheNeighbourhoodFollowsTheMovingCentres) {
  EventClusters clusters;
  clusters.clusters().push_back(cluster_of(0, 1000.0, 10.0, 7.0));
  clusters.clusters().push_back(cluster_of(0, 1100.0, 10.0, 10.0));  // 100 W: too far
  clusters.clusters()[1].count = 2.0;                                // a young mean
  EXPECT_FALSE(clusters.pairs_reliably(0));
  // Steps of 1051 W are 51 / 50 tolerances from 0 and 49 / 55 from 1: they join 1 and pull its
  // mean down to (2 x 1100 + 200 x 1051) / 202 = 1051.49 W, 51.5 / 52.6 tolerances from 0:
  // 1 becomes 0's neighbour, (7 + 10) / 20 = 85 % paired.
  for (int i = 0; i < 200; ++i) ASSERT_EQ(clusters.assign(0, 1051.0, 0.0), 1);
  EXPECT_NEAR(clusters.clusters()[1].dp_w, (2.0 * 1100.0 + 200.0 * 1051.0) / 202.0, 1e-9);
  EXPECT_TRUE(clusters.pairs_reliably(0));
}

TEST(EventClusters, LegsAndLoneStepsOfOneSizeAreDifferentSignatures) {
  EventClusters clusters;
  // An air curtain's 2 kW leg on phase 0 and a 2 kW convector on the same phase.
  const int leg = clusters.assign(0, 2000.0, 0.0, true);
  const int lone = clusters.assign(0, 2010.0, 0.0);
  ASSERT_GE(leg, 0);
  ASSERT_GE(lone, 0);
  EXPECT_NE(leg, lone);
  EXPECT_TRUE(clusters.clusters()[static_cast<std::size_t>(leg)].leg);
  EXPECT_FALSE(clusters.clusters()[static_cast<std::size_t>(lone)].leg);
  EXPECT_EQ(clusters.match(0, -1990.0, 0.0, true), leg);  // an OFF step of each kind
  EXPECT_EQ(clusters.match(0, -1990.0, 0.0), lone);
  // A leg's steps do not pool their pairing with the lone steps' cluster: the convector pairs
  // (10 of 10), the leg cluster's 6 of 10 stay its own (pooled they would be 16 / 20 = 80 %).
  auto& all = clusters.clusters();
  for (Cluster& c : all) {
    c.ons = 10.0;
    c.on_count = c.leg ? 6.0 : 10.0;
    c.durations[4] = c.on_count;
  }
  EXPECT_TRUE(clusters.pairs_reliably(lone));
  EXPECT_FALSE(clusters.pairs_reliably(leg));
}

TEST(EventClusters, AFullTableOfLabelledClustersTakesALegIntoItsLoneSignature) {
  // A model learned before the leg flag: every cluster lone and labelled, the table full. A
  // leg's step of a known signature joins that (lone) cluster instead of getting none; one of an
  // unknown signature still gets none (nothing may be recycled).
  EventClusters clusters;
  auto& all = clusters.clusters();
  for (std::size_t i = 0; i < EventClusters::kMaxClusters; ++i) {
    Cluster c;
    c.phase = i == 0 ? 0 : 1;
    c.dp_w = i == 0 ? 2000.0 : 100.0 + 50.0 * static_cast<double>(i);
    c.has_q = true;
    c.count = 10.0;
    c.votes[index_of(Usage::heating_elements)] = 5.0;
    all.push_back(c);
  }
  EXPECT_EQ(clusters.assign(0, 2030.0, 0.0, true), 0);
  EXPECT_EQ(clusters.clusters().size(), EventClusters::kMaxClusters);
  EXPECT_FALSE(clusters.clusters()[0].leg);
  EXPECT_EQ(clusters.assign(0, 5000.0, 0.0, true), -1);
  // A table that knows legs on that phase (learned with the flag) keeps the kinds apart: a leg of
  // an unknown leg signature gets no cluster, as before.
  all[1].phase = 0;
  all[1].dp_w = 8000.0;
  all[1].leg = true;
  EXPECT_EQ(clusters.assign(0, 2030.0, 0.0, true), -1);
}

}  // namespace
}  // namespace meterd::nilm
