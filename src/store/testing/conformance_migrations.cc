// Conformance: migrations apply once, record their version, refuse newer databases, roll
// back when they fail, and create the hub's core schema.
#include <fmt/format.h>

#include <thread>
#include <vector>

#include "store/migrations/migration.h"
#include "store/testing/conformance.h"

namespace ndc::store {
namespace {

using S = std::string;

TEST_P(StoreConformanceTest, EmptyDatabaseHasSchemaVersionZero) { EXPECT_EQ(*db_->SchemaVersion(), 0); }

TEST_P(StoreConformanceTest, MigrateRecordsEveryVersionWithClockTime) {
  FakeClock clock;
  OpenOptions options;
  options.clock = &clock;
  NDC_ASSERT_OK(db_->Reopen(options));
  EXPECT_EQ(*db_->Migrate(), KnownSchemaVersion());
  EXPECT_EQ(*db_->SchemaVersion(), KnownSchemaVersion());
  NDC_ASSERT_OK_AND_ASSIGN(ResultSet rs,
                           db_->Query("SELECT version, name, applied_at FROM ndc_schema_version "
                                      "ORDER BY version"));
  ASSERT_EQ(rs.rows.size(), static_cast<size_t>(KnownSchemaVersion()));
  EXPECT_EQ(rs.rows[0].values(), (std::vector<Value>{int64_t{1}, S("core"), clock.NowMicros()}));
}

TEST_P(StoreConformanceTest, MigrateIsIdempotent) {
  EXPECT_EQ(*db_->Migrate(), KnownSchemaVersion());
  EXPECT_EQ(*db_->Migrate(), KnownSchemaVersion());
  NDC_ASSERT_OK_AND_ASSIGN(Row count, db_->QueryOne("SELECT COUNT(*) FROM ndc_schema_version"));
  EXPECT_EQ(count.Int(0), KnownSchemaVersion());
}

TEST_P(StoreConformanceTest, NewerDatabaseIsRefused) {
  NDC_ASSERT_OK(db_->Migrate());
  const Value future[] = {int64_t{KnownSchemaVersion() + 1}};
  NDC_ASSERT_OK(db_->Exec(
      "INSERT INTO ndc_schema_version (version, name, applied_at) VALUES ($1, 'future', 0)", future));
  Result<int> r = db_->Migrate();
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("newer than this binary"), std::string::npos) << r.status().message();
}

// A migration that rewrites a large table takes as long as it takes: the statement timeout,
// meant for ordinary statements, does not apply to it.
TEST_P(StoreConformanceTest, AMigrationOutlastsTheStatementTimeout) {
  OpenOptions options;
  options.statement_timeout_ms = 100;
  NDC_ASSERT_OK(db_->Reopen(options));
  // About 0.3-1 s here, several times the timeout (as AnUntimedScriptOutlastsTheStatementTimeout).
  const Migration migrations[] = {
      {1, "slow",
       "CREATE TABLE counted AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) "
       "SELECT COUNT(*) AS n FROM c"},
  };
  Result<int> r = RunMigrations(*db_, migrations, SystemClock());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, 1);
  EXPECT_EQ(db_->QueryOne("SELECT n FROM counted")->Int(0), 3000000);
  // Ordinary statements after it are still bounded.
  Result<Row> after = db_->QueryOne(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT COUNT(*) FROM c");
  EXPECT_EQ(after.status().code(), StatusCode::kDeadlineExceeded) << after.status().ToString();
}

TEST_P(StoreConformanceTest, FailingMigrationIsRolledBackEntirely) {
  const Migration migrations[] = {
      {1, "first", "CREATE TABLE a (x ${INT})"},
      {2, "broken",
       "CREATE TABLE b (x ${INT}); INSERT INTO a (x) VALUES (1); INSERT INTO nowhere VALUES (1)"},
  };
  Result<int> r = RunMigrations(*db_, migrations, SystemClock());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  EXPECT_NE(r.status().message().find("0002_broken"), std::string::npos) << r.status().message();
  EXPECT_EQ(*db_->SchemaVersion(), 1);
  EXPECT_EQ(db_->QueryOne("SELECT COUNT(*) FROM a")->Int(0), 0);
  EXPECT_EQ(db_->Query("SELECT * FROM b").status().code(), StatusCode::kInternal);
}

TEST_P(StoreConformanceTest, PlaceholdersBecomeWorkingBackendTypes) {
  const Migration migrations[] = {{1, "types",
                                   "CREATE TABLE k (id ${ID}, flag ${BOOL} NOT NULL, data ${BLOB}, "
                                   "amount ${DECIMAL}, day ${DATE}, ratio ${REAL}, at ${TIMESTAMP})"}};
  NDC_ASSERT_OK(RunMigrations(*db_, migrations, SystemClock()));
  const Value row[] = {int64_t{1}, Blob{S("\0", 1)}, S("1.50"), S("2025-12-31"), 0.25, int64_t{7}};
  const std::string insert =
      "INSERT INTO k (flag, data, amount, day, ratio, at) VALUES ($1, $2, $3, $4, $5, $6) "
      "RETURNING id";
  NDC_ASSERT_OK_AND_ASSIGN(Row first, db_->QueryOne(insert, row));
  NDC_ASSERT_OK_AND_ASSIGN(Row second, db_->QueryOne(insert, row));
  EXPECT_EQ(second.Int(0), first.Int(0) + 1);
  NDC_ASSERT_OK_AND_ASSIGN(Row back,
                           db_->QueryOne("SELECT flag, data, amount, day, ratio, at FROM k WHERE id = 1"));
  EXPECT_EQ(back.values(), std::vector<Value>(std::begin(row), std::end(row)));
}

TEST_P(StoreConformanceTest, CoreSchemaHoldsHubData) {
  NDC_ASSERT_OK(db_->Migrate());
  NDC_ASSERT_OK(db_->ExecScript(
      "INSERT INTO settings (name, value) VALUES ('hub_id', 'hub-1');"
      "INSERT INTO agencies (id, name, kind, created_at) VALUES ('moh', 'Ministry of Health', 'state', 1);"
      "INSERT INTO datasets (id, owner_agency, title, current_version, created_at, updated_at) "
      "  VALUES ('births', 'moh', 'Births', 1, 1, 1);"
      "INSERT INTO dataset_versions (dataset_id, version, schema_json, created_at) VALUES ('births', 1, "
      "'{}', 1)"));
  const Value key[] = {S("k1"), S("ops"), S("operator"), Value(), Blob{S("\x00\xffhash", 6)}, int64_t{5}};
  NDC_ASSERT_OK(
      db_->Exec("INSERT INTO api_keys (id, name, role, agency_id, secret_hash, created_at) "
                "VALUES ($1, $2, $3, $4, $5, $6)",
                key));
  NDC_ASSERT_OK_AND_ASSIGN(Row stored,
                           db_->QueryOne("SELECT secret_hash, revoked_at FROM api_keys WHERE id = 'k1'"));
  EXPECT_EQ(stored.Bytes(0), S("\x00\xffhash", 6));
  EXPECT_EQ(stored.OptInt(1), std::nullopt);
  EXPECT_EQ(db_->Exec("INSERT INTO agencies VALUES ('x', 'X', 'private', 1)").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(db_->Exec("INSERT INTO agencies VALUES ('moh', 'Again', 'state', 1)").status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(db_->Exec("INSERT INTO datasets VALUES ('d2', 'nobody', 'T', 1, 1, 1)").status().code(),
            StatusCode::kFailedPrecondition);
}

// Migration 0024 gives the correction requests made before it an asked_by only where it is
// certain: a holder that never took part in a merge has only its own keys; one that did keeps none.
TEST_P(StoreConformanceTest, CorrectionsAskedByIsFilledOnlyWhereCertain) {
  std::span<const Migration> all = EmbeddedMigrations();
  ASSERT_GE(all.size(), 24u);
  ASSERT_EQ(all[23].version, 24);
  NDC_ASSERT_OK(RunMigrations(*db_, all.first(23), SystemClock()));
  NDC_ASSERT_OK(db_->ExecScript(
      "INSERT INTO agencies (id, name, kind, created_at) VALUES ('bca', 'Bộ Công an', 'state', 1);"
      "INSERT INTO datasets (id, owner_agency, title, current_version, created_at, updated_at) "
      "  VALUES ('reg', 'bca', 'Registry', 1, 1, 1);"
      "INSERT INTO person_events (person_key, kind, other_person_key, detail, at) "
      "  VALUES ('P', 'merged', 'S', 'absorbed S', 5), ('S', 'merged', 'P', 'merged into P', 5);"
      "INSERT INTO correction_requests (id, dataset_id, record_key, field, person_key, claimed_value, note, "
      "  status, created_at) VALUES ('never', 'reg', 'R1', 'f', 'Q', 'x', '', 'open', 1), "
      "  ('merged', 'reg', 'R2', 'f', 'P', 'x', '', 'open', 1)"));
  NDC_ASSERT_OK(RunMigrations(*db_, all, SystemClock()));
  NDC_ASSERT_OK_AND_ASSIGN(ResultSet rs, db_->Query("SELECT id, asked_by FROM correction_requests ORDER BY id"));
  ASSERT_EQ(rs.rows.size(), 2u);
  EXPECT_EQ(rs.rows[0].Str(0), "merged");
  EXPECT_TRUE(rs.rows[0].IsNull(1));
  EXPECT_EQ(rs.rows[1].Str(0), "never");
  EXPECT_EQ(rs.rows[1].Str(1), "Q");
}

TEST_P(StoreConformanceTest, ConcurrentMigrateAppliesEachVersionOnce) {
  std::vector<Result<int>> results(4, Result<int>(InternalError("not run")));
  std::vector<std::thread> threads;
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      // Each thread has its own Database (own pool), as separate processes would.
      Result<std::unique_ptr<Database>> db = Open(db_->url());
      results[t] = db.ok() ? (*db)->Migrate() : Result<int>(db.status());
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Result<int>& r : results)
    EXPECT_EQ(r.value_or(-1), KnownSchemaVersion()) << r.status().ToString();
  NDC_ASSERT_OK_AND_ASSIGN(Row count, db_->QueryOne("SELECT COUNT(*) FROM ndc_schema_version"));
  EXPECT_EQ(count.Int(0), KnownSchemaVersion());
}

}  // namespace
}  // namespace ndc::store
