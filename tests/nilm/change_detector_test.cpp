// tests/nilm/change_detector_test.cpp: the change detector on synthetic signals, one behaviour of
// its contract each (the real recordings are in change_detector_lab_test.cpp).
#include "src/nilm/change_detector.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <vector>

namespace meterd::nilm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kT0 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

struct Point {
  std::int64_t t_ms = 0;
  double p = 0.0;
  double q = kNaN;
};

std::vector<SwitchEvent> run(const std::vector<Point>& signal, DetectorConfig config = {}) {
  ChangeDetector detector(0, config);
  std::vector<SwitchEvent> events;
  for (const Point& s : signal) {
    if (auto e = detector.push(s.t_ms, s.p, s.q)) events.push_back(*e);
  }
  if (auto e = detector.take_pending()) events.push_back(*e);
  return events;
}

// A piecewise signal at `period_s`: p(i) and q(i) give the value of sample i.
template <typename P, typename Q>
std::vector<Point> make(int n, double period_s, P p, Q q) {
  std::vector<Point> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(
        {kT0 + static_cast<std::int64_t>(std::llround(i * period_s * 1000.0)), p(i), q(i)});
  }
  return out;
}

auto no_q = [](int) { return kNaN; };

TEST(ChangeDetector, CleanStepIsOneEventDatedAtItsFirstSample) {
  const auto signal = make(
      120, 1.0, [](int i) { return i < 60 ? 100.0 : 1100.0; }, no_q);
  const auto events = run(signal);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].t_ms, kT0 + 60'000);
  EXPECT_NEAR(events[0].dp_w, 1000.0, 1e-9);
  EXPECT_EQ(events[0].dq_var, 0.0);  // Q not measured
  EXPECT_EQ(events[0].cluster, -1);
  ChangeDetector detector(2, {});
  for (const Point& s : signal) {
    if (auto e = detector.push(s.t_ms, s.p, s.q)) {
      EXPECT_EQ(e->phase, 2);
    }
  }
  EXPECT_NEAR(detector.level_p(), 1100.0, 1e-6);
  EXPECT_TRUE(std::isnan(detector.level_q()));
}

TEST(ChangeDetector, InrushSpikeIsMeasuredFromTheSettledLevel) {
  // A motor start: partial sample, a 3x inrush peak, a decay over 5 s, then 1800 W.
  const std::vector<double> start = {400.0, 5400.0, 3000.0, 2300.0, 2000.0, 1900.0, 1850.0};
  const auto signal = make(
      200, 1.0,
      [&](int i) {
        if (i < 100) return 50.0;
        if (i < 107) return 50.0 + start[static_cast<std::size_t>(i - 100)];
        if (i < 150) return 1850.0;
        return i == 150 ? 900.0 : 50.0;  // off, through one partial sample
      },
      [](int i) { return i < 100 || i >= 151 ? 10.0 : 500.0; });
  const auto events = run(signal);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].t_ms, kT0 + 100'000);
  EXPECT_NEAR(events[0].dp_w, 1800.0, 0.01 * 1800.0);
  EXPECT_NEAR(events[0].dq_var, 490.0, 1e-6);
  EXPECT_EQ(events[1].t_ms, kT0 + 150'000);
  EXPECT_NEAR(events[1].dp_w, -1800.0, 0.01 * 1800.0);
}

TEST(ChangeDetector, OneSampleSpikeIsNoEvent) {
  const auto events = run(make(
      100, 1.0, [](int i) { return i == 50 ? 3000.0 : 200.0; }, no_q));
  EXPECT_TRUE(events.empty());
}

TEST(ChangeDetector, SlowRampGivesNoEvent) {
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, 5.0);
  // 0 -> 600 W over 20 min (0.5 W/s), then steady: followed by the level, never chopped.
  const auto signal = make(
      1800, 1.0, [&](int i) { return 100.0 + 0.5 * std::min(i, 1200) + noise(rng); }, no_q);
  const auto events = run(signal);
  EXPECT_TRUE(events.empty()) << events.size() << " events, first dP " << events.front().dp_w;
}

TEST(ChangeDetector, FastRampIsAtMostOneEventOfItsWholeHeight) {
  // A variable-speed drive starting: 0 -> 2000 W in 100 s (20 W/s).
  const auto signal = make(
      400, 1.0, [](int i) { return 100.0 + 20.0 * std::clamp(i - 100, 0, 100); }, no_q);
  const auto events = run(signal);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NEAR(events[0].dp_w, 2000.0, 30.0);
  EXPECT_NEAR(static_cast<double>(events[0].t_ms - kT0), 101'000.0, 3'000.0);
}

TEST(ChangeDetector, NoiseOnlyGivesNoEvent) {
  std::mt19937 rng(11);
  std::normal_distribution<double> noise(0.0, 5.0);
  const auto signal = make(
      3 * 3600, 1.0, [&](int) { return 750.0 + noise(rng); },
      [&](int) { return 120.0 + noise(rng); });
  ChangeDetector detector(0, {});
  int events = 0;
  for (const Point& s : signal) events += detector.push(s.t_ms, s.p, s.q).has_value() ? 1 : 0;
  EXPECT_EQ(events, 0);
  EXPECT_NEAR(detector.level_p(), 750.0, 10.0);
  EXPECT_NEAR(detector.level_q(), 120.0, 10.0);
}

TEST(ChangeDetector, NoisyLargeLoadRaisesItsSmallestStep) {
  // A commercial phase: 20 kW with the noise of a class 1 meter (0.2 % + 1.5 W, 1 sigma), a 600 W
  // load switching every 5 min: the noise is learnt, no step is made of it, every switching found.
  std::mt19937 rng(13);
  std::normal_distribution<double> noise(0.0, 0.002 * 20'000.0 + 1.5);
  const auto signal = make(
      4 * 3600, 1.0,
      [&](int i) { return 20'000.0 + ((i / 300) % 2 == 1 ? 600.0 : 0.0) + noise(rng); },
      [&](int) { return 4'000.0 + noise(rng); });
  ChangeDetector detector(0, {});
  std::vector<SwitchEvent> events;
  for (const Point& s : signal) {
    if (auto e = detector.push(s.t_ms, s.p, s.q)) events.push_back(*e);
  }
  EXPECT_NEAR(detector.noise_p(), 41.5, 6.0);
  EXPECT_NEAR(detector.step_p(), 4.5 * 41.5, 30.0);
  ASSERT_EQ(events.size(), std::size_t{4 * 3600 / 300 - 1});
  // Each dP is the difference of two means of >= 3 samples: its std is at most 41.5 sqrt(2/3) = 34
  // W.
  double sum = 0.0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    // within a sample: a noise sample on the side of the step can move the CUSUM's last zero
    EXPECT_LE(std::llabs(events[i].t_ms - (kT0 + static_cast<std::int64_t>(i + 1) * 300'000)),
              1'000);
    EXPECT_NEAR(std::abs(events[i].dp_w), 600.0, 4.0 * 34.0);
    sum += std::abs(events[i].dp_w);
  }
  EXPECT_NEAR(sum / static_cast<double>(events.size()), 600.0, 4.0 * 34.0 / std::sqrt(47.0));
}

TEST(ChangeDetector, StepBelowMinStepIsIgnored) {
  DetectorConfig config;
  config.min_step_w = 50.0;
  const auto small = run(make(
                             200, 1.0, [](int i) { return i < 100 ? 300.0 : 340.0; }, no_q),
                         config);
  EXPECT_TRUE(small.empty());
  const auto large = run(make(
                             200, 1.0, [](int i) { return i < 100 ? 300.0 : 360.0; }, no_q),
                         config);
  ASSERT_EQ(large.size(), 1u);
  EXPECT_NEAR(large[0].dp_w, 60.0, 1e-9);
}

TEST(ChangeDetector, TwoStepsFiveSecondsApartAreTwoEvents) {
  const auto signal = make(
      100, 1.0, [](int i) { return i < 40   ? 100.0
                                   : i < 45 ? 1100.0
                                            : 1600.0; }, no_q);
  const auto events = run(signal);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].t_ms, kT0 + 40'000);
  EXPECT_NEAR(events[0].dp_w, 1000.0, 1e-9);
  EXPECT_EQ(events[1].t_ms, kT0 + 45'000);
  EXPECT_NEAR(events[1].dp_w, 500.0, 1e-9);
}

TEST(ChangeDetector, TwoSwitchingsOneSecondApartAreSplit) {
  // Two appliances off a second apart, each through one partial sample (the lab's kettle and
  // vacuum): 4100 -> [4000] -> 1950 (one sample) -> [560] -> 0.
  const std::vector<double> values = {4000.0, 1950.0, 560.0};
  const auto signal = make(
      80, 1.0,
      [&](int i) {
        return i < 40 ? 4100.0 : i < 43 ? values[static_cast<std::size_t>(i - 40)] : 0.0;
      },
      [](int i) {
        return i < 41 ? 380.0 : i < 42 ? 350.0 : i < 43 ? 100.0 : 0.0;
      });
  ChangeDetector detector(0, {});
  std::vector<SwitchEvent> events;
  for (const Point& s : signal) {
    if (auto e = detector.push(s.t_ms, s.p, s.q)) events.push_back(*e);
  }
  EXPECT_FALSE(detector.take_pending().has_value());  // the second came with the next push
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].t_ms, kT0 + 40'000);
  EXPECT_NEAR(events[0].dp_w, -2150.0, 1e-9);
  EXPECT_NEAR(events[0].dq_var, -30.0, 1e-9);
  EXPECT_EQ(events[1].t_ms, kT0 + 42'000);
  EXPECT_NEAR(events[1].dp_w, -1950.0, 1e-9);
  EXPECT_NEAR(events[1].dq_var, -350.0, 1e-9);
}

TEST(ChangeDetector, NaNSamplesAreSkipped) {
  const auto signal = make(
      200, 1.0,
      [](int i) {
        if (i % 7 == 3 || (i >= 98 && i < 101)) return kNaN;
        return i < 100 ? 200.0 : 900.0;
      },
      [](int i) { return i % 5 == 0 ? kNaN : (i < 100 ? 50.0 : 250.0); });
  const auto events = run(signal);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].t_ms, kT0 + 102'000);  // first valid sample of the new level (101 % 7 == 3)
  EXPECT_NEAR(events[0].dp_w, 700.0, 1e-9);
  EXPECT_NEAR(events[0].dq_var, 200.0, 1e-9);
  ChangeDetector detector(0, {});
  EXPECT_FALSE(detector.push(kT0, kNaN, 10.0).has_value());
  EXPECT_TRUE(std::isnan(detector.level_p()));
}

TEST(ChangeDetector, OneMinuteSignalWithPartialSamples) {
  // AMPds2-like: 1-min averages; a 2 kW heater switching mid-minute gives one partial sample.
  const auto signal = make(
      120, 60.0,
      [](int i) {
        if (i < 30) return 400.0;
        if (i == 30) return 1400.0;  // on at half past the minute
        if (i < 60) return 2400.0;
        return i == 60 ? 1900.0 : 400.0;  // off after a quarter of the minute
      },
      [](int) { return 80.0; });
  const auto events = run(signal);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].t_ms, kT0 + 30 * 60'000);
  EXPECT_NEAR(events[0].dp_w, 2000.0, 1e-9);
  EXPECT_EQ(events[1].t_ms, kT0 + 60 * 60'000);
  EXPECT_NEAR(events[1].dp_w, -2000.0, 1e-9);
}

TEST(ChangeDetector, NoEventAcrossAGapLongerThanMaxGap) {
  DetectorConfig config;
  config.max_gap_ms = 180'000;
  std::vector<Point> signal;
  for (int i = 0; i < 60; ++i) signal.push_back({kT0 + i * 1000, 500.0, kNaN});
  for (int i = 0; i < 60; ++i) signal.push_back({kT0 + 59'000 + 181'000 + i * 1000, 3500.0, kNaN});
  ChangeDetector detector(0, config);
  int events = 0;
  for (const Point& s : signal) events += detector.push(s.t_ms, s.p, s.q).has_value() ? 1 : 0;
  EXPECT_EQ(events, 0);
  EXPECT_EQ(detector.resets(), 1u);
  EXPECT_NEAR(detector.level_p(), 3500.0, 1e-6);
  // The same jump after a silence shorter than max_gap is a step.
  signal.clear();
  for (int i = 0; i < 60; ++i) signal.push_back({kT0 + i * 1000, 500.0, kNaN});
  for (int i = 0; i < 60; ++i) signal.push_back({kT0 + 59'000 + 170'000 + i * 1000, 3500.0, kNaN});
  const auto after_short = run(signal, config);
  ASSERT_EQ(after_short.size(), 1u);
  EXPECT_NEAR(after_short[0].dp_w, 3000.0, 1e-9);
}

TEST(ChangeDetector, ClockGoingBackRestartsWithoutEvent) {
  ChangeDetector detector(0, {});
  int events = 0;
  for (int i = 0; i < 30; ++i) events += detector.push(kT0 + i * 1000, 100.0, kNaN) ? 1 : 0;
  for (int i = 0; i < 30; ++i)
    events += detector.push(kT0 - 3'600'000 + i * 1000, 2100.0, kNaN) ? 1 : 0;
  EXPECT_EQ(events, 0);
  EXPECT_EQ(detector.resets(), 1u);
  EXPECT_NEAR(detector.level_p(), 2100.0, 1e-6);
}

TEST(ChangeDetector, ReactiveOnlyStepsWhenQIsMeasured) {
  // A 400 var capacitor bank switched in and out under a constant active load.
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0.0, 2.0);
  const auto signal = make(
      300, 1.0, [&](int) { return 5000.0 + noise(rng); },
      [&](int i) { return (i >= 100 && i < 200 ? -300.0 : 100.0) + noise(rng); });
  const auto events = run(signal);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].t_ms, kT0 + 100'000);
  EXPECT_NEAR(events[0].dq_var, -400.0, 5.0);
  EXPECT_NEAR(events[0].dp_w, 0.0, 5.0);
  EXPECT_EQ(events[1].t_ms, kT0 + 200'000);
  EXPECT_NEAR(events[1].dq_var, 400.0, 5.0);
  // Without Q the same signal shows nothing.
  auto p_only = signal;
  for (Point& s : p_only) s.q = kNaN;
  EXPECT_TRUE(run(p_only).empty());
}

TEST(ChangeDetector, ThroughputIsAPerSampleConstant) {
  std::mt19937 rng(5);
  std::normal_distribution<double> noise(0.0, 5.0);
  constexpr int kSamples = 2'000'000;
  std::vector<double> p(kSamples);
  for (int i = 0; i < kSamples; ++i) {
    // a 1.5 kW load cycling every 10 min over a noisy 300 W base
    p[static_cast<std::size_t>(i)] = 300.0 + ((i / 300) % 2 == 1 ? 1500.0 : 0.0) + noise(rng);
  }
  ChangeDetector detector(0, {});
  int events = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kSamples; ++i) {
    events +=
        detector.push(kT0 + std::int64_t{i} * 1000, p[static_cast<std::size_t>(i)], 50.0) ? 1 : 0;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double rate = kSamples / seconds;
  std::printf("change detector: %.2f M samples/s (%d events)\n", rate / 1e6, events);
  EXPECT_EQ(events, (kSamples - 1) / 300);  // every switching, none else
#ifdef NDEBUG
  EXPECT_GT(rate, 1e6);  // optimised builds only; sanitizer and debug builds are slower
#endif
}

}  // namespace
}  // namespace meterd::nilm
