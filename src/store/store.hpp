// store/store.hpp: the store stage: readings in, sealed compressed chunks in one SQLite file.
//
// Write path: publish() only appends to a bounded in-memory queue (cheap, safe on the event
// loop; no Asio needed). Every flush interval (default 1 s) the store's own flush thread, or a
// caller of flush(), drains the queue in ONE transaction: the readings a flush adds to a window
// still open go to the staging table as one sealed row per (meter, flush), a window that closes (a
// later reading of the meter arrived, or the clock is past its end plus close_grace) becomes one
// chunk (chunk_codec + sealer) inserted in the same transaction that deletes its staging rows. A
// crash therefore loses at most what was queued since the last commit (the flush interval plus one
// flush), never duplicates a reading, and open() resumes the open windows from staging. If a flush
// fails, its transaction rolls back, its readings go back to the queue and the in-memory windows
// are reloaded from staging. Meter and bus events (publish(const Event&)) are queued beside the
// readings and inserted by the same flush, in its transaction: one commit (one WAL sync) a flush
// however many came, not one each (NILM's switchings come several a minute); same loss bound.
// Read path: series()/readings() see chunks and open windows (flushed
// data), consistently. Thread contract: every public function is thread-safe; publish() never
// blocks on SQLite.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "meterd/clock.hpp"
#include "meterd/error.hpp"
#include "meterd/event.hpp"
#include "meterd/reading_sink.hpp"
#include "meterd/upload_queue.hpp"
#include "src/store/chunk_codec.hpp"
#include "src/store/key_store.hpp"
#include "src/store/sealer.hpp"
#include "src/store/sqlite_db.hpp"

namespace meterd::store {

struct StoreOptions {
  std::filesystem::path path = "/var/lib/meterd/store.db";  // the SQLite file
  std::chrono::milliseconds flush_interval{1000};           // bound of what a crash may lose
  std::chrono::milliseconds window{600'000};                // readings per chunk: one meter, 10 min
  std::chrono::milliseconds close_grace{
      10'000};  // a quiet meter's window closes this long after its end
  std::chrono::milliseconds retention{std::chrono::hours(24 * 35)};
  std::uint64_t quota_bytes = 0;     // 0 = no quota
  std::uint64_t min_free_bytes = 0;  // free-space floor on the file system; 0 = none
  std::chrono::milliseconds retention_interval{
      60'000};                                // how often the flush thread applies retention
  std::size_t max_queued_readings = 100'000;  // beyond this publish() drops (counted, event)
  std::size_t max_queued_events = 10'000;     // the same for publish(const Event&)
  KeySource keys;                             // key directory and/or systemd credential
};

enum class Aggregate { raw, avg, min, max, last };

struct SeriesPoint {
  UtcTime time;  // the reading's time (raw) or the start of the step (aggregates)
  double value = 0.0;
  Quality quality = Quality::good;
};

struct BadChunk {
  std::int64_t chunk_id = 0;  // or the sequence number of a staging row
  bool staging_row = false;
  std::string meter;
  UtcTime window_start;
  std::string reason;
};

struct VerifyReport {
  std::size_t chunks = 0;            // chunks checked
  std::size_t values = 0;            // values in the chunks that verified
  std::size_t staging_rows = 0;      // staging rows (readings of open windows) checked
  std::size_t staging_readings = 0;  // readings in the staging rows that verified
  std::vector<BadChunk> bad;         // every chunk that failed, in id order
  bool clean() const noexcept { return bad.empty(); }
};

struct FlushStats {
  std::size_t readings = 0;  // taken from the queue
  std::size_t staged = 0;    // written to staging
  std::size_t chunks = 0;    // chunks sealed and written
  std::size_t events = 0;    // meter and bus events taken from their queue and written
};

struct RetentionReport {
  std::size_t deleted_chunks = 0;
  std::size_t lost_chunks = 0;  // deleted before upload
  std::uint64_t lost_values = 0;
};

struct StoreEvent {
  UtcTime time;
  std::string kind;  // "retention_data_lost", "queue_overflow", "staging_recovered"
  std::int64_t count = 0;
  std::string detail;
};

// A chunk decrypted for upload.
struct StoredChunk {
  std::int64_t id = 0;
  std::string meter;
  UtcTime window_start;
  std::vector<Reading> readings;
};

// The associated data of staging row `seq`, and that row opened and decoded (the readings one
// flush added to an open window).
ChunkAd staging_ad(const std::string& meter, std::int64_t window_start, std::int64_t seq,
                   KeyId key_id);
Result<ChunkData> open_staging_row(const Sealer& sealer, const std::string& meter,
                                   std::int64_t window_start, std::int64_t seq, std::int64_t key_id,
                                   std::span<const std::uint8_t> sealed);

class Store final : public ReadingSink {
 public:
  // Opens (creating) the file, migrates, loads keys from options.keys, resumes open windows.
  static Result<std::unique_ptr<Store>> open(const StoreOptions& options, const Clock& clock);
  // Same with keys already loaded and an injected random source (tests, tools).
  static Result<std::unique_ptr<Store>> open(const StoreOptions& options, const Clock& clock,
                                             KeyStore keys, RandomFill random = openssl_random);
  // Opens an existing file for reading only (the CLI's `meterd verify` and `meterd export`, safe
  // while the daemon writes): nothing is written (PRAGMA query_only); open windows are read from
  // staging. flush(), retention and upload marks return Errc::unsupported; publish() drops.
  static Result<std::unique_ptr<Store>> open_read_only(const StoreOptions& options,
                                                       const Clock& clock, KeyStore keys);
  ~Store() override;  // stop() (which flushes what is queued), then closes the file

  // Queues a copy of the reading; never blocks on I/O. Drops (and counts) beyond the bound.
  void publish(const Reading& reading) override;
  // Queues a meter or bus event (meterd/event.hpp) for the next flush, which writes it as
  // record_event() does; never blocks on I/O. Drops (and counts) beyond max_queued_events.
  void publish(const Event& event);

  // Starts / stops the flush thread (flush every flush_interval, retention every
  // retention_interval). stop() (also without start()) flushes what is queued; open windows stay
  // in staging.
  void start();
  void stop();

  // Writes everything queued now, in one transaction (see the class comment).
  Result<FlushStats> flush();
  // Closes every open window into a chunk now (shutdown of a meter, tests, benchmarks).
  Result<FlushStats> close_all_windows();

  // Values of one quantity of one meter with time in [from, to): raw points in time order, or one
  // point per step (from, from + step, ...) aggregating the usable, non-NaN values; steps without
  // any are omitted. Errc::invalid_argument for step <= 0 with an aggregate or from > to.
  Result<std::vector<SeriesPoint>> series(const std::string& meter, const ObisCode& obis,
                                          UtcTime from, UtcTime to, std::chrono::milliseconds step,
                                          Aggregate aggregate);
  // Every reading of one meter with time in [from, to), in time order.
  Result<std::vector<Reading>> readings(const std::string& meter, UtcTime from, UtcTime to);

  // Authenticates and decodes every chunk and staging row; reports every bad one.
  Result<VerifyReport> verify();

  // Applies the retention policy now (retention.hpp).
  Result<RetentionReport> enforce_retention();

  // Upload support: the oldest not-yet-uploaded chunks, decrypted; and marking them uploaded.
  Result<std::vector<StoredChunk>> pending_upload(std::size_t limit);
  Result<void> mark_uploaded(const std::vector<std::int64_t>& chunk_ids);
  // A named upload position (the uplink's own bookkeeping, e.g. the last chunk id acknowledged):
  // 0 until set.
  Result<std::int64_t> upload_cursor(const std::string& stream);
  Result<void> set_upload_cursor(const std::string& stream, std::int64_t chunk_id);

  Result<std::vector<std::string>> meters();
  Result<std::vector<StoreEvent>> events();
  // Persists a meter or bus event (meterd/event.hpp) as one events row (kind = its EventKind name,
  // count 1, detail "bus B, meter M: ..."), synchronously in its own transaction.
  // Errc::unsupported on a read-only store. store_events.cpp
  Result<void> record_event(const Event& event);
  // Upload support for those events (store_events.cpp): up to `limit` not-yet-uploaded ones with
  // first_id <= id <= last_id, oldest first; and marking chunks and events of one batch uploaded
  // in one transaction (all or none).
  Result<std::vector<UploadEvent>> pending_events(std::int64_t first_id, std::int64_t last_id,
                                                  std::size_t limit);
  Result<void> mark_uploaded(const std::vector<std::int64_t>& chunk_ids,
                             const std::vector<std::int64_t>& event_ids);
  // Named state of a stage that must survive restarts (e.g. "nilm.model", the NILM engine's
  // learned model): saved whole, sealed like the data, replacing any earlier value, synchronously
  // in its own transaction. Errc::unsupported on a read-only store. store_state.cpp
  Result<void> save_state(const std::string& name, std::string_view bytes);
  // The last saved value of `name`, or nullopt if it was never saved. Errc::authentication_failed
  // if the row was altered or moved to another name; Errc::not_found if its key is not loaded.
  Result<std::optional<std::string>> load_state(const std::string& name);
  std::uint64_t dropped_readings() const noexcept { return dropped_.load(); }
  std::uint64_t dropped_events() const noexcept { return dropped_events_.load(); }
  const StoreOptions& options() const noexcept { return options_; }

 private:
  struct OpenWindow {
    std::vector<Reading> rows;
    std::size_t staged = 0;  // rows[0, staged) are in the staging table
  };
  struct MeterState {
    std::int64_t id = 0;
    std::int64_t next_seq = 0;
    std::map<std::int64_t, OpenWindow> windows;  // by window start (ms)
  };

  Store(const StoreOptions& options, const Clock& clock, KeyStore keys, RandomFill random);
  Result<void> prepare_statements();
  Result<std::size_t> recover();  // (re)loads meters and open windows from the file
  Result<MeterState*> meter_state(const std::string& name);
  std::int64_t window_start(UtcTime t) const;
  // (meter id, window start) of windows sealed in a flush whose staging rows must go.
  using ClosedWindows = std::vector<std::pair<std::int64_t, std::int64_t>>;
  // Seals the window as a chunk; adds it to `closed` when it has staging rows.
  Result<void> write_chunk(const std::string& name, MeterState& m, std::int64_t start,
                           OpenWindow& w, ClosedWindows& closed);
  // Deletes the staging rows of `closed` in one scan of the staging table (it has no index: a
  // flush appends to its end, schema.cpp 4 -> 5).
  Result<void> delete_staging(const ClosedWindows& closed);
  Result<void> stage_rows(MeterState& m, std::int64_t start, OpenWindow& w, FlushStats& stats);
  Result<FlushStats> apply(const std::vector<Reading>& batch, const std::vector<Event>& events,
                           bool close_everything);
  // Inserts meter and bus events as events rows, in the caller's transaction (store_events.cpp).
  Result<void> insert_events(std::span<const Event> events);
  Result<void> add_event(const std::string& kind, std::int64_t count, const std::string& detail);
  // The readings and events dropped so far that a queue_overflow event has recorded.
  struct DropsReported {
    std::uint64_t readings = 0;
    std::uint64_t events = 0;
  };
  // Records what was dropped since `reported` as queue_overflow events (in the caller's
  // transaction) and advances `reported`.
  Result<void> note_dropped(DropsReported& reported);
  std::vector<Reading> open_rows(const std::string& meter) const;
  Result<void> for_each_chunk(const std::string& meter, UtcTime from, UtcTime to,
                              std::optional<ObisCode> only,
                              const std::function<void(ChunkData&&)>& fn);
  void run();

  Result<void> writable() const;

  StoreOptions options_;
  const Clock& clock_;
  bool read_only_ = false;
  KeyStore keys_;
  Sealer sealer_;

  std::mutex writer_mutex_;  // guards everything below down to next_chunk_id_
  Db db_;
  Stmt insert_meter_, insert_staging_, insert_chunk_;
  std::map<std::string, MeterState> meters_;
  std::int64_t next_chunk_id_ = 1;
  std::uint64_t dropped_reported_ = 0;
  std::uint64_t dropped_events_reported_ = 0;

  std::mutex queue_mutex_;  // guards queue_, event_queue_, stopping_
  std::vector<Reading> queue_;
  std::vector<Event> event_queue_;
  bool stopping_ = false;
  std::condition_variable wake_;
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> dropped_events_{0};
  std::thread thread_;
};

}  // namespace meterd::store
