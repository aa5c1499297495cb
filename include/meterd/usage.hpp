// meterd/usage.hpp: the end uses a building's consumption is split into (the NILM output).
//
// The categories of the Smart X datasheet (seed 000_71ce2990d3b41d0f.txt), plus `other`, the
// unexplained remainder that makes the categories add up to the measured total. The NILM engine
// publishes its results as the readings of a virtual meter whose OBIS codes are fixed here, so
// the store, the uplink and the REST API handle them like any meter. Plain values, thread-safe.
#pragma once

#include "meterd/obis.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace meterd {

enum class Usage : std::uint8_t {
  lighting = 0,
  it = 1,                    // computers, screens, servers, UPS
  heat_cold_production = 2,  // chillers, heat pumps, split systems
  heating_elements = 3,      // electric boilers, convectors, hot water
  ventilation = 4,           // air-handling units
  hvac_auxiliaries = 5,      // pumps, circulators, controls
  other = 6,                 // everything else, and what the engine cannot explain
};
inline constexpr std::size_t kUsageCount = 7;

inline constexpr std::array<Usage, kUsageCount> kAllUsages{
    Usage::lighting,    Usage::it,          Usage::heat_cold_production, Usage::heating_elements,
    Usage::ventilation, Usage::hvac_auxiliaries, Usage::other};

constexpr std::size_t index_of(Usage u) noexcept { return static_cast<std::size_t>(u); }

// Which usages a site has (configuration `nilm.usages`), by index_of(Usage).
using UsageSet = std::array<bool, kUsageCount>;
inline constexpr UsageSet kAllUsagesPresent = [] {
  UsageSet all{};
  all.fill(true);
  return all;
}();

// "lighting", "it", "heat_cold_production", "heating_elements", "ventilation",
// "hvac_auxiliaries", "other": stable names for configuration, files, the API and logs.
std::string_view to_string(Usage u) noexcept;

// The inverse of to_string(); nullopt for an unknown name. Case-sensitive.
std::optional<Usage> usage_from_string(std::string_view name) noexcept;

// OBIS codes of the NILM virtual meter (IEC 62056-61). Channel B = 0 is the measured total,
// B = 1 + index_of(usage) a category. C = 1 (active power, import) with D = 5 (average over the
// last period: the step), D = 29 (energy over the last period, the load-profile "time
// integral 5" of the DLMS Blue Book); the confidence uses the manufacturer-specific C = 128.
//   average power of the step, W      1-b:1.5.0
//   energy of the step, Wh            1-b:1.29.0
//   confidence of the estimate, 0..1  1-b:128.0.0   (categories only)
ObisCode usage_power_obis(Usage u) noexcept;
ObisCode usage_energy_obis(Usage u) noexcept;
ObisCode usage_confidence_obis(Usage u) noexcept;
inline constexpr ObisCode kTotalPowerObis{1, 0, 1, 5, 0};
inline constexpr ObisCode kTotalEnergyObis{1, 0, 1, 29, 0};
// The step's length, s: "measurement period 1 for averaging scheme 1" (C = 0, D = 8, E = 0),
// the period the average powers above are over. Kept with each step so that history read after
// nilm.step changed is read with the step it was made with.
inline constexpr ObisCode kStepLengthObis{1, 0, 0, 8, 0};

// The category of a virtual-meter OBIS code of the three families above, or nullopt (total or
// another code).
std::optional<Usage> usage_of_obis(const ObisCode& obis) noexcept;

}  // namespace meterd
