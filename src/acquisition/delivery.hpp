// acquisition/delivery.hpp: the event-loop side of acquisition: stamps readings, hands them on.
//
// Bus workers sample the clock when a poll completes (ClockSample) and post the Reading with
// its sample to the loop. Delivery runs the core TimeStamper against a clock pinned to that
// sample, so the stamp is the poll-completion time (not when the loop got to it) while the
// TimeStamper still applies its policy (synchronized flag, hold-until-synchronized, re-dating
// from the monotonic clock). Values of one poll share its one timestamp.
// Thread contract: every member runs on the io_context's thread (worker posts land there).
#pragma once

#include "meterd/clock.hpp"
#include "meterd/event.hpp"
#include "meterd/reading_sink.hpp"
#include "meterd/time_stamper.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <optional>

namespace meterd::acquisition {

// The clock as a bus worker saw it when a transaction completed.
struct ClockSample {
  UtcTime utc{};
  MonoTime mono{};
  bool synchronized = false;

  static ClockSample take(const Clock& clock) {
    return {clock.utc_now(), clock.mono_now(), clock.synchronized()};
  }
};

// A Clock that reports a pinned sample while one is set and the base clock otherwise.
// Not thread-safe: the loop thread only.
class PinnedClock final : public Clock {
 public:
  explicit PinnedClock(const Clock& base) : base_(base) {}
  UtcTime utc_now() const override { return pinned_ ? pinned_->utc : base_.utc_now(); }
  MonoTime mono_now() const override { return pinned_ ? pinned_->mono : base_.mono_now(); }
  bool synchronized() const override {
    return pinned_ ? pinned_->synchronized : base_.synchronized();
  }
  void pin(const ClockSample& s) { pinned_ = s; }
  void unpin() { pinned_.reset(); }

 private:
  const Clock& base_;
  std::optional<ClockSample> pinned_;
};

class Delivery : public std::enable_shared_from_this<Delivery> {
 public:
  Delivery(boost::asio::io_context& io, const Clock& clock, UnsyncedPolicy policy,
           ReadingSink& readings, EventSink& events);

  // Stamps `r` as of `completed` and publishes it (or holds it, per the policy).
  void deliver(Reading r, const ClockSample& completed);
  void deliver(const Event& e) { events_.publish(e); }
  // Starts/stops the periodic TimeStamper::poll() that releases held readings (every second).
  void start_release_timer();
  void stop_release_timer();

 private:
  void arm();

  PinnedClock clock_;
  TimeStamper stamper_;
  ReadingSink& readings_;
  EventSink& events_;
  boost::asio::steady_timer timer_;
  bool timer_running_ = false;
};

}  // namespace meterd::acquisition
