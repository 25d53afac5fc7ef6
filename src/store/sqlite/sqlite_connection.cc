#include "store/sqlite/sqlite_connection.h"

#include <filesystem>

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
  std::string hint;
  std::error_code ec;
  if (s.code() == StatusCode::kDataLoss && std::filesystem::exists(path + "-wal", ec)) {
    // The usual cause after a restore: SQLite replays a log left by the file that was replaced
    // (a review of 2026-12-03 met it; docs/backup.md).
    hint = fmt::format(
        "; a write-ahead log {}-wal lies beside it: if this file was just restored or copied in, that log "
        "belongs to the file it replaced — move the directory aside and restore into an empty one "
        "(docs/backup.md)",
        path);
  }
  return Status(s.code(), fmt::format("sqlite: opening {}: {}{}", path, m, hint));
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
                                                                 const OpenOptions& options, Clock* clock,
                                                                 std::shared_ptr<WalCheckpointer> checkpointer) {
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
    if (checkpointer) {
      checkpointer->Attach(db);
      conn->checkpointer_ = std::move(checkpointer);
    }
  }
  // cache_size: 64 MiB of pages per connection (the default 2 MiB makes a large transaction spill
  // and re-read its own pages); memory is taken only as pages are used.
  for (const char* pragma : {"PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA cache_size=-65536"}) {
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
  for (auto& [sql, prepared] : cache_) sqlite3_finalize(prepared.stmt);
  for (auto& [sql, stmt] : control_) sqlite3_finalize(stmt);
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

Status SqliteConnection::Control(std::string_view sql) {
  auto it = control_.find(sql);
  if (it == control_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                                nullptr);
    if (rc != SQLITE_OK) return Error(rc);
    it = control_.emplace(std::string(sql), stmt).first;
  }
  int rc = sqlite3_step(it->second);
  sqlite3_reset(it->second);
  return rc == SQLITE_DONE ? OkStatus() : Error(rc);
}

Status SqliteConnection::CommitOrRollback() {
  Status s = Control("COMMIT");
  if (!s.ok() && !sqlite3_get_autocommit(db_)) Control("ROLLBACK").IgnoreError();
  return s;
}

Result<const SqliteConnection::Prepared*> SqliteConnection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return &it->second;
  SqlShape shape = ScanSql(sql);
  std::string rewritten(sql);
  for (size_t offset : shape.offsets) rewritten[offset] = '?';
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, rewritten.data(), static_cast<int>(rewritten.size()), SQLITE_PREPARE_PERSISTENT,
                              &stmt, &tail);
  if (rc != SQLITE_OK) return Error(rc);
  if (stmt == nullptr) return InvalidArgumentError("sqlite: empty statement");
  std::string_view rest(tail, static_cast<size_t>(rewritten.data() + rewritten.size() - tail));
  if (!ScanSql(rest).empty) {
    sqlite3_finalize(stmt);
    return InvalidArgumentError("sqlite: Query/Exec take one statement; use ExecScript for several");
  }
  // Every parameter must be one of ours: `?i` at index i. Anything else (`?`, `:name`, `@x`, a
  // `?n` gap) is refused here, once per statement.
  const int count = sqlite3_bind_parameter_count(stmt);
  for (int i = 1; i <= count; ++i) {
    const char* name = sqlite3_bind_parameter_name(stmt, i);
    if (name == nullptr || std::string_view(name) != "?" + std::to_string(i)) {
      sqlite3_finalize(stmt);
      Status gaps = CheckParameters(shape.parameters, shape.parameters.size(), "sqlite");
      if (!gaps.ok()) return gaps;
      std::string_view shown = name ? name : "?";
      if (!shown.empty() && shown[0] == '?' && shown.size() > 1) shown = "?n";
      return InvalidArgumentError(fmt::format("sqlite: parameter '{}' is not of the form $1..$n", shown));
    }
  }
  if (cache_.size() >= kMaxCachedStatements) {
    for (auto& [old_sql, old] : cache_) sqlite3_finalize(old.stmt);
    cache_.clear();
  }
  auto [pos, inserted] = cache_.emplace(std::string(sql), Prepared{stmt, std::move(shape.parameters)});
  return &pos->second;
}

Status SqliteConnection::BindValue(sqlite3_stmt* stmt, int index, const Value& v) {
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
  return rc == SQLITE_OK ? OkStatus() : Error(rc);
}

Status SqliteConnection::Bind(const Prepared& prepared, std::span<const Value> params) {
  RETURN_IF_ERROR(CheckParameters(prepared.parameters, params.size(), "sqlite"));
  for (size_t i = 0; i < params.size(); ++i) {
    RETURN_IF_ERROR(BindValue(prepared.stmt, static_cast<int>(i + 1), params[i]));
  }
  return OkStatus();
}

Result<ResultSet> SqliteConnection::Step(sqlite3_stmt* stmt) {
  ResultSet rs;
  const int ncol = sqlite3_column_count(stmt);
  // Reserved: growing by doubling reached a 1 KiB block at 17 columns, and a request that large
  // makes glibc consolidate its fast bins (a record read has 23 columns).
  rs.columns.reserve(static_cast<size_t>(ncol));
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
  ASSIGN_OR_RETURN(const Prepared* prepared, Prepare(sql));
  sqlite3_stmt* stmt = prepared->stmt;
  struct Cleanup {
    sqlite3_stmt* stmt;
    ~Cleanup() {
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
    }
  } cleanup{stmt};
  RETURN_IF_ERROR(Bind(*prepared, params));
  const bool wrap = autocommit && !read_only_ && !sqlite3_stmt_readonly(stmt) && sqlite3_get_autocommit(db_);
  if (wrap) RETURN_IF_ERROR(Control("BEGIN IMMEDIATE"));
  Result<ResultSet> rs = [&] {
    Deadline deadline(this);
    return Step(stmt);
  }();
  if (!wrap) return rs;
  sqlite3_reset(stmt);
  if (!rs.ok()) {
    if (!sqlite3_get_autocommit(db_)) Control("ROLLBACK").IgnoreError();
    return rs;
  }
  RETURN_IF_ERROR(CommitOrRollback());
  return rs;
}

Result<sqlite3_stmt*> SqliteConnection::PrepareInsert(std::string_view table, std::span<const std::string> columns) {
  std::string sql = fmt::format("INSERT INTO {} (", QuoteIdentifier(table));
  for (size_t c = 0; c < columns.size(); ++c) sql += (c ? ", " : "") + QuoteIdentifier(columns[c]);
  sql += ") VALUES (";
  for (size_t c = 0; c < columns.size(); ++c) sql += fmt::format("{}${}", c ? ", " : "", c + 1);
  sql += ")";
  ASSIGN_OR_RETURN(const Prepared* prepared, Prepare(sql));
  return prepared->stmt;
}

Result<int64_t> SqliteConnection::InsertRows(sqlite3_stmt* stmt, const BulkRows& rows) {
  Deadline deadline(this);
  int64_t inserted = 0;
  for (size_t r = 0; r < rows.rows(); ++r) {
    int param = 0;
    for (std::span<const Value> part : {rows.head(r), rows.tail(r)}) {
      for (const Value& v : part) {
        Status bound = BindValue(stmt, ++param, v);
        if (!bound.ok()) {
          sqlite3_reset(stmt);
          sqlite3_clear_bindings(stmt);
          return bound;
        }
      }
    }
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
      sqlite3_clear_bindings(stmt);
      return Error(rc);
    }
    ++inserted;
  }
  sqlite3_clear_bindings(stmt);
  return inserted;
}

Result<int64_t> SqliteConnection::BulkInsert(std::string_view table, std::span<const std::string> columns,
                                             const BulkRows& rows) {
  ASSIGN_OR_RETURN(sqlite3_stmt* stmt, PrepareInsert(table, columns));
  return InsertRows(stmt, rows);
}

// SQLite has no COPY: each Write runs the prepared INSERT, as BulkInsert does. The statement stays
// valid: no other call is made on the connection until the inserter is done.
class SqliteConnection::Inserter final : public BulkInserter {
 public:
  Inserter(SqliteConnection* conn, sqlite3_stmt* stmt) : conn_(conn), stmt_(stmt) {}
  Status Write(const BulkRows& rows) override {
    ASSIGN_OR_RETURN(int64_t n, conn_->InsertRows(stmt_, rows));
    inserted_ += n;
    return OkStatus();
  }
  Result<int64_t> Finish() override { return inserted_; }

 private:
  SqliteConnection* const conn_;
  sqlite3_stmt* const stmt_;
  int64_t inserted_ = 0;
};

Result<std::unique_ptr<BulkInserter>> SqliteConnection::BeginBulkInsert(std::string_view table,
                                                                        std::span<const std::string> columns) {
  ASSIGN_OR_RETURN(sqlite3_stmt* stmt, PrepareInsert(table, columns));
  return std::unique_ptr<BulkInserter>(new Inserter(this, stmt));
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

// No Deadline: the progress handler gives up only while one is set.
Status SqliteConnection::RunScriptUntimed(std::string_view sql) { return Simple(std::string(sql).c_str()); }

Status SqliteConnection::Begin(bool /*serializable: SQLite transactions always are*/) {
  return Control(read_only_ ? "BEGIN" : "BEGIN IMMEDIATE");
}

// Deferred: the snapshot is taken by the first SELECT, and no write lock is asked for.
Status SqliteConnection::BeginRead() { return Control("BEGIN DEFERRED"); }

Status SqliteConnection::Commit() { return CommitOrRollback(); }

Status SqliteConnection::Rollback() {
  // SQLite rolls back on its own after some errors (e.g. disk full); then there is nothing to do.
  if (sqlite3_get_autocommit(db_)) return OkStatus();
  return Control("ROLLBACK");
}

bool SqliteConnection::Reset() {
  if (sqlite3_get_autocommit(db_)) return true;
  return Control("ROLLBACK").ok();
}

}  // namespace ndc::store
