#include "src/acquisition/bus_schedule.hpp"

#include "meterd/clock.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <vector>

namespace meterd::acquisition {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

ScheduleOptions no_jitter_options() {
  ScheduleOptions o;
  o.meter_backoff.jitter = 0.0;
  o.link_backoff.jitter = 0.0;
  return o;
}

// Drives a BusSchedule on a ManualClock: runs due tasks, each taking `duration(task)` and
// ending with `outcome(task)`, and sleeps to the next wake-up otherwise. Records every task.
struct Simulation {
  struct Run {
    Task task;
    MonoTime started;
    Outcome outcome;
  };

  ManualClock clock;
  BusSchedule schedule;
  std::function<milliseconds(const Task&)> duration = [](const Task&) { return 50ms; };
  std::function<Outcome(const Task&)> outcome = [](const Task&) { return Outcome::ok; };
  std::vector<Run> runs;
  std::vector<std::pair<MonoTime, Transition>> transitions;

  explicit Simulation(ScheduleOptions o = no_jitter_options())
      : schedule(
            o, [] { return 0.0; }, clock.mono_now()) {}

  MonoTime start() const { return MonoTime{1s}; }  // ManualClock's monotonic origin

  void run_until(MonoTime end) {
    while (clock.mono_now() < end) {
      const MonoTime now = clock.mono_now();
      auto task = schedule.next(now);
      if (!task) {
        const MonoTime wake = schedule.next_wakeup();
        ASSERT_GT(wake, now) << "next() returned nothing although a task is due";
        clock.advance(std::chrono::ceil<milliseconds>(std::min(wake, end) - now));
        continue;
      }
      clock.advance(duration(*task));
      const Outcome o = outcome(*task);
      runs.push_back({*task, now, o});
      const Transition t = schedule.completed(*task, o, clock.mono_now());
      if (t.went_offline || t.came_online || t.link_lost || t.link_reopened) {
        transitions.emplace_back(clock.mono_now(), t);
      }
    }
  }

  std::vector<Run> polls_of(std::size_t meter) const {
    std::vector<Run> out;
    for (const Run& r : runs) {
      if (r.task.kind == TaskKind::poll && r.task.meter == meter) out.push_back(r);
    }
    return out;
  }
  std::vector<Run> identifies_of(std::size_t meter) const {
    std::vector<Run> out;
    for (const Run& r : runs) {
      if (r.task.kind == TaskKind::identify && r.task.meter == meter) out.push_back(r);
    }
    return out;
  }
};

TEST(BusSchedule, OpensLinkThenIdentifiesEveryMeterBeforePolling) {
  Simulation sim;
  sim.schedule.add_meter({1000ms});
  sim.schedule.add_meter({1000ms});
  sim.run_until(sim.start() + 500ms);
  ASSERT_GE(sim.runs.size(), 5u);
  EXPECT_EQ(sim.runs[0].task.kind, TaskKind::open_link);
  EXPECT_EQ(sim.runs[1].task.kind, TaskKind::identify);
  EXPECT_EQ(sim.runs[2].task.kind, TaskKind::identify);
  EXPECT_EQ(sim.runs[3].task.kind, TaskKind::poll);
  EXPECT_EQ(sim.runs[4].task.kind, TaskKind::poll);
  EXPECT_EQ(sim.schedule.state(0), MeterState::online);
  ASSERT_EQ(sim.transitions.size(), 2u);  // two meters came online; the first open is no event
  EXPECT_TRUE(sim.transitions[0].second.came_online);
}

TEST(BusSchedule, DriftFreeOverTenThousandCycles) {
  Simulation sim;
  sim.schedule.add_meter({1000ms});
  sim.duration = [](const Task&) { return 137ms; };  // polls take time: due times must not creep
  sim.run_until(sim.start() + 10'000s + 500ms);
  const auto polls = sim.polls_of(0);
  ASSERT_EQ(polls.size(), 10'001u);
  for (std::size_t k = 0; k < polls.size(); ++k) {
    ASSERT_EQ(polls[k].task.due, sim.start() + k * 1000ms) << "cycle " << k;
  }
  // The first slot starts after open + identify; every later one exactly on its due time.
  EXPECT_EQ(polls[1].started, sim.start() + 1000ms);
  EXPECT_EQ(polls.back().started, sim.start() + 10'000s);
  EXPECT_EQ(sim.schedule.overruns(0), 0u);
}

TEST(BusSchedule, FourMetersShareTheBusFairly) {
  Simulation sim;
  for (int i = 0; i < 4; ++i) sim.schedule.add_meter({1000ms});
  sim.duration = [](const Task&) { return 60ms; };
  sim.run_until(sim.start() + 100s);
  for (std::size_t m = 0; m < 4; ++m) {
    const auto polls = sim.polls_of(m);
    EXPECT_EQ(polls.size(), 100u) << "meter " << m;
    // After the start-up (open + 4 identify), at most the other three meters go first.
    for (std::size_t k = 1; k < polls.size(); ++k) {
      EXPECT_LE(polls[k].started - polls[k].task.due, 3 * 60ms);
    }
    EXPECT_EQ(sim.schedule.overruns(m), 0u);
  }
}

TEST(BusSchedule, OverloadedBusSharesSlotsEquallyAndCountsOverruns) {
  Simulation sim;
  sim.schedule.add_meter({1000ms});
  sim.schedule.add_meter({1000ms});
  sim.duration = [](const Task& t) { return t.kind == TaskKind::poll ? 600ms : 1ms; };
  sim.run_until(sim.start() + 120s);
  const auto p0 = sim.polls_of(0).size();
  const auto p1 = sim.polls_of(1).size();
  EXPECT_LE(p0 > p1 ? p0 - p1 : p1 - p0, 1u);
  for (std::size_t m = 0; m < 2; ++m) {
    // Every slot whose interval has passed was either polled or counted as an overrun (the
    // accounting happens when the bus looks for work, so the current slot may be pending).
    const auto slots = static_cast<std::uint64_t>((sim.clock.mono_now() - sim.start()) /
                                                  1000ms);  // slots fully elapsed
    const auto polls = sim.polls_of(m).size();
    EXPECT_GT(sim.schedule.overruns(m), 0u);
    EXPECT_GE(polls + sim.schedule.overruns(m) + 1, slots) << "meter " << m;
    EXPECT_LE(polls + sim.schedule.overruns(m), slots + 1) << "meter " << m;
  }
}

TEST(BusSchedule, StalledPollIsSkippedNotQueued) {
  Simulation sim;
  sim.schedule.add_meter({1000ms});
  // Slot 2's poll stalls for 5.5 s; all others take 100 ms.
  sim.duration = [&](const Task& t) {
    if (t.kind == TaskKind::poll && t.due == sim.start() + 2s) return milliseconds{5500};
    return t.kind == TaskKind::poll ? 100ms : 10ms;
  };
  sim.run_until(sim.start() + 12s);
  const auto polls = sim.polls_of(0);
  // Slots 0, 1, 2 polled; the stall ends at 7.5 s, inside slot 7: slots 3..6 are overruns.
  ASSERT_GE(polls.size(), 4u);
  EXPECT_EQ(polls[2].task.due, sim.start() + 2s);
  EXPECT_EQ(polls[3].task.due, sim.start() + 7s);
  EXPECT_EQ(polls[3].started, sim.start() + 7500ms);  // late, inside its own slot
  EXPECT_EQ(sim.schedule.overruns(0), 4u);
  // No burst of catch-up polls: from then on exactly one poll per slot, on time.
  ASSERT_EQ(polls.size(), 8u);  // slots 0,1,2,7,8,9,10,11
  for (std::size_t k = 4; k < polls.size(); ++k) {
    EXPECT_EQ(polls[k].task.due, sim.start() + (k + 4) * 1000ms);
    EXPECT_EQ(polls[k].started, polls[k].task.due);
  }
}

TEST(BusSchedule, EachGroupKeepsItsOwnInterval) {
  Simulation sim;
  sim.schedule.add_meter({1000ms, 60'000ms});
  sim.run_until(sim.start() + 600s - 1ms);
  std::map<std::size_t, int> per_group;
  for (const auto& p : sim.polls_of(0)) ++per_group[p.task.group];
  EXPECT_EQ(per_group[0], 600);
  EXPECT_EQ(per_group[1], 10);
  EXPECT_EQ(sim.schedule.overruns(0), 0u);
}

TEST(BusSchedule, SilentMeterGoesOfflineBacksOffAndDoesNotDelayOthers) {
  Simulation sim;
  sim.schedule.add_meter({1000ms});
  sim.schedule.add_meter({1000ms});
  const MonoTime silence = sim.start() + 10s;
  // Meter 1 stops answering at 10 s: each attempt then costs its full 200 ms timeout.
  sim.duration = [&](const Task& t) {
    if (t.meter == 1 && t.kind != TaskKind::open_link && sim.clock.mono_now() >= silence) {
      return 200ms;
    }
    return 40ms;
  };
  sim.outcome = [&](const Task& t) {
    const bool silent =
        t.meter == 1 && t.kind != TaskKind::open_link && sim.clock.mono_now() >= silence + 200ms;
    return silent ? Outcome::timeout : Outcome::ok;
  };
  sim.run_until(sim.start() + 1000s);

  // Offline after exactly three timed-out polls (10, 11, 12 s).
  ASSERT_FALSE(sim.transitions.empty());
  const auto& [when, t] = sim.transitions.back();
  EXPECT_TRUE(t.went_offline);
  EXPECT_EQ(sim.schedule.state(1), MeterState::offline);
  const auto polls1 = sim.polls_of(1);
  ASSERT_EQ(polls1.size(), 13u);  // slots 0..12
  EXPECT_EQ(when, polls1.back().started + 200ms);

  // Probes (identify) back off: 1, 2, 4, ... s between attempts, capped at 5 min.
  auto probes = sim.identifies_of(1);
  probes.erase(probes.begin());  // the identify at start
  ASSERT_GE(probes.size(), 8u);
  std::vector<milliseconds> gaps;
  MonoTime previous_end = when;
  for (const auto& p : probes) {
    gaps.push_back(std::chrono::duration_cast<milliseconds>(p.started - previous_end));
    previous_end = p.started + 200ms;
  }
  // A probe may start up to one of meter 0's polls (40 ms) after its due time.
  const milliseconds expected[] = {1s, 2s, 4s, 8s, 16s, 32s, 64s, 128s, 256s, 300s};
  for (std::size_t i = 0; i < gaps.size() && i < std::size(expected); ++i) {
    EXPECT_GE(gaps[i], expected[i]) << "probe " << i;
    EXPECT_LE(gaps[i], expected[i] + 40ms) << "probe " << i;
  }

  // Meter 0 never missed a slot and was never late by more than one timeout of meter 1.
  const auto polls0 = sim.polls_of(0);
  EXPECT_EQ(polls0.size(), 1000u);
  EXPECT_EQ(sim.schedule.overruns(0), 0u);
  for (const auto& p : polls0) EXPECT_LE(p.started - p.task.due, 200ms);
}

TEST(BusSchedule, OfflineMeterComesBackOnItsGridWithoutOverruns) {
  Simulation sim;
  sim.schedule.add_meter({1000ms});
  bool answering = true;
  sim.outcome = [&](const Task&) { return answering ? Outcome::ok : Outcome::timeout; };
  sim.run_until(sim.start() + 5s);
  answering = false;
  sim.run_until(sim.start() + 30s);
  ASSERT_EQ(sim.schedule.state(0), MeterState::offline);
  answering = true;
  sim.run_until(sim.start() + 60s);
  EXPECT_EQ(sim.schedule.state(0), MeterState::online);
  EXPECT_EQ(sim.schedule.overruns(0), 0u);
  ASSERT_GE(sim.transitions.size(), 3u);  // online, offline, online
  EXPECT_TRUE(sim.transitions.back().second.came_online);
  const auto polls = sim.polls_of(0);
  for (const auto& p : polls) {
    EXPECT_EQ((p.task.due - sim.start()) % 1000ms, 0ms) << "left the grid";
  }
  EXPECT_EQ(polls.back().task.due, sim.start() + 59s);
}

TEST(BusSchedule, AnsweringWithErrorsIsNotOffline) {
  Simulation sim;
  sim.schedule.add_meter({1000ms});
  sim.outcome = [](const Task& t) {
    return t.kind == TaskKind::poll ? Outcome::failed : Outcome::ok;  // e.g. CRC errors
  };
  sim.run_until(sim.start() + 20s);
  EXPECT_EQ(sim.schedule.state(0), MeterState::online);
  EXPECT_EQ(sim.polls_of(0).size(), 20u);
}

TEST(BusSchedule, LinkErrorReopensWithBackoffThenIdentifiesAll) {
  Simulation sim;
  sim.schedule.add_meter({1000ms});
  sim.schedule.add_meter({1000ms});
  const MonoTime unplug = sim.start() + 5s;
  const MonoTime replug = sim.start() + 12s;
  sim.outcome = [&](const Task&) {
    const MonoTime now = sim.clock.mono_now();
    return now >= unplug && now < replug ? Outcome::link_error : Outcome::ok;
  };
  sim.run_until(sim.start() + 30s);
  std::vector<MonoTime> opens;
  std::size_t first_open_after_replug = 0;
  for (std::size_t i = 0; i < sim.runs.size(); ++i) {
    if (sim.runs[i].task.kind != TaskKind::open_link) continue;
    opens.push_back(sim.runs[i].started);
    if (sim.runs[i].outcome == Outcome::ok && sim.runs[i].started > unplug) {
      first_open_after_replug = i;
    }
  }
  // Open at start; the poll at 5 s fails at 5.05 s; each attempt takes 50 ms and the next one
  // follows 1, 2, 4 s after the failure: 6.05 (fails), 8.10 (fails), 12.15 s (succeeds).
  ASSERT_EQ(opens.size(), 4u);
  EXPECT_EQ(opens[0], sim.start());
  EXPECT_EQ(opens[1], sim.start() + 6050ms);
  EXPECT_EQ(opens[2], sim.start() + 8100ms);
  EXPECT_EQ(opens[3], sim.start() + 12150ms);
  EXPECT_GT(opens[3], replug);
  // After the reopen, both meters are identified before any poll.
  ASSERT_GT(sim.runs.size(), first_open_after_replug + 3);
  EXPECT_EQ(sim.runs[first_open_after_replug + 1].task.kind, TaskKind::identify);
  EXPECT_EQ(sim.runs[first_open_after_replug + 2].task.kind, TaskKind::identify);
  EXPECT_EQ(sim.runs[first_open_after_replug + 3].task.kind, TaskKind::poll);
  // One link_lost and one link_reopened transition; the meters never went offline.
  int lost = 0, reopened = 0;
  for (const auto& [when, t] : sim.transitions) {
    lost += t.link_lost;
    reopened += t.link_reopened;
    EXPECT_FALSE(t.went_offline);
  }
  EXPECT_EQ(lost, 1);
  EXPECT_EQ(reopened, 1);
  EXPECT_EQ(sim.schedule.state(0), MeterState::online);
  EXPECT_EQ(sim.schedule.overruns(0), 0u);
}

TEST(BusSchedule, LinkBackoffIsCappedAtOneMinute) {
  Simulation sim;
  sim.schedule.add_meter({1000ms});
  sim.outcome = [](const Task& t) {
    return t.kind == TaskKind::open_link ? Outcome::link_error : Outcome::ok;
  };
  sim.run_until(sim.start() + 3600s);
  std::vector<MonoTime> opens;
  for (const auto& r : sim.runs) opens.push_back(r.started);
  ASSERT_GE(opens.size(), 10u);
  EXPECT_EQ(opens.back() - opens[opens.size() - 2], 60050ms);
  ASSERT_EQ(sim.transitions.size(), 1u);  // link_lost once, not per attempt
  EXPECT_TRUE(sim.transitions[0].second.link_lost);
}

TEST(BusSchedule, NextWakeupIsTheEarliestDueTask) {
  Simulation sim;
  sim.schedule.add_meter({1000ms, 250ms});
  // open 0-50, identify 50-100, groups 0 and 1 (both due at 0) 100-200, group 1 at 250-300.
  sim.run_until(sim.start() + 300ms);
  EXPECT_EQ(sim.schedule.next_wakeup(), sim.start() + 500ms);
  EXPECT_FALSE(sim.schedule.next(sim.start() + 499ms));
  auto task = sim.schedule.next(sim.start() + 500ms);
  ASSERT_TRUE(task);
  EXPECT_EQ(task->group, 1u);
}

}  // namespace
}  // namespace meterd::acquisition
