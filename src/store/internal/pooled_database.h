// PooledDatabase and PooledTransaction: the Database and Transaction of store.h, written once
// over a ConnectionPool; a backend supplies only the Connection factory.
//
// PooledDatabase is thread-safe; a PooledTransaction is used by one thread at a time.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "store/internal/connection_pool.h"
#include "store/store.h"

namespace ndc::store {

class PooledTransaction final : public Transaction {
 public:
  PooledTransaction(Backend backend, ConnectionPool::Lease lease);
  ~PooledTransaction() override;

  Result<ResultSet> Query(std::string_view sql, std::span<const Value> params = {}) override;
  Result<int64_t> Exec(std::string_view sql, std::span<const Value> params = {}) override;
  Status ExecScript(std::string_view sql) override;
  Status ExecScriptUntimed(std::string_view sql) override;
  Backend backend() const override { return backend_; }
  Status Commit() override;
  Status Rollback() override;
  using Transaction::BulkInsert;
  Result<int64_t> BulkInsert(std::string_view table, std::span<const std::string> columns,
                             const BulkRows& rows) override;
  Result<std::unique_ptr<BulkInserter>> BeginBulkInsert(std::string_view table,
                                                        std::span<const std::string> columns) override;

 private:
  friend class PooledBulkInserter;
  // kFailedPrecondition if finished, poisoned by an earlier error, or lent to a bulk inserter.
  Status Usable() const;
  // Records the first failing statement's status; the transaction is then poisoned.
  void Poison(const Status& s);

  const Backend backend_;
  ConnectionPool::Lease lease_;  // empty once finished
  Status first_error_;
  // A BulkInserter of this transaction is open: every other call, Commit() and Rollback()
  // included, is refused until it ends. Atomic: the inserter may end on another thread (the
  // caller then synchronizes with it before using the transaction again; this is a check
  // against misuse, not a lock).
  std::atomic<bool> inserting_{false};
};

class PooledDatabase final : public Database {
 public:
  // `describe` is Describe()'s answer; `clock` is never null.
  PooledDatabase(Backend backend, std::string describe, Clock* clock, bool read_only,
                 std::unique_ptr<ConnectionPool> pool);

  Result<ResultSet> Query(std::string_view sql, std::span<const Value> params = {}) override;
  Result<int64_t> Exec(std::string_view sql, std::span<const Value> params = {}) override;
  Status ExecScript(std::string_view sql) override;
  Backend backend() const override { return backend_; }
  Result<std::unique_ptr<Transaction>> Begin(bool serializable = false) override;
  std::unique_ptr<ReadPin> PinReads() override;
  uint64_t ReadSnapshot() const override;
  Result<int> Migrate() override;
  Result<int> SchemaVersion() override;
  std::string Describe() const override { return describe_; }

 private:
  class Pin;
  // The calling thread's pin on this database, or nullptr.
  Pin* PinOfThisThread() const;
  // Ends the thread's pinned snapshot (if any) before a statement that must not run in it.
  void Unpin() const;

  static thread_local Pin* pinned_;  // the calling thread's pin (on any database), or nullptr

  const Backend backend_;
  const std::string describe_;
  Clock* const clock_;
  const bool read_only_;
  std::unique_ptr<ConnectionPool> pool_;
};

}  // namespace ndc::store
