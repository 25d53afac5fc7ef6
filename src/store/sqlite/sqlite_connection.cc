#include "store/sqlite/sqlite_connection.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <vector>

#include "store/internal/sql_params.h"
#include "store/sqlite/sqlite_errors.h"

namespace ndc::store {
namespace {

// Statements kept prepared per connection; past this the cache is emptied and refilled (the
// hub runs a few dozen distinct statements, so this only bounds runaway generated SQL).
constexpr size_t kMaxCachedStatements = 128;
// VM instructions between deadline checks.
constexpr int kProgressInterval = 1000;

// "sqlite: opening PATH: <what went wrong>", keeping the code.
Status WhileOpening(const Status& s, const std::string& path) {
  std::string_view m = s.message();
  if (m.starts_with("sqlite: ")) m.remove_prefix(8);
  return Status(s.code(), fmt::format("sqlite: opening {}: {}", path, m));
}

}  // namespace

// Arms the statement deadline for one call and disarms it on every exit path.
class SqliteConnection::Deadline {
 public:
  explicit Deadline(SqliteConnection* c) : c_(c) {
    c_->deadline_ = c_->timeout_micros_ > 0 ? c_->clock_->MonotonicMicros() + c_->timeout_micros_ : 0;
  }
  ~Deadline() { c_->deadline_ = 0; }

 private:
  SqliteConnection* c_;
};

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path,
                                                                 const OpenOptions& options, Clock* clock) {
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  flags |= options.read_only ? SQLITE_OPEN_READONLY
                             : SQLITE_OPEN_READWRITE | (options.create_if_missing ? SQLITE_OPEN_CREATE : 0);
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status s = MapSqliteError(rc, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return WhileOpening(s, path);
  }
  std::unique_ptr<SqliteConnection> conn(new SqliteConnection(db, clock, options));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  sqlite3_progress_handler(db, kProgressInterval, &SqliteConnection::OnProgress, conn.get());
  if (!options.read_only) {
    // journal_mode reads the file header, so a non-database file fails here (kDataLoss).
    Result<ResultSet> mode = conn->Run("PRAGMA journal_mode=WAL", {}, /*autocommit=*/false);
    if (!mode.ok()) return WhileOpening(mode.status(), path);
    if (mode->rows.empty() || mode->rows[0].Str(0) != "wal") {
      return FailedPreconditionError(fmt::format("sqlite: {} cannot use WAL mode (journal_mode is '{}')",
                                                 path, mode->rows.empty() ? "" : mode->rows[0].Str(0)));
    }
  }
  for (const char* pragma : {"PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    if (Status s = conn->Simple(pragma); !s.ok()) return WhileOpening(s, path);
  }
  // Reads the schema: a read-only open of a non-database file fails here.
  Status read = conn->Run("SELECT COUNT(*) FROM sqlite_master", {}, false).status();
  if (!read.ok()) return WhileOpening(read, path);
  return conn;
}

SqliteConnection::SqliteConnection(sqlite3* db, Clock* clock, const OpenOptions& options)
    : db_(db),
      clock_(clock),
      timeout_micros_(int64_t{options.statement_timeout_ms} * 1000),
      read_only_(options.read_only) {}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

int SqliteConnection::OnProgress(void* self) {
  auto* c = static_cast<SqliteConnection*>(self);
  return c->deadline_ != 0 && c->clock_->MonotonicMicros() > c->deadline_ ? 1 : 0;
}

Status SqliteConnection::Error(int rc) const {
  if ((rc & 0xff) == SQLITE_INTERRUPT) {
    return DeadlineExceededError(
        fmt::format("sqlite: statement cancelled after the {} ms statement timeout", timeout_micros_ / 1000));
  }
  return MapSqliteError(rc, sqlite3_errmsg(db_));
}

Status SqliteConnection::Simple(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? OkStatus() : Error(rc);
}

Status SqliteConnection::CommitOrRollback() {
  Status s = Simple("COMMIT");
  if (!s.ok() && !sqlite3_get_autocommit(db_)) Simple("ROLLBACK").IgnoreError();
  return s;
}

Result<sqlite3_stmt*> SqliteConnection::Prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                              &tail);
  if (rc != SQLITE_OK) return Error(rc);
  if (stmt == nullptr) return InvalidArgumentError("sqlite: empty statement");
  std::string_view rest(tail, static_cast<size_t>(sql.data() + sql.size() - tail));
  if (!ScanSql(rest).empty) {
    sqlite3_finalize(stmt);
    return InvalidArgumentError("sqlite: Query/Exec take one statement; use ExecScript for several");
  }
  if (cache_.size() >= kMaxCachedStatements) {
    for (auto& [old_sql, old] : cache_) sqlite3_finalize(old);
    cache_.clear();
  }
  cache_.emplace(std::string(sql), stmt);
  return stmt;
}

Status SqliteConnection::Bind(sqlite3_stmt* stmt, std::span<const Value> params) {
  const int count = sqlite3_bind_parameter_count(stmt);
  std::vector<std::pair<int, int>> slots;  // ($n, bind index)
  for (int i = 1; i <= count; ++i) {
    const char* name = sqlite3_bind_parameter_name(stmt, i);
    std::string_view n = name ? name : "?";
    int number = 0;
    auto [end, ec] = std::from_chars(n.data() + std::min<size_t>(1, n.size()), n.data() + n.size(), number);
    if (n.size() < 2 || n[0] != '$' || ec != std::errc() || end != n.data() + n.size()) {
      return InvalidArgumentError(fmt::format("sqlite: parameter '{}' is not of the form $1..$n", n));
    }
    slots.emplace_back(number, i);
  }
  std::sort(slots.begin(), slots.end());
  std::vector<int> referenced;
  for (const auto& slot : slots) referenced.push_back(slot.first);
  RETURN_IF_ERROR(CheckParameters(referenced, params.size(), "sqlite"));
  for (const auto& [number, index] : slots) {
    const Value& v = params[static_cast<size_t>(number - 1)];
    int rc = SQLITE_OK;
    if (IsNull(v)) {
      rc = sqlite3_bind_null(stmt, index);
    } else if (const auto* i = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, index, *i);
    } else if (const auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, index, *d);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      // SQLITE_STATIC: the caller's params outlive the statement's run; bindings are cleared after.
      rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else {
      const std::string& b = std::get<Blob>(v).bytes;
      // A null pointer would bind NULL, so an empty blob needs zeroblob.
      rc = b.empty() ? sqlite3_bind_zeroblob(stmt, index, 0)
                     : sqlite3_bind_blob64(stmt, index, b.data(), b.size(), SQLITE_STATIC);
    }
    if (rc != SQLITE_OK) return Error(rc);
  }
  return OkStatus();
}

Result<ResultSet> SqliteConnection::Step(sqlite3_stmt* stmt) {
  ResultSet rs;
  const int ncol = sqlite3_column_count(stmt);
  for (int c = 0; c < ncol; ++c) rs.columns.emplace_back(sqlite3_column_name(stmt, c));
  const int64_t changes_before = sqlite3_total_changes64(db_);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<Value> row;
    row.reserve(static_cast<size_t>(ncol));
    for (int c = 0; c < ncol; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER:
          row.emplace_back(int64_t{sqlite3_column_int64(stmt, c)});
          break;
        case SQLITE_FLOAT:
          row.emplace_back(sqlite3_column_double(stmt, c));
          break;
        case SQLITE_TEXT: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          row.emplace_back(std::string(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
          break;
        }
        case SQLITE_BLOB: {
          const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt, c));
          size_t size = static_cast<size_t>(sqlite3_column_bytes(stmt, c));
          row.emplace_back(Blob{data ? std::string(data, size) : std::string()});
          break;
        }
        default:
          row.emplace_back(std::monostate{});
          break;
      }
    }
    rs.rows.emplace_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return Error(rc);
  // changes64() keeps the count of the last INSERT/UPDATE/DELETE even after other statements;
  // it belongs to this statement only if the connection's total moved.
  if (sqlite3_total_changes64(db_) != changes_before) rs.rows_affected = sqlite3_changes64(db_);
  return rs;
}

Result<ResultSet> SqliteConnection::Run(std::string_view sql, std::span<const Value> params,
                                        bool autocommit) {
  ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
  struct Cleanup {
    sqlite3_stmt* stmt;
    ~Cleanup() {
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
    }
  } cleanup{stmt};
  RETURN_IF_ERROR(Bind(stmt, params));
  const bool wrap = autocommit && !read_only_ && !sqlite3_stmt_readonly(stmt) && sqlite3_get_autocommit(db_);
  if (wrap) RETURN_IF_ERROR(Simple("BEGIN IMMEDIATE"));
  Result<ResultSet> rs = [&] {
    Deadline deadline(this);
    return Step(stmt);
  }();
  if (!wrap) return rs;
  sqlite3_reset(stmt);
  if (!rs.ok()) {
    if (!sqlite3_get_autocommit(db_)) Simple("ROLLBACK").IgnoreError();
    return rs;
  }
  RETURN_IF_ERROR(CommitOrRollback());
  return rs;
}

Status SqliteConnection::RunScript(std::string_view sql, bool autocommit) {
  if (autocommit) RETURN_IF_ERROR(Simple(read_only_ ? "BEGIN" : "BEGIN IMMEDIATE"));
  Status s = [&] {
    Deadline deadline(this);
    return Simple(std::string(sql).c_str());
  }();
  if (!autocommit) return s;
  if (!s.ok()) {
    if (!sqlite3_get_autocommit(db_)) Simple("ROLLBACK").IgnoreError();
    return s;
  }
  return CommitOrRollback();
}

Status SqliteConnection::Begin(bool /*serializable: SQLite transactions always are*/) {
  return Simple(read_only_ ? "BEGIN" : "BEGIN IMMEDIATE");
}

Status SqliteConnection::Commit() { return CommitOrRollback(); }

Status SqliteConnection::Rollback() {
  // SQLite rolls back on its own after some errors (e.g. disk full); then there is nothing to do.
  if (sqlite3_get_autocommit(db_)) return OkStatus();
  return Simple("ROLLBACK");
}

bool SqliteConnection::Reset() {
  if (sqlite3_get_autocommit(db_)) return true;
  return Simple("ROLLBACK").ok();
}

}  // namespace ndc::store
