// CurrentRecord, the data endpoints' read of a record: only the fields asked for (the IngestorTest fixture, testing/ingestor_fixture.h, is instantiated in
// ingestor_test.cc).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/batch.h"
#include "ingest/queries.h"
#include "ingest/testing/ingestor_fixture.h"

namespace ndc::ingest {
namespace {

using testing_fixture::IngestorTest;

TEST_P(IngestorTest, ACurrentRecordReadForSomeFieldsHoldsNoOtherValue) {
  Send("A1,Nguyễn Văn An,01/02/1990,7\n");
  const std::vector<std::string_view> only = {"ho_ten", "not_a_field"};  // sorted
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<RecordVersion> some,
                           CurrentRecord(*db_, Dataset().schema, "A1", &only));
  ASSERT_TRUE(some.has_value());
  ASSERT_EQ(some->values.size(), 4u);
  EXPECT_TRUE(store::IsNull(some->values[0]));  // ma
  EXPECT_EQ(std::get<std::string>(some->values[1]), "Nguyễn Văn An");
  EXPECT_TRUE(store::IsNull(some->values[2]));  // ngay_sinh
  EXPECT_TRUE(store::IsNull(some->values[3]));  // phien_ban
  EXPECT_EQ(some->key, "A1");
  EXPECT_EQ(some->source_version, "7");  // the record's own columns are all read
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<RecordVersion> all, CurrentRecord(*db_, Dataset().schema, "A1"));
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(std::get<std::string>(all->values[2]), "1990-02-01");
  EXPECT_EQ(all->valid_from, some->valid_from);
}

}  // namespace
}  // namespace ndc::ingest
