// Store::enforce_retention(): applies plan_retention() (retention.hpp) to the file.
#include "src/store/store.hpp"

#include <spdlog/spdlog.h>
#include <sys/statvfs.h>

#include "src/store/retention.hpp"

namespace meterd::store {
namespace {

// A chunk's row costs about this much beyond its sealed blob (record header, index entries).
constexpr std::uint64_t kRowOverhead = 64;

}  // namespace

Result<RetentionReport> Store::enforce_retention() {
  if (auto w = writable(); !w) return w.error();
  std::lock_guard lock(writer_mutex_);
  RetentionInput in;
  in.now_ms = clock_.utc_now().time_since_epoch().count();
  in.max_age = options_.retention;
  in.quota_bytes = options_.quota_bytes;
  in.min_free_bytes = options_.min_free_bytes;
  auto pages = db_.query_int("PRAGMA page_count");
  auto free_pages = db_.query_int("PRAGMA freelist_count");
  auto page_size = db_.query_int("PRAGMA page_size");
  if (!pages || !free_pages || !page_size)
    return Error{Errc::io_error, "store: cannot read the file size"};
  in.used_bytes = static_cast<std::uint64_t>((*pages - *free_pages) * *page_size);
  struct statvfs fs {};
  const auto dir =
      options_.path.has_parent_path() ? options_.path.parent_path() : std::filesystem::path(".");
  if (::statvfs(dir.c_str(), &fs) == 0)
    in.free_bytes = std::uint64_t{fs.f_bavail} * fs.f_frsize;
  else
    in.min_free_bytes = 0;  // unknown: do not delete for the floor on a guess

  auto st = db_.prepare("SELECT id, window_start, length(sealed), uploaded, n_values FROM chunks");
  if (!st) return st.error();
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    in.chunks.push_back({st->col_int(0), st->col_int(1),
                         static_cast<std::uint64_t>(st->col_int(2)) + kRowOverhead,
                         st->col_int(3) != 0, static_cast<std::uint64_t>(st->col_int(4))});
  }
  const RetentionPlan plan = plan_retention(in);
  RetentionReport report{plan.delete_ids.size(), plan.lost_chunks, plan.lost_values};
  if (plan.delete_ids.empty()) {
    // Pages freed by closed windows' staging rows go back to the file system too.
    if (*free_pages > 0) {
      if (auto r = db_.exec("PRAGMA incremental_vacuum"); !r)
        spdlog::warn("store: {}", r.error().message());
    }
    return report;
  }

  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  auto del = db_.prepare("DELETE FROM chunks WHERE id = ?");
  if (!del) return del.error();
  for (auto id : plan.delete_ids) {
    if (auto r = del->bind(1, id).run(); !r) return r.error();
  }
  if (plan.lost_chunks > 0) {
    spdlog::error(
        "store: DATA LOST: disk quota/free-space floor reached with nothing uploaded left to "
        "delete; deleted {} "
        "chunks ({} values) that were never uploaded",
        plan.lost_chunks, plan.lost_values);
    if (auto r = add_event("retention_data_lost", static_cast<std::int64_t>(plan.lost_values),
                           std::to_string(plan.lost_chunks) +
                               " chunks deleted before upload (quota or free space)");
        !r) {
      return r.error();
    }
  }
  if (auto r = tx->commit(); !r) return r.error();
  spdlog::info("store: retention deleted {} chunks", plan.delete_ids.size());
  // Give the freed pages back to the file system (auto_vacuum = INCREMENTAL).
  if (auto r = db_.exec("PRAGMA incremental_vacuum"); !r)
    spdlog::warn("store: {}", r.error().message());
  if (auto r = db_.exec("PRAGMA wal_checkpoint(TRUNCATE)"); !r)
    spdlog::warn("store: {}", r.error().message());
  return report;
}

}  // namespace meterd::store
