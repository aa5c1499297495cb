// api/series_endpoint.cpp: GET /api/v1/meters/{id}/series: one quantity over a time range.
//
// Parameters: obis (required), from/to (default: the last hour), step (a duration; then
// aggregate defaults to avg), aggregate (raw|avg|min|max|last). The number of points is capped
// (ApiOptions::max_series_points): an aggregated request past the cap is refused before any
// read, a raw one when the stored points exceed it. Identical requests within a second share one
// store read (series_cache.hpp). Runs off the event loop (store reads).
#include <nlohmann/json.hpp>

#include "src/api/api.hpp"
#include "src/api/json_views.hpp"
#include "src/api/params.hpp"

namespace meterd::api {

HttpResponse Api::series(const MeterEntry& m, const HttpRequest& r) const {
  using nlohmann::json;
  const auto obis_text = r.query.find("obis");
  if (obis_text == r.query.end()) {
    return error_response(400, "missing_parameter", "obis is required, e.g. obis=1-1:1.7.0");
  }
  const auto obis = ObisCode::parse(obis_text->second);
  if (!obis) return error_response(400, "bad_obis", obis.error().detail);
  const auto range =
      parse_range(r.query, clock_.utc_now(), std::chrono::hours(1), options_.max_export_range);
  if (!range) {
    return error_response(
        400, range.error().is(Errc::out_of_range) ? "range_too_large" : "bad_time_range",
        range.error().detail);
  }
  SeriesQuery q{m.status.meter_id,   *obis, range->from, range->to, std::chrono::milliseconds{0},
                SeriesAggregate::raw};
  if (auto s = r.query.find("step"); s != r.query.end()) {
    auto step = parse_duration(s->second);
    if (!step) return error_response(400, "bad_step", "step: " + step.error().detail);
    q.step = *step;
    q.aggregate = SeriesAggregate::avg;
  }
  if (auto a = r.query.find("aggregate"); a != r.query.end()) {
    auto agg = parse_aggregate(a->second);
    if (!agg) return error_response(400, "bad_aggregate", agg.error().detail);
    q.aggregate = *agg;
  }
  if (q.aggregate != SeriesAggregate::raw && q.step.count() == 0) {
    return error_response(400, "missing_parameter", "an aggregate needs a step, e.g. step=60s");
  }
  const auto cap = options_.max_series_points;
  if (q.aggregate != SeriesAggregate::raw) {
    const auto span = (q.to - q.from).count();
    const auto steps = static_cast<std::size_t>((span + q.step.count() - 1) / q.step.count());
    if (steps > cap) {
      return error_response(400, "range_too_large",
                            std::to_string(steps) + " steps exceed the cap of " +
                                std::to_string(cap) +
                                " points: use a larger step or a shorter range");
    }
  }
  const std::string key = q.meter_id + '|' + obis->to_string() + '|' + format_utc(q.from) + '|' +
                          format_utc(q.to) + '|' + std::to_string(q.step.count()) + '|' +
                          std::string{to_string(q.aggregate)};
  return series_cache_.get_or_compute(key, [&]() -> HttpResponse {
    const auto latest = sources_.latest->latest(m.status.meter_id);
    const LatestSample* known = nullptr;
    if (latest) {
      for (const auto& v : *latest) {
        if (v.obis == *obis) known = &v;
      }
    }
    auto points = sources_.series->series(q);
    if (!points) {
      if (points.error().is(Errc::not_found) && known == nullptr) {
        return error_response(
            404, "unknown_obis",
            "meter '" + m.status.meter_id + "' has no value " + obis->to_string());
      }
      return error_response(points.error().is(Errc::invalid_argument) ? 400 : 503,
                            "series_unavailable", points.error().message());
    }
    if (points->empty() && known == nullptr) {
      return error_response(404, "unknown_obis",
                            "meter '" + m.status.meter_id + "' has no value " + obis->to_string());
    }
    if (points->size() > cap) {
      return error_response(400, "range_too_large",
                            std::to_string(points->size()) + " raw points exceed the cap of " +
                                std::to_string(cap) +
                                ": add a step (e.g. step=60s) or shorten the range");
    }
    json list = json::array();
    for (const auto& p : *points) {
      list.push_back(
          json::array({format_utc(p.time), number_or_null(p.value), to_string(p.quality)}));
    }
    return json_response(200, json{{"meter", m.status.meter_id},
                                   {"obis", obis->to_string()},
                                   {"unit", known ? symbol(known->unit) : ""},
                                   {"from", format_utc(q.from)},
                                   {"to", format_utc(q.to)},
                                   {"step_s", static_cast<double>(q.step.count()) / 1000.0},
                                   {"aggregate", to_string(q.aggregate)},
                                   {"points", std::move(list)}});
  });
}

}  // namespace meterd::api
