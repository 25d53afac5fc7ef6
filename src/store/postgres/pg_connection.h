// PgConnection: one libpq session configured for NDC (statement_timeout, DateStyle ISO,
// TimeZone UTC, UTF8, bytea hex), running statements with text-format parameters.
//
// Thread-compatible: the pool lends it to one thread at a time (libpq is thread-safe per
// connection).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/internal/connection.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace ndc::store {

// BulkInsert calls sent as binary COPY so far in this process (the rest went as text): lets
// tests see which path ran.
uint64_t PgBinaryCopyCount();

class PgConnection final : public Connection {
 public:
  // Connects and applies the session settings. kInvalidArgument for a malformed conninfo,
  // kUnauthenticated, kNotFound (no such database) or kUnavailable otherwise.
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& conninfo, const OpenOptions& options);
  ~PgConnection() override;

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
  // Reads what the server sent while idle; false if the connection is gone.
  bool Reset() override;

  // host:port/dbname (no password).
  std::string Describe() const;

 private:
  class Inserter;
  PgConnection(PGconn* conn, int statement_timeout_ms) : conn_(conn), statement_timeout_ms_(statement_timeout_ms) {}
  // The mapped error of a failed result (or of a lost connection when `res` is null).
  Status Error(const PGresult* res) const;
  Status Command(const char* sql);
  // The type OIDs of `columns` of `table`, in their order; nullopt if one is not a column of it.
  Result<std::optional<std::vector<unsigned>>> ColumnTypes(std::string_view table,
                                                          std::span<const std::string> columns);
  // Runs the COPY ... FROM STDIN `sql`; `produce` sends the data in pieces through its sink.
  using Sink = std::function<void(std::string_view piece)>;
  Result<int64_t> Copy(const std::string& sql, const std::function<void(Sink)>& produce);
  // "COPY table (columns) FROM STDIN", quoted.
  static std::string CopySql(std::string_view table, std::span<const std::string> columns);
  // Ends a COPY FROM STDIN: `error` null sends its end, else aborts it with that message. The
  // rows the server took, or its error.
  Result<int64_t> EndCopy(const char* error);

  PGconn* const conn_;
  const int statement_timeout_ms_;  // the session's statement_timeout (0: none)
};

}  // namespace ndc::store
