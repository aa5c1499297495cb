#include "src/store/schema.hpp"

#include <array>
#include <string>

namespace meterd::store {
namespace {

// Migration i brings user_version from i to i + 1. Append only; never edit a shipped one.
constexpr std::array<const char*, kSchemaVersion> kMigrations{{
    // 0 -> 1: the first schema.
    R"sql(
CREATE TABLE meters (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
-- Readings of windows still open: per meter and flush, the readings that flush added (a sealed
-- chunk), written every flush interval. (meter_id, seq) is unique, and a window's rows are deleted in the transaction
-- that inserts its chunk, so a reading is never in both.
CREATE TABLE staging (
  meter_id     INTEGER NOT NULL REFERENCES meters(id),
  seq          INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  key_id       INTEGER NOT NULL,
  sealed       BLOB NOT NULL,
  PRIMARY KEY (meter_id, seq)
) WITHOUT ROWID;
-- Sealed chunks. Every column but uploaded and created_ms is authenticated (sealer.hpp).
CREATE TABLE chunks (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  meter_id     INTEGER NOT NULL REFERENCES meters(id),
  window_start INTEGER NOT NULL,
  t_first      INTEGER NOT NULL,
  t_last       INTEGER NOT NULL,
  rows         INTEGER NOT NULL,
  n_values     INTEGER NOT NULL,
  codec        INTEGER NOT NULL,
  key_id       INTEGER NOT NULL,
  sealed       BLOB NOT NULL,
  uploaded     INTEGER NOT NULL DEFAULT 0,
  created_ms   INTEGER NOT NULL
);
CREATE INDEX chunks_by_meter_window ON chunks (meter_id, window_start);
CREATE INDEX chunks_by_window ON chunks (window_start);
CREATE TABLE events (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  t_ms   INTEGER NOT NULL,
  kind   TEXT NOT NULL,
  count  INTEGER NOT NULL,
  detail TEXT NOT NULL
);
CREATE TABLE upload_cursor (
  stream        TEXT PRIMARY KEY,
  last_chunk_id INTEGER NOT NULL
);
CREATE TABLE keys (
  key_id        INTEGER PRIMARY KEY,
  first_used_ms INTEGER NOT NULL
);
)sql",
    // 1 -> 2: the uplink asks for the oldest chunks not yet uploaded at every batch; without an
    // index that is a scan of every row past its sealed blob (26 ms of CPU at 34,560 chunks,
    // a 24-day backlog of 8 meters). The partial index holds only what is pending.
    R"sql(
CREATE INDEX chunks_pending ON chunks (id) WHERE uploaded = 0;
)sql",
    // 2 -> 3: meter and bus events go to the server with the chunks (store_events.cpp). Their
    // fields are kept apart (detail stays the text people read), and uploaded is 0 while one
    // waits, 1 once a batch carrying it was acknowledged, NULL for the store's own events (not
    // sent). Events recorded before are offered too, with their text as detail.
    R"sql(
ALTER TABLE events ADD COLUMN bus TEXT;
ALTER TABLE events ADD COLUMN meter TEXT;
ALTER TABLE events ADD COLUMN note TEXT;
ALTER TABLE events ADD COLUMN uploaded INTEGER;
UPDATE events SET uploaded = 0 WHERE kind IN
  ('meter_offline', 'meter_online', 'meter_swapped', 'link_lost', 'link_reopened', 'load_switch');
CREATE INDEX events_pending ON events (id) WHERE uploaded = 0;
)sql",
    // 3 -> 4: named state of the stages that must survive a restart (the NILM engine's learned
    // model), one row per name, replaced whole, sealed like the data (store_state.cpp).
    R"sql(
CREATE TABLE state (
  name       TEXT PRIMARY KEY,
  key_id     INTEGER NOT NULL,
  sealed     BLOB NOT NULL,
  updated_ms INTEGER NOT NULL
);
)sql",
    // 4 -> 5: staging becomes a rowid table, rows in the order flushes wrote them. Keyed by
    // (meter_id, seq), each flush appended inside every meter's own key range: a page per meter
    // rewritten each flush, and B-tree rebalancing across sibling pages each time one filled. At
    // 1 s flushes of 8 meters that was 26 WAL frames (4 KiB each) per flush on average, about
    // 11.7 GB a day of writes for 33 MB of data (bench-store, real-time shape): flash wear on a
    // box meant to run for years. Appended at the end of the table, a flush's rows fill the
    // last page and start the next one: 5-6 frames. No index, so no unique key: (meter_id, seq)
    // is unique by construction, and recover() and verify() refuse a repeated one. The closed
    // windows' rows are deleted in one scan per flush (Store::delete_staging); the table
    // holds at most one window per meter.
    R"sql(
CREATE TABLE staging_by_flush (
  meter_id     INTEGER NOT NULL REFERENCES meters(id),
  seq          INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  key_id       INTEGER NOT NULL,
  sealed       BLOB NOT NULL
);
INSERT INTO staging_by_flush (meter_id, seq, window_start, key_id, sealed)
  SELECT meter_id, seq, window_start, key_id, sealed FROM staging ORDER BY seq, meter_id;
DROP TABLE staging;
ALTER TABLE staging_by_flush RENAME TO staging;
)sql",
}};

}  // namespace

Result<void> migrate(Db& db) {
  auto version = db.query_int("PRAGMA user_version");
  if (!version) return version.error();
  if (*version > kSchemaVersion) {
    return Error{Errc::unsupported, "store schema version " + std::to_string(*version) +
                                        " is newer than this meterd understands (" +
                                        std::to_string(kSchemaVersion) + ")"};
  }
  for (std::int64_t v = *version; v < kSchemaVersion; ++v) {
    auto tx = Transaction::begin(db);
    if (!tx) return tx.error();
    if (auto r = db.exec(kMigrations[static_cast<std::size_t>(v)]); !r) return r;
    if (auto r = db.exec("PRAGMA user_version = " + std::to_string(v + 1)); !r) return r;
    if (auto r = tx->commit(); !r) return r;
  }
  return {};
}

Result<Db> open_database(const std::filesystem::path& path) {
  auto db = Db::open(path, true);
  if (!db) return db.error();
  auto version = db->query_int("PRAGMA user_version");
  if (!version) return version.error();
  // auto_vacuum can only be chosen before the first table exists.
  if (*version == 0) {
    if (auto r = db->exec("PRAGMA auto_vacuum = INCREMENTAL"); !r) return r.error();
  }
  // mmap: chunk blobs are read without a copy through SQLite's page cache (read path only; writes
  // still go through the WAL). cache_size: 8 MiB of pages for the indexes and staging.
  for (const char* pragma :
       {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
        "PRAGMA mmap_size = 268435456", "PRAGMA cache_size = -8192"}) {
    if (auto r = db->exec(pragma); !r) return r.error();
  }
  if (auto r = migrate(*db); !r) return r.error();
  return std::move(*db);
}

}  // namespace meterd::store
