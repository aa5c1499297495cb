#include "tools/sim/load_category.hpp"

namespace meterd::sim {

std::string_view load_category_name(LoadCategory c) noexcept {
  switch (c) {
    case LoadCategory::lighting: return "lighting";
    case LoadCategory::it: return "it";
    case LoadCategory::heat_cold_production: return "heat_cold_production";
    case LoadCategory::heating_elements: return "heating_elements";
    case LoadCategory::ventilation: return "ventilation";
    case LoadCategory::hvac_auxiliaries: return "hvac_auxiliaries";
    case LoadCategory::other: return "other";
  }
  return "unknown";
}

}  // namespace meterd::sim
