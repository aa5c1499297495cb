// The `time` section: what to do with readings taken before the clock was ever synchronized
// (see meterd/time_stamper.hpp).
#include "src/config/sections.hpp"

namespace meterd::config {
namespace {

constexpr EnumName<UnsyncedPolicy> kPolicies[] = {{"hold", UnsyncedPolicy::hold},
                                                  {"mark", UnsyncedPolicy::mark}};

}  // namespace

void read_time(SectionReader& section, TimeConfig& out) {
  section.get_enum("unsynchronized", out.unsynchronized, kPolicies);
  section.get_int("hold_capacity", out.hold_capacity, std::size_t{1}, TimeConfig::kMaxHoldCapacity);
}

}  // namespace meterd::config
