#include "src/acquisition/bus_schedule.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace meterd::acquisition {

BusSchedule::BusSchedule(ScheduleOptions options, UniformRandom random, MonoTime start)
    : options_(options),
      random_(std::move(random)),
      link_due_(start),
      link_backoff_(options.link_backoff, random_) {
  if (options_.offline_after_timeouts == 0) options_.offline_after_timeouts = 1;
}

std::size_t BusSchedule::add_meter(const std::vector<std::chrono::milliseconds>& intervals) {
  Meter m{.groups = {},
          .state = MeterState::starting,
          .identified = false,
          .identify_due = link_due_,
          .consecutive_timeouts = 0,
          .backoff = Backoff(options_.meter_backoff, random_),
          .last_served = 0,
          .overruns = 0};
  for (auto interval : intervals) {
    if (interval.count() <= 0) throw std::invalid_argument("poll interval must be positive");
    m.groups.push_back({interval, link_due_});
  }
  meters_.push_back(std::move(m));
  return meters_.size() - 1;
}

void BusSchedule::skip_overruns(Meter& m, MonoTime now) {
  for (Group& g : m.groups) {
    if (now - g.due < g.interval) continue;
    // Slots due, due+i, ..., up to the one containing `now`: all but that last one are missed.
    const auto missed = (now - g.due) / g.interval;
    g.due += missed * g.interval;
    m.overruns += static_cast<std::uint64_t>(missed);
  }
}

void BusSchedule::align(Meter& m, MonoTime now) {
  for (Group& g : m.groups) {
    if (now - g.due < g.interval) continue;
    g.due += ((now - g.due) / g.interval) * g.interval;
  }
}

std::optional<Task> BusSchedule::next(MonoTime now) {
  if (!link_open_) {
    if (now < link_due_) return std::nullopt;
    return Task{.kind = TaskKind::open_link, .meter = 0, .group = 0, .due = link_due_};
  }
  // Identify tasks go first (a meter's identity is checked before its readings are taken);
  // then the earliest due time; then the meter served least recently.
  std::optional<Task> best;
  std::uint64_t best_served = 0;
  auto rank = [](const Task& t) { return t.kind == TaskKind::identify ? 0 : 1; };
  for (std::size_t i = 0; i < meters_.size(); ++i) {
    Meter& m = meters_[i];
    auto consider = [&](const Task& t) {
      if (t.due > now) return;
      const bool better =
          !best || rank(t) < rank(*best) ||
          (rank(t) == rank(*best) &&
           (t.due < best->due || (t.due == best->due && m.last_served < best_served)));
      if (better) {
        best = t;
        best_served = m.last_served;
      }
    };
    if (!m.identified || m.state != MeterState::online) {
      consider({.kind = TaskKind::identify, .meter = i, .group = 0, .due = m.identify_due});
      continue;
    }
    skip_overruns(m, now);
    for (std::size_t g = 0; g < m.groups.size(); ++g) {
      consider({.kind = TaskKind::poll, .meter = i, .group = g, .due = m.groups[g].due});
    }
  }
  return best;
}

MonoTime BusSchedule::next_wakeup() const {
  if (!link_open_) return link_due_;
  MonoTime earliest = MonoTime::max();
  for (const Meter& m : meters_) {
    if (!m.identified || m.state != MeterState::online) {
      earliest = std::min(earliest, m.identify_due);
      continue;
    }
    for (const Group& g : m.groups) earliest = std::min(earliest, g.due);
  }
  return earliest;
}

Transition BusSchedule::completed(const Task& task, Outcome outcome, MonoTime now) {
  Transition t;
  if (task.kind == TaskKind::open_link) {
    if (outcome == Outcome::ok) {
      link_open_ = true;
      link_backoff_.reset();
      t.link_reopened = link_down_reported_;
      link_down_reported_ = false;
      for (Meter& m : meters_) {
        m.identified = false;
        // An offline meter keeps its probe time unless that is later than now: probe it soon.
        if (m.state != MeterState::offline || m.identify_due > now) m.identify_due = now;
      }
    } else {
      link_due_ = now + link_backoff_.next();
      t.link_lost = !link_down_reported_;
      link_down_reported_ = true;
    }
    return t;
  }
  Meter& m = meters_.at(task.meter);
  m.last_served = ++sequence_;
  if (outcome == Outcome::link_error) {
    link_open_ = false;
    link_due_ = now + link_backoff_.next();
    t.link_lost = !link_down_reported_;
    link_down_reported_ = true;
    // The poll's slot was used; the meter is not to blame.
    if (task.kind == TaskKind::poll) m.groups.at(task.group).due += m.groups[task.group].interval;
    return t;
  }
  if (task.kind == TaskKind::identify) {
    identify_done(m, outcome, now, t);
  } else {
    poll_done(m, task.group, outcome, now, t);
  }
  return t;
}

void BusSchedule::identify_done(Meter& m, Outcome outcome, MonoTime now, Transition& t) {
  if (outcome == Outcome::ok) {
    m.identified = true;
    m.consecutive_timeouts = 0;
    m.backoff.reset();
    if (m.state != MeterState::online) {
      m.state = MeterState::online;
      t.came_online = true;
    }
    align(m, now);
    return;
  }
  // Every failed identify() backs off, so a meter answering garbage is not hammered either.
  m.identify_due = now + m.backoff.next();
  if (outcome == Outcome::timeout) {
    ++m.consecutive_timeouts;
    if (m.state != MeterState::offline &&
        m.consecutive_timeouts >= options_.offline_after_timeouts) {
      m.state = MeterState::offline;
      t.went_offline = true;
    }
  }
}

void BusSchedule::poll_done(Meter& m, std::size_t group, Outcome outcome, MonoTime now,
                            Transition& t) {
  Group& g = m.groups.at(group);
  g.due += g.interval;
  if (outcome != Outcome::timeout) {
    m.consecutive_timeouts = 0;  // it answered, rightly or wrongly
    return;
  }
  if (++m.consecutive_timeouts >= options_.offline_after_timeouts) go_offline(m, now, t);
}

void BusSchedule::go_offline(Meter& m, MonoTime now, Transition& t) {
  m.state = MeterState::offline;
  m.identified = false;
  m.backoff.reset();
  m.identify_due = now + m.backoff.next();
  t.went_offline = true;
}

}  // namespace meterd::acquisition
