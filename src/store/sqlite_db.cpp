#include "src/store/sqlite_db.hpp"

#include <sqlite3.h>

#include <utility>

namespace meterd::store {

Error sqlite_error(sqlite3* db, const std::string& what) {
  return Error{Errc::io_error,
               what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory")};
}

Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(s_);
    s_ = std::exchange(o.s_, nullptr);
    db_ = o.db_;
  }
  return *this;
}

Stmt::~Stmt() { sqlite3_finalize(s_); }

Stmt& Stmt::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}
Stmt& Stmt::bind(int i, std::string_view v) {
  sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::bind_double(int i, double v) {
  sqlite3_bind_double(s_, i, v);
  return *this;
}
Stmt& Stmt::bind_blob(int i, std::span<const std::uint8_t> v) {
  // A zero-length blob with a null pointer would bind NULL; use a static byte instead.
  static const std::uint8_t kEmpty = 0;
  sqlite3_bind_blob(s_, i, v.empty() ? &kEmpty : v.data(), static_cast<int>(v.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

Result<bool> Stmt::step() {
  const int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  auto e = sqlite_error(db_, std::string("step \"") + sqlite3_sql(s_) + "\"");
  sqlite3_reset(s_);
  return e;
}

Result<void> Stmt::run() {
  auto r = step();
  sqlite3_reset(s_);
  if (!r) return r.error();
  return {};
}

void Stmt::reset() { sqlite3_reset(s_); }

std::int64_t Stmt::col_int(int i) const { return sqlite3_column_int64(s_, i); }
std::span<const std::uint8_t> Stmt::col_blob(int i) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s_, i));
  const int n = sqlite3_column_bytes(s_, i);
  return {p, static_cast<std::size_t>(p == nullptr ? 0 : n)};
}
std::string Stmt::col_text(int i) const {
  const auto* p = sqlite3_column_text(s_, i);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
}
bool Stmt::col_null(int i) const { return sqlite3_column_type(s_, i) == SQLITE_NULL; }

Db& Db::operator=(Db&& o) noexcept {
  if (this != &o) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(o.db_, nullptr);
  }
  return *this;
}

Db::~Db() { sqlite3_close_v2(db_); }

Result<Db> Db::open(const std::filesystem::path& path, bool create) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    auto e = sqlite_error(db, "cannot open database " + path.string());
    sqlite3_close_v2(db);
    if (rc == SQLITE_CANTOPEN) e.code = make_error_code(Errc::not_found);
    return e;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  return Db(db);
}

Result<void> Db::exec(const std::string& sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    Error e{Errc::io_error, "\"" + sql.substr(0, 60) + "\": " + (msg != nullptr ? msg : "error")};
    sqlite3_free(msg);
    return e;
  }
  return {};
}

Result<Stmt> Db::prepare(const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &s, nullptr) !=
      SQLITE_OK) {
    return sqlite_error(db_, "prepare \"" + sql.substr(0, 60) + "\"");
  }
  return Stmt(s, db_);
}

Result<std::int64_t> Db::query_int(const std::string& sql) {
  auto st = prepare(sql);
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return Error{Errc::io_error, "\"" + sql + "\" returned no row"};
  return st->col_int(0);
}

std::int64_t Db::changes() const { return sqlite3_changes64(db_); }
std::int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

Result<Transaction> Transaction::begin(Db& db) {
  if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return r.error();
  return Transaction(db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->exec("ROLLBACK");
}

Result<void> Transaction::commit() {
  auto r = db_->exec("COMMIT");
  if (r) db_ = nullptr;
  return r;
}

}  // namespace meterd::store
