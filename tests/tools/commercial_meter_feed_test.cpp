#include "tools/sim/commercial_meter_feed.hpp"

#include "tools/sim/bsmart_device.hpp"
#include "tools/sim/bsmart_register_map.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

namespace meterd::sim {
namespace {

using namespace std::chrono;

const UtcTime kStart = UtcTime{sys_days{2026y / 1 / 5}} + hours{8} + milliseconds{400};

TEST(CommercialMeterFeed, EachPhaseIsWhatTheBuildingsMainsMeasure) {
  CommercialMeterFeed feed({BuildingType::office, 5}, kStart);
  SiteConfig c;
  c.type = BuildingType::office;
  c.seed = 5;
  c.start = floor<seconds>(kStart);
  CommercialBuilding building(c);  // the same config: the same samples
  std::array<EnergyCounters, 3> e0{};
  for (std::size_t k = 0; k < 3; ++k) e0[k] = feed.snapshot(static_cast<int>(k)).grid.energy;
  std::array<double, 3> wh{};
  for (int i = 0; i < 3600; ++i) {
    feed.advance_to(c.start + seconds{i} + milliseconds{999});
    const SiteSample& s = building.step();
    for (std::size_t k = 0; k < 3; ++k) {
      const MeterSnapshot& m = feed.snapshot(static_cast<int>(k));
      ASSERT_EQ(m.time, s.time);
      const PhaseValues& v = m.grid.phase_a;
      ASSERT_EQ(v.active_w, s.p_w[k]);
      ASSERT_EQ(v.reactive_var, s.q_var[k]);
      ASSERT_NEAR(v.apparent_va * v.apparent_va, v.active_w * v.active_w + v.reactive_var * v.reactive_var,
                  1e-9 * v.apparent_va * v.apparent_va);
      ASSERT_NEAR(v.active_w, v.voltage_v * v.current_a * v.power_factor, 1e-9 * v.apparent_va);
      ASSERT_NEAR(v.voltage_v, 230.0, 230.0 * 0.04);
      ASSERT_GT(v.active_w, 100.0);  // an office at 9:00 local on a Monday draws on every phase
      ASSERT_EQ(m.solar.phase_a.active_w, 0.0);
      ASSERT_NEAR(m.frequency_hz, 50.0, 0.05);
      if (i > 0) wh[k] += v.active_w / 3600.0;
    }
  }
  for (std::size_t k = 0; k < 3; ++k) {
    const double counted = feed.snapshot(static_cast<int>(k)).grid.energy.active_import_wh - e0[k].active_import_wh;
    EXPECT_NEAR(counted, wh[k], 1e-6 * wh[k]) << "L" << k + 1;
    EXPECT_GT(e0[k].active_import_wh, 1e6);  // a meter in service, not a blank one
  }
  const UtcTime before = feed.snapshot(0).time;
  feed.advance_to(kStart);  // the past: no-op
  EXPECT_EQ(feed.snapshot(0).time, before);
}

TEST(CommercialMeterFeed, ThreeDevicesShareOneBuildingOnePhaseEach) {
  const auto feed = std::make_shared<CommercialMeterFeed>(CommercialSite{BuildingType::school, 2}, kStart);
  CommercialMeterFeed reference({BuildingType::school, 2}, kStart);
  std::vector<BsmartDevice> devices;
  for (std::uint8_t a = 1; a <= 3; ++a) {
    DeviceSettings s;
    s.address = a;
    s.start = kStart;
    s.feed = feed;
    s.feed_phase = a - 1;
    devices.emplace_back(s);
  }
  const UtcTime t = kStart + minutes{10};
  reference.advance_to(t);
  for (std::uint8_t a = 1; a <= 3; ++a) {
    std::vector<std::uint16_t> regs;
    ASSERT_EQ(devices[a - 1].read_holding(bsmart::kChannel1InstantReg + bsmart::kActiveA, 2, t, regs),
              ModbusException::none);
    const float kw = bsmart::get_float(std::span<const std::uint16_t, 2>(regs.data(), 2));
    EXPECT_EQ(kw, static_cast<float>(reference.snapshot(a - 1).grid.phase_a.active_w / 1000.0)) << int(a);
  }
}

}  // namespace
}  // namespace meterd::sim
