#include "src/acquisition/backoff.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <utility>

namespace meterd::acquisition {

UniformRandom make_uniform_random() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

Backoff::Backoff(BackoffPolicy policy, UniformRandom random)
    : policy_(policy), random_(std::move(random)) {
  policy_.jitter = std::clamp(policy_.jitter, 0.0, 1.0);
  if (policy_.initial.count() <= 0) policy_.initial = std::chrono::milliseconds{1};
  policy_.cap = std::max(policy_.cap, policy_.initial);
}

std::chrono::milliseconds Backoff::next() {
  std::chrono::milliseconds base = policy_.cap;
  // 2^k overflows nothing below 2^40 ms (35 years); past the cap it no longer matters.
  if (attempt_ < 40) {
    base = std::min(policy_.cap, std::chrono::milliseconds{policy_.initial.count() << attempt_});
  }
  ++attempt_;
  double u = random_ ? std::clamp(random_(), 0.0, 1.0) : 0.0;
  auto ms = static_cast<long long>(
      std::llround(static_cast<double>(base.count()) * (1.0 - policy_.jitter * u)));
  return std::chrono::milliseconds{std::max(1LL, ms)};
}

}  // namespace meterd::acquisition
