// api/usages_endpoint.cpp: GET /api/v1/usages: the building's consumption split by usage (NILM).
//
// Reads the readings of the NILM virtual meter (ApiOptions::usages.meter_id) over the range and
// answers, per step, the measured total and each category's energy (Wh), average power (W) and
// confidence, plus the totals over the range (energy, share of the total, confidence per
// category); see usage_steps.hpp for what is absent, clipped or skipped. Parameters: from/to
// (default: today's local midnight to now; same rules and errors as /series), step (default the
// engine's step, or the first of 1min, 5min, ... 1d that is a multiple of it and keeps the range
// within the cap of points; a multiple of it that divides a day, or whole days). The categories listed are
// the usages the site has (nilm.usages; an absent one is estimated at exactly 0 Wh, its energy is
// in `other`) plus any absent one with energy in the range (an earlier configuration), so the
// listed categories always add up to the total. 404 nilm_disabled when the
// daemon runs no NILM. Identical requests within a second share one store read (SeriesCache).
// Runs off the event loop (store reads).
#include <nlohmann/json.hpp>

#include "src/api/api.hpp"
#include "src/api/json_views.hpp"
#include "src/api/params.hpp"
#include "src/api/usage_steps.hpp"

namespace meterd::api {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
constexpr milliseconds kDay{86'400'000};

double seconds(milliseconds d) { return static_cast<double>(d.count()) / 1000.0; }

// Average power over the covered part, W; null when nothing is covered.
json power_w(double energy_wh, double covered_s) {
  if (covered_s <= 0.0) return nullptr;
  return number_or_null(energy_wh * 3600.0 / covered_s);
}

json confidence_json(const std::optional<double>& c) {
  return c ? number_or_null(*c) : json(nullptr);
}

// The usages to list: present ones, and absent ones that hold energy somewhere in the range.
UsageSet listed_usages(const UsageSet& present, const UsageTable& table) {
  UsageSet listed = present;
  for (const auto& s : table.steps) {
    for (std::size_t i = 0; i < kUsageCount; ++i) listed[i] = listed[i] || s.energy_wh[i] != 0.0;
  }
  return listed;
}

json step_json(const UsageStep& s, const UsageSet& listed) {
  json usages = json::object();
  for (const Usage u : kAllUsages) {
    const auto i = index_of(u);
    if (!listed[i]) continue;
    usages[std::string{to_string(u)}] = {{"energy_wh", number_or_null(s.energy_wh[i])},
                                         {"power_w", power_w(s.energy_wh[i], s.covered_s)},
                                         {"confidence", confidence_json(s.confidence[i])}};
  }
  const double span_s = static_cast<double>((s.end - s.start).count()) / 1000.0;
  return json{
      {"start", format_utc(s.start)},
      {"end", format_utc(s.end)},
      {"covered_s", s.covered_s},
      {"complete", s.covered_s >= span_s - 1e-3},  // the proration's rounding
      {"total",
       {{"energy_wh", number_or_null(s.total_wh)}, {"power_w", power_w(s.total_wh, s.covered_s)}}},
      {"usages", std::move(usages)}};
}

json totals_json(const UsageStep& t, std::size_t skipped, const UsageSet& listed) {
  json usages = json::object();
  for (const Usage u : kAllUsages) {
    const auto i = index_of(u);
    if (!listed[i]) continue;
    usages[std::string{to_string(u)}] = {
        {"energy_wh", number_or_null(t.energy_wh[i])},
        {"share", t.total_wh > 0.0 ? number_or_null(t.energy_wh[i] / t.total_wh) : json(nullptr)},
        {"confidence", confidence_json(t.confidence[i])}};
  }
  return json{{"energy_wh", number_or_null(t.total_wh)},
              {"covered_s", t.covered_s},
              {"engine_steps", t.engine_steps},
              {"skipped_steps", skipped},
              {"usages", std::move(usages)}};
}

}  // namespace

HttpResponse Api::usages(const HttpRequest& r) const {
  const UsageOptions& nilm = options_.usages;
  if (nilm.meter_id.empty()) {
    return error_response(404, "nilm_disabled",
                          "NILM is not enabled in this daemon (nilm.enabled in the configuration)");
  }
  if (nilm.step.count() <= 0) {
    return error_response(500, "internal_error", "the NILM step is not positive");
  }
  // Default range: today's local midnight (of the day `to` falls in) to now.
  const UtcTime now = clock_.utc_now();
  UtcTime to_guess = now + milliseconds{1};
  if (auto t = r.query.find("to"); t != r.query.end()) {
    if (auto parsed = parse_utc(t->second)) to_guess = *parsed;
  }
  // Local time: the box's time zone (`local`: steps of whole hours follow its wall clock, a day
  // across a daylight-saving change is 23 or 25 h from its real midnight; the reply's offset is
  // the one at the end of the range), else the configured offset.
  const UtcTime last = to_guess - milliseconds{1};
  const auto utc_offset = nilm.local_offset ? nilm.local_offset(last) : nilm.utc_offset;
  std::function<milliseconds(UtcTime)> offset_at;
  if (nilm.local_offset) {
    offset_at = [&nilm](UtcTime t) { return milliseconds{nilm.local_offset(t)}; };
  }
  // Today's local midnight (Paris 2026-03-29, the spring change, began at 23:00Z, not 22:00Z).
  const UtcTime midnight =
      offset_at ? local_midnight(last, offset_at) : local_midnight(last, utc_offset);
  const auto today = to_guess - midnight;
  const auto range = parse_range(r.query, now, today, options_.max_export_range);
  if (!range) {
    return error_response(
        400, range.error().is(Errc::out_of_range) ? "range_too_large" : "bad_time_range",
        range.error().detail);
  }
  UsageGrid grid{nilm.step, nilm.step, utc_offset, offset_at};
  if (auto s = r.query.find("step"); s != r.query.end()) {
    auto step = parse_duration(s->second);
    if (!step) return error_response(400, "bad_step", "step: " + step.error().detail);
    const bool whole = step->count() % nilm.step.count() == 0;
    const bool fits_day = kDay.count() % step->count() == 0 || step->count() % kDay.count() == 0;
    if (!whole || !fits_day) {
      return error_response(400, "bad_step",
                            "step: a multiple of the NILM step (" +
                                std::to_string(nilm.step.count() / 1000) +
                                " s) that divides a day or is whole days, such as 10min, 1h or 1d");
    }
    grid.step = *step;
  }
  const auto span = (range->to - range->from).count();
  const auto count_of = [span](milliseconds step) {
    return static_cast<std::size_t>((span + step.count() - 1) / step.count());
  };
  if (r.query.find("step") == r.query.end()) {
    // The default, the engine's step, may be too fine for the range (nilm.step: 1s holds 86,400
    // steps a day): the first of the usual steps that is a multiple of it and fits the cap.
    using namespace std::chrono_literals;
    for (const milliseconds candidate : {milliseconds{1min}, milliseconds{5min}, milliseconds{10min},
                                         milliseconds{15min}, milliseconds{30min}, milliseconds{1h},
                                         milliseconds{3h}, milliseconds{6h}, kDay}) {
      if (count_of(grid.step) <= options_.max_series_points) break;
      if (candidate > grid.step && candidate.count() % nilm.step.count() == 0) grid.step = candidate;
    }
  }
  const auto steps = count_of(grid.step);
  if (steps > options_.max_series_points) {
    return error_response(400, "range_too_large",
                          std::to_string(steps) + " steps exceed the cap of " +
                              std::to_string(options_.max_series_points) +
                              " points: use a larger step or a shorter range");
  }
  // The end of the local day holding `from`: the page's axis (23 or 25 h across a change).
  const UsageGrid days{nilm.step, kDay, utc_offset, offset_at};
  const UtcTime day_end = grid_end(grid_start(range->from, days), days);
  const std::string key = "usages|" + nilm.meter_id + '|' + format_utc(range->from) + '|' +
                          format_utc(range->to) + '|' + std::to_string(grid.step.count()) +
                          '|' + std::to_string(utc_offset.count());
  return series_cache_.get_or_compute(key, [&]() -> HttpResponse {
    // Readings are stamped with their engine step's start (usage_steps.hpp): those in the range.
    // From an hour (the longest nilm.step) earlier: a step that began before `from` counts
    // with its part inside the range.
    auto readings =
        sources_.series->readings(nilm.meter_id, range->from - std::chrono::hours{1}, range->to);
    UsageTable table;
    if (readings) {
      table = usage_table(*readings, grid, range->from, range->to);
    } else if (!readings.error().is(Errc::not_found)) {  // not_found: nothing stored yet
      return error_response(503, "series_unavailable", readings.error().message());
    }
    const UsageSet listed = listed_usages(nilm.present, table);
    json categories = json::array();
    for (const Usage u : kAllUsages) {
      if (listed[index_of(u)]) categories.push_back(to_string(u));
    }
    json list = json::array();
    for (const auto& s : table.steps) list.push_back(step_json(s, listed));
    return json_response(200, json{{"meter", nilm.meter_id},
                                   {"from", format_utc(range->from)},
                                   {"to", format_utc(range->to)},
                                   {"day_end", format_utc(day_end)},
                                   {"step_s", seconds(grid.step)},
                                   {"engine_step_s", seconds(nilm.step)},
                                   {"utc_offset_s", seconds(utc_offset)},
                                   {"categories", std::move(categories)},
                                   {"steps", std::move(list)},
                                   {"totals", totals_json(table.totals, table.skipped, listed)}});
  });
}

}  // namespace meterd::api
