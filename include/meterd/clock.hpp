// meterd/clock.hpp: injectable time (STYLE.md rule 5).
//
// Production code takes a `const Clock&` and never calls std::chrono clocks itself, so tests drive
// days in microseconds with ManualClock. SystemClock reads the kernel; both are thread-safe.
#pragma once

#include "meterd/time.hpp"

#include <atomic>

namespace meterd {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UtcTime utc_now() const = 0;    // for stamping data
  virtual MonoTime mono_now() const = 0;  // for scheduling and timeouts
  // Whether the system clock is synchronized to a time source right now.
  virtual bool synchronized() const = 0;
};

// The real clocks. synchronized() asks the kernel (adjtimex(2) in read-only mode): true when
// the state is not TIME_ERROR and STA_UNSYNC is clear, i.e. chrony/ntpd/timesyncd have
// disciplined the clock.
class SystemClock final : public Clock {
 public:
  UtcTime utc_now() const override;
  MonoTime mono_now() const override;
  bool synchronized() const override;
};

// A clock that moves only when told to. For tests, and for replaying recorded data.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(UtcTime start = UtcTime{}, bool synced = true)
      : utc_ms_(start.time_since_epoch().count()), synced_(synced) {}

  UtcTime utc_now() const override { return UtcTime{std::chrono::milliseconds{utc_ms_.load()}}; }
  MonoTime mono_now() const override { return MonoTime{std::chrono::nanoseconds{mono_ns_.load()}}; }
  bool synchronized() const override { return synced_.load(); }

  // Both clocks move forward by d.
  void advance(std::chrono::milliseconds d) {
    utc_ms_ += d.count();
    mono_ns_ += std::chrono::nanoseconds(d).count();
  }
  // Only the wall clock moves (a clock step, as when NTP first synchronizes).
  void step_utc(std::chrono::milliseconds d) { utc_ms_ += d.count(); }
  void set_synchronized(bool s) { synced_ = s; }

 private:
  std::atomic<long long> utc_ms_;
  std::atomic<long long> mono_ns_{1'000'000'000};
  std::atomic<bool> synced_;
};

}  // namespace meterd
