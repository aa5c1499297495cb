// uplink/batch.hpp: one upload batch (chunks of readings plus events), its columns and its
// idempotency key. The wire formats (batch_codec.hpp) and docs/uplink.md build on these columns.
//
// A batch is what one POST carries: a few stored chunks, oldest first, each the readings of one
// meter over one window, cut into columns: the reading times, then per series (OBIS code + unit)
// its values, qualities, and which readings it appears in. The idempotency key is derived from
// the content only (gateway id, chunk ids and content hashes, event ids and fields), so the same
// chunks and events give the same key after a crash, whichever encoding is used. Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "meterd/event.hpp"
#include "meterd/obis.hpp"
#include "meterd/quality.hpp"
#include "meterd/reading.hpp"
#include "meterd/unit.hpp"
#include "meterd/upload_queue.hpp"

namespace meterd::uplink {

inline constexpr int kSchemaVersion = 1;

struct Batch {
  std::string gateway;                         // gateway.id from the configuration
  std::vector<UploadChunk> chunks;             // oldest first
  std::map<std::string, std::string> serials;  // meter id -> serial number, where known
  std::vector<UploadEvent> events;             // stored meter and link events, oldest first
};

// One series of a chunk: the values of one OBIS code (and unit) in reading order.
struct SeriesColumns {
  ObisCode obis;
  Unit unit = Unit::none;
  std::vector<std::uint32_t> rows;  // the reading indexes it has a value in; empty = all
  std::vector<double> values;
  std::vector<Quality> qualities;
  bool all_good() const noexcept;
};

struct ChunkColumns {
  std::vector<std::int64_t> times_ms;  // reading times, UTC ms since the epoch
  std::vector<TimeSync> syncs;         // per reading
  std::vector<SeriesColumns> series;   // in order of first appearance
  bool all_synchronized() const noexcept;
};

// Cuts a chunk into columns (exact: to_readings() gives the readings back).
ChunkColumns to_columns(const UploadChunk& chunk);
// The readings of `columns`, for meter `meter`, values in series order.
std::vector<Reading> to_readings(const ChunkColumns& columns, const std::string& meter);

// Lower-case hex SHA-256 of a chunk's content (its id, meter, window and columns).
std::string chunk_hash(const UploadChunk& chunk);
// Lower-case hex SHA-256 of "meterd-batch-v1\n" gateway "\n", then "<id>:<chunk_hash>\n" per
// chunk, then "event:<id>:<hash of the event's fields>\n" per event (docs/uplink.md).
// With `chunk_hashes`, also gives the chunk_hash() of each chunk, in batch order (what the
// document carries: computed once per batch).
std::string idempotency_key(const Batch& batch, std::vector<std::string>* chunk_hashes = nullptr);
// Number of readings and of values in the batch.
std::size_t reading_count(const Batch& batch);
std::size_t value_count(const Batch& batch);

}  // namespace meterd::uplink
