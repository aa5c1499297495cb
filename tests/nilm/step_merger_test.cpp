// tests/nilm/step_merger_test.cpp: the slow-sampling step merger, the OFF step of a grown
// appliance and the pairing criterion of label-confirmed clusters (docs/nilm.md, stage 1-4).
#include "src/nilm/step_merger.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "src/nilm/appliance_tracker.hpp"
#include "src/nilm/event_clusters.hpp"

namespace meterd::nilm {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kT0 = 1'767'571'200'000;  // 2026-01-05T00:00:00Z

SwitchEvent step(std::int64_t t_ms, double dp_w, double dq_var, std::uint8_t phase = 0) {
  return SwitchEvent{t_ms, phase, dp_w, dq_var, -1, Usage::other};
}

TEST(StepMerger, ARampOverThreeMinuteSamplesIsOneStep) {
  StepMerger merger;
  std::vector<SwitchEvent> out;
  merger.push(step(kT0, 1200.0, 300.0), kMinuteMs, out);
  merger.push(step(kT0 + kMinuteMs, 300.0, 50.0), kMinuteMs, out);
  merger.push(step(kT0 + 2 * kMinuteMs, 300.0, 50.0), kMinuteMs, out);
  merger.flush(kT0 + 4 * kMinuteMs, kMinuteMs, out);  // the last onset is 2 periods old: held
  EXPECT_TRUE(out.empty());
  merger.flush(kT0 + 5 * kMinuteMs, kMinuteMs, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].t_ms, kT0);
  EXPECT_DOUBLE_EQ(out[0].dp_w, 1800.0);
  EXPECT_DOUBLE_EQ(out[0].dq_var, 400.0);
}

TEST(StepMerger, OppositeDirectionsDistantStepsAndOtherPhasesStaySeparate) {
  StepMerger merger;
  std::vector<SwitchEvent> out;
  merger.push(step(kT0, 1500.0, 0.0), kMinuteMs, out);
  merger.push(step(kT0 + kMinuteMs, -150.0, 0.0), kMinuteMs, out);      // the other direction
  merger.push(step(kT0 + kMinuteMs, 200.0, 0.0, 1), kMinuteMs, out);    // another phase
  merger.push(step(kT0 + 4 * kMinuteMs, -140.0, 0.0), kMinuteMs, out);  // 3 periods later
  merger.release_all(out);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_DOUBLE_EQ(out[0].dp_w, 1500.0);
  EXPECT_DOUBLE_EQ(out[1].dp_w, -150.0);
  double sum = 0.0;
  for (const SwitchEvent& e : out) sum += e.dp_w;
  EXPECT_DOUBLE_EQ(sum, 1500.0 - 150.0 + 200.0 - 140.0);
}

TEST(StepMerger, FastSamplingPassesThrough) {
  StepMerger merger;
  std::vector<SwitchEvent> out;
  merger.push(step(kT0, 1200.0, 0.0), 1'000, out);
  merger.push(step(kT0 + 1'000, 300.0, 0.0), 1'000, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_DOUBLE_EQ(out[1].dp_w, 300.0);
  merger.push(step(kT0, 1200.0, 0.0), 6'000, out);  // UK-DALE's 6 s
  EXPECT_EQ(out.size(), 3u);
}

// A cluster of 10 ON steps confirmed by sub-meters as `votes_for` (the rest unexplained), of
// which `paired` closed by an OFF step.
EventClusters cluster_with(int paired, double votes_for, double unexplained) {
  EventClusters clusters;
  const int c = clusters.assign(0, 1500.0, 300.0);
  for (int i = 0; i < 10; ++i) clusters.record_on(c);
  for (int i = 0; i < paired; ++i) clusters.record_on_duration(c, 1800.0);
  clusters.vote(c, Usage::heat_cold_production, votes_for);
  clusters.unmatched(c, unexplained);
  return clusters;
}

TEST(EventClustersSlowSampling, AConfirmedClusterNeedsHalfItsOnStepsPaired) {
  EventClusters confirmed = cluster_with(6, 10.0, 0.0);
  EXPECT_FALSE(confirmed.pairs_reliably(0));  // 60 % < 80 %
  confirmed.set_slow_sampling(true);
  EXPECT_TRUE(confirmed.pairs_reliably(0));
  EventClusters rarely_paired = cluster_with(4, 10.0, 0.0);  // 40 % < 50 %
  rarely_paired.set_slow_sampling(true);
  EXPECT_FALSE(rarely_paired.pairs_reliably(0));
  EventClusters mixed = cluster_with(6, 7.0, 3.0);  // 70 % of its steps confirmed < 80 %
  mixed.set_slow_sampling(true);
  EXPECT_FALSE(mixed.pairs_reliably(0));
  EventClusters few = cluster_with(6, 4.0, 0.0);  // 4 confirmations < 5
  few.set_slow_sampling(true);
  EXPECT_FALSE(few.pairs_reliably(0));
  EventClusters paired = cluster_with(8, 0.0, 10.0);  // 80 % paired: at any rate
  EXPECT_TRUE(paired.pairs_reliably(0));
}

TEST(ApplianceTrackerGrown, ALargerOffOfTheSameLearnedCategoryClosesTheInstance) {
  EventClusters clusters;
  const int on = clusters.assign(0, 1500.0, 300.0);
  const int off = clusters.assign(0, -2200.0, -450.0);
  const int kettle = clusters.assign(0, 2200.0, 0.0);
  clusters.vote(on, Usage::heat_cold_production);
  clusters.vote(off, Usage::heat_cold_production);
  clusters.unmatched(kettle);
  ApplianceTracker tracker;
  tracker.switch_on(kT0, 0, 1500.0, on, std::nullopt);
  // Without the clusters (size only), a 2.2 kW OFF does not close a 1.5 kW instance.
  EXPECT_FALSE(tracker.switch_off(kT0 + 10 * kMinuteMs, 0, -2200.0, off).has_value());
  // An unlabelled 2.2 kW OFF (a kettle) does not close it either.
  EXPECT_FALSE(tracker.switch_off(kT0 + 10 * kMinuteMs, 0, -2200.0, kettle, &clusters));
  // Nor one on another phase.
  EXPECT_FALSE(tracker.switch_off(kT0 + 10 * kMinuteMs, 1, -2200.0, off, &clusters));
  // Nor one smaller than the instance.
  const int small_off = clusters.assign(0, -1000.0, -200.0);
  clusters.vote(small_off, Usage::heat_cold_production);
  EXPECT_FALSE(tracker.switch_off(kT0 + 10 * kMinuteMs, 0, -1000.0, small_off, &clusters));
  ASSERT_EQ(tracker.running().size(), 1u);
  const auto run = tracker.switch_off(kT0 + 40 * kMinuteMs, 0, -2200.0, off, &clusters);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->cluster, on);
  EXPECT_DOUBLE_EQ(run->on_s, 2400.0);
  EXPECT_TRUE(tracker.running().empty());
}

}  // namespace
}  // namespace meterd::nilm
