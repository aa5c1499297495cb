// tools/sim/complex_power.hpp: active and reactive power of a simulated load, per usage.
//
// The building models keep each meterd::Usage's power separate so the same simulation yields
// the ground truth for load disaggregation (NILM). Plain values, thread-safe.
#pragma once

#include "meterd/usage.hpp"

#include <array>

namespace meterd::sim {

// Active and reactive power of one load, W and var (var > 0 inductive, < 0 capacitive).
struct ComplexPower {
  double p_w = 0.0;
  double q_var = 0.0;
};

// One ComplexPower per meterd::Usage, indexed by index_of(usage).
using LoadPowers = std::array<ComplexPower, kUsageCount>;

}  // namespace meterd::sim
