// acquisition/bus_schedule.hpp: which transaction a bus runs next. Pure: no I/O, no clock.
//
// One bus runs one transaction at a time. Each (meter, poll group) has its own interval and its
// slots lie on a fixed grid: due(k) = start + k * interval on the monotonic clock (no drift: the
// next due time is the previous due time plus the interval, never "now + interval").
//   - Fairness: among due tasks the earliest due time runs first; equal due times go to the
//     meter served least recently (round robin), then the lower group index. A due identify()
//     goes before any poll (identity is checked before readings are attributed to a meter).
//   - Overrun: a slot whose whole interval passed before it could start is skipped and counted
//     as one overrun of its meter; it is never queued, so a stall causes no burst of catch-up
//     polls. Invariant per group: slots elapsed = polls started + overruns (while online).
//   - Offline: a meter with `offline_after_timeouts` consecutive timeouts goes offline; its
//     groups stop and only an identify() probe runs, retried with exponential backoff, so it
//     costs the bus one timeout per probe. A successful identify() brings it online; its groups
//     rejoin their grid at the current slot (slots missed while offline are not overruns).
//   - Link: an I/O error closes the link; opening it is retried with backoff and, once open,
//     every meter is identified again before it is polled.
// Every meter starts unidentified: identify() runs first. Not thread-safe: one bus worker.
#pragma once

#include "src/acquisition/backoff.hpp"

#include "meterd/time.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace meterd::acquisition {

struct ScheduleOptions {
  unsigned offline_after_timeouts = 3;
  BackoffPolicy meter_backoff{std::chrono::seconds{1}, std::chrono::minutes{5}, 0.2};
  BackoffPolicy link_backoff{std::chrono::seconds{1}, std::chrono::seconds{60}, 0.2};
};

enum class TaskKind { open_link, identify, poll };

struct Task {
  TaskKind kind = TaskKind::poll;
  std::size_t meter = 0;  // for identify and poll
  std::size_t group = 0;  // for poll
  MonoTime due{};         // the slot (poll), or when the attempt became due
};

enum class Outcome {
  ok,
  timeout,     // the meter did not answer (counts towards offline)
  failed,      // the meter answered, but wrongly (CRC, exception reply, protocol error)
  link_error,  // the link itself failed (I/O error): close it and reopen with backoff
};

enum class MeterState { starting, online, offline };

// What a completion changed, so the worker can emit events.
struct Transition {
  bool went_offline = false;
  bool came_online = false;
  bool link_lost = false;
  bool link_reopened = false;
};

class BusSchedule {
 public:
  // Starts with the link closed and due to be opened at `start`.
  BusSchedule(ScheduleOptions options, UniformRandom random, MonoTime start);

  // Adds a meter whose groups have these intervals (> 0); returns its index. Before next().
  std::size_t add_meter(const std::vector<std::chrono::milliseconds>& intervals);

  // The task to run at `now`, or nothing if none is due. Skips (and counts) overrun slots.
  std::optional<Task> next(MonoTime now);
  // When the earliest task becomes due (may be <= now). MonoTime::max() with no meters.
  MonoTime next_wakeup() const;
  // Records how `task` (from next()) went; `now` is its completion time.
  Transition completed(const Task& task, Outcome outcome, MonoTime now);

  bool link_open() const noexcept { return link_open_; }
  MeterState state(std::size_t meter) const { return meters_.at(meter).state; }
  std::uint64_t overruns(std::size_t meter) const { return meters_.at(meter).overruns; }
  // When group `group` of `meter` is next due (the grid slot).
  MonoTime due(std::size_t meter, std::size_t group) const {
    return meters_.at(meter).groups.at(group).due;
  }
  std::size_t meter_count() const noexcept { return meters_.size(); }

 private:
  struct Group {
    std::chrono::nanoseconds interval;
    MonoTime due;
  };
  struct Meter {
    std::vector<Group> groups;
    MeterState state = MeterState::starting;
    bool identified = false;
    MonoTime identify_due;
    unsigned consecutive_timeouts = 0;
    Backoff backoff;
    std::uint64_t last_served = 0;  // sequence number of its last task; 0 = never
    std::uint64_t overruns = 0;
  };

  void skip_overruns(Meter& m, MonoTime now);
  void align(Meter& m, MonoTime now);
  void identify_done(Meter& m, Outcome outcome, MonoTime now, Transition& t);
  void poll_done(Meter& m, std::size_t group, Outcome outcome, MonoTime now, Transition& t);
  void go_offline(Meter& m, MonoTime now, Transition& t);

  ScheduleOptions options_;
  UniformRandom random_;
  std::vector<Meter> meters_;
  bool link_open_ = false;
  bool link_down_reported_ = false;  // link_lost emitted, link_reopened not yet
  MonoTime link_due_;
  Backoff link_backoff_;
  std::uint64_t sequence_ = 0;
};

}  // namespace meterd::acquisition
