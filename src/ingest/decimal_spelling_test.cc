// Decimals are compared by value when a record is sent again (the IngestorTest fixture,
// testing/ingestor_fixture.h, is instantiated in ingestor_test.cc): "1.50" where "1.5" is stored
// is the same record, not a new version, and the stored spelling stays. Records stored before
// 2026-12-03 carry the digest of their values as written, and are recognised by it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "catalog/schema.h"
#include "ingest/batch.h"
#include "ingest/internal/row_hash.h"
#include "ingest/queries.h"
#include "ingest/testing/ingestor_fixture.h"

namespace ndc::ingest {
namespace {

using testing_fixture::IngestorTest;

constexpr char kPayroll[] = R"({"id": "luong", "title": "Bảng lương", "owner": "bca",
  "classification": {"data": "core", "personal": "basic"},
  "source_key": "ma",
  "fields": [
    {"name": "ma", "column": "MA", "type": "string", "required": true},
    {"name": "muc_luong", "column": "MUC_LUONG", "type": "decimal", "scale": 2},
    {"name": "ghi_chu", "column": "GHI_CHU", "type": "string"}]})";

class DecimalSpellingTest : public IngestorTest {
 protected:
  void SetUp() override {
    IngestorTest::SetUp();
    NDC_ASSERT_OK_AND_ASSIGN(catalog::DatasetSchema schema, catalog::ParseSchemaJson(kPayroll));
    NDC_ASSERT_OK(catalog_->CreateDataset(schema).status());
  }
  BatchReport SendPayroll(const std::string& rows) { return SendTo("luong", "MA,MUC_LUONG,GHI_CHU\n" + rows); }
  std::string SalaryOf(const std::string& key) {
    auto d = catalog_->GetDataset("luong");
    EXPECT_TRUE(d.ok());
    Result<RecordVersion> r = GetRecord(*db_, *d, key);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::get<std::string>(r->values[1]) : "";
  }
  int64_t VersionOf(const std::string& key) {
    auto d = catalog_->GetDataset("luong");
    Result<RecordVersion> r = GetRecord(*db_, *d, key);
    return r.ok() ? r->version : -1;
  }
};

TEST_P(DecimalSpellingTest, AResentDecimalInAnotherSpellingIsUnchanged) {
  ASSERT_EQ(SendPayroll("A1,1.5,x\nA2,7,x\nA3,-0.00,x\n").inserted, 3);
  BatchReport again = SendPayroll("A1,1.50,x\nA2,007.00,x\nA3,0,x\n");
  EXPECT_EQ(again.status, BatchStatus::kApplied) << again.message;
  EXPECT_EQ(again.unchanged, 3);
  EXPECT_EQ(again.updated, 0);
  EXPECT_EQ(SalaryOf("A1"), "1.5");  // the stored value stays
  EXPECT_EQ(SalaryOf("A2"), "7");
  EXPECT_EQ(VersionOf("A1"), 1);
  // A different value, or another field changed, is still a new version.
  BatchReport changed = SendPayroll("A1,1.51,x\nA2,7.00,y\n");
  EXPECT_EQ(changed.updated, 2);
  EXPECT_EQ(SalaryOf("A1"), "1.51");
  EXPECT_EQ(SalaryOf("A2"), "7.00");
}

// A record stored before decimals were compared by value carries the digest of its values as
// written: sent again as it was, it is unchanged (not a new version of every such record in the
// first snapshot after the upgrade).
TEST_P(DecimalSpellingTest, ARecordStoredWithTheOldDigestIsUnchangedSentAsItWas) {
  ASSERT_EQ(SendPayroll("A1,1.50,x\n").inserted, 1);
  const std::vector<store::Value> as_written = {std::string("A1"), std::string("1.50"), std::string("x")};
  const store::Value p[] = {RowHash(as_written)};
  NDC_ASSERT_OK_AND_ASSIGN(int64_t n, db_->Exec("UPDATE ds_luong SET _hash = $1 WHERE _key = 'A1'", p));
  ASSERT_EQ(n, 1);
  // (Each batch differs from the ones before: a resent batch is answered as a duplicate.)
  BatchReport as_it_was = SendPayroll("A1,1.50,x\nA2,1,x\n");
  EXPECT_EQ(as_it_was.unchanged, 1) << as_it_was.message;
  EXPECT_EQ(as_it_was.inserted, 1);
  EXPECT_EQ(VersionOf("A1"), 1);
  EXPECT_EQ(SendPayroll("A1,1.5,x\n").updated, 1);  // the old digest knows only its spelling
  EXPECT_EQ(VersionOf("A1"), 2);
  EXPECT_EQ(SendPayroll("A1,1.50,x\nA2,1.0,x\n").unchanged, 2);  // from then on, by value
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, DecimalSpellingTest, ::testing::Values(store::Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, DecimalSpellingTest, ::testing::Values(store::Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::ingest
