// Connection: what a backend implements — one open session to its database. Everything above
// it (pooling, transactions, the Database object, migrations) is shared by both backends.
//
// Thread-compatible: the pool hands a Connection to one thread at a time.
#pragma once

#include <span>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "store/store.h"

namespace ndc::store {

class Connection {
 public:
  virtual ~Connection() = default;

  // Runs one statement. With `autocommit` the statement is its own transaction (the connection
  // is not inside Begin()); otherwise it joins the open transaction.
  virtual Result<ResultSet> Run(std::string_view sql, std::span<const Value> params, bool autocommit) = 0;
  // Runs a `;`-separated script; with `autocommit` the whole script is one transaction.
  virtual Status RunScript(std::string_view sql, bool autocommit) = 0;
  // Transaction::ExecScriptUntimed: a script inside the open transaction, without the statement
  // timeout; the timeout holds again for what follows.
  virtual Status RunScriptUntimed(std::string_view sql) = 0;
  // Transaction::BulkInsert, inside the open transaction; arguments already checked.
  virtual Result<int64_t> BulkInsert(std::string_view table, std::span<const std::string> columns,
                                     const BulkRows& rows) = 0;
  // Transaction::BeginBulkInsert, inside the open transaction; names already checked. The
  // inserter's Write gets rows of the right shape only; the caller stops using the connection
  // until the inserter is finished or destroyed.
  virtual Result<std::unique_ptr<BulkInserter>> BeginBulkInsert(std::string_view table,
                                                                std::span<const std::string> columns) = 0;

  virtual Status Begin(bool serializable) = 0;
  // Starts a read-only snapshot transaction (Database::PinReads); Rollback() ends it.
  virtual Status BeginRead() = 0;
  // On failure the transaction has been rolled back.
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  // Brings the connection back to an idle state (no open transaction) before it is reused.
  // False if it is broken and must be discarded.
  virtual bool Reset() = 0;
};

}  // namespace ndc::store
