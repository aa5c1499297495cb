// Reading back: series(), readings(), verify(), upload support (see store.hpp).
#include "src/store/store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace meterd::store {
namespace {

std::int64_t ms_of(UtcTime t) { return t.time_since_epoch().count(); }
UtcTime utc_of(std::int64_t ms) { return UtcTime{std::chrono::milliseconds{ms}}; }

constexpr const char* kChunkColumns =
    "c.id, m.name, c.window_start, c.t_first, c.t_last, c.rows, c.n_values, c.codec, c.key_id, "
    "c.sealed";

// The associated data of the chunk row at the cursor (columns as kChunkColumns).
ChunkAd ad_of(const Stmt& st) {
  ChunkAd ad;
  ad.chunk_id = st.col_int(0);
  ad.meter = st.col_text(1);
  ad.window_start_ms = st.col_int(2);
  ad.t_first_ms = st.col_int(3);
  ad.t_last_ms = st.col_int(4);
  ad.rows = static_cast<std::uint32_t>(st.col_int(5));
  ad.values = static_cast<std::uint32_t>(st.col_int(6));
  ad.codec_version = static_cast<std::uint8_t>(st.col_int(7));
  ad.key_id = static_cast<KeyId>(st.col_int(8));
  return ad;
}

Result<ChunkData> open_chunk(const Sealer& sealer, const Stmt& st, std::optional<ObisCode> only) {
  if (st.col_null(1))
    return Error{Errc::authentication_failed,
                 "chunk " + std::to_string(st.col_int(0)) + " refers to no known meter"};
  const ChunkAd ad = ad_of(st);
  auto plain = sealer.open(ad, st.col_blob(9));
  if (!plain) return plain.error();
  auto d = decode_chunk(*plain, only);
  if (!d) return d.error();
  if (!only && (d->times_ms.size() != ad.rows || d->value_count() != ad.values)) {
    return Error{Errc::parse_error,
                 "chunk " + std::to_string(ad.chunk_id) + " does not hold what its row says"};
  }
  return d;
}

bool usable(const SeriesPoint& p) { return is_usable(p.quality) && !std::isnan(p.value); }

std::vector<SeriesPoint> aggregate(const std::vector<SeriesPoint>& raw, std::int64_t from,
                                   std::int64_t step, Aggregate how) {
  std::vector<SeriesPoint> out;
  std::size_t i = 0;
  while (i < raw.size()) {
    const std::int64_t bucket = (ms_of(raw[i].time) - from) / step;
    double sum = 0.0, lo = std::numeric_limits<double>::infinity(), hi = -lo, last = 0.0;
    std::size_t n = 0;
    Quality q = Quality::good;
    for (; i < raw.size() && (ms_of(raw[i].time) - from) / step == bucket; ++i) {
      if (!usable(raw[i])) continue;
      const double v = raw[i].value;
      sum += v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      last = v;
      if (q == Quality::good) q = raw[i].quality;
      ++n;
    }
    if (n == 0) continue;
    double v = last;
    if (how == Aggregate::avg) v = sum / static_cast<double>(n);
    if (how == Aggregate::min) v = lo;
    if (how == Aggregate::max) v = hi;
    out.push_back({utc_of(from + bucket * step), v, q});
  }
  return out;
}

}  // namespace

Result<void> Store::for_each_chunk(const std::string& meter, UtcTime from, UtcTime to,
                                   std::optional<ObisCode> only,
                                   const std::function<void(ChunkData&&)>& fn) {
  auto st = db_.prepare(std::string("SELECT ") + kChunkColumns +
                        " FROM chunks c LEFT JOIN meters m ON m.id = c.meter_id"
                        " WHERE m.name = ? AND c.window_start > ? AND c.window_start < ?"
                        " AND c.t_last >= ? AND c.t_first < ? ORDER BY c.window_start, c.id");
  if (!st) return st.error();
  // Every row of a chunk lies in [window_start, window_start + window).
  st->bind(1, meter).bind(2, ms_of(from) - options_.window.count()).bind(3, ms_of(to));
  st->bind(4, ms_of(from)).bind(5, ms_of(to));
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return {};
    auto d = open_chunk(sealer_, *st, only);
    if (!d) {  // verify() reports it; the other chunks stay readable
      spdlog::warn("store: skipping unreadable chunk: {}", d.error().message());
      continue;
    }
    fn(std::move(*d));
  }
}

std::vector<Reading> Store::open_rows(const std::string& meter) const {
  std::vector<Reading> out;
  auto it = meters_.find(meter);
  if (it == meters_.end()) return out;
  for (const auto& [start, w] : it->second.windows)
    out.insert(out.end(), w.rows.begin(), w.rows.end());
  return out;
}

Result<std::vector<SeriesPoint>> Store::series(const std::string& meter, const ObisCode& obis,
                                               UtcTime from, UtcTime to,
                                               std::chrono::milliseconds step, Aggregate how) {
  if (from > to) return Error{Errc::invalid_argument, "series: from is after to"};
  if (how != Aggregate::raw && step.count() <= 0) {
    return Error{Errc::invalid_argument, "series: an aggregate needs a positive step"};
  }
  std::vector<SeriesPoint> raw;
  const std::int64_t lo = ms_of(from), hi = ms_of(to);
  raw.reserve(static_cast<std::size_t>(std::min<std::int64_t>((hi - lo) / 1000 + 1, 1 << 22)));
  std::lock_guard lock(writer_mutex_);
  auto r = for_each_chunk(meter, from, to, obis, [&](ChunkData&& d) {
    for (const auto& c : d.columns) {
      for (std::size_t i = 0; i < c.rows.size(); ++i) {
        const std::int64_t t = d.times_ms[c.rows[i]];
        if (t >= lo && t < hi) raw.push_back({utc_of(t), c.values[i], c.qualities[i]});
      }
    }
  });
  if (!r) return r.error();
  for (const auto& reading : open_rows(meter)) {
    if (reading.time < from || reading.time >= to) continue;
    for (const auto& v : reading.values) {
      if (v.obis == obis) raw.push_back({reading.time, v.value, v.quality});
    }
  }
  auto by_time = [](const SeriesPoint& a, const SeriesPoint& b) { return a.time < b.time; };
  if (!std::is_sorted(raw.begin(), raw.end(), by_time))
    std::stable_sort(raw.begin(), raw.end(), by_time);
  if (how == Aggregate::raw) return raw;
  return aggregate(raw, lo, step.count(), how);
}

Result<std::vector<Reading>> Store::readings(const std::string& meter, UtcTime from, UtcTime to) {
  std::vector<Reading> out;
  std::lock_guard lock(writer_mutex_);
  auto r = for_each_chunk(meter, from, to, std::nullopt, [&](ChunkData&& d) {
    for (auto& reading : readings_from_chunk(d, meter)) {
      if (reading.time >= from && reading.time < to) out.push_back(std::move(reading));
    }
  });
  if (!r) return r.error();
  for (auto& reading : open_rows(meter)) {
    if (reading.time >= from && reading.time < to) out.push_back(std::move(reading));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Reading& a, const Reading& b) { return a.time < b.time; });
  return out;
}

Result<VerifyReport> Store::verify() {
  // A connection of its own: verifying a month of chunks must not hold up the writer.
  auto db = Db::open(options_.path, false);
  if (!db) return db.error();
  auto tx = db->exec("BEGIN");  // one consistent snapshot
  if (!tx) return tx.error();
  VerifyReport report;
  auto st = db->prepare(std::string("SELECT ") + kChunkColumns +
                        " FROM chunks c LEFT JOIN meters m ON m.id = c.meter_id ORDER BY c.id");
  if (!st) return st.error();
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    ++report.chunks;
    auto d = open_chunk(sealer_, *st, std::nullopt);
    if (d) {
      report.values += d->value_count();
    } else {
      report.bad.push_back(
          {st->col_int(0), false, st->col_text(1), utc_of(st->col_int(2)), d.error().message()});
    }
  }
  auto sg = db->prepare(
      "SELECT s.seq, m.name, s.window_start, s.key_id, s.sealed, s.meter_id FROM staging s "
      "LEFT JOIN meters m ON m.id = s.meter_id ORDER BY s.rowid");
  if (!sg) return sg.error();
  std::set<std::pair<std::int64_t, std::int64_t>> seen;  // (meter id, seq)
  for (;;) {
    auto row = sg->step();
    if (!row) return row.error();
    if (!*row) break;
    ++report.staging_rows;
    if (!seen.emplace(sg->col_int(5), sg->col_int(0)).second) {  // sealed alike, so authentic
      report.bad.push_back({sg->col_int(0), true, sg->col_text(1), utc_of(sg->col_int(2)),
                            "a second staging row with this sequence number: its readings "
                            "would be stored twice (the copy is not resumed)"});
      continue;
    }
    auto d = open_staging_row(sealer_, sg->col_text(1), sg->col_int(2), sg->col_int(0),
                              sg->col_int(3), sg->col_blob(4));
    if (d) {
      report.staging_readings += d->times_ms.size();
    } else {
      report.bad.push_back(
          {sg->col_int(0), true, sg->col_text(1), utc_of(sg->col_int(2)), d.error().message()});
    }
  }
  (void)db->exec("COMMIT");
  return report;
}

Result<std::vector<StoredChunk>> Store::pending_upload(std::size_t limit) {
  std::lock_guard lock(writer_mutex_);
  auto st =
      db_.prepare(std::string("SELECT ") + kChunkColumns +
                  " FROM chunks c LEFT JOIN meters m ON m.id = c.meter_id WHERE c.uploaded = 0"
                  " ORDER BY c.id LIMIT ?");
  if (!st) return st.error();
  st->bind(1, static_cast<std::int64_t>(limit));
  std::vector<StoredChunk> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return out;
    auto d = open_chunk(sealer_, *st, std::nullopt);
    if (!d) {
      spdlog::warn("store: chunk not offered for upload: {}", d.error().message());
      continue;
    }
    out.push_back({st->col_int(0), st->col_text(1), utc_of(st->col_int(2)),
                   readings_from_chunk(*d, st->col_text(1))});
  }
}

Result<void> Store::mark_uploaded(const std::vector<std::int64_t>& chunk_ids) {
  if (auto w = writable(); !w) return w;
  std::lock_guard lock(writer_mutex_);
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  auto st = db_.prepare("UPDATE chunks SET uploaded = 1 WHERE id = ?");
  if (!st) return st.error();
  for (auto id : chunk_ids) {
    if (auto r = st->bind(1, id).run(); !r) return r;
  }
  return tx->commit();
}

Result<std::int64_t> Store::upload_cursor(const std::string& stream) {
  std::lock_guard lock(writer_mutex_);
  auto st = db_.prepare("SELECT last_chunk_id FROM upload_cursor WHERE stream = ?");
  if (!st) return st.error();
  st->bind(1, stream);
  auto row = st->step();
  if (!row) return row.error();
  return *row ? st->col_int(0) : 0;
}

Result<void> Store::set_upload_cursor(const std::string& stream, std::int64_t chunk_id) {
  if (auto w = writable(); !w) return w;
  std::lock_guard lock(writer_mutex_);
  auto st = db_.prepare(
      "INSERT INTO upload_cursor (stream, last_chunk_id) VALUES (?, ?) "
      "ON CONFLICT (stream) DO UPDATE SET last_chunk_id = excluded.last_chunk_id");
  if (!st) return st.error();
  return st->bind(1, stream).bind(2, chunk_id).run();
}

Result<std::vector<std::string>> Store::meters() {
  std::lock_guard lock(writer_mutex_);
  std::vector<std::string> out;
  for (const auto& [name, m] : meters_) out.push_back(name);
  return out;
}

Result<std::vector<StoreEvent>> Store::events() {
  std::lock_guard lock(writer_mutex_);
  auto st = db_.prepare("SELECT t_ms, kind, count, detail FROM events ORDER BY id");
  if (!st) return st.error();
  std::vector<StoreEvent> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back({utc_of(st->col_int(0)), st->col_text(1), st->col_int(2), st->col_text(3)});
  }
}

}  // namespace meterd::store
