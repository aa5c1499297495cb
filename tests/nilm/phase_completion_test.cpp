// tests/nilm/phase_completion_test.cpp: the hidden leg of a three-phase appliance's switching
// and the legs' marks (src/nilm/phase_completion.hpp).
#include "src/nilm/phase_completion.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>

namespace meterd::nilm {
namespace {

constexpr std::int64_t kT0 = 1'767'571'200'000;  // 2026-01-05T00:00:00Z

SwitchEvent step(std::uint8_t phase, double dp_w, double dq_var, std::int64_t t_ms = kT0) {
  SwitchEvent e;
  e.t_ms = t_ms;
  e.phase = phase;
  e.dp_w = dp_w;
  e.dq_var = dq_var;
  return e;
}

// A heat pump's three 2700 W / 1700 var legs, learned as heat/cold production (leg clusters),
// and a 2400 W / 1400 var display case on phase 2 learned as `other`.
EventClusters heat_pump_and_display_case() {
  EventClusters clusters;
  for (std::uint8_t ph = 0; ph < 3; ++ph) {
    const int c = clusters.assign(ph, 2700.0, 1700.0, true);
    clusters.vote(c, Usage::heat_cold_production, 5.0);
  }
  clusters.vote(clusters.assign(2, 2400.0, 1400.0), Usage::other, 5.0);
  return clusters;
}

TEST(PhaseCompletion, ASummedLegIsSplitIntoTheLegAndTheRest) {
  const EventClusters clusters = heat_pump_and_display_case();
  // The heat pump starts; the display case starts on phase 2 in the same second.
  const auto out = complete_three_phase(
      {step(0, 2690.0, 1690.0), step(1, 2710.0, 1710.0), step(2, 5100.0, 3100.0)}, clusters);
  ASSERT_EQ(out.size(), 4u);
  int legs = 0;
  int rests = 0;
  for (const PhaseStep& s : out) {
    if (s.event.phase != 2) continue;
    if (s.remainder) {
      ++rests;
      EXPECT_DOUBLE_EQ(s.event.dp_w, 5100.0 - 2700.0);  // the display case
      EXPECT_DOUBLE_EQ(s.event.dq_var, 3100.0 - 1700.0);
    } else {
      ++legs;
      EXPECT_DOUBLE_EQ(s.event.dp_w, 2700.0);  // the mean of the two clean legs
      EXPECT_DOUBLE_EQ(s.event.dq_var, 1700.0);
    }
  }
  EXPECT_EQ(legs, 1);
  EXPECT_EQ(rests, 1);
}

TEST(PhaseCompletion, ALegHiddenByAnOppositeSwitchingIsRestoredToo) {
  const EventClusters clusters = heat_pump_and_display_case();
  // The heat pump stops while the display case starts on phase 2: -2700 + 2400 = -300 W.
  const auto out = complete_three_phase(
      {step(0, -2700.0, -1700.0), step(1, -2700.0, -1700.0), step(2, -300.0, -300.0)}, clusters);
  ASSERT_EQ(out.size(), 4u);
  double leg = 0.0;
  double rest = 0.0;
  for (const PhaseStep& s : out)
    if (s.event.phase == 2) (s.remainder ? rest : leg) = s.event.dp_w;
  EXPECT_DOUBLE_EQ(leg, -2700.0);
  EXPECT_DOUBLE_EQ(rest, 2400.0);
}

TEST(PhaseCompletion, LegsOfALearnedOtherApplianceCountToo) {
  // An office lift (2120 W / 900 var legs, its sub-meter category `other`) starts while the
  // server room's 1400 W split starts on phase 2: phase 2 reports +3520 W.
  EventClusters clusters;
  for (std::uint8_t ph = 0; ph < 3; ++ph) {
    clusters.vote(clusters.assign(ph, 2120.0, 900.0, true), Usage::other, 5.0);
  }
  clusters.vote(clusters.assign(2, 1400.0, 600.0), Usage::heat_cold_production, 5.0);
  const auto out = complete_three_phase(
      {step(0, 2111.0, 905.0), step(1, 2127.0, 895.0), step(2, 3519.0, 1500.0)}, clusters);
  ASSERT_EQ(out.size(), 4u);
  bool split_found = false;
  for (const PhaseStep& s : out) {
    if (s.event.phase != 2 || !s.remainder) continue;
    split_found = true;
    EXPECT_DOUBLE_EQ(s.event.dp_w, 3519.0 - 2119.0);  // the split, out of the lift's leg
    EXPECT_EQ(clusters.usage_of(clusters.match(2, s.event.dp_w, s.event.dq_var)),
              Usage::heat_cold_production);
  }
  EXPECT_TRUE(split_found);
}

TEST(PhaseCompletion, NothingChangesWithoutEvidence) {
  const EventClusters clusters = heat_pump_and_display_case();
  // The third leg seen as it is (within the pairing's slack: 2 x 5 %).
  auto out = complete_three_phase(
      {step(0, 2700.0, 1700.0), step(1, 2700.0, 1700.0), step(2, 2900.0, 1700.0)}, clusters);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_DOUBLE_EQ(out[2].event.dp_w, 2900.0);
  // Two equal steps of `other` (no learned appliance) leave the third phase alone.
  EventClusters unlabelled;
  for (std::uint8_t ph = 0; ph < 3; ++ph) unlabelled.assign(ph, 2700.0, 1700.0, true);
  out = complete_three_phase(
      {step(0, 2700.0, 1700.0), step(1, 2700.0, 1700.0), step(2, 5100.0, 3100.0)}, unlabelled);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_DOUBLE_EQ(out[2].event.dp_w, 5100.0);
  // No step at all on the third phase: nothing to split.
  out = complete_three_phase({step(0, 2700.0, 1700.0), step(1, 2700.0, 1700.0)}, clusters);
  EXPECT_EQ(out.size(), 2u);
}

TEST(PhaseCompletion, LegsAreMarked) {
  const EventClusters clusters = heat_pump_and_display_case();
  // The heat pump's three legs (the third 7 % larger: within twice the 5 % tolerance) with a
  // lone +1000 W step of another appliance on phase 0 and a -1000 W one on phase 1 in the group.
  auto out = complete_three_phase({step(0, 2700.0, 1700.0), step(1, 2650.0, 1700.0),
                                   step(2, 2890.0, 1700.0), step(0, 1000.0, 0.0, kT0 + 500),
                                   step(1, -1000.0, 0.0, kT0 + 900)},
                                  clusters);
  ASSERT_EQ(out.size(), 5u);
  for (const PhaseStep& s : out) EXPECT_EQ(s.leg, s.event.dp_w > 2000.0) << s.event.dp_w;
  // Two alike steps on two phases are legs too; a step 11 % larger is not (beyond 2 x 5 %).
  out = complete_three_phase({step(0, 2000.0, 0.0), step(1, 2020.0, 0.0), step(2, 2250.0, 0.0)},
                             clusters);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out[0].leg);
  EXPECT_TRUE(out[1].leg);
  EXPECT_FALSE(out[2].leg);
  // A completed leg is a leg, its remainder (the display case) is not.
  out = complete_three_phase(
      {step(0, 2690.0, 1690.0), step(1, 2710.0, 1710.0), step(2, 5100.0, 3100.0)}, clusters);
  ASSERT_EQ(out.size(), 4u);
  for (const PhaseStep& s : out) EXPECT_EQ(s.leg, !s.remainder);
  // A lone step: no leg.
  out = complete_three_phase({step(2, 2700.0, 1700.0)}, clusters);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].leg);
}

TEST(PhaseCompletion, StepsWaitForTheOtherPhasesToSettle) {
  const EventClusters clusters = heat_pump_and_display_case();
  PhaseCompletion completion;
  std::vector<PhaseStep> out;
  completion.push(step(0, 2700.0, 1700.0), 3, out);
  completion.push(step(1, 2700.0, 1700.0), 3, out);
  // Phase 2 is still changing 8 s later (its summed step settles late): the group waits.
  completion.release(kT0 + 8'000, {false, false, true}, clusters, out);
  EXPECT_TRUE(out.empty());
  completion.push(step(2, 5100.0, 3100.0), 3, out);
  completion.release(kT0 + 9'000, {false, false, false}, clusters, out);
  EXPECT_EQ(out.size(), 4u);  // completed together
  // A single-phase mains: through at once.
  std::vector<PhaseStep> single;
  completion.push(step(0, 2700.0, 1700.0), 1, single);
  EXPECT_EQ(single.size(), 1u);
  // A phase that never settles holds a group kHoldMs at most.
  completion.push(step(0, 2700.0, 1700.0, kT0 + 100'000), 3, out);
  completion.release(kT0 + 100'000 + PhaseCompletion::kHoldMs - 1, {false, true, true}, clusters, out);
  EXPECT_EQ(out.size(), 4u);
  completion.release(kT0 + 100'000 + PhaseCompletion::kHoldMs, {false, true, true}, clusters, out);
  EXPECT_EQ(out.size(), 5u);
}


TEST(PhaseCompletion, StepsOfSeveralPhasesAlikeAreMarkedAsLegs) {
  const EventClusters clusters;
  // A 6 kW three-phase water heater (2 kW legs, one 2 % off) and, within the group, a 2 kW
  // convector's OFF and a 700 W step on phase 1: only the three ON steps alike are legs.
  const auto out = complete_three_phase(
      {step(0, 2000.0, 0.0), step(1, 2040.0, 0.0), step(2, 1990.0, 0.0, kT0 + 1'000),
       step(1, -2000.0, 0.0, kT0 + 1'000), step(1, 700.0, 0.0, kT0 + 1'500)},
      clusters);
  ASSERT_EQ(out.size(), 5u);
  int legs = 0;
  for (const PhaseStep& s : out) {
    EXPECT_EQ(s.leg, s.event.dp_w > 1500.0) << s.event.phase << " " << s.event.dp_w;
    legs += s.leg ? 1 : 0;
  }
  EXPECT_EQ(legs, 3);
  // A lone step is no leg.
  const auto lone = complete_three_phase({step(0, 2000.0, 0.0)}, clusters);
  ASSERT_EQ(lone.size(), 1u);
  EXPECT_FALSE(lone[0].leg);
}

}  // namespace
}  // namespace meterd::nilm
