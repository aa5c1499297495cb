#include "drivers/modbus/bsmart_meter.hpp"

#include <gtest/gtest.h>

#include <map>

namespace meterd::modbus {
namespace {

using namespace std::chrono_literals;

// A plausible wire value for entry `i` of the map, distinct per register so that a register
// decoded from the wrong address shows.
double wire_value(const RegisterDef& def, std::size_t i) {
  switch (def.quantity) {
    case Quantity::voltage:
    case Quantity::line_voltage:
      return 200.0 + 0.25 * static_cast<double>(i);
    case Quantity::current:
      return 1.0 + 0.5 * static_cast<double>(i);
    case Quantity::active_power:
    case Quantity::reactive_power:
      return -0.5 + 0.0125 * static_cast<double>(i);
    case Quantity::apparent_power:
      return 0.1 + 0.0125 * static_cast<double>(i);
    case Quantity::power_factor:
      return 0.5 + 0.01 * static_cast<double>(i % 40);
    case Quantity::frequency:
      return 49.5 + 0.01 * static_cast<double>(i);
    case Quantity::energy:
    case Quantity::energy_combined:
      return 1000.125 + 3.5 * static_cast<double>(i);
    case Quantity::setting:
      return 0;
  }
  return 0;
}

// The register image of the whole map, as a meter with `order` holds it.
std::map<std::uint16_t, std::uint16_t> image(WordOrder order) {
  std::map<std::uint16_t, std::uint16_t> regs;
  for (std::size_t i = 0; i < kBsmartRegisters.size(); ++i) {
    const auto& def = kBsmartRegisters[i];
    if (def.group == BsmartGroup::config) continue;
    const double v = wire_value(def, i);
    const auto words =
        def.type == RegType::f32 ? encode_f32(static_cast<float>(v), order) : encode_f64(v, order);
    for (std::size_t k = 0; k < words.size(); ++k) regs[def.address + k] = words[k];
  }
  return regs;
}

std::vector<RegisterBlock> read(const std::vector<RegisterSpan>& plan,
                                std::map<std::uint16_t, std::uint16_t>& regs) {
  std::vector<RegisterBlock> blocks;
  for (const auto& span : plan) {
    RegisterBlock b{span.address, {}};
    for (std::uint32_t a = span.address; a < span.end(); ++a) {
      b.registers.push_back(regs[static_cast<std::uint16_t>(a)]);
    }
    blocks.push_back(std::move(b));
  }
  return blocks;
}

BsmartMeter make(BsmartSettings s) { return BsmartMeter::create(std::move(s)).value(); }

const UtcTime kT0{std::chrono::milliseconds{1'763'700'000'000}};

TEST(BsmartMeter, EveryRegisterDecodesInEveryWordOrder) {
  for (auto order : {WordOrder::abcd, WordOrder::cdab, WordOrder::badc, WordOrder::dcba}) {
    SCOPED_TRACE(to_string(order));
    BsmartMeter m = make({.meter_id = "m1", .phases = 3, .word_order = order});
    auto regs = image(order);
    std::size_t seen = 0;
    for (auto group : {BsmartGroup::instantaneous, BsmartGroup::energy}) {
      const auto blocks = read(m.plan(group), regs);
      Reading r = m.decode(group, blocks, kT0).value();
      EXPECT_EQ(r.meter_id, "m1");
      EXPECT_EQ(r.time, kT0);
      for (std::size_t i = 0; i < kBsmartRegisters.size(); ++i) {
        const auto& def = kBsmartRegisters[i];
        if (def.group != group) continue;
        SCOPED_TRACE(def.name_en);
        const Value* v = r.find(*def.obis);
        ASSERT_NE(v, nullptr);
        const double wire = wire_value(def, i);
        const double want = def.type == RegType::f32
                                ? static_cast<double>(static_cast<float>(wire)) * def.scale
                                : wire * def.scale;
        EXPECT_DOUBLE_EQ(v->value, want);
        EXPECT_EQ(v->unit, def.unit);
        EXPECT_EQ(v->quality, Quality::good);
        ++seen;
      }
      EXPECT_EQ(r.values.size(), group == BsmartGroup::instantaneous ? 54u : 50u);
    }
    EXPECT_EQ(seen, 104u);
  }
}

TEST(BsmartMeter, SinglePhaseEmitsNoPhaseBOrC) {
  BsmartMeter m = make({.meter_id = "m1"});
  auto regs = image(WordOrder::abcd);
  for (auto group : {BsmartGroup::instantaneous, BsmartGroup::energy}) {
    Reading r = m.decode(group, read(m.plan(group), regs), kT0).value();
    for (const auto& v : r.values) {
      const auto c = v.obis.c();
      EXPECT_FALSE((c >= 41 && c <= 80) || (c >= 160 && c <= 199) || c == 140 || c == 91)
          << v.obis.to_string();
    }
    // Instantaneous per channel: U, I, P, Q, S, PF of A + P, Q, S, PF total + f = 11.
    // Energy per channel: 7 totals + 6 of phase A = 13.
    EXPECT_EQ(r.values.size(), group == BsmartGroup::instantaneous ? 22u : 26u);
    const std::uint8_t c = group == BsmartGroup::instantaneous ? 32 : 1;
    const std::uint8_t d = group == BsmartGroup::instantaneous ? 7 : 8;
    EXPECT_NE(r.find(ObisCode(1, 1, c, d, 0)), nullptr);
    EXPECT_NE(r.find(ObisCode(1, 2, c, d, 0)), nullptr);
  }
}

TEST(BsmartMeter, PlanIsOneTransactionPerChannelBlock) {
  BsmartMeter m = make({.meter_id = "m1"});
  EXPECT_EQ(m.plan(BsmartGroup::instantaneous),
            (std::vector<RegisterSpan>{{0x2100, 0x36}, {0x2300, 0x36}}));
  // Single-phase energy needs 0x3000..0x3033 only.
  EXPECT_EQ(m.plan(BsmartGroup::energy),
            (std::vector<RegisterSpan>{{0x3000, 0x34}, {0x3100, 0x34}}));
  BsmartMeter three = make({.meter_id = "m1", .channel2 = false, .phases = 3});
  EXPECT_EQ(three.plan(BsmartGroup::energy), (std::vector<RegisterSpan>{{0x3000, 100}}));
  EXPECT_TRUE(three.plan(BsmartGroup::config).empty());
}

TEST(BsmartMeter, DisabledChannelIsNeitherReadNorEmitted) {
  BsmartMeter m = make({.meter_id = "m1", .channel1 = false});
  EXPECT_EQ(m.plan(BsmartGroup::instantaneous), (std::vector<RegisterSpan>{{0x2300, 0x36}}));
  auto regs = image(WordOrder::abcd);
  Reading r =
      m.decode(BsmartGroup::instantaneous, read(m.plan(BsmartGroup::instantaneous), regs), kT0)
          .value();
  for (const auto& v : r.values) EXPECT_EQ(v.obis.b(), 2);
}

TEST(BsmartMeter, MissingBlockIsAnError) {
  BsmartMeter m = make({.meter_id = "m1"});
  auto regs = image(WordOrder::abcd);
  auto blocks = read(m.plan(BsmartGroup::instantaneous), regs);
  blocks.pop_back();
  auto r = m.decode(BsmartGroup::instantaneous, blocks, kT0);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Errc::invalid_argument));
  EXPECT_NE(r.error().detail.find("0x2300"), std::string::npos);
}

TEST(BsmartMeter, SettingsAreValidated) {
  EXPECT_TRUE(BsmartMeter::create({.meter_id = "x", .address = 0}).error().is(Errc::config_error));
  EXPECT_TRUE(
      BsmartMeter::create({.meter_id = "x", .address = 248}).error().is(Errc::config_error));
  EXPECT_TRUE(BsmartMeter::create({.meter_id = "x", .channel1 = false, .channel2 = false})
                  .error()
                  .is(Errc::config_error));
  EXPECT_TRUE(BsmartMeter::create({.meter_id = "x", .phases = 2}).error().is(Errc::config_error));
}

TEST(BsmartMeter, EnergyCounterGoingBackwardsIsFlagged) {
  BsmartMeter m = make({.meter_id = "m1", .channel2 = false});
  auto regs = image(WordOrder::abcd);
  const auto plan = m.plan(BsmartGroup::energy);
  m.decode(BsmartGroup::energy, read(plan, regs), kT0).value();
  // A+ of channel 1 (0x3004) drops by 1 kWh a minute later.
  const RegisterDef& def = *find_register(0x3004);
  const double before = wire_value(def, static_cast<std::size_t>(&def - kBsmartRegisters.data()));
  const auto words = encode_f64(before - 1.0, WordOrder::abcd);
  for (std::size_t k = 0; k < 4; ++k) regs[0x3004 + k] = words[k];
  Reading r = m.decode(BsmartGroup::energy, read(plan, regs), kT0 + 60s).value();
  EXPECT_EQ(r.find(ObisCode(1, 1, 1, 8, 0))->quality, Quality::counter_regression);
  EXPECT_DOUBLE_EQ(r.find(ObisCode(1, 1, 1, 8, 0))->value, (before - 1.0) * 1000);
  EXPECT_EQ(r.find(ObisCode(1, 1, 2, 8, 0))->quality, Quality::good);
}

TEST(BsmartMeter, SerialNumberChangeIsASwap) {
  BsmartMeter m = make({.meter_id = "m1"});
  const std::uint16_t a[] = {0x4142, 0x3031, 0, 0, 0, 0, 0};  // "AB01"
  const std::uint16_t b[] = {0x4142, 0x3032, 0, 0, 0, 0, 0};  // "AB02"
  auto first = m.accept_serial(a).value();
  EXPECT_EQ(first.serial, "AB01");
  EXPECT_FALSE(first.changed());
  EXPECT_FALSE(m.accept_serial(a).value().changed());
  auto swap = m.accept_serial(b).value();
  EXPECT_TRUE(swap.changed());
  EXPECT_EQ(swap.serial, "AB02");
  EXPECT_EQ(swap.previous, "AB01");
  EXPECT_EQ(m.serial(), "AB02");
}

TEST(BsmartMeter, SwapResetsTheEnergyGuard) {
  BsmartMeter m = make({.meter_id = "m1", .channel2 = false});
  const std::uint16_t a[] = {0x4142, 0x3031, 0, 0, 0, 0, 0};
  const std::uint16_t b[] = {0x4142, 0x3032, 0, 0, 0, 0, 0};
  m.accept_serial(a).value();
  auto regs = image(WordOrder::abcd);
  const auto plan = m.plan(BsmartGroup::energy);
  m.decode(BsmartGroup::energy, read(plan, regs), kT0).value();
  // The new meter's counters are lower: not a regression once the swap is known.
  const auto words = encode_f64(0.5, WordOrder::abcd);
  for (std::size_t k = 0; k < 4; ++k) regs[0x3004 + k] = words[k];
  ASSERT_TRUE(m.accept_serial(b).value().changed());
  Reading r = m.decode(BsmartGroup::energy, read(plan, regs), kT0 + 60s).value();
  EXPECT_EQ(r.find(ObisCode(1, 1, 1, 8, 0))->quality, Quality::good);
}

}  // namespace
}  // namespace meterd::modbus
