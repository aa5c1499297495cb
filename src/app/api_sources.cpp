#include "src/app/api_sources.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include "src/store/sqlite_db.hpp"

namespace meterd::app {
namespace {

Error no_store() { return Error{Errc::unsupported, "this daemon runs without a store"}; }

store::Aggregate to_store(SeriesAggregate a) {
  switch (a) {
    case SeriesAggregate::raw:
      return store::Aggregate::raw;
    case SeriesAggregate::avg:
      return store::Aggregate::avg;
    case SeriesAggregate::min:
      return store::Aggregate::min;
    case SeriesAggregate::max:
      return store::Aggregate::max;
    case SeriesAggregate::last:
      return store::Aggregate::last;
  }
  return store::Aggregate::raw;
}

UtcTime from_ms(std::int64_t ms) { return UtcTime{std::chrono::milliseconds{ms}}; }

}  // namespace

std::vector<MeterEntry> meter_entries(const std::vector<MeterStatus>& statuses,
                                      const std::vector<config::BusConfig>& buses) {
  std::map<std::string, const config::MeterConfig*, std::less<>> configured;
  for (const auto& bus : buses) {
    for (const auto& m : bus.meters) configured.emplace(m.id, &m);
  }
  std::vector<MeterEntry> out;
  out.reserve(statuses.size());
  for (const auto& s : statuses) {
    MeterEntry e{s};
    if (auto it = configured.find(s.meter_id); it != configured.end()) {
      e.poll_interval = it->second->instantaneous_interval;
      e.energy_interval = it->second->energy_interval;
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::optional<std::vector<LatestSample>> LatestValuesSource::latest(
    std::string_view meter_id) const {
  auto m = cache_.meter(meter_id);
  if (!m) return std::nullopt;
  std::vector<LatestSample> out;
  out.reserve(m->values.size());
  for (const auto& v : m->values) out.push_back({v.obis, v.value, v.unit, v.quality, v.time});
  return out;
}

Result<std::vector<SeriesSample>> StoreSeriesSource::series(const SeriesQuery& q) const {
  if (store_ == nullptr) return no_store();
  auto points = store_->series(q.meter_id, q.obis, q.from, q.to, q.step, to_store(q.aggregate));
  if (!points) return points.error();
  std::vector<SeriesSample> out;
  out.reserve(points->size());
  for (const auto& p : *points) out.push_back({p.time, p.value, p.quality});
  return out;
}

Result<std::vector<Reading>> StoreSeriesSource::readings(const std::string& meter_id, UtcTime from,
                                                         UtcTime to) const {
  if (store_ == nullptr) return no_store();
  return store_->readings(meter_id, from, to);
}

Result<std::vector<EventRecord>> DaemonEventSource::events(UtcTime from, UtcTime to) const {
  std::vector<EventRecord> out;
  for (const auto& e : recent_.snapshot()) {
    if (e.time < from || e.time >= to) continue;
    out.push_back(
        {e.time, std::string{to_string(e.kind)}, "acquisition", e.bus, e.meter_id, 0, e.detail});
  }
  if (store_ != nullptr) {
    auto stored = store_->events();
    if (!stored) return stored.error();
    for (const auto& e : *stored) {
      if (e.time < from || e.time >= to) continue;
      out.push_back({e.time, e.kind, "store", "", "", e.count, e.detail});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const EventRecord& a, const EventRecord& b) { return a.time < b.time; });
  return out;
}

Result<StorageStatus> StoreStatusSource::storage_status() const {
  StorageStatus s;
  if (store_ == nullptr) return s;
  const auto& o = store_->options();
  s.available = true;
  s.path = o.path.string();
  s.quota_bytes = o.quota_bytes;
  s.retention = o.retention;
  s.dropped_readings = store_->dropped_readings();
  std::error_code ec;
  for (const char* suffix : {"", "-wal"}) {
    const auto size = std::filesystem::file_size(o.path.string() + suffix, ec);
    if (!ec) s.size_bytes += size;
  }
  const auto space = std::filesystem::space(o.path.parent_path(), ec);
  if (!ec) s.free_bytes = space.available;
  auto db = store::Db::open(o.path, false);
  if (!db) return db.error();
  if (auto q = db->exec("PRAGMA query_only = 1"); !q) return q.error();
  auto st = db->prepare(
      "SELECT count(*), coalesce(sum(uploaded = 0), 0), min(t_first), max(t_last) FROM chunks");
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  if (*row) {
    s.chunks = static_cast<std::uint64_t>(st->col_int(0));
    s.chunks_pending_upload = static_cast<std::uint64_t>(st->col_int(1));
    if (!st->col_null(2)) s.oldest = from_ms(st->col_int(2));
    if (!st->col_null(3)) s.newest = from_ms(st->col_int(3));
  }
  return s;
}

}  // namespace meterd::app
