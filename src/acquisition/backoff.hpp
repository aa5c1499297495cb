// acquisition/backoff.hpp: exponential backoff with jitter for retrying a meter or a bus link.
//
// delay(k) = min(initial * 2^k, cap) * (1 - jitter * u), u in [0, 1) from an injected random
// source (STYLE.md rule 5), so retries of many meters do not synchronize and tests are exact.
// Not thread-safe: owned by one bus worker.
#pragma once

#include <chrono>
#include <functional>

namespace meterd::acquisition {

// A uniform random number in [0, 1). Production: a seeded std::mt19937_64; tests: a fixed value.
using UniformRandom = std::function<double()>;

// A UniformRandom from a std::mt19937_64 seeded by std::random_device.
UniformRandom make_uniform_random();

struct BackoffPolicy {
  std::chrono::milliseconds initial{1000};
  std::chrono::milliseconds cap{300'000};
  double jitter = 0.2;  // fraction of the delay that is randomly taken off, in [0, 1]
};

class Backoff {
 public:
  Backoff(BackoffPolicy policy, UniformRandom random);

  // The delay before the next attempt; doubles on each call up to the cap (before jitter).
  std::chrono::milliseconds next();
  // Back to the initial delay (after a success).
  void reset() noexcept { attempt_ = 0; }
  unsigned attempts() const noexcept { return attempt_; }

 private:
  BackoffPolicy policy_;
  UniformRandom random_;
  unsigned attempt_ = 0;
};

}  // namespace meterd::acquisition
