// store: the one storage interface NDC's subsystems use, with two backends —
// SQLite (embedded, one WAL-mode file in the data directory) and PostgreSQL (libpq).
// Design note: docs/design/store.md (dialect rules, type and error tables, migrations, pooling).
//
// The interface is a thin, portable SQL layer rather than one repository per domain: subsystems
// write portable SQL (see docs/design/store.md for the dialect rules) with positional
// parameters `$1, $2, ...` that both backends bind; nothing is ever spliced into SQL text
// except identifiers checked by IsSafeIdentifier() and quoted with QuoteIdentifier().
//
// Parameters: a statement's parameters are the distinct `$n` it mentions; they must be exactly
// $1..$k (each may appear several times, in any order) and `params` must hold exactly k values,
// else kInvalidArgument. Other parameter forms (`?`, `:name`, `$name`) are kInvalidArgument.
// Query() and Exec() take one statement; several `;`-separated statements are kInvalidArgument
// (use ExecScript()). On PostgreSQL a parameter whose type the server cannot infer from its
// context is text: write CAST($1 AS BIGINT) where it matters (e.g. `SELECT $1`).
//
// Errors: every driver error is mapped to a canonical code (see MapSqliteError / MapPgError in
// each backend): unique or primary-key violation -> kAlreadyExists; other constraint violations
// -> kFailedPrecondition; bad value / bad cast -> kInvalidArgument; serialization failure,
// deadlock, SQLite busy after the busy timeout -> kAborted; connection lost / server down ->
// kUnavailable; statement timeout -> kDeadlineExceeded; disk full -> kResourceExhausted;
// corrupt file -> kDataLoss; SQL the backend rejects (syntax, unknown table or column) ->
// kInternal; anything else -> kInternal. Messages start with the backend name ("sqlite: ",
// "postgresql: ") and include the driver's own text. No call retries on its own: kAborted and
// kUnavailable mean "retry the whole operation (transaction) if you want to".
//
// Thread safety: a Database is thread-safe; it owns a pool of connections and each call
// checks one out (waiting up to OpenOptions::acquire_timeout_ms, then kResourceExhausted).
// A Transaction belongs to one thread at a time and holds its connection until Commit() or
// Rollback() (its destructor rolls back if neither was called). Every Transaction must be
// destroyed before the Database that began it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/clock.h"
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
// Doubles round-trip exactly, including +-infinity; NaN is not storable (SQLite turns it into NULL).
using Value = std::variant<std::monostate, int64_t, double, std::string, Blob>;

inline bool IsNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }
// A value as text: strings as they are, integers in decimal, doubles in their shortest
// round-trip form; "" for NULL and blobs. What Row::Str returns for a cell.
std::string ValueText(const Value& v);
// Renders a value for messages and debugging ("NULL", 42, 1.5, 'it''s', x'00ff'). Text and
// blobs longer than 64 bytes are cut, with the full length noted.
std::string DebugString(const Value& v);

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  const Value& operator[](size_t i) const { return values_[i]; }
  bool IsNull(size_t i) const { return i >= values_.size() || store::IsNull(values_[i]); }
  // Typed accessors; a NULL, a value of another type or an index past the end is a bug in the
  // caller's SQL, reported as 0 / "" (never a crash). Int() also accepts a double or a numeric
  // string; Double() an integer or a numeric string; Str() renders an integer or double as text.
  int64_t Int(size_t i) const;
  double Double(size_t i) const;
  std::string Str(size_t i) const;
  // The bytes of a Blob (or of a string); "" otherwise.
  std::string Bytes(size_t i) const;
  // For nullable columns: nullopt for NULL, else Int(i) / Str(i).
  std::optional<int64_t> OptInt(size_t i) const;
  std::optional<std::string> OptStr(size_t i) const;
  const std::vector<Value>& values() const { return values_; }
  // The values, moved out: the row is left empty.
  std::vector<Value> TakeValues() { return std::move(values_); }

 private:
  std::vector<Value> values_;
};

// The rows of a Transaction::BulkInsert, every row of the same width: one flat array (row after
// row), or rows in two parts — each row's leading values from a flat array of heads, then a
// vector of the row's own — so that a caller already holding each row's trailing values in a
// vector (a load's validated records) passes them as they are instead of moving every value
// into one array first. A view: the values must outlive it. docs/design/store.md, "Bulk insert".
class BulkRows {
 public:
  // Rows of `width` values one after another (none if width is 0).
  BulkRows(std::span<const Value> values, size_t width);
  // Row i: heads[i * head_width, (i + 1) * head_width), then tails[i].
  BulkRows(std::span<const Value> heads, size_t head_width, std::span<const std::vector<Value>> tails);

  size_t rows() const { return rows_; }
  bool empty() const { return rows_ == 0; }
  // Row `row` holds head(row) followed by tail(row) (empty for flat rows).
  std::span<const Value> head(size_t row) const { return heads_.subspan(row * head_width_, head_width_); }
  std::span<const Value> tail(size_t row) const {
    return split_ ? std::span<const Value>(tails_[row]) : std::span<const Value>();
  }
  // Empty if every row has exactly `width` values (and width > 0); otherwise what is wrong, for
  // an error message ("7 values is not a whole number of 3-column rows").
  std::string ShapeError(size_t width) const;

 private:
  std::span<const Value> heads_;
  size_t head_width_ = 0;
  std::span<const std::vector<Value>> tails_;
  size_t rows_ = 0;
  bool split_ = false;
};

struct ResultSet {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  int64_t rows_affected = 0;  // for INSERT/UPDATE/DELETE (also with RETURNING); 0 otherwise
};

enum class Backend { kSqlite, kPostgres };
std::string_view BackendName(Backend b);  // "sqlite" / "postgresql"

// Column types as each backend spells them, for generated DDL (per-dataset tables). The same
// names are the `${...}` placeholders of migrations (docs/design/store.md has the table).
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
  // Runs several `;`-separated statements without parameters (DDL, migrations). On a Database
  // the script is atomic: all of it is applied or none.
  virtual Status ExecScript(std::string_view sql) = 0;
  virtual Backend backend() const = 0;

  // Convenience for the common single-row lookup: kNotFound if no row, kInternal if several.
  Result<Row> QueryOne(std::string_view sql, std::span<const Value> params = {});
};

// A bulk insert that takes its rows in several calls (Transaction::BeginBulkInsert). Not
// thread-safe; it may be used on another thread than the transaction's while that thread makes
// no call on the transaction.
class BulkInserter {
 public:
  // Without Finish(), the insert is abandoned: nothing it wrote stays, and the transaction is
  // poisoned (its Commit() fails).
  virtual ~BulkInserter() = default;
  // Inserts `rows` (every row columns.size() values; else kInvalidArgument, nothing written).
  // Rows may reach the table only at Finish(). A failure ends the insert and poisons the
  // transaction; later calls return it again.
  virtual Status Write(const BulkRows& rows) = 0;
  // Ends the insert: all rows written are in the table (or the error that failed it). Returns
  // the number of rows inserted by all the Write calls. The transaction takes calls again.
  virtual Result<int64_t> Finish() = 0;
};

class Transaction : public Executor {
 public:
  // Makes all changes durable (SQLite: synchronous=FULL in WAL mode; PostgreSQL: COMMIT with
  // synchronous_commit on). After Commit or Rollback the transaction is finished; further calls
  // return kFailedPrecondition. A failed Commit has rolled back.
  //
  // A statement that fails inside a transaction poisons it (both backends behave like
  // PostgreSQL): later statements return kFailedPrecondition, Commit() rolls back and returns
  // kFailedPrecondition naming the first error. Use INSERT ... ON CONFLICT rather than
  // catching kAlreadyExists inside a transaction.
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // ExecScript without the statement timeout (OpenOptions::statement_timeout_ms), which holds
  // again for the statements after it: for work that grows with the data inside a
  // transaction — building a key index over a national table at the end of its first load.
  virtual Status ExecScriptUntimed(std::string_view sql) = 0;

  // Inserts rows into `table` as fast as the backend allows (PostgreSQL: COPY FROM STDIN, in
  // binary when there are 64 rows or more and every value converts exactly, else in text —
  // docs/design/store.md, "Bulk insert"; SQLite: one prepared INSERT run per row). Every row
  // holds columns.size() values. Same value rules as parameters; constraint violations fail the
  // call (and poison the transaction) like an INSERT would. Table and column names must pass
  // IsSafeIdentifier, and the rows' shape BulkRows::ShapeError (else kInvalidArgument, and the
  // transaction is not poisoned). Returns the number of rows inserted.
  virtual Result<int64_t> BulkInsert(std::string_view table, std::span<const std::string> columns,
                                     const BulkRows& rows) = 0;
  // The same with `values` holding the rows one after the other.
  Result<int64_t> BulkInsert(std::string_view table, std::span<const std::string> columns,
                             std::span<const Value> values) {
    return BulkInsert(table, columns, BulkRows(values, columns.size()));
  }
  // Starts a bulk insert into `table` whose rows come in several BulkInserter::Write calls, so
  // that the caller makes the next rows while the first are stored: on PostgreSQL one COPY FROM
  // STDIN stays open across the calls (binary when every column's type has one — then a value
  // that does not convert exactly fails the write with kInvalidArgument, where BulkInsert would
  // send text for the server to judge); on SQLite each Write runs the prepared INSERT. Until
  // the inserter is finished or destroyed the transaction takes no other call, Commit() and
  // Rollback() included (kFailedPrecondition); destroy it before the transaction. A COPY is
  // one statement for PostgreSQL's statement_timeout, the waits between writes included:
  // finish an insert before that long. Names as for BulkInsert (kInvalidArgument, no
  // poisoning).
  virtual Result<std::unique_ptr<BulkInserter>> BeginBulkInsert(std::string_view table,
                                                                std::span<const std::string> columns) = 0;
};

struct OpenOptions {
  int pool_size = 8;                 // connections kept open (opened lazily, at least one at Open)
  int busy_timeout_ms = 5000;        // SQLite: wait for locks this long, then kAborted
  int statement_timeout_ms = 30000;  // PostgreSQL statement_timeout; SQLite progress handler; 0: off
  int acquire_timeout_ms = 10000;    // wait for a free pooled connection, then kResourceExhausted
  bool read_only = false;
  bool create_if_missing = true;  // SQLite: create the file (else kNotFound)
  // Time source for ndc_schema_version.applied_at and the SQLite statement deadline; nullptr
  // means SystemClock(). Not owned; must outlive the Database.
  Clock* clock = nullptr;
};

// The calling thread's read scope from Database::PinReads; destroying it (on the same thread)
// ends the scope.
class ReadPin {
 public:
  virtual ~ReadPin() = default;
};

class Database : public Executor {
 public:
  // Until the returned pin is destroyed, the SELECT statements this thread runs through this
  // Database's Query share one read transaction on one connection: one consistent snapshot
  // (SQLite: one page-cache check instead of one per statement; PostgreSQL: REPEATABLE READ
  // READ ONLY). Meant for a request that makes several reads. Any other call from the thread
  // (Exec, a non-SELECT Query, ExecScript, Begin) first ends the snapshot and returns the
  // connection, so writes behave as without a pin and later SELECTs see them (they start a new
  // snapshot). Other threads are unaffected. The connection is taken at the first SELECT and
  // held until the pin ends: do not wait, while pinned, for work that needs a connection of
  // the same pool. A pin inside another pin of the same thread does nothing. The default does
  // nothing at all.
  virtual std::unique_ptr<ReadPin> PinReads() { return std::make_unique<ReadPin>(); }
  // The id of the read snapshot this thread's pin holds on this Database now, unique in the
  // process; 0 when it holds none (no pin on this Database — also when PinReads did nothing
  // because the thread's pin is on another Database —, no SELECT since the pin began, or its
  // snapshot ended by any other call). A pin nested in a pin on this Database reports the outer
  // one's. Two calls return the same non-zero id only if every SELECT the thread ran through
  // this Database's Query and Exec between them read that one snapshot: what one read found can
  // then stand for the same read later.
  virtual uint64_t ReadSnapshot() const { return 0; }


  // Starts a transaction. SQLite transactions are BEGIN IMMEDIATE (one writer at a time; waits
  // busy_timeout_ms for the write lock, then kAborted); PostgreSQL ones are READ COMMITTED
  // unless `serializable` (then conflicting transactions fail with kAborted: retry them).
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

// Makes the transactions that call this with the same `name` take turns from here until each
// ends: for a rule over several rows that a count and then a write must keep together (at most N
// of something per owner), which READ COMMITTED alone lets concurrent transactions break. On
// PostgreSQL a transaction-scoped advisory lock on a 64-bit hash of `name` (two names sharing a
// hash only wait for each other); on SQLite nothing more is needed, since a transaction already
// holds the database's one write lock (BEGIN IMMEDIATE). docs/design/store.md, "Pooling and transactions".
// `tx` is an open transaction (taken as an Executor for code that holds its transaction so, as
// person::PersonOps does); outside one the turn would end with the statement.
Status SerializeOn(Executor& tx, std::string_view name);

// The newest schema version this binary's embedded migrations define.
int KnownSchemaVersion();

// Opens a SQLite database file (created if missing and allowed), in WAL mode with
// synchronous=FULL and foreign keys on. kNotFound if missing and !create_if_missing (or read_only);
// kDataLoss if the file is not a SQLite database.
Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const OpenOptions& options = {});
// Opens a PostgreSQL database from a libpq URI or key=value string. kUnavailable if the server
// cannot be reached; kUnauthenticated if the password is refused; kNotFound if the database
// does not exist.
Result<std::unique_ptr<Database>> OpenPostgres(const std::string& conninfo, const OpenOptions& options = {});
// "postgresql://..." or "postgres://..." -> OpenPostgres; "sqlite:PATH" or a plain path -> OpenSqlite.
// An empty url -> kInvalidArgument.
Result<std::unique_ptr<Database>> Open(const std::string& url, const OpenOptions& options = {});

// True for [a-z_][a-z0-9_]{0,62}: the only identifiers generated DDL may use.
bool IsSafeIdentifier(std::string_view name);
// "name" with double quotes (both dialects). Only call on IsSafeIdentifier names.
std::string QuoteIdentifier(std::string_view name);

}  // namespace ndc::store
