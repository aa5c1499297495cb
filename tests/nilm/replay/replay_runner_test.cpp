// Unit tests of run_replay over the real engine and real files: time-ordered merge of mains and
// sub-meters, the training limit, closure of every step, and errors that stop a replay before
// any output (bad options, a missing file) or at a malformed line (with its location).
#include "src/nilm/replay/replay_runner.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "tests/app/temp_dir.hpp"

namespace meterd::nilm::replay {
namespace {

using app::test::TempDir;

constexpr std::int64_t kStart = 1'767'571'200;  // 2026-01-05T00:00:00Z, unix seconds
constexpr int kSeconds = 7'200;                  // two hours at 1 Hz

// A 1000 W heater cycling 5 min on / 5 min off over a 200 W base load.
double heater_w(int i) { return (i / 300) % 2 == 0 ? 1000.0 : 0.0; }

struct Site {
  std::filesystem::path mains;
  std::filesystem::path heater;
};

Site write_site(const TempDir& dir, int bad_line = -1) {
  std::ostringstream mains, heater;
  mains << "timestamp,p_w,q_var\n";
  heater << "timestamp,heater_w\n";
  for (int i = 0; i < kSeconds; ++i) {
    const auto t = kStart + i;
    if (i == bad_line) {
      mains << t << ",oops,0\n";
    } else {
      mains << t << ',' << 200.0 + heater_w(i) << ",50\n";
    }
    heater << t << ',' << heater_w(i) << '\n';
  }
  return {dir.write("mains.csv", mains.str()), dir.write("heater.csv", heater.str())};
}

ReplayOptions options_for(const Site& site) {
  ReplayOptions o;
  o.mains = {site.mains, {}};
  o.submeters.push_back({Usage::heating_elements, {site.heater, {"heater_w"}}});
  o.train_until_ms = (kStart + 3'600) * 1000;
  o.step_ms = 600'000;
  return o;
}

TEST(ReplayRunner, FeedsAllMainsAndSubmetersOnlyBeforeTheTrainingLimit) {
  const TempDir dir;
  const Site site = write_site(dir);
  std::vector<StepResult> steps;
  const auto stats = run_replay(options_for(site), [&](const StepResult& s) { steps.push_back(s); });
  ASSERT_TRUE(stats) << stats.error().message();
  EXPECT_EQ(stats->mains_samples, 7'200u);
  EXPECT_EQ(stats->submeter_samples, 3'600u);
  EXPECT_EQ(stats->engine.mains_samples, 7'200u);
  EXPECT_EQ(stats->engine.submeter_samples, 3'600u);
  EXPECT_EQ(stats->engine.dropped_samples, 0u);
  ASSERT_EQ(steps.size(), 12u);
  EXPECT_EQ(stats->steps, 12u);
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const StepResult& s = steps[k];
    EXPECT_EQ(s.start_ms, kStart * 1000 + static_cast<std::int64_t>(k) * 600'000) << k;
    EXPECT_EQ(s.end_ms - s.start_ms, 600'000);
    EXPECT_NEAR(s.covered_s, 600.0, 1e-9) << k;
    // 200 W always, plus 1000 W in every other 5-min half: 600 s x 700 W average = 116.67 Wh.
    EXPECT_NEAR(s.total_wh, 700.0 * 600.0 / 3600.0, 1e-6) << k;
    double sum = 0.0;
    for (const double e : s.energy_wh) sum += e;
    EXPECT_NEAR(sum, s.total_wh, 1e-6) << "closure, step " << k;
  }
  // While it reports, the complete sub-meter is its category: 1000 W for 300 s of each step.
  for (std::size_t k = 0; k < 6; ++k) {
    EXPECT_NEAR(steps[k].energy_wh[index_of(Usage::heating_elements)], 1000.0 * 300.0 / 3600.0,
                1e-6)
        << k;
  }
}

TEST(ReplayRunner, WithoutATrainingLimitEverySubmeterSampleIsFed) {
  const TempDir dir;
  ReplayOptions o = options_for(write_site(dir));
  o.train_until_ms.reset();
  const auto stats = run_replay(o, [](const StepResult&) {});
  ASSERT_TRUE(stats) << stats.error().message();
  EXPECT_EQ(stats->submeter_samples, 7'200u);
}

TEST(ReplayRunner, BadOptionsAndMissingFilesFailBeforeAnyStep) {
  const TempDir dir;
  const Site site = write_site(dir);
  int steps = 0;
  auto count = [&](const StepResult&) { ++steps; };

  ReplayOptions twice = options_for(site);
  twice.submeters.push_back(twice.submeters.front());
  auto r = run_replay(twice, count);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::invalid_argument));
  EXPECT_NE(r.error().detail.find("'heating_elements' given to two sub-meters"), std::string::npos);

  ReplayOptions odd_step = options_for(site);
  odd_step.step_ms = 7 * 60'000;
  r = run_replay(odd_step, count);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::invalid_argument));

  ReplayOptions missing = options_for(site);
  missing.submeters.front().source.file = dir.path() / "absent.csv";
  r = run_replay(missing, count);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::not_found));
  EXPECT_EQ(steps, 0);

  ReplayOptions two_columns = options_for(site);
  two_columns.submeters.front().source = {site.mains, {}};  // default = p_w and q_var
  r = run_replay(two_columns, count);
  EXPECT_TRUE(r) << "a sub-meter may have Q: " << (r ? "" : r.error().message());
  EXPECT_EQ(steps, 12);
}

// --usages: a site of the heater and `other` only. Every step: the categories it lacks 0 Wh,
// the heater's steps as in FeedsAll... (measured, then estimated), `other` the rest.
TEST(ReplayRunner, UsagesTheSiteLacksAreNeverEstimated) {
  const TempDir dir;
  ReplayOptions o = options_for(write_site(dir));
  o.present = UsageSet{};
  o.present[index_of(Usage::heating_elements)] = true;
  std::vector<StepResult> steps;
  const auto stats = run_replay(o, [&](const StepResult& s) { steps.push_back(s); });
  ASSERT_TRUE(stats) << stats.error().message();
  ASSERT_EQ(steps.size(), 12u);
  const std::size_t h = index_of(Usage::heating_elements);
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const StepResult& s = steps[k];
    for (const Usage u : kAllUsages) {
      if (u != Usage::heating_elements && u != Usage::other) {
        EXPECT_EQ(s.energy_wh[index_of(u)], 0.0) << to_string(u) << ", step " << k;
      }
    }
    EXPECT_NEAR(s.energy_wh[index_of(Usage::other)], s.total_wh - s.energy_wh[h], 1e-6) << k;
  }
  // While the heater's sub-meter reports: 300 s x 1000 W is the heater's, the 200 W base
  // (600 s) is `other`'s.
  for (std::size_t k = 0; k < 6; ++k) {
    EXPECT_NEAR(steps[k].energy_wh[h], 1000.0 * 300.0 / 3600.0, 1e-6) << k;
    EXPECT_NEAR(steps[k].energy_wh[index_of(Usage::other)], 200.0 * 600.0 / 3600.0, 1e-6) << k;
  }

  // A sub-meter of a usage the site lacks is an error before any step.
  o.present[h] = false;
  o.present[index_of(Usage::lighting)] = true;
  int count = 0;
  const auto bad = run_replay(o, [&](const StepResult&) { ++count; });
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().is(Errc::invalid_argument));
  EXPECT_NE(bad.error().detail.find("'heating_elements' has a sub-meter but is not among the "
                                    "site's usages (--usages)"),
            std::string::npos)
      << bad.error().detail;
  EXPECT_EQ(count, 0);
}

TEST(ReplayRunner, StepsAlignOnTheLocalTimeAndItsOffsetIsFollowed) {
  const TempDir dir;
  const Site site = write_site(dir);
  // A fixed offset of +05:30 with hourly steps: they start at xx:30 UTC.
  ReplayOptions fixed = options_for(site);
  fixed.step_ms = 3'600'000;
  fixed.utc_offset_ms = 330 * 60'000;
  std::vector<StepResult> steps;
  auto stats = run_replay(fixed, [&](const StepResult& s) { steps.push_back(s); });
  ASSERT_TRUE(stats) << stats.error().message();
  ASSERT_EQ(steps.size(), 3u);  // 23:30-00:30, 00:30-01:30, 01:30-02:30 UTC
  EXPECT_EQ(steps[0].start_ms, (kStart - 1'800) * 1000);
  EXPECT_EQ(steps[2].end_ms, (kStart + 9'000) * 1000);
  EXPECT_EQ(stats->offset_changes, 0u);
  // A time zone's rules: +05:30 for the first sample (the steps' grid), +06:00 from an hour in
  // (half an hour: the grid would move if the steps followed the change).
  ReplayOptions zone = fixed;
  zone.utc_offset_ms = 0;
  int asked = 0;
  zone.local_offset_ms = [&asked](std::int64_t t_ms) -> std::int64_t {
    ++asked;
    return (t_ms < (kStart + 3'600) * 1000 ? 330 : 360) * 60'000;
  };
  std::vector<StepResult> zone_steps;
  stats = run_replay(zone, [&](const StepResult& s) { zone_steps.push_back(s); });
  ASSERT_TRUE(stats) << stats.error().message();
  EXPECT_EQ(stats->offset_changes, 1u);
  // Once for the grid, then once per UTC minute of the two hours, not per sample.
  EXPECT_EQ(asked, 1 + kSeconds / 60);
  ASSERT_EQ(zone_steps.size(), steps.size());  // the same grid
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(zone_steps[i].start_ms, steps[i].start_ms);
    EXPECT_DOUBLE_EQ(zone_steps[i].total_wh, steps[i].total_wh);
  }
}

TEST(ReplayRunner, MalformedLineStopsWithItsLocationAfterTheStepsBeforeIt) {
  const TempDir dir;
  const Site site = write_site(dir, 4'000);  // data line 4000 = file line 4002
  std::vector<StepResult> steps;
  const auto r = run_replay(options_for(site), [&](const StepResult& s) { steps.push_back(s); });
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::parse_error));
  EXPECT_EQ(r.error().detail, site.mains.string() +
                                  ":4002:12: expected a number in column 'p_w', got \"oops\"");
  EXPECT_GE(steps.size(), 5u);  // the steps closed before line 4002 (at 4000 s) were emitted
  EXPECT_LE(steps.size(), 6u);
}

}  // namespace
}  // namespace meterd::nilm::replay
