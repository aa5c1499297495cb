#include "meterd/usage.hpp"

#include <gtest/gtest.h>

#include <set>

namespace meterd {
namespace {

TEST(Usage, NamesRoundTrip) {
  for (const Usage u : kAllUsages) EXPECT_EQ(usage_from_string(to_string(u)), u);
  EXPECT_EQ(to_string(Usage::heat_cold_production), "heat_cold_production");
  EXPECT_EQ(usage_from_string("Lighting"), std::nullopt);
  EXPECT_EQ(usage_from_string(""), std::nullopt);
}

TEST(Usage, ObisCodesAreDistinctAndMapBack) {
  std::set<ObisCode> seen{kTotalPowerObis, kTotalEnergyObis};
  for (const Usage u : kAllUsages) {
    for (const ObisCode& o :
         {usage_power_obis(u), usage_energy_obis(u), usage_confidence_obis(u)}) {
      EXPECT_TRUE(seen.insert(o).second) << o.to_string();
      EXPECT_EQ(usage_of_obis(o), u) << o.to_string();
    }
  }
  EXPECT_EQ(usage_power_obis(Usage::lighting).to_string(), "1-1:1.5.0");
  EXPECT_EQ(usage_energy_obis(Usage::other).to_string(), "1-7:1.29.0");
  EXPECT_EQ(usage_of_obis(kTotalPowerObis), std::nullopt);
  EXPECT_EQ(usage_of_obis(ObisCode{1, 1, 1, 7, 0}), std::nullopt);  // instantaneous power
  EXPECT_EQ(usage_of_obis(ObisCode{1, 8, 1, 5, 0}), std::nullopt);  // no eighth category
}

}  // namespace
}  // namespace meterd
