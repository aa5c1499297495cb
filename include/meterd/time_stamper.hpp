// meterd/time_stamper.hpp: dates readings and records how far the date can be trusted.
//
// An edge box often boots without a battery-backed clock and reaches NTP minutes later. Every
// reading records the kernel's synchronization status when it was stamped (TimeSync). With the
// `hold` policy, readings stamped before the clock has ever been synchronized are held back
// (bounded) instead of being passed on with a date that may be years off; when the first
// synchronization is seen, each held reading is re-dated from the monotonic clock (which does
// not jump when NTP steps the wall clock) and released as TimeSync::corrected. Nothing is
// dropped: when the hold buffer is full, its oldest reading is released as unsynchronized.
// Not thread-safe: owned by one strand (the acquisition pipeline).
#pragma once

#include "meterd/clock.hpp"
#include "meterd/reading.hpp"

#include <cstddef>
#include <deque>
#include <functional>

namespace meterd {

enum class UnsyncedPolicy {
  mark,  // pass readings on at once, flagged unsynchronized
  hold,  // hold them until the first synchronization, then re-date (see above)
};

class TimeStamper {
 public:
  using Emit = std::function<void(Reading&&)>;

  TimeStamper(const Clock& clock, UnsyncedPolicy policy, std::size_t hold_capacity = 100'000);

  // Stamps `r` with the current time unless the driver set a meter time (time_sync == meter),
  // then emits it, or holds it (see the class comment). May emit earlier held readings first,
  // oldest first.
  void stamp(Reading r, const Emit& emit);

  // Re-checks the clock and releases held readings if it has become synchronized; call
  // periodically so a quiet meter does not keep readings held.
  void poll(const Emit& emit);

  std::size_t held() const noexcept { return held_.size(); }
  bool ever_synchronized() const noexcept { return ever_synced_; }

 private:
  struct Held {
    Reading reading;
    MonoTime mono;
  };
  void release_all(const Emit& emit);

  const Clock& clock_;
  UnsyncedPolicy policy_;
  std::size_t capacity_;
  bool ever_synced_ = false;
  std::deque<Held> held_;
};

}  // namespace meterd
