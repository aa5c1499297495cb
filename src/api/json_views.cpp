#include "src/api/json_views.hpp"

#include <cmath>

namespace meterd::api {
namespace {

using nlohmann::json;

json ms_or_null(const std::optional<std::chrono::microseconds>& d) {
  if (!d) return nullptr;
  return static_cast<double>(d->count()) / 1000.0;
}

double seconds(std::chrono::milliseconds d) { return static_cast<double>(d.count()) / 1000.0; }

}  // namespace

std::chrono::milliseconds stale_bound(const MeterEntry& m, const ObisCode& obis) {
  return (obis.d() == 8 ? m.energy_interval : m.poll_interval) * kStaleFactor;
}

json number_or_null(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

json time_or_null(const std::optional<UtcTime>& t) {
  if (!t) return nullptr;
  return format_utc(*t);
}

json meter_json(const MeterEntry& m) {
  const MeterStatus& s = m.status;
  return json{{"id", s.meter_id},
              {"bus", s.bus},
              {"protocol", s.protocol},
              {"online", s.online},
              {"serial_number", s.serial_number},
              {"previous_serial_number", s.previous_serial_number},
              {"swaps", s.swaps},
              {"poll_interval_s", seconds(m.poll_interval)},
              {"energy_interval_s", seconds(m.energy_interval)},
              {"last_success", time_or_null(s.last_success)},
              {"stats",
               {{"requests", s.requests},
                {"timeouts", s.timeouts},
                {"crc_errors", s.crc_errors},
                {"exception_replies", s.exception_replies},
                {"other_errors", s.other_errors},
                {"polls_ok", s.polls_ok},
                {"polls_failed", s.polls_failed},
                {"overruns", s.overruns},
                {"latency_median_ms", ms_or_null(s.latency_median)},
                {"latency_p99_ms", ms_or_null(s.latency_p99)}}}};
}

json latest_json(const MeterEntry& m, const std::vector<LatestSample>& values, UtcTime now) {
  json out = json::array();
  for (const auto& v : values) {
    const auto age = now - v.time;
    const auto stale_after = stale_bound(m, v.obis);
    out.push_back({{"obis", v.obis.to_string()},
                   {"value", number_or_null(v.value)},
                   {"unit", symbol(v.unit)},
                   {"quality", to_string(v.quality)},
                   {"time", format_utc(v.time)},
                   {"age_s", seconds(age)},
                   {"stale_after_s", seconds(stale_after)},
                   {"stale", age > stale_after}});
  }
  return json{{"meter", m.status.meter_id},
              {"online", m.status.online},
              {"time", format_utc(now)},
              {"values", std::move(out)}};
}

json event_json(const EventRecord& e) {
  return json{
      {"time", format_utc(e.time)}, {"kind", e.kind},   {"source", e.source}, {"bus", e.bus},
      {"meter", e.meter_id},        {"count", e.count}, {"detail", e.detail}};
}

json storage_json(const StorageStatus& s) {
  return json{{"available", s.available},
              {"path", s.path},
              {"size_bytes", s.size_bytes},
              {"quota_bytes", s.quota_bytes},
              {"free_bytes", s.free_bytes},
              {"chunks", s.chunks},
              {"chunks_pending_upload", s.chunks_pending_upload},
              {"oldest", time_or_null(s.oldest)},
              {"newest", time_or_null(s.newest)},
              {"dropped_readings", s.dropped_readings},
              {"retention_days", static_cast<double>(s.retention.count()) / 86'400'000.0}};
}

json uplink_json(const UplinkStatus& u) {
  return json{{"enabled", u.enabled},
              {"connected", u.connected},
              {"last_success", time_or_null(u.last_success)},
              {"last_error_time", time_or_null(u.last_error_time)},
              {"last_error", u.last_error},
              {"backlog_chunks", u.backlog_chunks},
              {"backlog_bytes", u.backlog_bytes},
              {"batches_sent", u.batches_sent},
              {"readings_sent", u.readings_sent},
              {"retries", u.retries},
              {"quarantined", u.quarantined}};
}

}  // namespace meterd::api
