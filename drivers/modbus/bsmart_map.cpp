#include "drivers/modbus/bsmart_map.hpp"

namespace meterd::modbus {

// The table is generated at compile time; check it against the manual's shape here once.
static_assert(kBsmartRegisters.size() == 4 + 2 * (27 + 25));
static_assert(kBsmartRegisters[4].address == 0x2100);
static_assert(kBsmartRegisters[4 + 26].address == 0x2134);
static_assert(kBsmartRegisters[4 + 27].address == 0x2300);
static_assert(kBsmartRegisters[4 + 54].address == 0x3000);
static_assert(kBsmartRegisters[4 + 54 + 24].address == 0x3060);
static_assert(kBsmartRegisters[4 + 54 + 25].address == 0x3100);
static_assert(kBsmartRegisters.back().address == 0x3160);
static_assert(kBsmartRegisters.back().obis == ObisCode{1, 2, 64, 8, 0});

const RegisterDef* find_register(std::uint16_t address) noexcept {
  for (const auto& r : kBsmartRegisters) {
    if (r.address == address) return &r;
  }
  return nullptr;
}

std::string_view to_string(BsmartGroup g) noexcept {
  switch (g) {
    case BsmartGroup::config:
      return "config";
    case BsmartGroup::instantaneous:
      return "instantaneous";
    case BsmartGroup::energy:
      return "energy";
  }
  return "unknown";
}

}  // namespace meterd::modbus
