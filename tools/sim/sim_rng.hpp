// tools/sim/sim_rng.hpp: the fast random source of the commercial-building simulator.
//
// xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS
// 2021) seeded through splitmix64, with cheap uniform, normal and exponential draws: the model
// draws a few numbers per simulated second, so std::normal_distribution's cost would dominate.
// The normal draw is an Irwin-Hall sum of four 16-bit uniforms, rescaled: mean 0, variance 1,
// bounded to ±3.46 (good enough for measurement noise and random walks). Deterministic for a
// seed on every platform; not thread-safe (one owner).
#pragma once

#include <cmath>
#include <cstdint>

namespace meterd::sim {

class SimRng {
 public:
  explicit SimRng(std::uint64_t seed) noexcept {
    for (auto& s : s_) s = splitmix64(seed);
  }

  // 64 uniformly distributed bits.
  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5U, 7) * 9U;
    const std::uint64_t t = s_[1] << 17U;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double uniform() noexcept { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }
  // Uniform in [a, b).
  double uniform(double a, double b) noexcept { return a + (b - a) * uniform(); }
  // True with probability p.
  bool chance(double p) noexcept { return uniform() < p; }

  // Approximately N(0, 1) (Irwin-Hall of 4), bounded to ±3.46.
  double normal() noexcept {
    const std::uint64_t r = next();
    const double sum = static_cast<double>((r & 0xFFFFU) + ((r >> 16U) & 0xFFFFU) +
                                           ((r >> 32U) & 0xFFFFU) + (r >> 48U));
    return (sum - kIrwinHallMean) * kIrwinHallScale;
  }

  // Exponentially distributed with the given mean (> 0).
  double exponential(double mean) noexcept { return -mean * std::log1p(-uniform()); }

 private:
  static constexpr double kIrwinHallMean = 4.0 * 65535.0 / 2.0;
  static constexpr double kIrwinHallScale = 1.0 / 37837.22;  // 1 / sqrt(4 (65536² - 1) / 12)

  static std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << static_cast<unsigned>(k)) | (x >> static_cast<unsigned>(64 - k));
  }
  static std::uint64_t splitmix64(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
  }

  std::uint64_t s_[4]{};
};

}  // namespace meterd::sim
