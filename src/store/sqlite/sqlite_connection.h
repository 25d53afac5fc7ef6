// SqliteConnection: one sqlite3 handle configured for NDC (WAL, synchronous=FULL, foreign keys,
// busy timeout, statement deadline via the progress handler) with a prepared-statement cache.
//
// Thread-compatible (the handle is opened SQLITE_OPEN_NOMUTEX): the pool lends it to one
// thread at a time.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "store/internal/connection.h"
#include "store/sqlite/wal_checkpointer.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ndc::store {

class SqliteConnection final : public Connection {
 public:
  // Opens and configures a connection; errors are mapped (kDataLoss for a non-database file).
  // A writing connection reports its commits to `checkpointer` (kept alive by the connection)
  // instead of checkpointing itself; nullptr keeps SQLite's automatic checkpoint.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path, const OpenOptions& options,
                                                        Clock* clock,
                                                        std::shared_ptr<WalCheckpointer> checkpointer = nullptr);
  ~SqliteConnection() override;

  // Outside a transaction (autocommit), a statement that writes runs inside BEGIN IMMEDIATE ...
  // COMMIT so that it waits for the write lock up front instead of failing on a stale snapshot.
  Result<ResultSet> Run(std::string_view sql, std::span<const Value> params, bool autocommit) override;
  Status RunScript(std::string_view sql, bool autocommit) override;
  Status RunScriptUntimed(std::string_view sql) override;
  Result<int64_t> BulkInsert(std::string_view table, std::span<const std::string> columns,
                             const BulkRows& rows) override;
  Result<std::unique_ptr<BulkInserter>> BeginBulkInsert(std::string_view table,
                                                        std::span<const std::string> columns) override;
  Status Begin(bool serializable) override;
  Status BeginRead() override;
  Status Commit() override;
  Status Rollback() override;
  bool Reset() override;

 private:
  SqliteConnection(sqlite3* db, Clock* clock, const OpenOptions& options);

  class Deadline;
  class Inserter;
  static int OnProgress(void* self);
  // The prepared INSERT of BulkInsert and BeginBulkInsert.
  Result<sqlite3_stmt*> PrepareInsert(std::string_view table, std::span<const std::string> columns);
  // Runs `stmt` once per row; the number of rows inserted.
  Result<int64_t> InsertRows(sqlite3_stmt* stmt, const BulkRows& rows);

  Status Error(int rc) const;
  // Runs SQL without parameters or rows through sqlite3_exec (parsed on every call: scripts).
  Status Simple(const char* sql);
  // The same for one fixed statement (BEGIN, COMMIT, ROLLBACK), prepared once per connection:
  // a read pin or a commit then costs no parse.
  Status Control(std::string_view sql);
  Status CommitOrRollback();
  // A prepared statement and the $n parameters its SQL mentions (ascending, distinct).
  struct Prepared {
    sqlite3_stmt* stmt = nullptr;
    std::vector<int> parameters;
  };
  // The cached statement for `sql`, prepared on first use: checks there is one statement and
  // that its parameters are $n only, which it binds by position (`$n` is rewritten to `?n`, so
  // binding costs O(1) per parameter instead of a name lookup).
  Result<const Prepared*> Prepare(std::string_view sql);
  Status Bind(const Prepared& prepared, std::span<const Value> params);
  Status BindValue(sqlite3_stmt* stmt, int index, const Value& v);
  Result<ResultSet> Step(sqlite3_stmt* stmt);

  sqlite3* const db_;
  Clock* const clock_;
  const int64_t timeout_micros_;
  const bool read_only_;
  int64_t deadline_ = 0;  // monotonic micros; 0 while no statement runs
  // Looked up by string_view: a query's SQL text is not copied to find its statement.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>()(sql); }
  };
  std::unordered_map<std::string, Prepared, SqlHash, std::equal_to<>> cache_;
  // Control()'s statements, apart from cache_: emptying cache_ must not finalize the BEGIN that
  // Run() is about to step while it holds a statement of cache_.
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> control_;
  std::shared_ptr<WalCheckpointer> checkpointer_;  // released after db_ is closed
};

}  // namespace ndc::store
