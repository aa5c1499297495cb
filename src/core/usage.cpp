#include "meterd/usage.hpp"

namespace meterd {
namespace {

constexpr std::array<std::string_view, kUsageCount> kNames{
    "lighting",    "it",          "heat_cold_production", "heating_elements",
    "ventilation", "hvac_auxiliaries", "other"};

constexpr std::uint8_t channel_of(Usage u) noexcept {
  return static_cast<std::uint8_t>(1 + index_of(u));
}

}  // namespace

std::string_view to_string(Usage u) noexcept {
  const auto i = index_of(u);
  return i < kUsageCount ? kNames[i] : std::string_view{"unknown"};
}

std::optional<Usage> usage_from_string(std::string_view name) noexcept {
  for (const Usage u : kAllUsages)
    if (kNames[index_of(u)] == name) return u;
  return std::nullopt;
}

ObisCode usage_power_obis(Usage u) noexcept { return {1, channel_of(u), 1, 5, 0}; }
ObisCode usage_energy_obis(Usage u) noexcept { return {1, channel_of(u), 1, 29, 0}; }
ObisCode usage_confidence_obis(Usage u) noexcept { return {1, channel_of(u), 128, 0, 0}; }

std::optional<Usage> usage_of_obis(const ObisCode& obis) noexcept {
  if (obis.a() != 1 || obis.b() < 1 || obis.b() > kUsageCount || obis.e() != 0 ||
      obis.f() != ObisCode::kUnused)
    return std::nullopt;
  const bool family = (obis.c() == 1 && (obis.d() == 5 || obis.d() == 29)) ||
                      (obis.c() == 128 && obis.d() == 0);
  if (!family) return std::nullopt;
  return static_cast<Usage>(obis.b() - 1);
}

}  // namespace meterd
