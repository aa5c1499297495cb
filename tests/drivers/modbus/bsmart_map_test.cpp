#include "drivers/modbus/bsmart_map.hpp"

#include <gtest/gtest.h>

#include <set>

namespace meterd::modbus {
namespace {

struct Expected {
  std::uint16_t offset;
  const char* obis;  // channel 1
  Unit unit;
  double scale;
  const char* wire_unit;
};

// Written from the manual's table 3 and docs/modbus-register-map.md, independently of the
// generator in bsmart_map.hpp.
// clang-format off
const Expected kInstantaneous[] = {
    {0x00, "1-1:32.7.0", Unit::volt, 1, "V"},          {0x02, "1-1:52.7.0", Unit::volt, 1, "V"},
    {0x04, "1-1:72.7.0", Unit::volt, 1, "V"},          {0x06, "1-1:140.7.0", Unit::volt, 1, "V"},
    {0x08, "1-1:160.7.0", Unit::volt, 1, "V"},         {0x0A, "1-1:180.7.0", Unit::volt, 1, "V"},
    {0x0C, "1-1:31.7.0", Unit::ampere, 1, "A"},        {0x0E, "1-1:51.7.0", Unit::ampere, 1, "A"},
    {0x10, "1-1:71.7.0", Unit::ampere, 1, "A"},        {0x12, "1-1:91.7.0", Unit::ampere, 1, "A"},
    {0x14, "1-1:36.7.0", Unit::watt, 1000, "kW"},      {0x16, "1-1:56.7.0", Unit::watt, 1000, "kW"},
    {0x18, "1-1:76.7.0", Unit::watt, 1000, "kW"},      {0x1A, "1-1:16.7.0", Unit::watt, 1000, "kW"},
    {0x1C, "1-1:151.7.0", Unit::var, 1000, "kvar"},    {0x1E, "1-1:171.7.0", Unit::var, 1000, "kvar"},
    {0x20, "1-1:191.7.0", Unit::var, 1000, "kvar"},    {0x22, "1-1:131.7.0", Unit::var, 1000, "kvar"},
    {0x24, "1-1:29.7.0", Unit::volt_ampere, 1000, "kVA"}, {0x26, "1-1:49.7.0", Unit::volt_ampere, 1000, "kVA"},
    {0x28, "1-1:69.7.0", Unit::volt_ampere, 1000, "kVA"}, {0x2A, "1-1:9.7.0", Unit::volt_ampere, 1000, "kVA"},
    {0x2C, "1-1:33.7.0", Unit::none, 1, ""},           {0x2E, "1-1:53.7.0", Unit::none, 1, ""},
    {0x30, "1-1:73.7.0", Unit::none, 1, ""},           {0x32, "1-1:13.7.0", Unit::none, 1, ""},
    {0x34, "1-1:14.7.0", Unit::hertz, 1, "Hz"},
};

const Expected kEnergy[] = {
    {0x00, "1-1:15.8.0", Unit::watt_hour, 1000, "kWh"},   {0x04, "1-1:1.8.0", Unit::watt_hour, 1000, "kWh"},
    {0x08, "1-1:2.8.0", Unit::watt_hour, 1000, "kWh"},    {0x0C, "1-1:131.8.0", Unit::var_hour, 1000, "kvarh"},
    {0x10, "1-1:3.8.0", Unit::var_hour, 1000, "kvarh"},   {0x14, "1-1:4.8.0", Unit::var_hour, 1000, "kvarh"},
    {0x18, "1-1:9.8.0", Unit::volt_ampere_hour, 1000, "kVAh"},
    {0x1C, "1-1:35.8.0", Unit::watt_hour, 1000, "kWh"},   {0x20, "1-1:21.8.0", Unit::watt_hour, 1000, "kWh"},
    {0x24, "1-1:22.8.0", Unit::watt_hour, 1000, "kWh"},   {0x28, "1-1:151.8.0", Unit::var_hour, 1000, "kvarh"},
    {0x2C, "1-1:23.8.0", Unit::var_hour, 1000, "kvarh"},  {0x30, "1-1:24.8.0", Unit::var_hour, 1000, "kvarh"},
    {0x34, "1-1:55.8.0", Unit::watt_hour, 1000, "kWh"},   {0x38, "1-1:41.8.0", Unit::watt_hour, 1000, "kWh"},
    {0x3C, "1-1:42.8.0", Unit::watt_hour, 1000, "kWh"},   {0x40, "1-1:171.8.0", Unit::var_hour, 1000, "kvarh"},
    {0x44, "1-1:43.8.0", Unit::var_hour, 1000, "kvarh"},  {0x48, "1-1:44.8.0", Unit::var_hour, 1000, "kvarh"},
    {0x4C, "1-1:75.8.0", Unit::watt_hour, 1000, "kWh"},   {0x50, "1-1:61.8.0", Unit::watt_hour, 1000, "kWh"},
    {0x54, "1-1:62.8.0", Unit::watt_hour, 1000, "kWh"},   {0x58, "1-1:191.8.0", Unit::var_hour, 1000, "kvarh"},
    {0x5C, "1-1:63.8.0", Unit::var_hour, 1000, "kvarh"},  {0x60, "1-1:64.8.0", Unit::var_hour, 1000, "kvarh"},
};
// clang-format on

void check(const Expected& e, std::uint16_t base, std::uint8_t channel, RegType type,
           std::uint8_t count) {
  const std::uint16_t address = static_cast<std::uint16_t>(base + e.offset);
  SCOPED_TRACE(address);
  const RegisterDef* def = find_register(address);
  ASSERT_NE(def, nullptr);
  EXPECT_EQ(def->count, count);
  EXPECT_EQ(def->type, type);
  EXPECT_EQ(def->channel, channel);
  EXPECT_EQ(def->unit, e.unit);
  EXPECT_EQ(def->scale, e.scale);
  EXPECT_EQ(def->wire_unit, e.wire_unit);
  EXPECT_FALSE(def->writable);
  ASSERT_TRUE(def->obis);
  EXPECT_EQ(*def->obis, ObisCode::parse(e.obis).value().with_channel(channel));
}

TEST(BsmartMap, EveryInstantaneousRegisterOfBothChannels) {
  for (const auto& e : kInstantaneous) {
    check(e, 0x2100, 1, RegType::f32, 2);
    check(e, 0x2300, 2, RegType::f32, 2);
  }
}

TEST(BsmartMap, EveryEnergyRegisterOfBothChannels) {
  for (const auto& e : kEnergy) {
    check(e, 0x3000, 1, RegType::f64, 4);
    check(e, 0x3100, 2, RegType::f64, 4);
  }
}

TEST(BsmartMap, ConfigurationRegisters) {
  for (std::uint16_t a : {kSlaveAddressRegister, kBaudRegister, kNetworkTypeRegister}) {
    const RegisterDef* def = find_register(a);
    ASSERT_NE(def, nullptr);
    EXPECT_EQ(def->count, 1);
    EXPECT_TRUE(def->writable);
    EXPECT_EQ(def->group, BsmartGroup::config);
  }
  const RegisterDef* sn = find_register(kSerialNumberRegister);
  ASSERT_NE(sn, nullptr);
  EXPECT_EQ(sn->count, 7);
  EXPECT_EQ(sn->obis, ObisCode(0, 0, 96, 1, 0));
}

TEST(BsmartMap, TableIsCompleteAndUnique) {
  EXPECT_EQ(kBsmartRegisters.size(), 4u + 2 * (std::size(kInstantaneous) + std::size(kEnergy)));
  std::set<std::uint16_t> addresses;
  std::set<ObisCode> codes;
  for (const auto& def : kBsmartRegisters) {
    EXPECT_TRUE(addresses.insert(def.address).second) << def.address;
    if (def.obis) {
      EXPECT_TRUE(codes.insert(*def.obis).second) << def.obis->to_string();
    }
  }
  // No register overlaps the next one.
  const RegisterDef* prev = nullptr;
  for (const auto& def : kBsmartRegisters) {
    if (prev && def.group != BsmartGroup::config && prev->group == def.group &&
        prev->channel == def.channel) {
      EXPECT_EQ(prev->address + prev->count, def.address);
    }
    prev = &def;
  }
}

}  // namespace
}  // namespace meterd::modbus
