#include "meterd/reading.hpp"

namespace meterd {

std::string_view to_string(TimeSync s) noexcept {
  switch (s) {
    case TimeSync::synchronized: return "synchronized";
    case TimeSync::unsynchronized: return "unsynchronized";
    case TimeSync::corrected: return "corrected";
    case TimeSync::meter: return "meter";
  }
  return "unknown";
}

const Value* Reading::find(const ObisCode& obis) const noexcept {
  for (const auto& v : values) {
    if (v.obis == obis) return &v;
  }
  return nullptr;
}

}  // namespace meterd
