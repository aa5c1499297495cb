#include "src/api/usage_steps.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

namespace meterd::api {
namespace {

using std::chrono::milliseconds;
constexpr double kRoundingS = 1e-3;  // below the store's millisecond time resolution

// A reading's value when it may be used as a measurement (finite, usable quality).
std::optional<double> usable(const Reading& r, const ObisCode& obis) {
  const Value* v = r.find(obis);
  if (v == nullptr || !is_usable(v->quality) || !std::isfinite(v->value)) return std::nullopt;
  return v->value;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool follows_wall_clock(const UsageGrid& grid) {
  constexpr milliseconds hour = std::chrono::hours{1};
  return grid.offset_at && grid.step % hour == milliseconds::zero() && grid.step > hour;
}

// The wall-clock step holding `t`: its local time (UTC + the offset in force) over the step.
std::int64_t wall_step(UtcTime t, const UsageGrid& grid) {
  return floor_div((t.time_since_epoch() + grid.offset_at(t)).count(), grid.step.count());
}

// The instant the wall clock enters step k: local time k x step read with each offset in force
// within 3 h of `near`'s reading (a change is at most 2 h), the earliest reading at which the
// step begins. When the clock goes back, local times are read twice: the first one counts; when
// it skips the boundary (a change at local midnight), the change itself is where the step
// begins.
UtcTime wall_boundary(std::int64_t k, milliseconds near, const UsageGrid& grid) {
  const milliseconds local{k * grid.step.count()};
  const UtcTime a{local - near};
  std::optional<UtcTime> first;
  for (const UtcTime at : {a - std::chrono::hours{3}, a, a + std::chrono::hours{3}}) {
    const UtcTime c{local - grid.offset_at(at)};
    const bool begins = wall_step(c, grid) >= k && wall_step(c - milliseconds{1}, grid) < k;
    if (begins && (!first || c < *first)) first = c;
  }
  return first.value_or(a);  // rules that change by more than 3 h
}

// One grid step being filled.
struct Accumulator {
  UsageStep step;
  std::array<double, kUsageCount> conf_weighted{};  // sum of confidence x energy
  std::array<double, kUsageCount> conf_energy{};    // sum of energy of readings with confidence
  std::array<double, kUsageCount> conf_plain{};     // sum of confidence x weight
  std::array<double, kUsageCount> conf_count{};     // sum of weight

  // `weight`: the share of its engine step `s` is (a step cut by the range or split over grid
  // steps votes once in all for the plain mean).
  void add(const UsageStep& s, double weight = 1.0) {
    step.covered_s += s.covered_s;
    step.engine_steps += s.engine_steps;
    step.total_wh += s.total_wh;
    for (std::size_t i = 0; i < kUsageCount; ++i) {
      step.energy_wh[i] += s.energy_wh[i];
      if (!s.confidence[i]) continue;
      const double e = std::max(0.0, s.energy_wh[i]);
      conf_weighted[i] += *s.confidence[i] * e;
      conf_energy[i] += e;
      conf_plain[i] += *s.confidence[i] * weight;
      conf_count[i] += weight;
    }
  }

  UsageStep result() const {
    UsageStep out = step;
    for (std::size_t i = 0; i < kUsageCount; ++i) {
      if (!(conf_count[i] > 0.0)) continue;
      out.confidence[i] =
          conf_energy[i] > 0.0 ? conf_weighted[i] / conf_energy[i] : conf_plain[i] / conf_count[i];
    }
    return out;
  }
};

// One reading as an engine step, or nullopt when its total or a category energy is unusable. Its
// length is the one it carries (kStepLengthObis), else `engine_step_len` (readings stored before
// it was kept).
std::optional<UsageStep> engine_step(const Reading& r, milliseconds engine_step_len) {
  const auto total = usable(r, kTotalEnergyObis);
  if (!total) return std::nullopt;
  // At most an hour: nilm.step's bound, and how far before `from` the endpoint reads.
  if (const auto own = usable(r, kStepLengthObis); own && *own >= 1.0 && *own <= 3'600.0) {
    engine_step_len = milliseconds{static_cast<std::int64_t>(std::llround(*own * 1000.0))};
  }
  UsageStep s;
  s.start = engine_step_start(r, engine_step_len);
  s.end = s.start + engine_step_len;
  s.engine_steps = 1;
  s.total_wh = *total;
  // The engine's average power is the energy over the covered seconds (src/nilm/engine.hpp), so
  // their ratio is the covered time (a site exporting has both negative); a step without energy
  // is taken as covered whole.
  const double full_s = static_cast<double>(engine_step_len.count()) / 1000.0;
  const auto power = usable(r, kTotalPowerObis);
  s.covered_s = full_s;
  if (power && *power != 0.0 && *total != 0.0 && (*power > 0.0) == (*total > 0.0)) {
    s.covered_s = std::clamp(*total * 3600.0 / *power, 0.0, full_s);
    if (full_s - s.covered_s < kRoundingS) s.covered_s = full_s;  // the ratio's rounding
  }
  for (const Usage u : kAllUsages) {
    const auto e = usable(r, usage_energy_obis(u));
    if (!e) return std::nullopt;
    s.energy_wh[index_of(u)] = *e;
    if (const auto c = usable(r, usage_confidence_obis(u))) {
      s.confidence[index_of(u)] = std::clamp(*c, 0.0, 1.0);
    }
  }
  return s;
}

}  // namespace

UtcTime engine_step_start(const Reading& r, milliseconds /*engine_step*/) {
  // The daemon stamps a step's reading with the step's start (src/app/nilm_service.cpp), as the
  // store stamps its aggregated points (SeriesSample::time).
  return r.time;
}

UtcTime grid_start(UtcTime t, const UsageGrid& grid) {
  if (follows_wall_clock(grid)) return wall_boundary(wall_step(t, grid), grid.offset_at(t), grid);
  const std::int64_t local = (t.time_since_epoch() + grid.utc_offset).count();
  const std::int64_t k = floor_div(local, grid.step.count());
  return UtcTime{milliseconds{k * grid.step.count()} - grid.utc_offset};
}

UtcTime grid_end(UtcTime start, const UsageGrid& grid) {
  if (!follows_wall_clock(grid)) return start + grid.step;
  return wall_boundary(wall_step(start, grid) + 1, grid.offset_at(start), grid);
}

UtcTime local_midnight(UtcTime t, milliseconds utc_offset) {
  constexpr milliseconds day = std::chrono::days{1};
  return grid_start(t, UsageGrid{day, day, utc_offset, {}});
}

UtcTime local_midnight(UtcTime t, const std::function<milliseconds(UtcTime)>& offset_at) {
  constexpr milliseconds day = std::chrono::days{1};
  return grid_start(t, UsageGrid{day, day, offset_at(t), offset_at});
}

namespace {

// `s` scaled by `f` (0..1): the part of an engine step inside a window, its power taken as even
// over the step.
UsageStep part_of(const UsageStep& s, double f) {
  UsageStep out = s;
  out.covered_s *= f;
  out.total_wh *= f;
  for (double& e : out.energy_wh) e *= f;
  return out;
}

// Calls `each` with the engine steps of `sorted` (by start) whose readings may stand: the
// readings of one start are the parts of a step published twice (a restart or reload closes the
// step early and the next engine publishes the rest under the same start) and all count when
// their covered times fit in the step; otherwise, or when one repeats another's values, they are
// copies and the later one stands. One group in memory at a time.
template <typename Each>
void for_each_engine_step(const std::vector<const Reading*>& sorted, milliseconds engine_step_len,
                          UtcTime from, std::size_t& skipped, Each&& each) {
  std::vector<UsageStep> parts;
  for (std::size_t n = 0; n < sorted.size();) {
    std::size_t end = n + 1;
    while (end < sorted.size() && sorted[end]->time == sorted[n]->time) ++end;
    parts.clear();
    double covered = 0.0;
    bool copies = false;
    for (std::size_t k = n; k < end; ++k) {
      for (std::size_t j = n; j < k && !copies; ++j) copies = sorted[j]->values == sorted[k]->values;
      if (auto s = engine_step(*sorted[k], engine_step_len)) {
        covered += s->covered_s;
        parts.push_back(*s);
      } else if (sorted[k]->time >= from) {  // one read for the step cut by `from` is not
        ++skipped;                             // counted against the range
      }
    }
    n = end;
    if (parts.empty()) continue;
    const double len_s =
        static_cast<double>((parts.back().end - parts.back().start).count()) / 1000.0;
    if (copies || covered > len_s + kRoundingS) parts.erase(parts.begin(), parts.end() - 1);
    for (const UsageStep& part : parts) each(part);
  }
}

}  // namespace

UsageTable usage_table(const std::vector<Reading>& readings, const UsageGrid& grid, UtcTime from,
                       UtcTime to) {
  std::vector<const Reading*> sorted;
  sorted.reserve(readings.size());
  for (const auto& r : readings) sorted.push_back(&r);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Reading* a, const Reading* b) { return a->time < b->time; });

  UsageTable table;
  Accumulator totals;
  std::map<UtcTime, Accumulator> buckets;  // by grid step start
  // The grid step last used: engine steps come in time order, so the grid (a time zone's rules
  // for wall-clock steps) is asked once per grid step, not once per engine step.
  UtcTime bucket_start{}, bucket_end{};
  Accumulator* bucket = nullptr;
  for_each_engine_step(sorted, grid.engine_step, from, table.skipped, [&](const UsageStep& s) {
    // Each part of the engine step inside [from, to) and inside one grid step, in proportion
    // to its length: a range that cuts the step, or a step longer than the grid's (history
    // from before nilm.step changed).
    const double len_ms = static_cast<double>((s.end - s.start).count());
    bool counted = false;
    for (UtcTime t = std::max(s.start, from); t < std::min(s.end, to);) {
      if (bucket == nullptr || t < bucket_start || t >= bucket_end) {
        bucket_start = grid_start(t, grid);
        bucket_end = grid_end(bucket_start, grid);
        if (bucket_end <= t) {  // rules that make no progress: never loop forever
          bucket = nullptr;
          break;
        }
        auto [it, fresh] = buckets.try_emplace(bucket_start);
        if (fresh) {
          it->second.step.start = std::max(bucket_start, from);
          it->second.step.end = std::min(bucket_end, to);
        }
        bucket = &it->second;
      }
      const UtcTime seg_end = std::min({s.end, to, bucket_end});
      if (t == s.start && seg_end == s.end) {  // the whole step in one grid step: no copy
        bucket->add(s);
        totals.add(s);
        break;
      }
      const double f = static_cast<double>((seg_end - t).count()) / len_ms;
      UsageStep part = part_of(s, f);
      part.engine_steps = counted ? 0 : 1;
      counted = true;
      bucket->add(part, f);
      totals.add(part, f);
      t = seg_end;
    }
  });
  for (const auto& [start, acc] : buckets) table.steps.push_back(acc.result());
  table.totals = totals.result();
  table.totals.start = from;
  table.totals.end = to;
  return table;
}

}  // namespace meterd::api
