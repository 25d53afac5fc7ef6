// PgSource: the agency's PostgreSQL database as a connector reads it — read-only, through the
// store's PostgreSQL backend (store::OpenPostgres with OpenOptions::read_only, so every
// transaction is READ ONLY on the server too), one connection.
//
// A pull reads inside one REPEATABLE READ, READ ONLY transaction: the column check, the
// watermark maximum and every page of the cursor see the same snapshot, so a snapshot pull is a
// point-in-time image of the table and the pulled range is exactly (from, to]. Rows are read
// through a server-side cursor (DECLARE ... CURSOR; FETCH FORWARD n): memory holds one page,
// whatever the table's size, and no row is read twice or skipped at a page boundary (there is
// no LIMIT/OFFSET or keyset condition to get wrong). The transaction is never committed.
//
// The SQL is PostgreSQL's own (SET TRANSACTION, DECLARE, FETCH, information_schema): the source
// is always PostgreSQL, whatever the hub's store. Design: docs/design/connector.md ("Reading").
//
// Errors: as the store maps them (kUnavailable: unreachable; kUnauthenticated: password refused;
// kNotFound: no such database), kNotFound for a table that does not exist or shows no columns,
// kFailedPrecondition for a call out of order. Thread-compatible: one pull at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "connector/connector.h"
#include "store/store.h"

namespace ndc::connector {

// How a node reaches the agencies' databases.
struct SourceOptions {
  // Reads an environment variable (the connector's password_env); default: the process's.
  std::function<std::optional<std::string>(const std::string&)> env;
  // Per statement on the source (a FETCH of a sorted cursor may sort the range first); 0: off.
  int statement_timeout_ms = 10 * 60 * 1000;
  std::string application_name_prefix = "ndc-connector-";
  // The source's clock, for tests: the present moment as PostgreSQL timestamptz text, bound in
  // place of the server's now() where MaxValue caps a date or time watermark. Unset: now().
  std::function<std::string()> now;
};

class PgSource {
 public:
  // Connects with the connector's conninfo and its password (from env[password_env] when set:
  // kFailedPrecondition if that variable is unset on this node).
  static Result<std::unique_ptr<PgSource>> Open(const Connector& c, const SourceOptions& options);
  // The same for a conninfo being added (no stored connector yet).
  static Result<std::unique_ptr<PgSource>> Open(const std::string& name, const std::string& conninfo,
                                                const std::string& password_env, const SourceOptions& options);
  ~PgSource();

  // Starts the pull's snapshot transaction (REPEATABLE READ, READ ONLY).
  Status Begin();
  // Column names of schema.table the connecting role can see, in table order. kNotFound if the
  // table (or view) does not exist or shows none.
  Result<std::vector<std::string>> Columns(const std::string& schema, const std::string& table);
  // Whether some valid, whole-table B-tree index of the table has `column` as its first column
  // (false for a view: its indexes belong to the tables under it).
  Result<bool> HasIndexLeadingWith(const std::string& schema, const std::string& table, const std::string& column);
  // CAST(MAX(column) AS TEXT) over the rows with column > after (all rows when nullopt);
  // nullopt when there is none. Inside Begin(). A date or time column is read only up to the
  // source's clock: a date before today, a timestamp(p) before the present truncated to p
  // fractional digits (docs/design/connector.md, "What watermarks cannot see").
  Result<std::optional<std::string>> MaxValue(const std::string& schema, const std::string& table,
                                              const std::string& column, const std::optional<std::string>& after);
  // Declares the pull's cursor over `select` (Begin() first). Parameters as store::Executor.
  Status OpenCursor(const std::string& select, std::vector<store::Value> params);
  // The next at most `n` rows of the cursor; empty at the end.
  Result<std::vector<store::Row>> Fetch(int64_t n);

  std::string Describe() const { return db_->Describe(); }

 private:
  PgSource(std::unique_ptr<store::Database> db, std::function<std::string()> now)
      : db_(std::move(db)), now_(std::move(now)) {}
  store::Executor& executor();

  std::unique_ptr<store::Database> db_;
  std::function<std::string()> now_;  // SourceOptions::now
  std::unique_ptr<store::Transaction> tx_;
  bool cursor_open_ = false;
};

// The SELECT of a pull: each source column needed (the mapped columns, each once, in schema
// field order) as CAST("col" AS TEXT), from "schema"."table"; incremental pulls add
// WHERE "wm" > $1 AND "wm" <= $2 (or only "wm" <= $1 on the first pull) ORDER BY "wm".
struct PullQuery {
  std::string sql;
  std::vector<store::Value> params;
  std::vector<std::string> columns;   // the selected source columns, in order
  std::vector<int> field_column;      // per schema field: index into `columns`, or -1 (not pulled)
  std::vector<std::string> field_names;  // the schema's fields, in order
};
// With `max_field_chars` > 0 each value is cut to that many characters at the source (left()):
// a value longer than the readers' field limit is still seen as too long (max_field_bytes + 1
// characters are at least that many bytes), but a page never holds more of it.
PullQuery BuildPullQuery(const Connector& c, const catalog::DatasetSchema& schema, PullMode mode,
                         const std::optional<std::string>& from, const std::optional<std::string>& to,
                         size_t max_field_chars = 0);

}  // namespace ndc::connector
