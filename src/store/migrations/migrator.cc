// The migration runner (see migration.h and docs/design/store.md, "Migrations").
//
// Each step is one transaction: take the migration lock, make sure ndc_schema_version exists,
// read the version, apply the next migration and record it. Taking the lock first means two
// processes never both apply the same migration, and a process that waited sees the other's
// work when it reads the version. The lock is the write lock on SQLite (Begin() is BEGIN
// IMMEDIATE) and a transaction-scoped advisory lock on PostgreSQL.
#include <fmt/format.h>

#include "store/migrations/migration.h"

namespace ndc::store {
namespace {

// "NDCMIGR!" as a big-endian int64: the advisory lock key all NDC processes agree on.
constexpr int64_t kMigrationLockKey = 0x4E44434D49475221;

constexpr std::string_view kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS ndc_schema_version ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

Result<int> MaxVersion(Executor& ex) {
  ASSIGN_OR_RETURN(Row row, ex.QueryOne("SELECT COALESCE(MAX(version), 0) FROM ndc_schema_version"));
  return static_cast<int>(row.Int(0));
}

// One step: applies the migration after the current version. Returns the version reached and
// whether there was nothing left to do.
Result<std::pair<int, bool>> Step(Database& db, std::span<const Migration> migrations, Clock* clock) {
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, db.Begin());
  if (db.backend() == Backend::kPostgres) {
    // Untimed like the migrations themselves: another node may hold the lock for as long as its
    // migration takes (minutes on a national hub), and this one must wait, not fail.
    RETURN_IF_ERROR(tx->ExecScriptUntimed(fmt::format("SELECT pg_advisory_xact_lock({})", kMigrationLockKey)));
  }
  RETURN_IF_ERROR(tx->ExecScript(kCreateVersionTable));
  ASSIGN_OR_RETURN(int current, MaxVersion(*tx));
  if (current > latest) {
    return FailedPreconditionError(fmt::format(
        "{}: database schema version {} is newer than this binary knows (latest {}); upgrade ndc before "
        "opening this database",
        BackendName(db.backend()), current, latest));
  }
  if (current == latest) {
    RETURN_IF_ERROR(tx->Commit());
    return std::pair{current, true};
  }
  const Migration* next = nullptr;
  for (const Migration& m : migrations) {
    if (m.version == current + 1) next = &m;
  }
  if (next == nullptr) {
    return InternalError(fmt::format("migration: no migration with version {}", current + 1));
  }
  const std::string label = fmt::format("migration {:04}_{}", next->version, next->name);
  ASSIGN_OR_RETURN(std::string sql, ApplyDialect(db.backend(), next->sql));
  // Untimed: a migration may rewrite or index a whole table (0009 copies every audit entry), which
  // on a national hub takes far longer than the statement timeout meant for ordinary statements.
  Status applied = tx->ExecScriptUntimed(sql);
  if (!applied.ok()) return applied.WithContext(label);
  const Value record[] = {int64_t{next->version}, std::string(next->name), clock->NowMicros()};
  RETURN_IF_ERROR(
      tx->Exec("INSERT INTO ndc_schema_version (version, name, applied_at) VALUES ($1, $2, $3)", record)
          .status());
  Status committed = tx->Commit();
  if (!committed.ok()) return committed.WithContext(label);
  return std::pair{next->version, false};
}

}  // namespace

Result<int> RunMigrations(Database& db, std::span<const Migration> migrations, Clock* clock) {
  while (true) {
    ASSIGN_OR_RETURN(auto step, Step(db, migrations, clock));
    if (step.second) return step.first;
  }
}

Result<int> ReadSchemaVersion(Executor& db) {
  const std::string_view exists_sql =
      db.backend() == Backend::kPostgres
          ? "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = "
            "'ndc_schema_version'"
          : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'ndc_schema_version'";
  ASSIGN_OR_RETURN(Row exists, db.QueryOne(exists_sql));
  if (exists.Int(0) == 0) return 0;
  return MaxVersion(db);
}

}  // namespace ndc::store
