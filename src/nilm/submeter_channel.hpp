// src/nilm/submeter_channel.hpp: the latest state of one sub-metered channel.
//
// A sub-meter's power is held from its last sample until the next one, at most max_gap: after
// that the channel counts as silent and its category falls back to the model. The last
// kHistory samples are kept so the power just before a mains switching can be looked up (event
// labelling). Out-of-order and NaN samples are rejected (the caller counts them). Not
// thread-safe; owned by the engine.
#pragma once

#include <array>
#include <cstdint>

#include "src/nilm/engine.hpp"

namespace meterd::nilm {

class SubmeterChannel {
 public:
  explicit SubmeterChannel(SubmeterSpec spec) : spec_(std::move(spec)) {}

  // Records a sample; false (and nothing changes) when it is older than the last one or has
  // no valid active power on its phases.
  bool push(const PowerSample& sample);

  // Whether a sample at most `max_gap_ms` old (and not from the future by more than that) is
  // known at `t_ms`.
  bool live_at(std::int64_t t_ms, std::int64_t max_gap_ms) const noexcept;

  double power_w() const noexcept { return p_w_; }
  // The power held at `t_ms` (the last sample at or before it), NaN when that sample is older
  // than the history or `t_ms` is before the first sample.
  double power_at(std::int64_t t_ms) const noexcept;
  std::int64_t last_ms() const noexcept { return last_ms_; }
  const SubmeterSpec& spec() const noexcept { return spec_; }

 private:
  SubmeterSpec spec_;
  bool seen_ = false;
  std::int64_t last_ms_ = 0;
  double p_w_ = 0.0;
  static constexpr std::size_t kHistory = 16;
  struct Past {
    std::int64_t t_ms = 0;
    double p_w = 0.0;
  };
  std::array<Past, kHistory> history_{};
  std::size_t count_ = 0;  // samples pushed (the ring holds the last kHistory)
};

// The sum of the active power of the first `sample.phases` phases, NaN when any is NaN or the
// phase count is outside 1..kMaxPhases.
double total_active_w(const PowerSample& sample) noexcept;

// The same for reactive power; NaN when any used phase lacks Q.
double total_reactive_var(const PowerSample& sample) noexcept;

}  // namespace meterd::nilm
