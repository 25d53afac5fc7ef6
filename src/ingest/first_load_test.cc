// The first-load path on a real store (ingest_store_test on SQLite, ingest_store_pg_test on
// PostgreSQL): a batch into an empty dataset runs without the unique key index and builds it at
// the end (docs/design/ingest.md, "First load"); these check the keys come back exactly and the
// semantics hold.
#include <gtest/gtest.h>

#include "ingest/internal/key_index.h"
#include "ingest/testing/ingestor_fixture.h"

namespace ndc::ingest {
namespace {

using testing_fixture::IngestorTest;
using store::Backend;
using store::Value;

// A first load runs without the unique key index and builds it at the end
// (docs/design/ingest.md, "First load"); these check the index is back and the semantics hold.
class FirstLoadTest : public IngestorTest {
 protected:
  // Writing a second row with an existing key must fail: the unique index is in place.
  StatusCode InsertDuplicateKey(const std::string& key) {
    return db_->Exec("INSERT INTO ds_ho_tich (_seq, _key, _version, _updated_at) VALUES (999999, $1, 1, 0)",
                     std::vector<Value>{key})
        .status()
        .code();
  }
};

TEST_P(FirstLoadTest, RebuildsTheUniqueKeyIndex) {
  EXPECT_EQ(Send("A1,An,,1\nA2,Bình,,1\n").inserted, 2);
  EXPECT_EQ(InsertDuplicateKey("A1"), StatusCode::kAlreadyExists);
  EXPECT_EQ(Send("A1,An Mới,,2\nA3,Cường,,1\n").updated, 1);  // the next batch looks keys up
  EXPECT_EQ(NameOf("A1"), "An Mới");
}

// The table ends with exactly the keys it had: the primary key on _seq and, on PostgreSQL, the
// unique constraint on _key under its own name (docs/design/ingest.md, "First load").
TEST_P(FirstLoadTest, LeavesThePrimaryKeyAndTheKeyConstraintAsTheyWere) {
  EXPECT_EQ(Send("A1,An,,1\nA2,Bình,,1\n").inserted, 2);
  EXPECT_EQ(db_->Exec("INSERT INTO ds_ho_tich (_seq, _key, _version, _updated_at) VALUES (2, 'A9', 1, 0)")
                .status()
                .code(),
            StatusCode::kAlreadyExists);
  if (GetParam() != Backend::kPostgres) return;
  NDC_ASSERT_OK_AND_ASSIGN(store::ResultSet keys,
                           db_->Query("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE "
                                      "conrelid = CAST('ds_ho_tich' AS regclass) AND contype IN ('p', 'u') "
                                      "ORDER BY conname"));
  ASSERT_EQ(keys.rows.size(), 2u);
  EXPECT_EQ(keys.rows[0].Str(0) + " " + keys.rows[0].Str(1), "ds_ho_tich__key_key UNIQUE (_key)");
  EXPECT_EQ(keys.rows[1].Str(0) + " " + keys.rows[1].Str(1), "ds_ho_tich_pkey PRIMARY KEY (_seq)");
}

// The keys of the record table, "name definition" each in name order (PostgreSQL only).
std::vector<std::string> TableKeys(store::Executor& db, const std::string& table) {
  auto rs = db.Query("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE "
                     "conrelid = CAST(CAST($1 AS TEXT) AS regclass) AND contype IN ('p', 'u') ORDER BY conname",
                     std::vector<Value>{table});
  EXPECT_TRUE(rs.ok()) << rs.status().ToString();
  std::vector<std::string> out;
  if (rs.ok()) {
    for (const auto& row : rs->rows) out.push_back(row.Str(0) + " " + row.Str(1));
  }
  return out;
}

// The keys come down for a first load and go back under their names: the unique key on both
// stores, and on PostgreSQL also the primary key on _seq (its B-tree insert and log record per
// row cost about a third of the COPY; SQLite's _seq is the rowid, no index of its own).
TEST_P(FirstLoadTest, TakesDownTheKeysAndPutsThemBack) {
  const bool pg = GetParam() == Backend::kPostgres;
  const std::vector<std::string> before = pg ? TableKeys(*db_, "ds_ho_tich") : std::vector<std::string>{};
  if (pg) {
    ASSERT_EQ(before.size(), 2u);
  }
  {
    // Down: a repeated key is taken, and the build then refuses it.
    NDC_ASSERT_OK_AND_ASSIGN(auto tx, db_->Begin());
    NDC_ASSERT_OK_AND_ASSIGN(std::optional<DroppedKeyIndex> dropped, DropKeyIndex(*tx, "ds_ho_tich"));
    ASSERT_TRUE(dropped.has_value());
    EXPECT_EQ(dropped->primary_key, pg ? "ds_ho_tich_pkey" : "");
    if (pg) {
      EXPECT_TRUE(TableKeys(*tx, "ds_ho_tich").empty());
    }
    NDC_ASSERT_OK(tx->Exec("INSERT INTO ds_ho_tich (_seq, _key, _version, _updated_at) VALUES (1, 'A1', 1, 0), "
                           "(2, 'A1', 1, 0)"));
    EXPECT_EQ(RebuildKeyIndex(*tx, *dropped).code(), StatusCode::kAlreadyExists);
  }
  {
    // A repeated sequence number: refused by the rebuilt primary key on PostgreSQL, by the rowid
    // at once on SQLite.
    NDC_ASSERT_OK_AND_ASSIGN(auto tx, db_->Begin());
    NDC_ASSERT_OK_AND_ASSIGN(std::optional<DroppedKeyIndex> dropped, DropKeyIndex(*tx, "ds_ho_tich"));
    ASSERT_TRUE(dropped.has_value());
    Status twice = tx->Exec("INSERT INTO ds_ho_tich (_seq, _key, _version, _updated_at) VALUES (5, 'B1', 1, 0), "
                            "(5, 'B2', 1, 0)")
                       .status();
    if (pg) {
      NDC_ASSERT_OK(twice);
      EXPECT_EQ(RebuildKeyIndex(*tx, *dropped).code(), StatusCode::kAlreadyExists);
    } else {
      EXPECT_EQ(twice.code(), StatusCode::kAlreadyExists);
    }
  }
  // Distinct rows: the keys come back as they were and hold after the commit.
  NDC_ASSERT_OK_AND_ASSIGN(auto tx, db_->Begin());
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<DroppedKeyIndex> dropped, DropKeyIndex(*tx, "ds_ho_tich"));
  ASSERT_TRUE(dropped.has_value());
  NDC_ASSERT_OK(tx->Exec("INSERT INTO ds_ho_tich (_seq, _key, _version, _updated_at) VALUES (1, 'A1', 1, 0), "
                         "(2, 'A2', 1, 0)"));
  NDC_ASSERT_OK(RebuildKeyIndex(*tx, *dropped));
  if (pg) {
    EXPECT_EQ(TableKeys(*tx, "ds_ho_tich"), before);
  }
  NDC_ASSERT_OK(tx->Commit());
  EXPECT_EQ(db_->Exec("INSERT INTO ds_ho_tich (_seq, _key, _version, _updated_at) VALUES (1, 'A9', 1, 0)")
                .status()
                .code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(InsertDuplicateKey("A2"), StatusCode::kAlreadyExists);
}

// A record table of another shape keeps its keys (the load then runs with them in place):
// PostgreSQL, one more unique constraint; SQLite, the rebuilt index's name already taken.
TEST_P(FirstLoadTest, KeepsTheKeysOfATableOfAnotherShape) {
  const bool pg = GetParam() == Backend::kPostgres;
  NDC_ASSERT_OK(db_->ExecScript(pg ? "ALTER TABLE ds_ho_tich ADD CONSTRAINT ds_ho_tich_extra UNIQUE (_key, _version)"
                                   : "CREATE TABLE other (x TEXT); CREATE INDEX ds_ho_tich_key_idx ON other (x)"));
  NDC_ASSERT_OK_AND_ASSIGN(auto tx, db_->Begin());
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<DroppedKeyIndex> dropped, DropKeyIndex(*tx, "ds_ho_tich"));
  EXPECT_FALSE(dropped.has_value());
  if (pg) {
    EXPECT_EQ(TableKeys(*tx, "ds_ho_tich").size(), 3u);
  }
  NDC_ASSERT_OK(tx->Rollback());
  EXPECT_EQ(Send("A1,An,,1\nA2,Bình,,1\n").inserted, 2);
  EXPECT_EQ(InsertDuplicateKey("A1"), StatusCode::kAlreadyExists);
}

// On PostgreSQL keys that something else hangs on stay up: a foreign key of another table (the
// drop would fail, and the load with it) or a replica identity on the key's index (a rebuild
// would not bring it back). SQLite recreates the empty table under the same name, which a
// foreign key by name survives, so there the keys come down.
TEST_P(FirstLoadTest, KeepsKeysThatOthersDependOn) {
  const bool pg = GetParam() == Backend::kPostgres;
  NDC_ASSERT_OK(db_->ExecScript("CREATE TABLE refs (s BIGINT REFERENCES ds_ho_tich (_seq))"));
  {
    NDC_ASSERT_OK_AND_ASSIGN(auto tx, db_->Begin());
    NDC_ASSERT_OK_AND_ASSIGN(std::optional<DroppedKeyIndex> dropped, DropKeyIndex(*tx, "ds_ho_tich"));
    EXPECT_EQ(dropped.has_value(), !pg);
    NDC_ASSERT_OK(tx->Rollback());
  }
  NDC_ASSERT_OK(db_->ExecScript("DROP TABLE refs"));
  if (pg) {
    NDC_ASSERT_OK(db_->ExecScript("ALTER TABLE ds_ho_tich REPLICA IDENTITY USING INDEX ds_ho_tich__key_key"));
    NDC_ASSERT_OK_AND_ASSIGN(auto tx, db_->Begin());
    NDC_ASSERT_OK_AND_ASSIGN(std::optional<DroppedKeyIndex> dropped, DropKeyIndex(*tx, "ds_ho_tich"));
    EXPECT_FALSE(dropped.has_value());
    NDC_ASSERT_OK(tx->Rollback());
  }
  // Either way the load is right and the key holds after it.
  EXPECT_EQ(Send("A1,An,,1\nA2,Bình,,1\n").inserted, 2);
  EXPECT_EQ(InsertDuplicateKey("A1"), StatusCode::kAlreadyExists);
}

TEST_P(FirstLoadTest, KeyRepeatingInALaterChunkBecomesAnUpdate) {
  std::string csv;
  for (int i = 0; i < 4500; ++i) csv += "K" + std::to_string(i) + ",Người " + std::to_string(i) + ",,1\n";
  csv += "K7,Người bảy,,2\nK7,Người bảy,,2\nK8,Người 8,,0\n";  // update, unchanged, stale
  BatchReport r = Send(csv);
  EXPECT_EQ(r.inserted, 4500);
  EXPECT_EQ(r.updated, 1);
  EXPECT_EQ(r.unchanged, 1);
  EXPECT_EQ(r.stale, 1);
  EXPECT_EQ(r.last_seq, 4501);
  EXPECT_EQ(NameOf("K7"), "Người bảy");
  EXPECT_EQ(Events(4500).at(0).version, 2);
  EXPECT_EQ(InsertDuplicateKey("K4499"), StatusCode::kAlreadyExists);
}

TEST_P(FirstLoadTest, RefusedFirstLoadLeavesTheTableAndItsIndexAsBefore) {
  BatchReport r = Send("A1,An,,1\nA2,,,1\nA3,,,1\n");  // two of three rows rejected
  EXPECT_EQ(r.status, BatchStatus::kRefused) << r.message;
  NDC_ASSERT_OK_AND_ASSIGN(store::Row n, db_->QueryOne("SELECT COUNT(*) FROM ds_ho_tich"));
  EXPECT_EQ(n.Int(0), 0);
  NDC_ASSERT_OK(db_->Exec("INSERT INTO ds_ho_tich (_seq, _key, _version, _updated_at) VALUES (1, 'A1', 1, 0)"));
  EXPECT_EQ(InsertDuplicateKey("A1"), StatusCode::kAlreadyExists);
}

// The rows and the table a first load ends with, whatever columns it sent (it leaves some to
// the table's defaults): every record holds version 1, its batch, the batch's time, its source
// version, no person and the default operation; the table's columns keep the catalog's
// definitions — a row without `_version` or `_updated_at` is still refused, `_batch_id` is still
// NULL when not given — also after a refused first load.
TEST_P(FirstLoadTest, RecordsHoldTheBatchConstantsAndNoDefaultStays) {
  auto no_defaults_left = [this](const std::string& when) {
    SCOPED_TRACE(when);
    EXPECT_FALSE(db_->Exec("INSERT INTO ds_ho_tich (_seq, _key, _updated_at) VALUES (90001, 'X1', 0)").ok());
    EXPECT_FALSE(db_->Exec("INSERT INTO ds_ho_tich (_seq, _key, _version) VALUES (90002, 'X2', 1)").ok());
    NDC_ASSERT_OK_AND_ASSIGN(auto tx, db_->Begin());
    NDC_ASSERT_OK(tx->Exec("INSERT INTO ds_ho_tich (_seq, _key, _version, _updated_at) VALUES (90003, 'X3', 1, 0)"));
    NDC_ASSERT_OK_AND_ASSIGN(store::Row batch, tx->QueryOne("SELECT _batch_id FROM ds_ho_tich WHERE _key = 'X3'"));
    EXPECT_TRUE(batch.IsNull(0));
    NDC_ASSERT_OK(tx->Rollback());
    if (GetParam() == Backend::kPostgres) {
      NDC_ASSERT_OK_AND_ASSIGN(store::Row defaults,
                               db_->QueryOne("SELECT COUNT(*) FROM pg_attribute WHERE attrelid = "
                                             "CAST('ds_ho_tich' AS regclass) AND atthasdef AND attname IN "
                                             "('_version', '_batch_id', '_updated_at')"));
      EXPECT_EQ(defaults.Int(0), 0);
    }
  };
  EXPECT_EQ(Send("A1,An,,1\nA2,,,1\nA3,,,1\n").status, BatchStatus::kRefused);  // rolled back
  no_defaults_left("after a refused first load");
  std::string csv;  // enough rows for a binary COPY on PostgreSQL
  for (int i = 0; i < 300; ++i) csv += "K" + std::to_string(i) + ",Người " + std::to_string(i) + ",,1\n";
  BatchReport r = Send(csv);
  ASSERT_EQ(r.inserted, 300) << r.message;
  NDC_ASSERT_OK_AND_ASSIGN(
      store::Row row,
      db_->QueryOne("SELECT COUNT(*), MIN(_version), MAX(_version), MIN(_batch_id), MAX(_batch_id), MIN(_updated_at), "
                    "MAX(_updated_at), SUM(CASE WHEN _op = 'insert' AND NOT _deleted AND _person_key IS NULL AND "
                    "_source_version = '1' THEN 1 ELSE 0 END) FROM ds_ho_tich"));
  EXPECT_EQ(row.Int(0), 300);
  EXPECT_EQ(row.Int(1), 1);
  EXPECT_EQ(row.Int(2), 1);
  EXPECT_EQ(row.Int(3), r.id);
  EXPECT_EQ(row.Int(4), r.id);
  EXPECT_EQ(row.Int(5), r.started_at);
  EXPECT_EQ(row.Int(6), r.started_at);
  EXPECT_EQ(row.Int(7), 300);
  no_defaults_left("after an applied first load");
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, FirstLoadTest, ::testing::Values(Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, FirstLoadTest, ::testing::Values(Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::ingest
