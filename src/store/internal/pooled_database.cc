#include "store/internal/pooled_database.h"

#include <fmt/format.h>

#include "store/migrations/migration.h"

namespace ndc::store {

PooledTransaction::PooledTransaction(Backend backend, ConnectionPool::Lease lease)
    : backend_(backend), lease_(std::move(lease)) {}

PooledTransaction::~PooledTransaction() {
  if (lease_) Rollback().IgnoreError();
}

Status PooledTransaction::Usable() const {
  if (!lease_)
    return FailedPreconditionError(fmt::format("{}: transaction already finished", BackendName(backend_)));
  if (!first_error_.ok()) {
    return FailedPreconditionError(fmt::format("{}: transaction aborted by an earlier error: {}",
                                               BackendName(backend_), first_error_.ToString()));
  }
  return OkStatus();
}

void PooledTransaction::Poison(const Status& s) {
  if (first_error_.ok()) first_error_ = s;
}

Result<ResultSet> PooledTransaction::Query(std::string_view sql, std::span<const Value> params) {
  RETURN_IF_ERROR(Usable());
  Result<ResultSet> r = lease_->Run(sql, params, /*autocommit=*/false);
  if (!r.ok()) Poison(r.status());
  return r;
}

Result<int64_t> PooledTransaction::Exec(std::string_view sql, std::span<const Value> params) {
  ASSIGN_OR_RETURN(ResultSet rs, Query(sql, params));
  return rs.rows_affected;
}

Status PooledTransaction::ExecScript(std::string_view sql) {
  RETURN_IF_ERROR(Usable());
  Status s = lease_->RunScript(sql, /*autocommit=*/false);
  if (!s.ok()) Poison(s);
  return s;
}

Result<int64_t> PooledTransaction::BulkInsert(std::string_view table, std::span<const std::string> columns,
                                              std::span<const Value> values) {
  RETURN_IF_ERROR(Usable());
  Status check = [&]() -> Status {
    if (!IsSafeIdentifier(table)) return InvalidArgumentError(fmt::format("bulk insert: bad table name '{}'", table));
    if (columns.empty()) return InvalidArgumentError("bulk insert: no columns");
    for (const auto& c : columns) {
      if (!IsSafeIdentifier(c)) return InvalidArgumentError(fmt::format("bulk insert: bad column name '{}'", c));
    }
    if (values.size() % columns.size() != 0) {
      return InvalidArgumentError(fmt::format("bulk insert: {} values is not a whole number of {}-column rows",
                                              values.size(), columns.size()));
    }
    return OkStatus();
  }();
  if (!check.ok()) return check;  // a caller bug, not a failed statement: no poisoning
  if (values.empty()) return int64_t{0};
  Result<int64_t> n = lease_->BulkInsert(table, columns, values);
  if (!n.ok()) Poison(n.status());
  return n;
}

Status PooledTransaction::Commit() {
  if (!lease_) return Usable();
  if (!first_error_.ok()) {
    Status s = Usable();
    Rollback().IgnoreError();
    return FailedPreconditionError(s.message() + " (rolled back)");
  }
  Status s = lease_->Commit();
  lease_.Release();
  return s;
}

Status PooledTransaction::Rollback() {
  if (!lease_) return Usable();
  Status s = lease_->Rollback();
  lease_.Release();  // a connection that failed to roll back is discarded by Reset()
  return s;
}

PooledDatabase::PooledDatabase(Backend backend, std::string describe, Clock* clock, bool read_only,
                               std::unique_ptr<ConnectionPool> pool)
    : backend_(backend),
      describe_(std::move(describe)),
      clock_(clock),
      read_only_(read_only),
      pool_(std::move(pool)) {}

Result<ResultSet> PooledDatabase::Query(std::string_view sql, std::span<const Value> params) {
  ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool_->Acquire());
  return lease->Run(sql, params, /*autocommit=*/true);
}

Result<int64_t> PooledDatabase::Exec(std::string_view sql, std::span<const Value> params) {
  ASSIGN_OR_RETURN(ResultSet rs, Query(sql, params));
  return rs.rows_affected;
}

Status PooledDatabase::ExecScript(std::string_view sql) {
  ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool_->Acquire());
  return lease->RunScript(sql, /*autocommit=*/true);
}

Result<std::unique_ptr<Transaction>> PooledDatabase::Begin(bool serializable) {
  ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool_->Acquire());
  RETURN_IF_ERROR(lease->Begin(serializable));
  return std::unique_ptr<Transaction>(new PooledTransaction(backend_, std::move(lease)));
}

Result<int> PooledDatabase::Migrate() {
  if (read_only_) {
    return FailedPreconditionError(
        fmt::format("{}: cannot migrate a database opened read-only", BackendName(backend_)));
  }
  return RunMigrations(*this, EmbeddedMigrations(), clock_);
}

Result<int> PooledDatabase::SchemaVersion() { return ReadSchemaVersion(*this); }

}  // namespace ndc::store
