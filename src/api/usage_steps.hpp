// api/usage_steps.hpp: the NILM virtual meter's readings regrouped into steps of a chosen length.
//
// The daemon stores one reading of the virtual meter per engine step (include/meterd/usage.hpp:
// total and per category average power 1-b:1.5.0, energy 1-b:1.29.0, confidence 1-b:128.0.0).
// This unit turns those readings into steps of `step` (a multiple of the engine's step) aligned
// on local time (UTC + offset: a 1 d step is a local day), plus the totals over the range. It
// never invents data: a step with no usable reading is absent, a partly covered one says so
// (covered_s), and a reading whose total or any category energy is missing or not usable is
// skipped whole (counted), so the categories always add up to the total (closure). Pure
// functions of values; thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "meterd/reading.hpp"
#include "meterd/time.hpp"
#include "meterd/usage.hpp"

namespace meterd::api {

struct UsageStep {
  UtcTime start{};
  UtcTime end{};
  double covered_s = 0.0;                       // seconds of [start, end) the readings cover
  std::size_t engine_steps = 0;                 // readings of the virtual meter it is made of
  double total_wh = 0.0;                        // measured energy over the covered part
  std::array<double, kUsageCount> energy_wh{};  // sums to total_wh up to rounding
  // Energy-weighted mean of the readings' confidences (plain mean when the category has no
  // energy); nullopt when no reading carried one.
  std::array<std::optional<double>, kUsageCount> confidence{};
};

struct UsageGrid {
  std::chrono::milliseconds engine_step{600'000};  // what one reading covers
  std::chrono::milliseconds step{600'000};         // a multiple of engine_step
  std::chrono::milliseconds utc_offset{0};         // steps are aligned on UTC + offset
  // A time zone's rules (the offset in force at an instant), or empty for utc_offset alone.
  // Steps of several whole hours then follow the wall clock: a 1 d step is the local day, 23,
  // 24 or 25 h long across a daylight-saving change, from its real midnight. Steps of up to an
  // hour keep the utc_offset grid: a change of an hour moves none of their boundaries, and the
  // hour the clock repeats stays two steps.
  std::function<std::chrono::milliseconds(UtcTime)> offset_at;
};

struct UsageTable {
  std::vector<UsageStep> steps;  // in time order, only those with data
  UsageStep totals;              // over [from, to)
  std::size_t skipped = 0;       // readings without a usable total or category energy
};

// The time a reading of the virtual meter is stamped with: the start of its engine step.
UtcTime engine_step_start(const Reading& r, std::chrono::milliseconds engine_step);

// The start of the grid step holding `t`: a multiple of grid.step after the local epoch.
UtcTime grid_start(UtcTime t, const UsageGrid& grid);
// The end of the grid step that starts at `start` (the next one's start).
UtcTime grid_end(UtcTime start, const UsageGrid& grid);

// The local midnight (UTC + offset) at or before `t`, as UTC; with a time zone's rules, the
// real midnight of the local day holding `t`.
UtcTime local_midnight(UtcTime t, std::chrono::milliseconds utc_offset);
UtcTime local_midnight(UtcTime t,
                       const std::function<std::chrono::milliseconds(UtcTime)>& offset_at);

// Readings of the virtual meter (any order) whose engine step overlaps [from, to), as steps of
// grid.step. An engine step is counted in proportion to its part inside [from, to) and inside
// each grid step (its power taken as even over it: a range that cuts it, history made with a
// longer step); the first and last step may be cut by from/to: their start/end are then
// clipped. Readings of one start whose covered times fit in the step are its parts (a restart
// published it in two) and add up; otherwise the later one stands (a copy).
UsageTable usage_table(const std::vector<Reading>& readings, const UsageGrid& grid, UtcTime from,
                       UtcTime to);

}  // namespace meterd::api
