// meterd/upload_queue.hpp: what the uplink needs from the store, as a small interface.
//
// The store keeps readings in chunks (one meter, one time window) with stable, increasing ids.
// The uplink asks for the oldest chunks not yet acknowledged, sends them, and acknowledges them
// only after the server did (DESIGN.md: nothing acknowledged is lost). It also keeps a few named
// positions (e.g. the id range of the batch in flight) so a restart rebuilds exactly the same
// batch. Meter and bus events (meterd/event.hpp) the store recorded travel the same way: stable,
// increasing ids, acknowledged with the chunks of their batch in one step. An adapter in the
// store module implements it; the uplink never includes the store.
// Thread contract: implementations are thread-safe; calls may block on disk I/O (never call them
// on a shared event loop).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "meterd/error.hpp"
#include "meterd/event.hpp"
#include "meterd/reading.hpp"
#include "meterd/time.hpp"

namespace meterd {

// One stored chunk, decoded: the readings of one meter in one window, in time order.
struct UploadChunk {
  std::int64_t id = 0;  // stable and increasing in storage order
  std::string meter;
  UtcTime window_start{};
  std::vector<Reading> readings;
};

// One stored event.
struct UploadEvent {
  std::int64_t id = 0;  // stable and increasing in storage order
  Event event;

  friend bool operator==(const UploadEvent&, const UploadEvent&) = default;
};

// What is still waiting for acknowledgement.
struct UploadBacklog {
  std::uint64_t chunks = 0;
  std::uint64_t bytes = 0;  // stored (compressed, sealed) size of the chunks
  std::uint64_t events = 0;
};

class UploadQueue {
 public:
  virtual ~UploadQueue() = default;
  // Up to `limit` unacknowledged chunks with first_id <= id <= last_id, oldest first.
  virtual Result<std::vector<UploadChunk>> pending(std::int64_t first_id, std::int64_t last_id,
                                                   std::size_t limit) = 0;
  // Marks the chunks as delivered (acknowledged or quarantined): pending() no longer returns them.
  virtual Result<void> acknowledge(const std::vector<std::int64_t>& chunk_ids) = 0;
  // Up to `limit` unacknowledged events with first_id <= id <= last_id, oldest first.
  virtual Result<std::vector<UploadEvent>> pending_events(std::int64_t first_id,
                                                          std::int64_t last_id,
                                                          std::size_t limit) = 0;
  // Marks the chunks and events of one batch delivered, all or none (one transaction).
  virtual Result<void> acknowledge_batch(const std::vector<std::int64_t>& chunk_ids,
                                         const std::vector<std::int64_t>& event_ids) = 0;
  // A named durable position (0 until set) and setting it.
  virtual Result<std::int64_t> position(const std::string& name) = 0;
  virtual Result<void> set_position(const std::string& name, std::int64_t value) = 0;
  virtual Result<UploadBacklog> backlog() = 0;
};

}  // namespace meterd
