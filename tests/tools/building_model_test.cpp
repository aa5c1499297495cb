#include "tools/sim/building_model.hpp"

#include "tools/sim/bsmart_register_map.hpp"
#include "tools/sim/local_calendar.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace meterd::sim {
namespace {

using namespace std::chrono;

// 2026-06-20 is a Saturday; the building is at UTC+1.
const UtcTime kSaturday = UtcTime{sys_days{2026y / 6 / 20}};
const UtcTime kMonday = UtcTime{sys_days{2026y / 6 / 22}};

double local_hour(UtcTime t) { return local_calendar(t, BuildingConfig{}.utc_offset_h).hour; }

void expect_consistent(const PhaseValues& v, const char* what) {
  SCOPED_TRACE(what);
  EXPECT_GE(v.current_a, 0.0);
  EXPECT_LE(std::abs(v.power_factor), 1.0);
  // S² = P² + Q² and P = V·I·PF, in the model's doubles ...
  EXPECT_NEAR(v.apparent_va * v.apparent_va, v.active_w * v.active_w + v.reactive_var * v.reactive_var,
              1e-9 * (1.0 + v.apparent_va * v.apparent_va));
  EXPECT_NEAR(v.active_w, v.voltage_v * v.current_a * v.power_factor, 1e-9 * (1.0 + v.apparent_va));
  // ... and in the floats the meter sends.
  const auto f = [](double x) { return static_cast<double>(static_cast<float>(x)); };
  const double s = f(v.apparent_va / 1000), p = f(v.active_w / 1000), q = f(v.reactive_var / 1000);
  EXPECT_NEAR(s * s, p * p + q * q, 1e-6 * (1e-6 + s * s));
  EXPECT_NEAR(p * 1000, f(v.voltage_v) * f(v.current_a) * f(v.power_factor), 2e-6 * (1.0 + s * 1000));
}

TEST(BuildingModel, PhysicsHoldsEverySecondOfADay) {
  BuildingModel m(42, kMonday);
  for (int i = 0; i < 86400; ++i) {
    m.advance_to(kMonday + seconds{i});
    const MeterSnapshot& s = m.snapshot();
    if (i % 97 != 0) continue;  // checking every second is slow under sanitizers; the sample is wide
    expect_consistent(s.grid.phase_a, "grid");
    expect_consistent(s.solar.phase_a, "solar");
    EXPECT_NEAR(s.grid.phase_a.voltage_v, 230.0, 230.0 * 0.04);  // ±3 % wander + supply drop
    EXPECT_EQ(s.grid.phase_a.voltage_v, s.solar.phase_a.voltage_v);  // one voltage input
    EXPECT_NEAR(s.frequency_hz, 50.0, 0.05);
    double load = 0.0;
    for (const auto& l : s.loads) load += l.p_w;
    EXPECT_GT(load, 300.0);  // IT, controls, emergency lighting never stop
    // The measurement follows the truth within the meter's class 0.5 (5 sigma band).
    EXPECT_NEAR(s.grid.phase_a.active_w, load - s.solar_w, 0.01 * (load + s.solar_w) + 5.0);
  }
}

TEST(BuildingModel, EnergiesAreTheIntegralOfPower) {
  BuildingModel m(7, kSaturday);
  const EnergyCounters e0 = m.snapshot().grid.energy;
  const EnergyCounters s0 = m.snapshot().solar.energy;
  EXPECT_GT(e0.active_import_wh, 1e6);  // a meter in service for years, not a blank one
  EXPECT_GT(e0.active_export_wh, 1e5);
  double import_wh = 0, export_wh = 0, rimport = 0, rexport = 0, apparent = 0, solar_wh = 0, truth_wh = 0;
  for (int i = 1; i <= 86400; ++i) {
    m.advance_to(kSaturday + seconds{i});
    const PhaseValues& g = m.snapshot().grid.phase_a;
    (g.active_w >= 0 ? import_wh : export_wh) += std::abs(g.active_w) / 3600.0;
    (g.reactive_var >= 0 ? rimport : rexport) += std::abs(g.reactive_var) / 3600.0;
    apparent += g.apparent_va / 3600.0;
    solar_wh += m.snapshot().solar.phase_a.active_w / 3600.0;
    double load = 0.0;
    for (const auto& l : m.snapshot().loads) load += l.p_w;
    truth_wh += (load - m.snapshot().solar_w) / 3600.0;
  }
  const EnergyCounters& e = m.snapshot().grid.energy;
  EXPECT_NEAR(e.active_import_wh - e0.active_import_wh, import_wh, 1e-3 * import_wh);
  EXPECT_NEAR(e.active_export_wh - e0.active_export_wh, export_wh, 1e-3 * export_wh);
  EXPECT_NEAR(e.reactive_import_varh - e0.reactive_import_varh, rimport, 1e-3 * rimport + 1e-6);
  EXPECT_NEAR(e.reactive_export_varh - e0.reactive_export_varh, rexport, 1e-3 * rexport + 1e-6);
  EXPECT_NEAR(e.apparent_vah - e0.apparent_vah, apparent, 1e-3 * apparent);
  EXPECT_NEAR(m.snapshot().solar.energy.active_import_wh - s0.active_import_wh, solar_wh, 1e-3 * solar_wh);
  EXPECT_EQ(m.snapshot().solar.energy.active_export_wh, s0.active_export_wh);  // PV never consumes
  // The measured net energy matches the true building load minus PV (noise averages out).
  EXPECT_NEAR(import_wh - export_wh, truth_wh, 1e-3 * (import_wh + export_wh));
  EXPECT_GT(solar_wh, 5000.0);  // a June day with 6 kWp
}

TEST(BuildingModel, SolarZeroAtNightPositiveAtNoonAndWeekendExports) {
  BuildingModel m(3, kSaturday);
  double noon_solar_max = 0.0;
  double min_grid = 1e9;
  int export_seconds = 0;
  for (int i = 0; i < 2 * 86400; i += 10) {  // Saturday and Sunday
    const UtcTime t = kSaturday + seconds{i};
    m.advance_to(t);
    const MeterSnapshot& s = m.snapshot();
    const double h = local_hour(t);
    if (h < 3.5 || h > 22.5) {
      EXPECT_EQ(s.solar.phase_a.active_w, 0.0) << format_utc(t);
      EXPECT_EQ(s.solar.phase_a.current_a, 0.0) << format_utc(t);
    }
    if (h > 11.0 && h < 15.0) {
      noon_solar_max = std::max(noon_solar_max, s.solar.phase_a.active_w);
      min_grid = std::min(min_grid, s.grid.phase_a.active_w);
      if (s.grid.phase_a.active_w < 0) ++export_seconds;
    }
  }
  EXPECT_GT(noon_solar_max, 2000.0);
  EXPECT_LT(min_grid, 0.0) << "the building never exported at midday on the weekend";
  EXPECT_GT(export_seconds, 10);
}

TEST(BuildingModel, OfficeHoursDrawMoreThanTheWeekendAndCategoriesAreSeparate) {
  BuildingModel m(11, kSaturday);
  std::array<double, kUsageCount> monday_wh{};
  double saturday_10h = 0, monday_10h = 0;
  for (int i = 0; i < 3 * 86400; i += 5) {
    const UtcTime t = kSaturday + seconds{i};
    m.advance_to(t);
    double load = 0.0;
    for (std::size_t c = 0; c < kUsageCount; ++c) {
      load += m.snapshot().loads[c].p_w;
      if (t >= kMonday) monday_wh[c] += m.snapshot().loads[c].p_w * 5 / 3600.0;
    }
    const double h = local_hour(t);
    if (h >= 10.0 && h < 11.0) {
      if (t >= kMonday) monday_10h += load;
      else if (t < kSaturday + days{1}) saturday_10h += load;
    }
  }
  EXPECT_GT(monday_10h, 1.8 * saturday_10h);
  for (std::size_t c = 0; c < kUsageCount; ++c)
    EXPECT_GT(monday_wh[c], 100.0) << to_string(kAllUsages[c]);
}

TEST(BuildingModel, ValuesAreNotTidyDecimals) {
  BuildingModel m(5, kMonday + hours{9});
  int tidy = 0;
  const int n = 600;
  for (int i = 0; i < n; ++i) {
    m.advance_to(kMonday + hours{9} + seconds{i});
    const PhaseValues& g = m.snapshot().grid.phase_a;
    for (const double v : {g.voltage_v * 100, g.current_a * 1000, g.active_w, m.snapshot().frequency_hz * 1000})
      if (std::abs(v - std::round(v)) < 1e-9) ++tidy;
  }
  EXPECT_LT(tidy, n / 50);
}

TEST(BuildingModel, DeterministicForASeedWhateverTheStepping) {
  BuildingModel a(99, kMonday);
  BuildingModel b(99, kMonday);
  BuildingModel c(100, kMonday);
  a.advance_to(kMonday + hours{5});
  for (int i = 1; i <= 5 * 60; ++i) b.advance_to(kMonday + minutes{i} + milliseconds{400});
  c.advance_to(kMonday + hours{5});
  EXPECT_EQ(a.snapshot().time, b.snapshot().time);
  EXPECT_EQ(a.snapshot().grid.phase_a.active_w, b.snapshot().grid.phase_a.active_w);
  EXPECT_EQ(a.snapshot().grid.energy.active_import_wh, b.snapshot().grid.energy.active_import_wh);
  EXPECT_EQ(a.snapshot().frequency_hz, b.snapshot().frequency_hz);
  EXPECT_NE(a.snapshot().grid.phase_a.active_w, c.snapshot().grid.phase_a.active_w);
  a.advance_to(kMonday);  // the past: no-op
  EXPECT_EQ(a.snapshot().time, kMonday + hours{5});
}

TEST(BsmartRegisterMap, EncodesHighWordFirstAndPhasesBAndCReadZero) {
  PhaseValues v{231.25, 10.5, 2000.0, -500.0, 2061.55, 0.97};
  const bsmart::InstantBlock b = bsmart::encode_instant_block(v, 50.0);
  EXPECT_EQ(b[bsmart::kVoltageA], 0x4367);  // 231.25f = 0x43674000
  EXPECT_EQ(b[bsmart::kVoltageA + 1], 0x4000);
  EXPECT_EQ(bsmart::get_float(std::span<const std::uint16_t, 2>(b.data() + bsmart::kActiveTotal, 2)), 2.0f);
  EXPECT_EQ(bsmart::get_float(std::span<const std::uint16_t, 2>(b.data() + bsmart::kReactiveA, 2)), -0.5f);
  for (const auto off : {bsmart::kVoltageB, bsmart::kVoltageC, bsmart::kVoltageAB, bsmart::kCurrentB,
                         bsmart::kActiveC, bsmart::kPowerFactorB})
    EXPECT_EQ(b[off] | b[off + 1], 0) << off;
  EnergyCounters e{12'345'678.5, 1000.0, 0.0, 0.0, 1.0};
  const bsmart::EnergyBlock eb = bsmart::encode_energy_block(e);
  EXPECT_EQ(eb[bsmart::kActiveForward], 0x40C8);  // 12345.6785 kWh, sign+exponent word first
  EXPECT_DOUBLE_EQ(bsmart::get_double(std::span<const std::uint16_t, 4>(eb.data() + bsmart::kActiveForward, 4)), 12345.6785);
  EXPECT_DOUBLE_EQ(bsmart::get_double(std::span<const std::uint16_t, 4>(eb.data() + bsmart::kActiveTotalEnergy, 4)), 12346.6785);
  EXPECT_DOUBLE_EQ(bsmart::get_double(std::span<const std::uint16_t, 4>(eb.data() + bsmart::kPhaseABase + 4, 4)), 12345.6785);
  EXPECT_EQ(eb[bsmart::kPhaseABase + bsmart::kPhaseStride + 4], 0);  // phase B
}

}  // namespace
}  // namespace meterd::sim
