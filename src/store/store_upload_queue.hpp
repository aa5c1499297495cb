// store/store_upload_queue.hpp: the store as the uplink's UploadQueue (meterd/upload_queue.hpp).
//
// pending() decrypts the oldest unacknowledged chunks (Store::pending_upload), pending_events()
// reads the meter and bus events not yet uploaded (Store::pending_events), acknowledge() and
// acknowledge_batch() mark them uploaded (chunks and events of a batch in one transaction),
// positions are the store's named upload cursors, and backlog() counts the unacknowledged chunks,
// their sealed size and the unacknowledged events over a second, read-only SQLite connection (it
// never takes the writer's lock). Thread-safe, as Store is; calls block on SQLite.
#pragma once

#include <memory>
#include <mutex>

#include "meterd/upload_queue.hpp"
#include "src/store/sqlite_db.hpp"
#include "src/store/store.hpp"

namespace meterd::store {

class StoreUploadQueue final : public UploadQueue {
 public:
  explicit StoreUploadQueue(Store& store) : store_(store) {}

  Result<std::vector<UploadChunk>> pending(std::int64_t first_id, std::int64_t last_id,
                                           std::size_t limit) override;
  Result<void> acknowledge(const std::vector<std::int64_t>& chunk_ids) override;
  Result<std::vector<UploadEvent>> pending_events(std::int64_t first_id, std::int64_t last_id,
                                                  std::size_t limit) override;
  Result<void> acknowledge_batch(const std::vector<std::int64_t>& chunk_ids,
                                 const std::vector<std::int64_t>& event_ids) override;
  Result<std::int64_t> position(const std::string& name) override;
  Result<void> set_position(const std::string& name, std::int64_t value) override;
  Result<UploadBacklog> backlog() override;

 private:
  Store& store_;
  std::mutex backlog_mutex_;  // guards reader_
  Db reader_;
};

}  // namespace meterd::store
