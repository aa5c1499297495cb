// store/schema.hpp: the SQLite schema of the store and its forward migrations.
//
// The schema version is PRAGMA user_version. open_database() configures the connection (WAL,
// synchronous=FULL, incremental auto-vacuum for retention) and runs every migration from the
// file's version up to kSchemaVersion, each in its own transaction. A file written by a newer
// meterd (user_version > kSchemaVersion) is refused with Errc::unsupported, never modified.
//
// Why synchronous=FULL: in WAL mode NORMAL skips the fsync of the WAL at commit, so a power cut
// may roll back transactions that were already committed, i.e. more than the flush interval. With
// FULL each flush (one transaction per flush interval, default 1 s) is durable when it returns:
// one fsync per second. What a flush writes is kept small for flash (migration 4 -> 5).
// Thread contract: like Db.
#pragma once

#include <filesystem>

#include "src/store/sqlite_db.hpp"

namespace meterd::store {

inline constexpr std::int64_t kSchemaVersion = 5;

// Opens or creates the store file and brings its schema to kSchemaVersion.
Result<Db> open_database(const std::filesystem::path& path);

// Runs the migrations on an open connection (exposed for tests from earlier versions).
Result<void> migrate(Db& db);

}  // namespace meterd::store
