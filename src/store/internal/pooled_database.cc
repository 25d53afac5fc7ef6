#include "store/internal/pooled_database.h"

#include <atomic>

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
  if (inserting_.load(std::memory_order_acquire)) {
    return FailedPreconditionError(fmt::format(
        "{}: a bulk insert of this transaction is still open (finish or destroy it first)", BackendName(backend_)));
  }
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

Status PooledTransaction::ExecScriptUntimed(std::string_view sql) {
  RETURN_IF_ERROR(Usable());
  Status s = lease_->RunScriptUntimed(sql);
  if (!s.ok()) Poison(s);
  return s;
}

namespace {

// The names of a bulk insert (BulkInsert, BeginBulkInsert): kInvalidArgument for a caller bug.
Status CheckBulkNames(std::string_view table, std::span<const std::string> columns) {
  if (!IsSafeIdentifier(table)) return InvalidArgumentError(fmt::format("bulk insert: bad table name '{}'", table));
  if (columns.empty()) return InvalidArgumentError("bulk insert: no columns");
  for (const auto& c : columns) {
    if (!IsSafeIdentifier(c)) return InvalidArgumentError(fmt::format("bulk insert: bad column name '{}'", c));
  }
  return OkStatus();
}

}  // namespace

Result<int64_t> PooledTransaction::BulkInsert(std::string_view table, std::span<const std::string> columns,
                                              const BulkRows& rows) {
  RETURN_IF_ERROR(Usable());
  // A caller bug, not a failed statement: no poisoning.
  RETURN_IF_ERROR(CheckBulkNames(table, columns));
  if (std::string shape = rows.ShapeError(columns.size()); !shape.empty()) {
    return InvalidArgumentError("bulk insert: " + shape);
  }
  if (rows.empty()) return int64_t{0};
  Result<int64_t> n = lease_->BulkInsert(table, columns, rows);
  if (!n.ok()) Poison(n.status());
  return n;
}

// Lends the transaction's connection to one bulk insert (Transaction::BeginBulkInsert): checks
// the rows' shape, poisons the transaction when the insert fails or is abandoned, and gives the
// transaction back when it ends.
class PooledBulkInserter final : public BulkInserter {
 public:
  PooledBulkInserter(PooledTransaction* tx, std::unique_ptr<BulkInserter> inner, size_t width)
      : tx_(tx), inner_(std::move(inner)), width_(width) {}
  ~PooledBulkInserter() override {
    if (!inner_) return;
    inner_.reset();  // abandons the insert on the connection
    End(FailedPreconditionError(
        fmt::format("{}: a bulk insert was abandoned before it finished", BackendName(tx_->backend_))));
  }

  Status Write(const BulkRows& rows) override {
    if (!inner_) return failed_.ok() ? FailedPreconditionError("bulk insert: already finished") : failed_;
    if (std::string shape = rows.ShapeError(width_); !shape.empty()) {
      return InvalidArgumentError("bulk insert: " + shape);  // a caller bug: nothing written, no poisoning
    }
    if (rows.empty()) return OkStatus();
    Status s = inner_->Write(rows);
    if (!s.ok()) {
      inner_.reset();
      End(s);
    }
    return s;
  }

  Result<int64_t> Finish() override {
    if (!inner_) return failed_.ok() ? FailedPreconditionError("bulk insert: already finished") : failed_;
    Result<int64_t> n = inner_->Finish();
    inner_.reset();
    End(n.ok() ? OkStatus() : n.status());
    return n;
  }

 private:
  // The insert is over: a failure poisons the transaction, which takes calls again.
  void End(const Status& s) {
    if (!s.ok()) {
      failed_ = s;
      tx_->Poison(s);
    }
    tx_->inserting_.store(false, std::memory_order_release);
  }

  PooledTransaction* const tx_;
  std::unique_ptr<BulkInserter> inner_;  // null once the insert ended
  const size_t width_;
  Status failed_;
};

Result<std::unique_ptr<BulkInserter>> PooledTransaction::BeginBulkInsert(std::string_view table,
                                                                         std::span<const std::string> columns) {
  RETURN_IF_ERROR(Usable());
  RETURN_IF_ERROR(CheckBulkNames(table, columns));  // no poisoning either
  bool idle = false;
  if (!inserting_.compare_exchange_strong(idle, true, std::memory_order_acq_rel)) return Usable();
  Result<std::unique_ptr<BulkInserter>> inner = lease_->BeginBulkInsert(table, columns);
  if (!inner.ok()) {
    inserting_.store(false, std::memory_order_release);
    Poison(inner.status());
    return inner.status();
  }
  return std::unique_ptr<BulkInserter>(new PooledBulkInserter(this, std::move(*inner), columns.size()));
}

Status PooledTransaction::Commit() {
  if (!lease_) return Usable();
  if (inserting_.load(std::memory_order_acquire)) return Usable();  // the inserter has the connection
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
  if (inserting_.load(std::memory_order_acquire)) return Usable();  // the inserter has the connection
  Status s = lease_->Rollback();
  lease_.Release();  // a connection that failed to roll back is discarded by Reset()
  return s;
}

// A thread's read pin (Database::PinReads): the connection is taken by the first SELECT and
// its read transaction ended by any other statement of the thread (which then runs unpinned).
class PooledDatabase::Pin final : public ReadPin {
 public:
  Pin(const PooledDatabase* db, ConnectionPool* pool, Pin** slot) : db_(db), pool_(pool), slot_(slot) {
    *slot_ = this;
  }
  ~Pin() override {
    End();
    *slot_ = nullptr;
  }

  const PooledDatabase* db() const { return db_; }
  uint64_t snapshot() const { return snapshot_; }

  Result<ResultSet> Select(std::string_view sql, std::span<const Value> params) {
    if (!lease_) {
      ASSIGN_OR_RETURN(lease_, pool_->Acquire());
      if (Status s = lease_->BeginRead(); !s.ok()) {
        lease_.Release();  // Reset() decides whether the connection can be reused
        return s;
      }
      snapshot_ = next_snapshot_.fetch_add(1, std::memory_order_relaxed);
    }
    Result<ResultSet> r = lease_->Run(sql, params, /*autocommit=*/false);
    if (!r.ok()) End();  // a failed statement may have aborted the transaction
    return r;
  }

  // Ends the snapshot and gives the connection back.
  void End() {
    snapshot_ = 0;
    if (!lease_) return;
    lease_->Rollback().IgnoreError();
    lease_.Release();
  }

 private:
  static inline std::atomic<uint64_t> next_snapshot_{1};  // ReadSnapshot ids, never 0
  uint64_t snapshot_ = 0;  // of the read transaction lease_ holds; 0 without one
  const PooledDatabase* const db_;
  ConnectionPool* const pool_;
  Pin** const slot_;
  ConnectionPool::Lease lease_;
};

namespace {

// A statement the pinned snapshot may serve: a plain SELECT (not WITH, which may write).
bool IsSelect(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size() && (sql[i] == ' ' || sql[i] == '\n' || sql[i] == '\t' || sql[i] == '\r')) ++i;
  constexpr std::string_view kSelect = "select";
  if (sql.size() - i <= kSelect.size()) return false;
  for (size_t k = 0; k < kSelect.size(); ++k) {
    if ((sql[i + k] | 0x20) != kSelect[k]) return false;
  }
  char next = sql[i + kSelect.size()];
  return next == ' ' || next == '\n' || next == '\t' || next == '\r' || next == '(' || next == '*';
}

}  // namespace

// One pin per thread at a time (a second PinReads on the thread, for any database, does nothing).
thread_local PooledDatabase::Pin* PooledDatabase::pinned_ = nullptr;

PooledDatabase::Pin* PooledDatabase::PinOfThisThread() const {
  return pinned_ != nullptr && pinned_->db() == this ? pinned_ : nullptr;
}

uint64_t PooledDatabase::ReadSnapshot() const {
  const Pin* pin = PinOfThisThread();
  return pin != nullptr ? pin->snapshot() : 0;
}

void PooledDatabase::Unpin() const {
  if (Pin* pin = PinOfThisThread()) pin->End();
}

std::unique_ptr<ReadPin> PooledDatabase::PinReads() {
  if (pinned_ != nullptr) return std::make_unique<ReadPin>();
  return std::make_unique<Pin>(this, pool_.get(), &pinned_);
}

PooledDatabase::PooledDatabase(Backend backend, std::string describe, Clock* clock, bool read_only,
                               std::unique_ptr<ConnectionPool> pool)
    : backend_(backend),
      describe_(std::move(describe)),
      clock_(clock),
      read_only_(read_only),
      pool_(std::move(pool)) {}

Result<ResultSet> PooledDatabase::Query(std::string_view sql, std::span<const Value> params) {
  if (Pin* pin = PinOfThisThread()) {
    if (IsSelect(sql)) return pin->Select(sql, params);
    pin->End();
  }
  ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool_->Acquire());
  return lease->Run(sql, params, /*autocommit=*/true);
}

Result<int64_t> PooledDatabase::Exec(std::string_view sql, std::span<const Value> params) {
  ASSIGN_OR_RETURN(ResultSet rs, Query(sql, params));
  return rs.rows_affected;
}

Status PooledDatabase::ExecScript(std::string_view sql) {
  Unpin();
  ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool_->Acquire());
  return lease->RunScript(sql, /*autocommit=*/true);
}

Result<std::unique_ptr<Transaction>> PooledDatabase::Begin(bool serializable) {
  Unpin();
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
