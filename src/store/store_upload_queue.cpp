// store/store_upload_queue.cpp: UploadQueue over Store (store_upload_queue.hpp).
#include "src/store/store_upload_queue.hpp"

namespace meterd::store {

Result<std::vector<UploadChunk>> StoreUploadQueue::pending(std::int64_t first_id,
                                                           std::int64_t last_id,
                                                           std::size_t limit) {
  // The oldest pending chunks come first, so a range that starts at or after the oldest pending
  // id is a prefix of them: fetching `limit` and filtering is exact.
  auto chunks = store_.pending_upload(limit);
  if (!chunks) return chunks.error();
  std::vector<UploadChunk> out;
  for (auto& c : *chunks) {
    if (c.id < first_id || c.id > last_id) continue;
    out.push_back({c.id, std::move(c.meter), c.window_start, std::move(c.readings)});
  }
  return out;
}

Result<void> StoreUploadQueue::acknowledge(const std::vector<std::int64_t>& chunk_ids) {
  return store_.mark_uploaded(chunk_ids);
}

Result<std::vector<UploadEvent>> StoreUploadQueue::pending_events(std::int64_t first_id,
                                                                  std::int64_t last_id,
                                                                  std::size_t limit) {
  return store_.pending_events(first_id, last_id, limit);
}

Result<void> StoreUploadQueue::acknowledge_batch(const std::vector<std::int64_t>& chunk_ids,
                                                 const std::vector<std::int64_t>& event_ids) {
  return store_.mark_uploaded(chunk_ids, event_ids);
}

Result<std::int64_t> StoreUploadQueue::position(const std::string& name) {
  return store_.upload_cursor(name);
}

Result<void> StoreUploadQueue::set_position(const std::string& name, std::int64_t value) {
  return store_.set_upload_cursor(name, value);
}

Result<UploadBacklog> StoreUploadQueue::backlog() {
  std::lock_guard lock(backlog_mutex_);
  if (reader_.handle() == nullptr) {
    auto db = Db::open(store_.options().path, false);
    if (!db) return db.error();
    reader_ = std::move(*db);
    if (auto r = reader_.exec("PRAGMA query_only = 1"); !r) return r.error();
  }
  auto st = reader_.prepare(
      "SELECT count(*), coalesce(sum(length(sealed)), 0) FROM chunks WHERE uploaded = 0");
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  UploadBacklog out;
  if (*row) {
    out.chunks = static_cast<std::uint64_t>(st->col_int(0));
    out.bytes = static_cast<std::uint64_t>(st->col_int(1));
  }
  auto events = reader_.query_int("SELECT count(*) FROM events WHERE uploaded = 0");
  if (!events) return events.error();
  out.events = static_cast<std::uint64_t>(*events);
  return out;
}

}  // namespace meterd::store
