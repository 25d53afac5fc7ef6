// Schema changes and stored records (the IngestorTest fixture, testing/ingestor_fixture.h, is
// instantiated in ingestor_test.cc): a compatible change — optional fields appended, over any
// number of versions — leaves every stored record unchanged when it is sent again.
#include <gtest/gtest.h>

#include "catalog/schema.h"
#include "ingest/batch.h"
#include "ingest/testing/ingestor_fixture.h"

namespace ndc::ingest {
namespace {

using testing_fixture::IngestorTest;
using testing_fixture::kSchema;

// A new optional field leaves the dataset's records unchanged: sent again after it was added,
// without a value in it, they are not new versions (review of 2026-11-30: every record of the
// first snapshot after a schema change became one). A value in the new field is a change.
TEST_P(IngestorTest, AnAddedFieldMakesNoRecordAChangedOne) {
  BatchReport first = Send("A1,Nguyễn Văn An,01/02/1990,1\nA2,Trần Thị Bình,,1\n");
  ASSERT_EQ(first.inserted, 2);
  std::string schema = kSchema;
  const std::string last = R"({"name": "phien_ban", "column": "PHIEN_BAN", "type": "integer"})";
  schema.replace(schema.find(last), last.size(), last + R"(, {"name": "ghi_chu", "column": "GHI_CHU", "type": "string"})");
  NDC_ASSERT_OK_AND_ASSIGN(catalog::DatasetSchema v2, catalog::ParseSchemaJson(schema));
  NDC_ASSERT_OK_AND_ASSIGN(catalog::SchemaUpdate up, catalog_->UpdateSchema(v2));
  ASSERT_EQ(up.dataset.version, 2);
  const std::string header = "MA,HO_TEN,NGAY_SINH,PHIEN_BAN,GHI_CHU";
  BatchReport again = Send("A2,Trần Thị Bình,,1,\nA1,Nguyễn Văn An,01/02/1990,1,\n", BatchMode::kSnapshot, "", header);
  EXPECT_EQ(again.status, BatchStatus::kApplied) << again.message;
  EXPECT_EQ(again.unchanged, 2);
  EXPECT_EQ(again.updated, 0);
  EXPECT_EQ(Events().size(), 2u);
  BatchReport noted = Send("A1,Nguyễn Văn An,01/02/1990,1,đã kiểm tra\n", BatchMode::kUpsert, "", header);
  EXPECT_EQ(noted.updated, 1);
  // ... and sending that again is unchanged, as is a record inserted after the change.
  EXPECT_EQ(Send("A1,Nguyễn Văn An,01/02/1990,1,đã kiểm tra\nA3,Lê Văn Cường,,1,\n", BatchMode::kUpsert, "", header)
                .unchanged,
            1);
  EXPECT_EQ(Send("A3,Lê Văn Cường,,1,\n", BatchMode::kUpsert, "", header).unchanged, 1);
  // A third version adds another field: A1, which holds a value in the second one's, is unchanged
  // sent again without one in the third's (a review of the first fix found it re-versioned).
  const std::string second = R"({"name": "ghi_chu", "column": "GHI_CHU", "type": "string"})";
  schema.replace(schema.find(second), second.size(), second + R"(, {"name": "ma_xa", "column": "MA_XA", "type": "string"})");
  NDC_ASSERT_OK_AND_ASSIGN(catalog::DatasetSchema v3, catalog::ParseSchemaJson(schema));
  NDC_ASSERT_OK_AND_ASSIGN(up, catalog_->UpdateSchema(v3));
  ASSERT_EQ(up.dataset.version, 3);
  BatchReport third = Send("A1,Nguyễn Văn An,01/02/1990,1,đã kiểm tra,\nA2,Trần Thị Bình,,1,,\n", BatchMode::kUpsert, "",
                           header + ",MA_XA");
  EXPECT_EQ(third.unchanged, 2) << third.message;
  EXPECT_EQ(third.updated, 0);
}

}  // namespace
}  // namespace ndc::ingest
