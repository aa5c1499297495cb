#include "src/store/retention.hpp"

#include <algorithm>

namespace meterd::store {

RetentionPlan plan_retention(const RetentionInput& in) {
  std::vector<ChunkMeta> chunks = in.chunks;
  std::sort(chunks.begin(), chunks.end(), [](const ChunkMeta& a, const ChunkMeta& b) {
    return a.window_start_ms != b.window_start_ms ? a.window_start_ms < b.window_start_ms
                                                  : a.id < b.id;
  });
  RetentionPlan plan;
  std::vector<bool> gone(chunks.size(), false);
  std::uint64_t freed = 0;
  auto drop = [&](std::size_t i) {
    gone[i] = true;
    freed += chunks[i].bytes;
    plan.delete_ids.push_back(chunks[i].id);
    if (!chunks[i].uploaded) {
      ++plan.lost_chunks;
      plan.lost_values += chunks[i].values;
    }
  };
  const std::int64_t cutoff = in.now_ms - in.max_age.count();
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (chunks[i].uploaded && chunks[i].window_start_ms < cutoff) drop(i);
  }
  auto excess = [&]() -> std::uint64_t {
    std::uint64_t need = 0;
    if (in.quota_bytes > 0 && in.used_bytes > in.quota_bytes + freed) {
      need = in.used_bytes - in.quota_bytes - freed;
    }
    if (in.min_free_bytes > 0 && in.free_bytes + freed < in.min_free_bytes) {
      need = std::max(need, in.min_free_bytes - in.free_bytes - freed);
    }
    return need;
  };
  for (bool uploaded_pass : {true, false}) {
    for (std::size_t i = 0; i < chunks.size() && excess() > 0; ++i) {
      if (!gone[i] && chunks[i].uploaded == uploaded_pass) drop(i);
    }
  }
  return plan;
}

}  // namespace meterd::store
