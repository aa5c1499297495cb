// store/sqlite_db.hpp: a thin RAII layer over the sqlite3 C API (https://sqlite.org/c3ref/).
//
// Db owns one connection, Stmt one prepared statement; SQLite result codes become meterd
// Errors (Errc::io_error with SQLite's message) in one place. A Db is used by one thread at a
// time (the owner serializes); statements must not outlive their Db.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "meterd/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace meterd::store {

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3_stmt* s, sqlite3* db) : s_(s), db_(db) {}
  Stmt(Stmt&& o) noexcept : s_(o.s_), db_(o.db_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Binding is 1-based as in sqlite3_bind_*; the statement is reset first if it was stepped.
  Stmt& bind(int i, std::int64_t v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bind_double(int i, double v);
  Stmt& bind_blob(int i, std::span<const std::uint8_t> v);
  // true = a row is available, false = done. Errors carry SQLite's message.
  Result<bool> step();
  // Steps to completion expecting no row, then resets.
  Result<void> run();
  void reset();

  std::int64_t col_int(int i) const;
  std::span<const std::uint8_t> col_blob(int i) const;
  std::string col_text(int i) const;
  bool col_null(int i) const;

 private:
  sqlite3_stmt* s_ = nullptr;
  sqlite3* db_ = nullptr;
};

class Db {
 public:
  Db() = default;
  Db(Db&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Db& operator=(Db&& o) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  // Opens (creating if asked) the file with a 5 s busy timeout.
  static Result<Db> open(const std::filesystem::path& path, bool create);

  Result<void> exec(const std::string& sql);
  Result<Stmt> prepare(const std::string& sql);
  // The single integer a statement like "PRAGMA user_version" returns.
  Result<std::int64_t> query_int(const std::string& sql);
  std::int64_t changes() const;
  std::int64_t last_insert_rowid() const;
  sqlite3* handle() const noexcept { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

Error sqlite_error(sqlite3* db, const std::string& what);

// BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(Db& db);
  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Result<void> commit();

 private:
  explicit Transaction(Db& db) : db_(&db) {}
  Db* db_;
};

}  // namespace meterd::store
