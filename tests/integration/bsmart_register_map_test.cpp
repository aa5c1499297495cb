// End to end over a real pty: the daemon's acquisition wiring (config -> in-process simulator ->
// libmodbus -> B-Smart driver -> scheduler -> latest-values cache) decodes every register of
// the B-Smart map, both channels, all three phases, to the value the simulator holds, in its
// SI unit and under its OBIS code. The simulator is frozen: the expected registers come from a
// BsmartDevice rebuilt with the same seed and start time, decoded with the simulator's own
// float/double decoding, and scaled by an independent transcription of the map
// (docs/modbus-register-map.md), not by the driver's table.
#include "tools/sim/bsmart_register_map.hpp"

#include <gtest/gtest.h>

#include <array>
#include <span>

#include "tests/integration/acquisition_harness.hpp"
#include "tools/sim/bsmart_device.hpp"
#include "tools/sim/bsmart_simulator.hpp"

namespace meterd::integration {
namespace {

using namespace std::chrono_literals;

struct Expect {
  std::uint16_t offset;  // registers into the channel's block
  std::uint8_t c;        // OBIS C; D = 7 instantaneous, 8 energy; E = 0
  Unit unit;
  double scale;  // SI value = wire value x scale
};

// docs/modbus-register-map.md, instantaneous block (27 floats).
constexpr std::array<Expect, 27> kInstantaneous{{
    {0x00, 32, Unit::volt, 1},           {0x02, 52, Unit::volt, 1},
    {0x04, 72, Unit::volt, 1},           {0x06, 140, Unit::volt, 1},
    {0x08, 160, Unit::volt, 1},          {0x0A, 180, Unit::volt, 1},
    {0x0C, 31, Unit::ampere, 1},         {0x0E, 51, Unit::ampere, 1},
    {0x10, 71, Unit::ampere, 1},         {0x12, 91, Unit::ampere, 1},
    {0x14, 36, Unit::watt, 1000},        {0x16, 56, Unit::watt, 1000},
    {0x18, 76, Unit::watt, 1000},        {0x1A, 16, Unit::watt, 1000},
    {0x1C, 151, Unit::var, 1000},        {0x1E, 171, Unit::var, 1000},
    {0x20, 191, Unit::var, 1000},        {0x22, 131, Unit::var, 1000},
    {0x24, 29, Unit::volt_ampere, 1000}, {0x26, 49, Unit::volt_ampere, 1000},
    {0x28, 69, Unit::volt_ampere, 1000}, {0x2A, 9, Unit::volt_ampere, 1000},
    {0x2C, 33, Unit::none, 1},           {0x2E, 53, Unit::none, 1},
    {0x30, 73, Unit::none, 1},           {0x32, 13, Unit::none, 1},
    {0x34, 14, Unit::hertz, 1},
}};

// The energy block (25 doubles): 7 totals, then 6 per phase at 0x1C + 0x18 x phase, whose
// OBIS C is the phase A code + 20 x phase.
std::vector<Expect> energy_expectations() {
  std::vector<Expect> out{{0x00, 15, Unit::watt_hour, 1000},      {0x04, 1, Unit::watt_hour, 1000},
                          {0x08, 2, Unit::watt_hour, 1000},       {0x0C, 131, Unit::var_hour, 1000},
                          {0x10, 3, Unit::var_hour, 1000},        {0x14, 4, Unit::var_hour, 1000},
                          {0x18, 9, Unit::volt_ampere_hour, 1000}};
  constexpr std::array<Expect, 6> kPhaseA{{{0x00, 35, Unit::watt_hour, 1000},
                                           {0x04, 21, Unit::watt_hour, 1000},
                                           {0x08, 22, Unit::watt_hour, 1000},
                                           {0x0C, 151, Unit::var_hour, 1000},
                                           {0x10, 23, Unit::var_hour, 1000},
                                           {0x14, 24, Unit::var_hour, 1000}}};
  for (std::uint16_t phase = 0; phase < 3; ++phase) {
    for (const auto& e : kPhaseA) {
      out.push_back({static_cast<std::uint16_t>(0x1C + 0x18 * phase + e.offset),
                     static_cast<std::uint8_t>(e.c + 20 * phase), e.unit, e.scale});
    }
  }
  return out;
}

constexpr std::string_view kConfig = R"(time:
  unsynchronized: mark
buses:
  - id: sim
    transport: simulator
    baud: 38400
    simulator:
      seed: 7
      freeze: true
      start: 2026-06-22T10:30:00Z
    meters:
      - id: m5
        address: 5
        phases: 3
        poll: { instantaneous: 1s, energy: 1s }
)";

std::vector<std::uint16_t> read(sim::BsmartDevice& device, std::uint16_t first, std::uint16_t count,
                                UtcTime t) {
  std::vector<std::uint16_t> regs;
  EXPECT_EQ(device.read_holding(first, count, t, regs), sim::ModbusException::none);
  EXPECT_EQ(regs.size(), count);
  return regs;
}

TEST(BsmartEndToEnd, EveryRegisterOfTheMapDecodedToItsValueAndUnit) {
  AcquisitionHarness h(kConfig);
  h.start();
  const ObisCode last_energy{1, 2, 64, 8, 0};  // CT2, phase C R- (the block's last double)
  ASSERT_TRUE(AcquisitionHarness::wait_until(
      [&] {
        return h.latest().get("m5", ObisCode{1, 1, 16, 7, 0}) && h.latest().get("m5", last_energy);
      },
      10s))
      << "no complete reading from the simulated meter";
  const auto status = h.status("m5");
  h.stop();

  // The same meter, rebuilt: seed 7 at address 5, frozen at the configured start.
  sim::SimulatorConfig sc;
  sc.addresses = {5};
  sc.seed = 7;
  sc.freeze = true;
  const UtcTime start = *parse_utc("2026-06-22T10:30:00Z");
  sim::BsmartDevice device(sim::device_settings(sc, 0, start));

  ASSERT_TRUE(status);
  EXPECT_EQ(status->serial_number, device.serial_number());

  const auto snapshot = h.latest().meter("m5");
  ASSERT_TRUE(snapshot);
  std::size_t checked = 0;
  for (std::uint8_t channel = 1; channel <= 2; ++channel) {
    const auto inst = read(
        device, channel == 1 ? sim::bsmart::kChannel1InstantReg : sim::bsmart::kChannel2InstantReg,
        sim::bsmart::kInstantWords, start);
    for (const auto& e : kInstantaneous) {
      const ObisCode obis{1, channel, e.c, 7, 0};
      const auto v = h.latest().get("m5", obis);
      ASSERT_TRUE(v) << obis.to_string();
      const float wire =
          sim::bsmart::get_float(std::span<const std::uint16_t, 2>(&inst[e.offset], 2));
      EXPECT_DOUBLE_EQ(v->value, double{wire} * e.scale) << obis.to_string();
      EXPECT_EQ(v->unit, e.unit) << obis.to_string();
      EXPECT_EQ(v->quality, Quality::good) << obis.to_string();
      ++checked;
    }
    const auto energy = read(
        device, channel == 1 ? sim::bsmart::kChannel1EnergyReg : sim::bsmart::kChannel2EnergyReg,
        sim::bsmart::kEnergyWords, start);
    for (const auto& e : energy_expectations()) {
      const ObisCode obis{1, channel, e.c, 8, 0};
      const auto v = h.latest().get("m5", obis);
      ASSERT_TRUE(v) << obis.to_string();
      const double wire =
          sim::bsmart::get_double(std::span<const std::uint16_t, 4>(&energy[e.offset], 4));
      EXPECT_DOUBLE_EQ(v->value, wire * e.scale) << obis.to_string();
      EXPECT_EQ(v->unit, e.unit) << obis.to_string();
      EXPECT_EQ(v->quality, Quality::good) << obis.to_string();
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2u * (27 + 25));
  // Nothing else was stored: every value the daemon holds is one of the map's.
  EXPECT_EQ(snapshot->values.size(), checked);
  // A daytime model: CT2 (PV) produces, so the comparison is not between zeros.
  EXPECT_GT(std::abs(h.latest().get("m5", ObisCode{1, 2, 16, 7, 0})->value), 100.0);
}

}  // namespace
}  // namespace meterd::integration
