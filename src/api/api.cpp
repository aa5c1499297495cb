#include "src/api/api.hpp"

#include <exception>
#include <nlohmann/json.hpp>
#include <optional>

#include "src/api/json_views.hpp"
#include "src/api/params.hpp"
#include "src/api/web_assets.hpp"

namespace meterd::api {
namespace {

using nlohmann::json;
constexpr std::string_view kPrefix = "/api/v1/";

bool is_public(std::string_view path) {
  return path == "/api/v1/health" || find_web_asset(path) != nullptr;
}

std::optional<MeterEntry> find_meter(const MeterStatusSource& source, std::string_view id) {
  for (auto& m : source.meters()) {
    if (m.status.meter_id == id) return std::move(m);
  }
  return std::nullopt;
}

}  // namespace

Api::Api(const ApiOptions& options, const Clock& clock, DataSources sources, std::string version)
    : options_(options),
      clock_(clock),
      sources_(sources),
      version_(std::move(version)),
      started_(clock.utc_now()),
      series_cache_(clock),
      latest_endpoint_(clock, *sources.meters, *sources.latest) {}

bool Api::blocking(const HttpRequest& r) const {
  const std::string_view p = r.path;
  return p == "/metrics" || p == "/api/v1/ready" || p == "/api/v1/events" ||
         p == "/api/v1/storage" || p == "/api/v1/usages" || p.starts_with("/api/v1/export") ||
         p.ends_with("/series");
}

HttpResponse Api::handle(const HttpRequest& request) const {
  try {
    if (request.method != "GET" && request.method != "HEAD") {
      auto r = error_response(405, "method_not_allowed", "only GET and HEAD are served");
      r.headers.emplace_back("Allow", "GET, HEAD");
      return r;
    }
    if (!is_public(request.path)) {
      if (request.scope == Scope::none) {
        auto r = error_response(401, "unauthorized", "a valid bearer token is required");
        r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"meterd\"");
        return r;
      }
      if (request.path.starts_with("/api/v1/export") && request.scope != Scope::admin) {
        return error_response(403, "forbidden", "exports need an admin token");
      }
    }
    return route(request);
  } catch (const std::exception& e) {
    return error_response(500, "internal_error", e.what());
  }
}

HttpResponse Api::route(const HttpRequest& r) const {
  const std::string_view p = r.path;
  if (const WebAsset* asset = find_web_asset(p)) {
    HttpResponse out;
    out.content_type = std::string{asset->content_type};
    out.body.assign(asset->data, asset->size);
    return out;
  }
  if (p == "/metrics") return metrics();
  if (!p.starts_with(kPrefix)) return error_response(404, "not_found", "no such resource");
  const std::string_view rest = p.substr(kPrefix.size());
  if (rest == "health") return health();
  if (rest == "ready") return ready();
  if (rest == "meters") return meters();
  if (rest == "events") return events(r);
  if (rest == "usages") return usages(r);
  if (rest == "storage") return storage();
  if (rest == "uplink") return uplink();
  if (rest == "export.csv") return export_data(r, false);
  if (rest == "export.xlsx") return export_data(r, true);
  if (rest.starts_with("meters/")) {
    std::string_view id = rest.substr(7);
    std::string_view sub;
    if (const auto slash = id.find('/'); slash != std::string_view::npos) {
      sub = id.substr(slash + 1);
      id = id.substr(0, slash);
    }
    if (sub == "latest") return latest_endpoint_.respond(id);
    const auto m = find_meter(*sources_.meters, id);
    if (!m) {
      return error_response(404, "unknown_meter",
                            "no meter '" + std::string{id} + "' is configured");
    }
    if (sub.empty()) return meter(*m);
    if (sub == "series") return series(*m, r);
  }
  return error_response(404, "not_found", "no such resource: " + std::string{p});
}

HttpResponse Api::health() const {
  const auto now = clock_.utc_now();
  return json_response(200,
                       json{{"status", "ok"},
                            {"version", version_},
                            {"time", format_utc(now)},
                            {"uptime_s", static_cast<double>((now - started_).count()) / 1000.0}});
}

HttpResponse Api::ready() const {
  json reasons = json::array();
  if (sources_.meters->meters().empty()) reasons.push_back("no meter is configured");
  auto storage = sources_.storage->storage_status();
  if (!storage) reasons.push_back("storage: " + storage.error().message());
  const bool ok = reasons.empty();
  return json_response(ok ? 200 : 503, json{{"ready", ok}, {"reasons", std::move(reasons)}});
}

HttpResponse Api::meters() const {
  json list = json::array();
  for (const auto& m : sources_.meters->meters()) list.push_back(meter_json(m));
  return json_response(200, json{{"meters", std::move(list)}});
}

HttpResponse Api::meter(const MeterEntry& m) const { return json_response(200, meter_json(m)); }

HttpResponse Api::events(const HttpRequest& r) const {
  auto range =
      parse_range(r.query, clock_.utc_now(), std::chrono::hours(24), options_.max_export_range);
  if (!range) return error_response(400, "bad_time_range", range.error().detail);
  auto list = sources_.events->events(range->from, range->to);
  if (!list) return error_response(503, "events_unavailable", list.error().message());
  json out = json::array();
  for (const auto& e : *list) out.push_back(event_json(e));
  return json_response(200, json{{"from", format_utc(range->from)},
                                 {"to", format_utc(range->to)},
                                 {"events", std::move(out)}});
}

HttpResponse Api::storage() const {
  auto s = sources_.storage->storage_status();
  if (!s) return error_response(503, "storage_unavailable", s.error().message());
  return json_response(200, storage_json(*s));
}

HttpResponse Api::uplink() const {
  return json_response(
      200, uplink_json(sources_.uplink ? sources_.uplink->uplink_status() : UplinkStatus{}));
}

}  // namespace meterd::api
