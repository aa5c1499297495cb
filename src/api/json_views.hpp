// api/json_views.hpp: the JSON shape of each data source's values (docs/openapi.yaml).
//
// Pure functions; `now` decides ages and staleness. A value is stale when it is older than
// kStaleFactor times its poll interval (energy registers, OBIS D = 8, have their own): it is
// then flagged "stale": true and never presented as current.
// Thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "meterd/data_sources.hpp"

namespace meterd::api {

inline constexpr int kStaleFactor = 3;

// How old a value of `obis` of meter `m` may be before it is stale.
std::chrono::milliseconds stale_bound(const MeterEntry& m, const ObisCode& obis);
// A finite number, or null (NaN and infinities have no JSON form).
nlohmann::json number_or_null(double v);
// ISO 8601 text, or null.
nlohmann::json time_or_null(const std::optional<UtcTime>& t);

nlohmann::json meter_json(const MeterEntry& m);
// The reference shape of GET .../latest; the server writes the same bytes faster through
// LatestEndpoint (latest_endpoint.hpp), which tests compare with this.
nlohmann::json latest_json(const MeterEntry& m, const std::vector<LatestSample>& values,
                           UtcTime now);
nlohmann::json event_json(const EventRecord& e);
nlohmann::json storage_json(const StorageStatus& s);
nlohmann::json uplink_json(const UplinkStatus& u);

}  // namespace meterd::api
