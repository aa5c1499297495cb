// store/retention.hpp: which chunks to delete, as a pure function of what is stored.
//
// Policy (issue 4): chunks older than the retention age go first, but only once uploaded; when
// the store is over its quota or the disk below its free-space floor, more chunks go, oldest
// uploaded first, and only when no uploaded chunk is left, the oldest not-yet-uploaded ones:
// that is data loss, which the plan counts so the caller can log it loudly and record an event.
// Pure, no I/O, thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace meterd::store {

struct ChunkMeta {
  std::int64_t id = 0;
  std::int64_t window_start_ms = 0;
  std::uint64_t bytes = 0;  // bytes the chunk occupies at rest (sealed size + row overhead)
  bool uploaded = false;
  std::uint64_t values = 0;
};

struct RetentionInput {
  std::vector<ChunkMeta> chunks;  // any order
  std::int64_t now_ms = 0;
  std::chrono::milliseconds max_age{std::chrono::hours(24 * 35)};
  std::uint64_t used_bytes = 0;      // bytes the store occupies now
  std::uint64_t quota_bytes = 0;     // 0 = no quota
  std::uint64_t free_bytes = 0;      // free space on the file system now
  std::uint64_t min_free_bytes = 0;  // 0 = no floor
};

struct RetentionPlan {
  std::vector<std::int64_t> delete_ids;  // in deletion order
  std::size_t lost_chunks = 0;           // of which not uploaded
  std::uint64_t lost_values = 0;
};

RetentionPlan plan_retention(const RetentionInput& in);

}  // namespace meterd::store
