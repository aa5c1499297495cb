#include "tools/sim/commercial_building.hpp"

#include "tools/sim/building_profile.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace meterd::sim {
namespace {

using namespace std::chrono;

// Monday 5 January 2026, 00:00 local time (UTC+1): a winter week, heating on.
const UtcTime kMonday = UtcTime{sys_days{2026y / 1 / 4}} + hours{23};
constexpr std::size_t kHeat = index_of(Usage::heat_cold_production);

SiteConfig config(BuildingType type, std::uint64_t seed, std::uint8_t phases = 3) {
  SiteConfig c;
  c.type = type;
  c.seed = seed;
  c.start = kMonday;
  c.phases = phases;
  return c;
}

// What a week of one building looks like (seed 2).
struct WeekStats {
  std::array<double, kUsageCount> energy_wh{};
  double total_wh = 0.0;
  std::array<double, 7> midday_w{};          // mean total power 10:00-12:00 local, per weekday
  std::array<double, 7> afternoon_w{};       // 14:00-17:00
  std::array<int, 7> heat_starts{};          // rising steps > 1 kW of heat/cold production
  int starts_with_overshoot = 0;             // of which the first second exceeds the run by > 30 %
  int starts = 0;
  std::array<double, 3> phase_wh{};
};

WeekStats week_of(BuildingType type) {
  CommercialBuilding b(config(type, 2));
  WeekStats w;
  std::array<double, 7> midday_n{}, afternoon_n{};
  double prev_heat = 0.0;
  std::vector<double> heat(7 * 86400 + 1);
  for (int i = 0; i < 7 * 86400; ++i) {
    const SiteSample& s = b.step();
    const int day = i / 86400;
    const double hour = (i % 86400) / 3600.0;
    double total = 0.0;
    for (std::size_t u = 0; u < kUsageCount; ++u) {
      w.energy_wh[u] += s.truth_w[u] / 3600.0;
      total += s.truth_w[u];
    }
    w.total_wh += total / 3600.0;
    for (std::size_t k = 0; k < 3; ++k) w.phase_wh[k] += s.p_w[k] / 3600.0;
    if (hour >= 10.0 && hour < 12.0) {
      w.midday_w[day] += total;
      ++midday_n[day];
    }
    if (hour >= 14.0 && hour < 17.0) {
      w.afternoon_w[day] += total;
      ++afternoon_n[day];
    }
    heat[i] = s.truth_w[kHeat];
    if (i > 0 && heat[i] - prev_heat > 1000.0) ++w.heat_starts[day];
    prev_heat = heat[i];
  }
  for (int d = 0; d < 7; ++d) {
    w.midday_w[d] /= midday_n[d];
    w.afternoon_w[d] /= afternoon_n[d];
  }
  // Inrush: a start's first second stands clearly above the same run 20 s later.
  for (std::size_t i = 1; i + 20 < heat.size() - 1; ++i) {
    if (heat[i] - heat[i - 1] <= 1000.0) continue;
    ++w.starts;
    const double step = heat[i + 20] - heat[i - 1];
    if (step > 500.0 && heat[i] - heat[i - 1] > 1.3 * step) ++w.starts_with_overshoot;
  }
  return w;
}

class PerType : public testing::TestWithParam<BuildingType> {};

// One simulated week per type (each ctest case is its own process, so one case computes it).
TEST_P(PerType, AWeekOfTheBuilding) {
  const WeekStats w = week_of(GetParam());
  SCOPED_TRACE("every usage has a plausible share");
  std::printf("%-7s week: %.0f kWh (mean %.1f kW)", std::string(to_string(GetParam())).c_str(),
              w.total_wh / 1000.0, w.total_wh / 168.0 / 1000.0);
  for (std::size_t u = 0; u < kUsageCount; ++u) {
    const double share = w.energy_wh[u] / w.total_wh;
    std::printf("  %s %.1f%%", std::string(to_string(kAllUsages[u])).c_str(), 100.0 * share);
    EXPECT_GT(share, 0.01) << to_string(kAllUsages[u]);
    EXPECT_LT(share, 0.6) << to_string(kAllUsages[u]);
  }
  std::printf("\n");
  // A 1,000-3,000 m² building in winter: tens of kW on average.
  EXPECT_GT(w.total_wh / 168.0, 8000.0);
  EXPECT_LT(w.total_wh / 168.0, 80000.0);

  SCOPED_TRACE("working days draw more than Sunday");
  // Sunday (index 6): offices and schools are closed; a shop at most opens in the morning.
  const auto& compare = GetParam() == BuildingType::retail ? w.afternoon_w : w.midday_w;
  for (int d = 0; d < 5; ++d) EXPECT_GT(compare[d], 1.25 * compare[6]) << "weekday " << d;
  if (GetParam() == BuildingType::school) {  // Wednesday afternoon off
    EXPECT_LT(w.afternoon_w[2], 0.9 * w.afternoon_w[1]);
  }

  SCOPED_TRACE("heat production cycles on its thermostats");
  for (int d = 0; d < 7; ++d) {
    // Heat pumps on buffer tanks, the server-room split, anti-short-cycle: from a few to a few
    // hundred starts a day, never one every few seconds.
    EXPECT_GE(w.heat_starts[d], 10) << "day " << d;
    EXPECT_LE(w.heat_starts[d], 400) << "day " << d;
  }

  SCOPED_TRACE("motor starts overshoot (inrush)");
  EXPECT_GT(w.starts, 50);
  EXPECT_GT(w.starts_with_overshoot, w.starts / 2) << w.starts_with_overshoot << " of " << w.starts;

  SCOPED_TRACE("loads are spread over the phases");
  const double sum = w.phase_wh[0] + w.phase_wh[1] + w.phase_wh[2];
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_GT(w.phase_wh[k], 0.2 * sum) << "L" << k + 1;
    EXPECT_LT(w.phase_wh[k], 0.5 * sum) << "L" << k + 1;
  }
}

TEST_P(PerType, SeveralAppliancesOfDifferentSizesPerUsage) {
  const CommercialBuilding b(config(GetParam(), 3));
  EXPECT_GE(b.floor_area_m2(), 1000.0);
  EXPECT_LE(b.floor_area_m2(), 3000.0);
  std::map<Usage, std::vector<double>> sizes;
  for (const ApplianceInfo& a : b.appliances()) {
    EXPECT_FALSE(a.name.empty());
    EXPECT_GT(a.rated_w, 0.0) << a.name;
    EXPECT_LE(a.phase, 3) << a.name;
    sizes[a.usage].push_back(a.rated_w);
  }
  for (const Usage u : kAllUsages) {
    ASSERT_GE(sizes[u].size(), 3U) << to_string(u);
    const auto [lo, hi] = std::minmax_element(sizes[u].begin(), sizes[u].end());
    EXPECT_GT(*hi, 2.0 * *lo) << to_string(u);
  }
}

INSTANTIATE_TEST_SUITE_P(Types, PerType,
                         testing::Values(BuildingType::office, BuildingType::retail, BuildingType::school),
                         [](const auto& p) { return std::string(to_string(p.param)); });

TEST(CommercialBuilding, PhasesAddUpToTheGroundTruthWithinMeterNoise) {
  CommercialBuilding b(config(BuildingType::office, 1));
  double measured_wh = 0.0, truth_wh = 0.0, measured_varh = 0.0, truth_varh = 0.0;
  for (int i = 0; i < 86400; ++i) {
    const SiteSample& s = b.step();
    ASSERT_EQ(s.time, kMonday + seconds{i});
    double p = 0.0, q = 0.0, tp = 0.0, tq = 0.0;
    for (std::size_t k = 0; k < 3; ++k) {
      p += s.p_w[k];
      q += s.q_var[k];
    }
    for (std::size_t u = 0; u < kUsageCount; ++u) {
      tp += s.truth_w[u];
      tq += s.truth_q_var[u];
      ASSERT_GE(s.truth_w[u], 0.0) << to_string(kAllUsages[u]);
    }
    // Each phase's noise is 0.2 % of its apparent power + 1.5 W (1 sigma): a 6-sigma band.
    const double band = 6.0 * (0.002 * std::hypot(tp, tq) + 3.0 * 1.5);
    ASSERT_NEAR(p, tp, band) << i;
    ASSERT_NEAR(q, tq, band) << i;
    measured_wh += p / 3600.0;
    truth_wh += tp / 3600.0;
    measured_varh += q / 3600.0;
    truth_varh += tq / 3600.0;
  }
  EXPECT_NEAR(measured_wh, truth_wh, 1e-4 * truth_wh);  // zero-mean noise averages out
  EXPECT_NEAR(measured_varh, truth_varh, 2e-3 * std::abs(truth_wh));
}

TEST(CommercialBuilding, DeterministicForAConfigAndOnePhaseIsTheSum) {
  CommercialBuilding a(config(BuildingType::school, 7));
  CommercialBuilding b(config(BuildingType::school, 7));
  CommercialBuilding other_seed(config(BuildingType::school, 8));
  CommercialBuilding single(config(BuildingType::school, 7, 1));
  int differ = 0;
  for (int i = 0; i < 40000; ++i) {
    const SiteSample& sa = a.step();
    const SiteSample& sb = b.step();
    const SiteSample& so = other_seed.step();
    const SiteSample& s1 = single.step();
    ASSERT_EQ(sa.p_w, sb.p_w) << i;
    ASSERT_EQ(sa.q_var, sb.q_var) << i;
    ASSERT_EQ(sa.truth_w, sb.truth_w) << i;
    ASSERT_EQ(sa.truth_w, s1.truth_w) << i;  // the phase count changes the meter, not the building
    ASSERT_EQ(s1.phases, 1);
    ASSERT_EQ(s1.p_w[1], 0.0);
    ASSERT_EQ(s1.q_var[2], 0.0);
    const double sum = sa.p_w[0] + sa.p_w[1] + sa.p_w[2];
    ASSERT_NEAR(s1.p_w[0], sum, 0.02 * std::abs(sum) + 30.0) << i;
    if (sa.p_w != so.p_w) ++differ;
  }
  EXPECT_GT(differ, 39000);
}

TEST(CommercialBuilding, TypeNames) {
  for (const auto t : {BuildingType::office, BuildingType::retail, BuildingType::school})
    EXPECT_EQ(building_type_from_string(to_string(t)), t);
  EXPECT_FALSE(building_type_from_string("Office"));
  EXPECT_FALSE(building_type_from_string(""));
  EXPECT_FALSE(building_type_from_string("hospital"));
}

// Mean total power 10:00-12:00 local on the day that starts at local midnight `day`.
double late_morning_w(BuildingType type, sys_days day) {
  SiteConfig c = config(type, 5);
  c.start = UtcTime{day} - hours{1};
  CommercialBuilding b(c);
  double sum = 0.0;
  int n = 0;
  for (int i = 0; i < 12 * 3600; ++i) {
    const SiteSample& s = b.step();
    if (i < 10 * 3600) continue;
    for (const double w : s.truth_w) sum += w;
    ++n;
  }
  return sum / n;
}

TEST(CommercialBuilding, SchoolHolidaysLookLikeASunday) {
  // ISO week 7 of 2026 (9-15 February) is a school holiday; week 6 is not.
  const double term = late_morning_w(BuildingType::school, sys_days{2026y / 2 / 3});
  const double holiday = late_morning_w(BuildingType::school, sys_days{2026y / 2 / 10});
  EXPECT_LT(holiday, 0.75 * term) << term << " W in term, " << holiday << " W in the holidays";
  // An office works through that week.
  EXPECT_GT(late_morning_w(BuildingType::office, sys_days{2026y / 2 / 10}),
            1.25 * late_morning_w(BuildingType::office, sys_days{2026y / 2 / 15}));
}

TEST(BuildingProfile, IsoWeeks) {
  const auto week = [](sys_days d) { return iso_week(local_calendar(UtcTime{d}, 0.0)); };
  EXPECT_EQ(week(2026y / 1 / 1), 1);    // a Thursday
  EXPECT_EQ(week(2026y / 1 / 5), 2);
  EXPECT_EQ(week(2026y / 12 / 31), 53); // 2026 has 53 weeks
  EXPECT_EQ(week(2027y / 1 / 1), 53);   // a Friday: still 2026's week 53
  EXPECT_EQ(week(2027y / 1 / 4), 1);
  EXPECT_EQ(week(2025y / 12 / 29), 1);  // a Monday: 2026's week 1
  EXPECT_EQ(week(2024y / 12 / 30), 1);
  EXPECT_EQ(week(2021y / 1 / 3), 53);   // 2020 had 53 weeks
  EXPECT_EQ(week(2026y / 2 / 10), 7);
}

}  // namespace
}  // namespace meterd::sim
