// Batches of one dataset take turns (its ingest_state row): one that cannot get its turn within
// the store's wait applies nothing and says why. The IngestorTest fixture
// (testing/ingestor_fixture.h) is instantiated in ingestor_test.cc.
#include <gtest/gtest.h>

#include "ingest/batch.h"
#include "ingest/testing/ingestor_fixture.h"

namespace ndc::ingest {
namespace {

using store::Backend;
using testing_fixture::IngestorTest;

// A batch that cannot get its dataset's turn (another batch holds it past the store's wait: the
// statement timeout on PostgreSQL, the busy timeout on SQLite) applies nothing, says so as a
// conflict to retry, and the same batch sent again applies once (review of 2026-12-01: on
// PostgreSQL it was DEADLINE_EXCEEDED, "took too long").
TEST_P(IngestorTest, ABatchThatCannotGetItsTurnAppliesNothingAndSaysWhy) {
  Send("A1,Tên 1,,1\n");
  store::OpenOptions quick;
  quick.statement_timeout_ms = 300;
  quick.busy_timeout_ms = 300;
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::Database> other, store::Open(db_->url(), quick));
  catalog::Catalog other_catalog(other.get(), &clock_);
  Ingestor waiting(other.get(), &other_catalog, &clock_);
  BatchRequest req{.dataset_id = "ho_tich", .idempotency_key = "k2", .source = "test", .submitted_by = "operator"};
  const std::string batch = "MA,HO_TEN,NGAY_SINH,PHIEN_BAN\nA1,Tên 2,,2\n";
  {
    // The other batch, in its turn.
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::Transaction> holder, db_->Begin());
    NDC_ASSERT_OK(holder->Exec("UPDATE ingest_state SET updated_at = updated_at WHERE dataset_id = 'ho_tich'").status());
    Result<BatchReport> r = waiting.Ingest(req, MemorySource(batch));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kAborted) << r.status().ToString();
    if (GetParam() == Backend::kPostgres) {
      EXPECT_NE(r.status().message().find("dataset 'ho_tich' is busy"), std::string::npos) << r.status().ToString();
    }
  }
  EXPECT_EQ(NameOf("A1"), "Tên 1");
  NDC_ASSERT_OK_AND_ASSIGN(BatchReport again, waiting.Ingest(req, MemorySource(batch)));
  EXPECT_EQ(again.status, BatchStatus::kApplied);
  EXPECT_EQ(NameOf("A1"), "Tên 2");
}

}  // namespace
}  // namespace ndc::ingest
