#include "drivers/modbus/energy_guard.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace meterd::modbus {
namespace {

using namespace std::chrono_literals;

const UtcTime kT0{std::chrono::milliseconds{1'763'700'000'000}};
constexpr std::uint64_t kKey = 1;

TEST(EnergyGuard, FirstValueIsGood) {
  EnergyGuard g;
  EXPECT_EQ(g.check(kKey, 1e6, kT0), Quality::good);
}

TEST(EnergyGuard, NormalIncreaseIsGood) {
  EnergyGuard g;
  g.check(kKey, 1'000'000, kT0);
  // 3 kW for one minute = 50 Wh.
  EXPECT_EQ(g.check(kKey, 1'000'050, kT0 + 60s, 3000), Quality::good);
  EXPECT_EQ(g.check(kKey, 1'000'050, kT0 + 120s), Quality::good);  // standing still is fine
}

TEST(EnergyGuard, RegressionIsFlagged) {
  EnergyGuard g;
  g.check(kKey, 1'000'000, kT0);
  EXPECT_EQ(g.check(kKey, 999'999, kT0 + 60s), Quality::counter_regression);
}

TEST(EnergyGuard, JumpBeyondTheMetersMaximumIsFlagged) {
  EnergyGuard g;  // max 22 080 W x 1.5 margin = 33 120 W: 552 Wh per minute, + 10 Wh slack
  g.check(kKey, 1'000'000, kT0);
  EXPECT_EQ(g.check(kKey, 1'000'560, kT0 + 60s), Quality::good);
  EXPECT_EQ(g.check(kKey, 1'001'200, kT0 + 120s), Quality::counter_jump);
}

TEST(EnergyGuard, MeasuredPowerAboveTheRatingWidensTheBound) {
  EnergyGuard g;
  g.check(kKey, 0, kT0);
  // 60 kW measured (2 x overload): 1.5 kWh in a minute is consistent with it.
  EXPECT_EQ(g.check(kKey, 1'000, kT0 + 60s, 60'000), Quality::good);
}

TEST(EnergyGuard, SingleGlitchIsIsolated) {
  EnergyGuard g;
  g.check(kKey, 1'000'000, kT0);
  EXPECT_EQ(g.check(kKey, 9e12, kT0 + 60s), Quality::counter_jump);
  // The next value is judged against the last good one, not against the glitch.
  EXPECT_EQ(g.check(kKey, 1'000'020, kT0 + 120s), Quality::good);
  EXPECT_EQ(g.check(kKey, 1'000'030, kT0 + 180s), Quality::good);
}

TEST(EnergyGuard, ConfirmedResetRebases) {
  EnergyGuard g;
  g.check(kKey, 1'000'000, kT0);
  EXPECT_EQ(g.check(kKey, 100, kT0 + 60s), Quality::counter_regression);
  // A second value consistent with the low one: the counter was reset; carry on from there.
  EXPECT_EQ(g.check(kKey, 110, kT0 + 120s), Quality::good);
  EXPECT_EQ(g.check(kKey, 120, kT0 + 180s), Quality::good);
}

TEST(EnergyGuard, ClockSteppedBackAllowsOnlyTheSlack) {
  EnergyGuard g;
  g.check(kKey, 1'000, kT0);
  EXPECT_EQ(g.check(kKey, 1'005, kT0 - 3600s), Quality::good);
  EXPECT_EQ(g.check(kKey, 1'200, kT0 - 3590s), Quality::counter_jump);  // > 92 Wh + slack
}

TEST(EnergyGuard, CountersAreIndependentAndResettable) {
  EnergyGuard g;
  g.check(1, 1'000, kT0);
  g.check(2, 50, kT0);
  EXPECT_EQ(g.check(2, 40, kT0 + 1s), Quality::counter_regression);
  EXPECT_EQ(g.check(1, 1'001, kT0 + 1s), Quality::good);
  g.reset();
  EXPECT_EQ(g.check(1, 5, kT0 + 2s), Quality::good);
}

TEST(EnergyGuard, NonFiniteValueIsNotJudged) {
  EnergyGuard g;
  g.check(kKey, 1'000, kT0);
  EXPECT_EQ(g.check(kKey, std::numeric_limits<double>::quiet_NaN(), kT0 + 1s), Quality::good);
  EXPECT_EQ(g.check(kKey, 1'001, kT0 + 2s), Quality::good);
}

}  // namespace
}  // namespace meterd::modbus
