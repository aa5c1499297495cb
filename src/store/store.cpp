#include "src/store/store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "src/store/schema.hpp"

namespace meterd::store {
namespace {

// A window holding this many readings is sealed early; the rest of it goes to another chunk.
constexpr std::size_t kMaxWindowRows = 65'536;

std::int64_t ms_of(UtcTime t) { return t.time_since_epoch().count(); }

}  // namespace

ChunkAd staging_ad(const std::string& meter, std::int64_t window_start, std::int64_t seq,
                   KeyId key_id) {
  ChunkAd ad;
  ad.meter = meter;
  ad.window_start_ms = window_start;
  ad.key_id = key_id;
  ad.staging_seq = seq;
  return ad;
}

Result<ChunkData> open_staging_row(const Sealer& sealer, const std::string& meter,
                                   std::int64_t window_start, std::int64_t seq, std::int64_t key_id,
                                   std::span<const std::uint8_t> sealed) {
  auto plain =
      sealer.open(staging_ad(meter, window_start, seq, static_cast<KeyId>(key_id)), sealed);
  if (!plain) return plain.error();
  auto d = decode_chunk(*plain);
  if (!d) return d.error();
  if (d->times_ms.empty()) return Error{Errc::parse_error, "staging row holds no reading"};
  return d;
}

Store::Store(const StoreOptions& options, const Clock& clock, KeyStore keys, RandomFill random)
    : options_(options), clock_(clock), keys_(std::move(keys)), sealer_(keys_, std::move(random)) {}

Store::~Store() { stop(); }

Result<std::unique_ptr<Store>> Store::open(const StoreOptions& options, const Clock& clock) {
  auto keys = KeyStore::load(options.keys);
  if (!keys) return keys.error();
  return open(options, clock, std::move(*keys));
}

Result<std::unique_ptr<Store>> Store::open(const StoreOptions& options, const Clock& clock,
                                           KeyStore keys, RandomFill random) {
  if (options.window.count() <= 0 || options.flush_interval.count() <= 0) {
    return Error{Errc::invalid_argument, "store: window and flush interval must be positive"};
  }
  std::unique_ptr<Store> s(new Store(options, clock, std::move(keys), std::move(random)));
  auto db = open_database(options.path);
  if (!db) return db.error();
  s->db_ = std::move(*db);
  if (auto r = s->prepare_statements(); !r) return r.error();
  auto key_row = s->db_.prepare("INSERT OR IGNORE INTO keys (key_id, first_used_ms) VALUES (?, ?)");
  if (!key_row) return key_row.error();
  if (auto r = key_row->bind(1, std::int64_t{s->keys_.active_id()})
                   .bind(2, ms_of(clock.utc_now()))
                   .run();
      !r) {
    return r.error();
  }
  auto recovered = s->recover();
  if (!recovered) return recovered.error();
  if (*recovered > 0) {
    spdlog::info("store: resumed {} staged readings of open windows from {}", *recovered,
                 options.path.string());
    if (auto r = s->add_event("staging_recovered", static_cast<std::int64_t>(*recovered),
                              "readings of open windows resumed at start");
        !r) {
      return r.error();
    }
  }
  return s;
}

Result<std::unique_ptr<Store>> Store::open_read_only(const StoreOptions& options,
                                                     const Clock& clock, KeyStore keys) {
  std::unique_ptr<Store> s(new Store(options, clock, std::move(keys), openssl_random));
  s->read_only_ = true;
  auto db = Db::open(options.path, false);
  if (!db) return db.error();
  s->db_ = std::move(*db);
  auto version = s->db_.query_int("PRAGMA user_version");
  if (!version) return version.error();
  if (*version != kSchemaVersion) {
    return Error{Errc::unsupported, "store " + options.path.string() + " has schema version " +
                                        std::to_string(*version) + ", this meterd reads version " +
                                        std::to_string(kSchemaVersion)};
  }
  for (const char* pragma : {"PRAGMA query_only = ON", "PRAGMA mmap_size = 268435456"}) {
    if (auto r = s->db_.exec(pragma); !r) return r.error();
  }
  if (auto r = s->recover(); !r) return r.error();
  return s;
}

Result<void> Store::writable() const {
  if (read_only_) return Error{Errc::unsupported, "store opened read-only"};
  return {};
}

Result<void> Store::prepare_statements() {
  struct {
    Stmt* stmt;
    const char* sql;
  } const all[] = {
      {&insert_meter_, "INSERT INTO meters (name) VALUES (?)"},
      {&insert_staging_,
       "INSERT INTO staging (meter_id, seq, window_start, key_id, sealed) VALUES (?, ?, ?, ?, ?)"},
      {&insert_chunk_,
       "INSERT INTO chunks (id, meter_id, window_start, t_first, t_last, rows, n_values, codec, "
       "key_id, sealed, "
       "created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
  };
  for (const auto& [stmt, sql] : all) {
    auto p = db_.prepare(sql);
    if (!p) return p.error();
    *stmt = std::move(*p);
  }
  return {};
}

Result<std::size_t> Store::recover() {
  meters_.clear();
  auto ms = db_.prepare("SELECT id, name FROM meters");
  if (!ms) return ms.error();
  std::map<std::int64_t, std::string> names;
  for (;;) {
    auto row = ms->step();
    if (!row) return row.error();
    if (!*row) break;
    names[ms->col_int(0)] = ms->col_text(1);
    meters_[ms->col_text(1)].id = ms->col_int(0);
  }
  // In the order flushes wrote them (each meter's in its seq order), without a sort.
  auto st = db_.prepare(
      "SELECT meter_id, seq, window_start, key_id, sealed FROM staging ORDER BY rowid");
  if (!st) return st.error();
  std::size_t n = 0;
  std::set<std::pair<std::int64_t, std::int64_t>> seen;  // (meter id, seq)
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    auto name = names.find(st->col_int(0));
    if (name == names.end()) return Error{Errc::io_error, "store: staging row of unknown meter"};
    if (!seen.emplace(st->col_int(0), st->col_int(1)).second) {  // verify() reports it
      spdlog::error("store: a second staging row {} of meter {} not resumed: it would duplicate "
                    "readings",
                    st->col_int(1), name->second);
      continue;
    }
    MeterState& m = meters_[name->second];
    m.next_seq = std::max(m.next_seq, st->col_int(1) + 1);
    auto d = open_staging_row(sealer_, name->second, st->col_int(2), st->col_int(1), st->col_int(3),
                              st->col_blob(4));
    if (!d) {  // left in place for verify() to report; the reading cannot be trusted
      spdlog::error("store: staged readings not resumed: {}", d.error().message());
      continue;
    }
    OpenWindow& w = m.windows[st->col_int(2)];
    for (auto& r : readings_from_chunk(*d, name->second)) w.rows.push_back(std::move(r));
    w.staged = w.rows.size();
    n += d->times_ms.size();
  }
  auto next = db_.query_int(
      "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'chunks'), 0), "
      "coalesce((SELECT max(id) FROM chunks), 0)) + 1");
  if (!next) return next.error();
  next_chunk_id_ = *next;
  return n;
}

std::int64_t Store::window_start(UtcTime t) const {
  const std::int64_t w = options_.window.count();
  const std::int64_t ms = ms_of(t);
  return (ms >= 0 ? ms / w : (ms - w + 1) / w) * w;  // floor, also before 1970
}

Result<Store::MeterState*> Store::meter_state(const std::string& name) {
  auto it = meters_.find(name);
  if (it != meters_.end()) return &it->second;
  if (auto r = insert_meter_.bind(1, name).run(); !r) return r.error();
  MeterState& m = meters_[name];
  m.id = db_.last_insert_rowid();
  return &m;
}

void Store::publish(const Reading& reading) {
  std::lock_guard lock(queue_mutex_);
  if (read_only_ || queue_.size() >= options_.max_queued_readings) {
    ++dropped_;
    return;
  }
  queue_.push_back(reading);
}

Result<void> Store::write_chunk(const std::string& name, MeterState& m, std::int64_t start,
                                OpenWindow& w, ClosedWindows& closed) {
  const ChunkData data = chunk_from_readings(w.rows);
  auto plain = encode_chunk(data);
  if (!plain) return plain.error();
  const auto [lo, hi] = std::minmax_element(data.times_ms.begin(), data.times_ms.end());
  ChunkAd ad{name,
             start,
             next_chunk_id_,
             kChunkCodecVersion,
             keys_.active_id(),
             *lo,
             *hi,
             static_cast<std::uint32_t>(data.times_ms.size()),
             static_cast<std::uint32_t>(data.value_count())};
  auto sealed = sealer_.seal(ad, *plain);
  if (!sealed) return sealed.error();
  insert_chunk_.bind(1, ad.chunk_id)
      .bind(2, m.id)
      .bind(3, start)
      .bind(4, ad.t_first_ms)
      .bind(5, ad.t_last_ms);
  insert_chunk_.bind(6, std::int64_t{ad.rows})
      .bind(7, std::int64_t{ad.values})
      .bind(8, std::int64_t{ad.codec_version});
  insert_chunk_.bind(9, std::int64_t{ad.key_id})
      .bind_blob(10, *sealed)
      .bind(11, ms_of(clock_.utc_now()));
  if (auto r = insert_chunk_.run(); !r) return r;
  ++next_chunk_id_;
  if (w.staged > 0) closed.emplace_back(m.id, start);
  return {};
}

Result<void> Store::delete_staging(const ClosedWindows& closed) {
  // At most 400 windows per statement (800 of SQLite's 32,766 parameters).
  constexpr std::size_t kPerStatement = 400;
  for (std::size_t first = 0; first < closed.size(); first += kPerStatement) {
    const std::size_t n = std::min(kPerStatement, closed.size() - first);
    std::string sql = "DELETE FROM staging WHERE (meter_id, window_start) IN (VALUES (?, ?)";
    for (std::size_t i = 1; i < n; ++i) sql += ", (?, ?)";
    sql += ")";
    auto st = db_.prepare(sql);
    if (!st) return st.error();
    for (std::size_t i = 0; i < n; ++i) {
      const auto& [meter, start] = closed[first + i];
      st->bind(static_cast<int>(2 * i + 1), meter).bind(static_cast<int>(2 * i + 2), start);
    }
    if (auto r = st->run(); !r) return r;
  }
  return {};
}

Result<void> Store::stage_rows(MeterState& m, std::int64_t start, OpenWindow& w,
                               FlushStats& stats) {
  if (w.staged == w.rows.size()) return {};
  // The readings added since the last flush, as one sealed staging row.
  const std::span<const Reading> fresh(w.rows.data() + w.staged, w.rows.size() - w.staged);
  auto payload = encode_chunk(chunk_from_readings(fresh));
  if (!payload) return payload.error();
  auto sealed = sealer_.seal(
      staging_ad(fresh.front().meter_id, start, m.next_seq, keys_.active_id()), *payload);
  if (!sealed) return sealed.error();
  insert_staging_.bind(1, m.id)
      .bind(2, m.next_seq)
      .bind(3, start)
      .bind(4, std::int64_t{keys_.active_id()});
  insert_staging_.bind_blob(5, *sealed);
  if (auto r = insert_staging_.run(); !r) return r;
  ++m.next_seq;
  stats.staged += fresh.size();
  w.staged = w.rows.size();
  return {};
}

Result<FlushStats> Store::apply(const std::vector<Reading>& batch,
                                const std::vector<Event>& events, bool close_everything) {
  FlushStats stats;
  ClosedWindows closed;
  stats.readings = batch.size();
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  // What was dropped since the last commit, as events of this transaction: counted as noted only
  // once it commits (a rolled-back note is written by the next flush).
  DropsReported reported{dropped_reported_, dropped_events_reported_};
  if (auto r = note_dropped(reported); !r) return r.error();
  for (const auto& r : batch) {
    auto m = meter_state(r.meter_id);
    if (!m) return m.error();
    const std::int64_t start = window_start(r.time);
    auto& windows = (*m)->windows;
    // A reading of a later window closes every open window of its meter.
    if (!windows.empty() && start > windows.rbegin()->first) {
      for (auto& [s, w] : windows) {
        if (auto c = write_chunk(r.meter_id, **m, s, w, closed); !c) return c.error();
        ++stats.chunks;
      }
      windows.clear();
    }
    OpenWindow& w = windows[start];
    w.rows.push_back(r);
    if (w.rows.size() >= kMaxWindowRows) {
      if (auto c = write_chunk(w.rows.back().meter_id, **m, start, w, closed); !c) {
        return c.error();
      }
      ++stats.chunks;
      windows.erase(start);
    }
  }
  const std::int64_t now = ms_of(clock_.utc_now());
  for (auto& [name, m] : meters_) {
    for (auto it = m.windows.begin(); it != m.windows.end();) {
      const bool newest = std::next(it) == m.windows.end();
      const bool due = now >= it->first + options_.window.count() + options_.close_grace.count();
      if (close_everything || !newest || due) {
        if (auto c = write_chunk(name, m, it->first, it->second, closed); !c) return c.error();
        ++stats.chunks;
        it = m.windows.erase(it);
      } else {
        ++it;
      }
    }
  }
  // Before the new staging rows: a window that reached kMaxWindowRows in this batch was sealed
  // and may have opened again under the same start.
  if (auto d = delete_staging(closed); !d) return d.error();
  for (auto& [name, m] : meters_) {
    for (auto& [start, w] : m.windows) {
      if (auto s = stage_rows(m, start, w, stats); !s) return s.error();
    }
  }
  if (auto r = insert_events(events); !r) return r.error();
  stats.events = events.size();
  if (auto r = tx->commit(); !r) return r.error();
  dropped_reported_ = reported.readings;
  dropped_events_reported_ = reported.events;
  return stats;
}

Result<FlushStats> Store::flush() {
  if (auto w = writable(); !w) return w.error();
  std::vector<Reading> batch;
  std::vector<Event> events;
  {
    std::lock_guard lock(queue_mutex_);
    batch.swap(queue_);
    events.swap(event_queue_);
  }
  std::lock_guard lock(writer_mutex_);
  auto r = apply(batch, events, false);
  if (!r) {  // rolled back: reload the open windows from staging and keep the batch for a retry
    spdlog::error("store: flush of {} readings and {} events failed, will retry: {}", batch.size(),
                  events.size(), r.error().message());
    if (auto rec = recover(); !rec)
      spdlog::error("store: cannot reload open windows: {}", rec.error().message());
    std::lock_guard qlock(queue_mutex_);
    queue_.insert(queue_.begin(), std::make_move_iterator(batch.begin()),
                  std::make_move_iterator(batch.end()));
    event_queue_.insert(event_queue_.begin(), std::make_move_iterator(events.begin()),
                        std::make_move_iterator(events.end()));
  }
  return r;
}

Result<FlushStats> Store::close_all_windows() {
  if (auto r = flush(); !r) return r;  // also refuses a read-only store
  std::lock_guard lock(writer_mutex_);
  auto r = apply({}, {}, true);
  if (!r) (void)recover();
  return r;
}

Result<void> Store::add_event(const std::string& kind, std::int64_t count,
                              const std::string& detail) {
  auto st = db_.prepare("INSERT INTO events (t_ms, kind, count, detail) VALUES (?, ?, ?, ?)");
  if (!st) return st.error();
  return st->bind(1, ms_of(clock_.utc_now())).bind(2, kind).bind(3, count).bind(4, detail).run();
}

Result<void> Store::note_dropped(DropsReported& reported) {
  const auto note = [this](const std::atomic<std::uint64_t>& counter, std::uint64_t& noted,
                           std::string_view what, std::size_t bound) -> Result<void> {
    const std::uint64_t dropped = counter.load();
    if (dropped == noted) return {};
    const auto n = static_cast<std::int64_t>(dropped - noted);
    spdlog::error("store: queue full ({} {}): {} {} dropped", bound, what, n, what);
    if (auto r = add_event("queue_overflow", n,
                           std::string(what) + " dropped: the store could not keep up");
        !r)
      return r;
    noted = dropped;
    return {};
  };
  if (auto r = note(dropped_, reported.readings, "readings", options_.max_queued_readings); !r)
    return r;
  return note(dropped_events_, reported.events, "events", options_.max_queued_events);
}

void Store::start() {
  std::lock_guard lock(queue_mutex_);
  if (thread_.joinable() || read_only_) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Store::stop() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  bool queued = false;
  {
    // After the join: a flush of the thread that failed put its batch back.
    std::lock_guard lock(queue_mutex_);
    queued = !queue_.empty() || !event_queue_.empty();
  }
  if (queued && !read_only_) {
    if (auto r = flush(); !r) spdlog::error("store: final flush failed: {}", r.error().message());
  }
}

void Store::run() {
  auto next_retention = clock_.mono_now() + options_.retention_interval;
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      wake_.wait_for(lock, options_.flush_interval, [this] { return stopping_; });
      if (stopping_) return;
    }
    (void)flush();  // failures are logged and retried by flush() itself
    if (clock_.mono_now() >= next_retention) {
      next_retention = clock_.mono_now() + options_.retention_interval;
      if (auto r = enforce_retention(); !r)
        spdlog::error("store: retention failed: {}", r.error().message());
    }
  }
}

}  // namespace meterd::store
