// Idempotency: a batch sent again changes nothing and says so (status duplicate), by its
// content's digest with the batch mode, or by an explicit key (which names one content and mode);
// whatever the resend's own limits.
// The IngestorTest fixture (testing/ingestor_fixture.h) is instantiated in ingestor_test.cc.
#include <gtest/gtest.h>

#include "ingest/batch.h"
#include "ingest/testing/ingestor_fixture.h"

namespace ndc::ingest {
namespace {

using testing_fixture::IngestorTest;

// The HTTP header and `ndc ingest --idempotency-key` take the same keys: visible ASCII, 1 to 200.
TEST(IdempotencyKey, IsVisibleAsciiOfBoundedLength) {
  EXPECT_TRUE(IsValidIdempotencyKey("bhxh-2026-12-01/part-3"));
  EXPECT_TRUE(IsValidIdempotencyKey(std::string(kMaxIdempotencyKey, 'k')));
  for (const std::string& bad : {std::string(), std::string(kMaxIdempotencyKey + 1, 'k'), std::string("a b"),
                                 std::string("a\x1b[2J"), std::string("l\xc3\xb4")}) {
    EXPECT_FALSE(IsValidIdempotencyKey(bad)) << bad;
  }
}

TEST_P(IngestorTest, ResendingABatchChangesNothingAndSaysSo) {
  const std::string rows = "A1,An,,1\nA2,Bình,,1\n";
  BatchReport first = Send(rows);
  BatchReport again = Send(rows);
  EXPECT_EQ(again.status, BatchStatus::kDuplicate);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.inserted, 2);  // the original's report
  EXPECT_EQ(Events().size(), 2u);
  // An explicit key names one content: the same bytes again are a duplicate; other bytes (or
  // another mode) under it are refused and change nothing — answering them as the duplicate
  // dropped their rows unseen (review of 2026-11-30).
  BatchReport keyed = Send("A3,Cường,,1\n", BatchMode::kUpsert, "export-2026-11-28");
  EXPECT_EQ(keyed.status, BatchStatus::kApplied);
  BatchReport keyed_again = Send("A3,Cường,,1\n", BatchMode::kUpsert, "export-2026-11-28");
  EXPECT_EQ(keyed_again.status, BatchStatus::kDuplicate);
  EXPECT_EQ(keyed_again.id, keyed.id);
  for (auto [other_rows, mode] :
       {std::pair{"A3,Cường Mới,,2\n", BatchMode::kUpsert}, std::pair{"A3,Cường,,1\n", BatchMode::kSnapshot}}) {
    BatchRequest req{.dataset_id = "ho_tich", .mode = mode, .idempotency_key = "export-2026-11-28"};
    Result<BatchReport> other =
        ingestor_->Ingest(req, MemorySource(std::string("MA,HO_TEN,NGAY_SINH,PHIEN_BAN\n") + other_rows));
    EXPECT_EQ(other.status().code(), StatusCode::kAlreadyExists) << other.status().ToString();
    EXPECT_NE(other.status().message().find("already names batch " + std::to_string(keyed.id)), std::string::npos)
        << other.status().message();
  }
  EXPECT_EQ(NameOf("A3"), "Cường");
  EXPECT_EQ(NameOf("A2"), "Bình");
  EXPECT_EQ(Events().size(), 3u);
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<BatchReport> batches, ListBatches(*db_, "ho_tich", 0, 10));
  EXPECT_EQ(batches.size(), 2u);  // duplicates and refused resends are not stored
}

// The default key holds the mode: the bytes of an applied upsert sent again as a snapshot are a
// snapshot (absent records deleted), and sent again as that snapshot, a duplicate.
TEST_P(IngestorTest, TheSameBytesInAnotherModeAreAnotherBatch) {
  Send("A1,An,,1\nA2,Bình,,1\n");
  const std::string rows = "A1,An,,1\n";
  BatchReport upsert = Send(rows);
  EXPECT_EQ(upsert.status, BatchStatus::kApplied);
  EXPECT_EQ(upsert.unchanged, 1);
  BatchReport snap = Send(rows, BatchMode::kSnapshot);
  EXPECT_EQ(snap.status, BatchStatus::kApplied) << snap.message;
  EXPECT_EQ(snap.deleted, 1);
  EXPECT_EQ(NameOf("A2"), "NOT_FOUND");
  EXPECT_EQ(NameOf("A1"), "An");
  BatchReport again = Send(rows, BatchMode::kSnapshot);
  EXPECT_EQ(again.status, BatchStatus::kDuplicate);
  EXPECT_EQ(again.id, snap.id);
  BatchReport del = Send(rows, BatchMode::kDelete);
  EXPECT_EQ(del.status, BatchStatus::kApplied) << del.message;
  EXPECT_EQ(del.deleted, 1);
  EXPECT_EQ(NameOf("A1"), "NOT_FOUND");
}

// A snapshot applied before the default key held the mode was stored under the bare digest: its
// resend is still a duplicate.
TEST_P(IngestorTest, ASnapshotStoredUnderTheBareDigestIsStillADuplicate) {
  Send("A1,An,,1\nA2,Bình,,1\n");
  BatchReport snap = Send("A1,An,,1\n", BatchMode::kSnapshot);
  ASSERT_EQ(snap.status, BatchStatus::kApplied) << snap.message;
  NDC_ASSERT_OK(db_->Exec("UPDATE ingest_batches SET idempotency_key = content_sha256 WHERE id = $1",
                          std::vector<store::Value>{snap.id})
                    .status());
  Send("A2,Bình,,2\n");  // a later change that the resend must not undo
  BatchReport again = Send("A1,An,,1\n", BatchMode::kSnapshot);
  EXPECT_EQ(again.status, BatchStatus::kDuplicate) << again.message;
  EXPECT_EQ(again.id, snap.id);
  EXPECT_EQ(NameOf("A2"), "Bình");
}

// A resend of an applied batch is a duplicate even when it asks for a stricter reject limit.
TEST_P(IngestorTest, AResendIsADuplicateWhateverItsRejectLimit) {
  const std::string csv = "MA,HO_TEN,NGAY_SINH,PHIEN_BAN\nA1,An,,1\nA2,Bình,31/02/2000,1\nA3,Cường,,1\n";
  BatchRequest req{.dataset_id = "ho_tich", .max_reject_share = 0.5};
  NDC_ASSERT_OK_AND_ASSIGN(BatchReport first, ingestor_->Ingest(req, MemorySource(csv)));
  ASSERT_EQ(first.status, BatchStatus::kApplied) << first.message;
  req.max_reject_share = 0.01;
  NDC_ASSERT_OK_AND_ASSIGN(BatchReport again, ingestor_->Ingest(req, MemorySource(csv)));
  EXPECT_EQ(again.status, BatchStatus::kDuplicate) << again.message;
  EXPECT_EQ(again.id, first.id);
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<BatchReport> batches, ListBatches(*db_, "ho_tich", 0, 10));
  EXPECT_EQ(batches.size(), 1u);  // no refused batch stored
}

}  // namespace
}  // namespace ndc::ingest
