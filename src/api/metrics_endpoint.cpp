// api/metrics_endpoint.cpp: GET /metrics in the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): per-meter poll counts,
// errors and latencies, store, uplink and process figures. Runs off the event loop.
#include <sstream>

#include "src/api/api.hpp"
#include "src/api/process_stats.hpp"

namespace meterd::api {
namespace {

// A label value with \, " and newline escaped (exposition format, "Comments, help text, and
// type information").
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void family(std::ostream& o, std::string_view name, std::string_view type, std::string_view help) {
  o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

double seconds(const UtcTime& t) {
  return static_cast<double>(t.time_since_epoch().count()) / 1000.0;
}

}  // namespace

HttpResponse Api::metrics() const {
  std::ostringstream o;
  o.precision(15);
  const auto meters = sources_.meters->meters();
  auto per_meter = [&](std::string_view name, std::string_view type, std::string_view help,
                       auto value) {
    family(o, name, type, help);
    for (const auto& m : meters) {
      o << name << "{meter=\"" << label(m.status.meter_id) << "\"} " << value(m.status) << '\n';
    }
  };
  per_meter("meterd_meter_online", "gauge", "1 when the meter answers",
            [](const MeterStatus& s) { return s.online ? 1 : 0; });
  family(o, "meterd_polls_total", "counter", "Polls by result");
  for (const auto& m : meters) {
    const auto id = label(m.status.meter_id);
    o << "meterd_polls_total{meter=\"" << id << "\",result=\"ok\"} " << m.status.polls_ok << '\n';
    o << "meterd_polls_total{meter=\"" << id << "\",result=\"failed\"} " << m.status.polls_failed
      << '\n';
  }
  per_meter("meterd_requests_total", "counter", "Wire transactions",
            [](const MeterStatus& s) { return s.requests; });
  family(o, "meterd_request_errors_total", "counter", "Failed wire transactions by kind");
  for (const auto& m : meters) {
    const auto id = label(m.status.meter_id);
    const std::pair<const char*, std::uint64_t> kinds[] = {
        {"timeout", m.status.timeouts},
        {"crc_error", m.status.crc_errors},
        {"exception_reply", m.status.exception_replies},
        {"other", m.status.other_errors}};
    for (const auto& [kind, n] : kinds) {
      o << "meterd_request_errors_total{meter=\"" << id << "\",kind=\"" << kind << "\"} " << n
        << '\n';
    }
  }
  per_meter("meterd_poll_overruns_total", "counter", "Schedule slots skipped",
            [](const MeterStatus& s) { return s.overruns; });
  family(o, "meterd_poll_latency_seconds", "summary",
         "Latency of successful polls over the last 1024 polls");
  for (const auto& m : meters) {
    const auto id = label(m.status.meter_id);
    if (m.status.latency_median) {
      o << "meterd_poll_latency_seconds{meter=\"" << id << "\",quantile=\"0.5\"} "
        << static_cast<double>(m.status.latency_median->count()) / 1e6 << '\n';
    }
    if (m.status.latency_p99) {
      o << "meterd_poll_latency_seconds{meter=\"" << id << "\",quantile=\"0.99\"} "
        << static_cast<double>(m.status.latency_p99->count()) / 1e6 << '\n';
    }
  }
  family(o, "meterd_last_poll_timestamp_seconds", "gauge", "Completion of the last good poll");
  for (const auto& m : meters) {
    if (m.status.last_success) {
      o << "meterd_last_poll_timestamp_seconds{meter=\"" << label(m.status.meter_id) << "\"} "
        << seconds(*m.status.last_success) << '\n';
    }
  }
  if (auto s = sources_.storage->storage_status(); s && s->available) {
    family(o, "meterd_store_size_bytes", "gauge", "Database file and write-ahead log");
    o << "meterd_store_size_bytes " << s->size_bytes << '\n';
    family(o, "meterd_store_quota_bytes", "gauge", "Configured quota, 0 = none");
    o << "meterd_store_quota_bytes " << s->quota_bytes << '\n';
    family(o, "meterd_store_free_bytes", "gauge", "Free space on the store's file system");
    o << "meterd_store_free_bytes " << s->free_bytes << '\n';
    family(o, "meterd_store_chunks", "gauge", "Sealed chunks");
    o << "meterd_store_chunks " << s->chunks << '\n';
    family(o, "meterd_store_chunks_pending_upload", "gauge", "Chunks not yet uploaded");
    o << "meterd_store_chunks_pending_upload " << s->chunks_pending_upload << '\n';
    family(o, "meterd_store_dropped_readings_total", "counter", "Readings dropped by a full queue");
    o << "meterd_store_dropped_readings_total " << s->dropped_readings << '\n';
    if (s->oldest) {
      family(o, "meterd_store_oldest_timestamp_seconds", "gauge", "Earliest stored value");
      o << "meterd_store_oldest_timestamp_seconds " << seconds(*s->oldest) << '\n';
    }
  }
  const auto u = sources_.uplink ? sources_.uplink->uplink_status() : UplinkStatus{};
  family(o, "meterd_uplink_enabled", "gauge", "1 when an uplink is configured");
  o << "meterd_uplink_enabled " << (u.enabled ? 1 : 0) << '\n';
  family(o, "meterd_uplink_connected", "gauge", "1 while a TLS connection to the server is open");
  o << "meterd_uplink_connected " << (u.connected ? 1 : 0) << '\n';
  family(o, "meterd_uplink_backlog_chunks", "gauge", "Chunks not yet acknowledged");
  o << "meterd_uplink_backlog_chunks " << u.backlog_chunks << '\n';
  family(o, "meterd_uplink_backlog_bytes", "gauge", "Stored size of the backlog");
  o << "meterd_uplink_backlog_bytes " << u.backlog_bytes << '\n';
  family(o, "meterd_uplink_batches_sent_total", "counter", "Acknowledged batches");
  o << "meterd_uplink_batches_sent_total " << u.batches_sent << '\n';
  family(o, "meterd_uplink_readings_sent_total", "counter", "Readings in acknowledged batches");
  o << "meterd_uplink_readings_sent_total " << u.readings_sent << '\n';
  family(o, "meterd_uplink_retries_total", "counter", "Failed attempts that will be retried");
  o << "meterd_uplink_retries_total " << u.retries << '\n';
  family(o, "meterd_uplink_quarantined_total", "counter", "Batches refused by the server");
  o << "meterd_uplink_quarantined_total " << u.quarantined << '\n';
  if (u.last_success) {
    family(o, "meterd_uplink_last_success_timestamp_seconds", "gauge", "Last acknowledgement");
    o << "meterd_uplink_last_success_timestamp_seconds " << seconds(*u.last_success) << '\n';
  }
  if (const auto p = read_process_stats()) {
    family(o, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes");
    o << "process_resident_memory_bytes " << p->resident_bytes << '\n';
    family(o, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes");
    o << "process_virtual_memory_bytes " << p->virtual_bytes << '\n';
    family(o, "process_cpu_seconds_total", "counter", "User and system CPU time in seconds");
    o << "process_cpu_seconds_total " << p->cpu_seconds << '\n';
    family(o, "process_open_fds", "gauge", "Open file descriptors");
    o << "process_open_fds " << p->open_fds << '\n';
    family(o, "process_start_time_seconds", "gauge", "Start time since the Unix epoch");
    o << "process_start_time_seconds " << p->start_time_seconds << '\n';
  }
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = o.str();
  return r;
}

}  // namespace meterd::api
