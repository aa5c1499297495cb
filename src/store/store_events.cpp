// Store::record_event() and the events' part of store-and-forward (store.hpp): meter and bus
// events (meterd/event.hpp) kept in the events table beside the store's own (retention_data_lost,
// queue_overflow, ...), so the record survives restarts; the meter and bus events wait there for
// the uplink (uploaded = 0) until a batch carrying them is acknowledged (uploaded = 1, in the
// transaction that marks the batch's chunks). The store's own events have uploaded NULL: they are
// not part of the batch format (EventKind) and are never offered.
#include <algorithm>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "src/store/store.hpp"

namespace meterd::store {
namespace {

UtcTime utc_of(std::int64_t ms) { return UtcTime{std::chrono::milliseconds{ms}}; }

// The EventKind named `s` (every enumerator meterd/event.hpp names), or nullopt.
std::optional<EventKind> kind_of(std::string_view s) {
  for (int i = 0; i <= 0xff; ++i) {
    const auto k = static_cast<EventKind>(i);
    if (to_string(k) != "unknown" && to_string(k) == s) return k;
  }
  return std::nullopt;
}

}  // namespace

Result<void> Store::record_event(const Event& event) {
  if (auto w = writable(); !w) return w;
  std::lock_guard lock(writer_mutex_);
  return insert_events(std::span<const Event>(&event, 1));
}

void Store::publish(const Event& event) {
  std::lock_guard lock(queue_mutex_);
  if (read_only_ || event_queue_.size() >= options_.max_queued_events) {
    ++dropped_events_;
    return;
  }
  event_queue_.push_back(event);
}

Result<void> Store::insert_events(std::span<const Event> events) {
  if (events.empty()) return {};
  auto st = db_.prepare(
      "INSERT INTO events (t_ms, kind, count, detail, bus, meter, note, uploaded) "
      "VALUES (?, ?, 1, ?, ?, ?, ?, 0)");
  if (!st) return st.error();
  for (const Event& event : events) {
    std::string detail = "bus " + event.bus;
    if (!event.meter_id.empty()) detail += ", meter " + event.meter_id;
    if (!event.detail.empty()) detail += ": " + event.detail;
    auto r = st->bind(1, std::int64_t{event.time.time_since_epoch().count()})
                 .bind(2, to_string(event.kind))
                 .bind(3, detail)
                 .bind(4, event.bus)
                 .bind(5, event.meter_id)
                 .bind(6, event.detail)
                 .run();
    if (!r) return r;
  }
  return {};
}

Result<std::vector<UploadEvent>> Store::pending_events(std::int64_t first_id, std::int64_t last_id,
                                                       std::size_t limit) {
  std::lock_guard lock(writer_mutex_);
  auto st = db_.prepare(
      "SELECT id, t_ms, kind, detail, bus, meter, note FROM events "
      "WHERE uploaded = 0 AND id BETWEEN ? AND ? ORDER BY id LIMIT ?");
  if (!st) return st.error();
  st->bind(1, first_id).bind(2, last_id).bind(3, static_cast<std::int64_t>(limit));
  std::vector<UploadEvent> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return out;
    const auto kind = kind_of(st->col_text(2));
    if (!kind) continue;  // only record_event() sets uploaded = 0, with an EventKind name
    UploadEvent e;
    e.id = st->col_int(0);
    e.event.time = utc_of(st->col_int(1));
    e.event.kind = *kind;
    if (st->col_null(4)) {
      // Recorded before the migration that added bus, meter and note: only the text.
      e.event.detail = st->col_text(3);
    } else {
      e.event.bus = st->col_text(4);
      e.event.meter_id = st->col_text(5);
      e.event.detail = st->col_text(6);
    }
    out.push_back(std::move(e));
  }
}

Result<void> Store::mark_uploaded(const std::vector<std::int64_t>& chunk_ids,
                                  const std::vector<std::int64_t>& event_ids) {
  if (auto w = writable(); !w) return w;
  std::lock_guard lock(writer_mutex_);
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  auto chunks = db_.prepare("UPDATE chunks SET uploaded = 1 WHERE id = ?");
  if (!chunks) return chunks.error();
  for (auto id : chunk_ids) {
    if (auto r = chunks->bind(1, id).run(); !r) return r;
  }
  auto events = db_.prepare("UPDATE events SET uploaded = 1 WHERE id = ? AND uploaded = 0");
  if (!events) return events.error();
  for (auto id : event_ids) {
    if (auto r = events->bind(1, id).run(); !r) return r;
  }
  return tx->commit();
}

}  // namespace meterd::store
