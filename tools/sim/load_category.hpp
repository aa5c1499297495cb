// tools/sim/load_category.hpp: the end-use categories of the simulated building.
//
// The building model keeps each category's power separate so a ground truth for load
// disaggregation (NILM) can be produced from the same simulation. Plain values, thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace meterd::sim {

enum class LoadCategory : std::size_t {
  lighting,
  it,                    // servers, network, workstations
  heat_cold_production,  // heat pump / chiller compressor
  heating_elements,      // resistive: water heater
  ventilation,           // air handling unit fans
  hvac_auxiliaries,      // circulation pumps, controls
  other,                 // kitchenette, refrigeration, plug loads
};
inline constexpr std::size_t kLoadCategoryCount = 7;

// Active and reactive power of one load, W and var (var > 0 inductive, < 0 capacitive).
struct ComplexPower {
  double p_w = 0.0;
  double q_var = 0.0;
};

using LoadPowers = std::array<ComplexPower, kLoadCategoryCount>;

// "lighting", "it", "heat_cold_production", ... (stable names for files and logs).
std::string_view load_category_name(LoadCategory c) noexcept;

}  // namespace meterd::sim
