// Store::record_event(): meter and bus events (meterd/event.hpp) kept in the events table beside
// the store's own (retention_data_lost, queue_overflow, ...), so the record survives restarts.
#include <mutex>
#include <string>

#include "src/store/store.hpp"

namespace meterd::store {

Result<void> Store::record_event(const Event& event) {
  if (auto w = writable(); !w) return w;
  std::string detail = "bus " + event.bus;
  if (!event.meter_id.empty()) detail += ", meter " + event.meter_id;
  if (!event.detail.empty()) detail += ": " + event.detail;
  std::lock_guard lock(writer_mutex_);
  auto st = db_.prepare("INSERT INTO events (t_ms, kind, count, detail) VALUES (?, ?, 1, ?)");
  if (!st) return st.error();
  return st->bind(1, std::int64_t{event.time.time_since_epoch().count()})
      .bind(2, to_string(event.kind))
      .bind(3, detail)
      .run();
}

}  // namespace meterd::store
