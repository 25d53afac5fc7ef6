// store: the one storage interface NDC's subsystems use, with two backends —
// SQLite (embedded, one WAL-mode file in the data directory) and PostgreSQL (libpq).
//
// The interface is a thin, portable SQL layer rather than one repository per domain: subsystems
// write portable SQL (see docs/design/store.md for the dialect rules) with positional
// parameters `$1, $2, ...` that both backends bind; nothing is ever spliced into SQL text
// except identifiers checked by IsSafeIdentifier() and quoted with QuoteIdentifier().
//
// Errors: every driver error is mapped to a canonical code (see MapSqliteError / MapPgError in
// each backend): unique or primary-key violation -> kAlreadyExists; other constraint violations
// -> kFailedPrecondition; bad value / bad cast -> kInvalidArgument; serialization failure,
// deadlock, SQLite busy after the busy timeout -> kAborted; connection lost / server down ->
// kUnavailable; statement timeout -> kDeadlineExceeded; disk full -> kResourceExhausted;
// corrupt file -> kDataLoss; anything else -> kInternal. Messages name the backend and
// include the driver's own text.
//
// Thread safety: a Database is thread-safe; it owns a pool of connections and each call
// checks one out. A Transaction belongs to one thread at a time and holds its connection
// until Commit() or Rollback() (its destructor rolls back if neither was called).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace ndc::store {

// Raw bytes, distinct from text (SQLite BLOB, PostgreSQL BYTEA).
struct Blob {
  std::string bytes;
  friend bool operator==(const Blob&, const Blob&) = default;
};

// A parameter or a result cell. Booleans are int64 0/1. Dates are ISO "YYYY-MM-DD" strings;
// exact decimals are strings. Timestamps are int64 microseconds since the epoch (UTC).
using Value = std::variant<std::monostate, int64_t, double, std::string, Blob>;

inline bool IsNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }
// Renders a value for messages and debugging ("NULL", 42, 'text', x'00ff').
std::string DebugString(const Value& v);

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  const Value& operator[](size_t i) const { return values_[i]; }
  bool IsNull(size_t i) const { return store::IsNull(values_[i]); }
  // Typed accessors; a NULL or a value of another type is a bug in the caller's SQL, reported
  // as 0 / "" (never a crash). Int() also accepts a double or a numeric string; Str() renders
  // an integer or double as text.
  int64_t Int(size_t i) const;
  double Double(size_t i) const;
  std::string Str(size_t i) const;
  const std::vector<Value>& values() const { return values_; }

 private:
  std::vector<Value> values_;
};

struct ResultSet {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  int64_t rows_affected = 0;  // for INSERT/UPDATE/DELETE
};

enum class Backend { kSqlite, kPostgres };
std::string_view BackendName(Backend b);  // "sqlite" / "postgresql"

// Column types as each backend spells them, for generated DDL (per-dataset tables).
enum class ColumnType { kText, kInteger, kReal, kDecimal, kDate, kBoolean, kBlob, kTimestamp };
std::string_view SqlTypeName(Backend b, ColumnType t);

// Anything SQL can be run on: a Database (each call its own implicit transaction) or a Transaction.
class Executor {
 public:
  virtual ~Executor() = default;
  // Runs one statement and returns its rows (empty for statements that return none).
  virtual Result<ResultSet> Query(std::string_view sql, std::span<const Value> params = {}) = 0;
  // Runs one statement; returns the number of rows affected.
  virtual Result<int64_t> Exec(std::string_view sql, std::span<const Value> params = {}) = 0;
  // Runs several `;`-separated statements without parameters (DDL, migrations).
  virtual Status ExecScript(std::string_view sql) = 0;
  virtual Backend backend() const = 0;

  // Convenience for the common single-row lookup: NotFound if no row.
  Result<Row> QueryOne(std::string_view sql, std::span<const Value> params = {});
};

class Transaction : public Executor {
 public:
  // Makes all changes durable (SQLite: synchronous=FULL in WAL mode; PostgreSQL: COMMIT with
  // synchronous_commit on). After Commit or Rollback the transaction is finished; further calls
  // return kFailedPrecondition.
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
};

struct OpenOptions {
  int pool_size = 8;                 // connections kept open
  int busy_timeout_ms = 5000;        // SQLite: wait for locks this long, then kAborted
  int statement_timeout_ms = 30000;  // PostgreSQL statement_timeout; SQLite progress-handler bound
  bool read_only = false;
  bool create_if_missing = true;     // SQLite: create the file
};

class Database : public Executor {
 public:
  // Starts a transaction. SQLite transactions are BEGIN IMMEDIATE (one writer at a time);
  // PostgreSQL ones are READ COMMITTED unless `serializable`.
  virtual Result<std::unique_ptr<Transaction>> Begin(bool serializable = false) = 0;

  // Applies every migration newer than the recorded schema version, each in its own
  // transaction, recording it in `ndc_schema_version` (version, name, applied_at). Safe to call
  // from several processes at once (PostgreSQL advisory lock; SQLite write lock). Returns the
  // schema version after migrating. A database newer than this binary -> kFailedPrecondition.
  virtual Result<int> Migrate() = 0;
  // The recorded schema version, 0 for an empty database.
  virtual Result<int> SchemaVersion() = 0;

  // Human-readable location without secrets: the SQLite path, or host:port/dbname.
  virtual std::string Describe() const = 0;
};

// Opens a SQLite database file (created if missing and allowed), in WAL mode with
// synchronous=FULL and foreign keys on.
Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const OpenOptions& options = {});
// Opens a PostgreSQL database from a libpq URI or key=value string. kUnavailable if the server
// cannot be reached; kUnauthenticated if the password is refused.
Result<std::unique_ptr<Database>> OpenPostgres(const std::string& conninfo, const OpenOptions& options = {});
// "postgresql://..." or "postgres://..." -> OpenPostgres; "sqlite:PATH" or a plain path -> OpenSqlite.
Result<std::unique_ptr<Database>> Open(const std::string& url, const OpenOptions& options = {});

// True for [a-z_][a-z0-9_]{0,62}: the only identifiers generated DDL may use.
bool IsSafeIdentifier(std::string_view name);
// "name" with double quotes (both dialects). Only call on IsSafeIdentifier names.
std::string QuoteIdentifier(std::string_view name);

}  // namespace ndc::store
