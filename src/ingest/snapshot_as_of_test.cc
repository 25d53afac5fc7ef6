// A snapshot's as_of: what a late snapshot may not undo, and which times are taken (the IngestorTest fixture, testing/ingestor_fixture.h, is instantiated in
// ingestor_test.cc).
#include <gtest/gtest.h>

#include <string>

#include "ingest/batch.h"
#include "ingest/queries.h"
#include "ingest/testing/ingestor_fixture.h"

namespace ndc::ingest {
namespace {

using testing_fixture::IngestorTest;

// A late snapshot (taken at as_of, applied after newer loads) undoes nothing that came after it:
// records NDC received later stay, whether the snapshot leaves them out or names them with older
// values, and a record deleted later stays deleted (review of 2026-12-03: they were deleted,
// reverted and brought back).
TEST_P(IngestorTest, ASnapshotKeepsRecordsReceivedAfterItsAsOfTime) {
  Send("A1,An,,\nA2,Bình,,\nA3,Cường,,\nA5,Em,,\n");  // no source versions: only as_of can tell
  const int64_t taken = clock_.NowMicros() + 500000;     // between the two loads
  Send("A4,Dũng,,\nA3,Cường Mới,,\n");                  // after the snapshot was taken
  Send("A5,,,\n", BatchMode::kDelete);
  const std::string csv = "MA,HO_TEN,NGAY_SINH,PHIEN_BAN\nA1,An,,\nA3,Cường,,\nA5,Em,,\n";
  BatchRequest req{.dataset_id = "ho_tich", .mode = BatchMode::kSnapshot, .as_of = taken};
  clock_.Advance(1000000);
  NDC_ASSERT_OK_AND_ASSIGN(BatchReport late, ingestor_->Ingest(req, MemorySource(csv)));
  EXPECT_EQ(late.status, BatchStatus::kApplied) << late.message;
  EXPECT_EQ(late.deleted, 1);
  EXPECT_EQ(late.stale, 2) << late.message;  // A3 and A5, written after the snapshot was taken
  EXPECT_EQ(late.kept_as_newer, 1);
  EXPECT_EQ(NameOf("A2"), "NOT_FOUND");   // absent, and known before the snapshot was taken
  EXPECT_EQ(NameOf("A3"), "Cường Mới");  // named with older values: not reverted
  EXPECT_EQ(NameOf("A4"), "Dũng");       // absent, but created after it
  EXPECT_EQ(NameOf("A5"), "NOT_FOUND");  // named, but deleted after it: not brought back
  EXPECT_NE(late.message.find("1 live record the snapshot does not name was kept"), std::string::npos)
      << late.message;
  // The stored batch keeps the time and the count (migration 0025), as a resend of it reports.
  NDC_ASSERT_OK_AND_ASSIGN(BatchReport stored, GetBatch(*db_, late.id));
  EXPECT_EQ(stored.as_of, taken);
  EXPECT_EQ(stored.kept_as_newer, 1);
  req.as_of = taken;
  NDC_ASSERT_OK_AND_ASSIGN(BatchReport resent, ingestor_->Ingest(req, MemorySource(csv)));
  EXPECT_EQ(resent.id, late.id);
  EXPECT_EQ(resent.kept_as_newer, 1);
  EXPECT_EQ(resent.as_of, taken);
  // The same file without as_of is another batch (not the first one's duplicate), and applies
  // everything it holds.
  req.as_of.reset();
  clock_.Advance(1000000);
  NDC_ASSERT_OK_AND_ASSIGN(BatchReport plain, ingestor_->Ingest(req, MemorySource(csv)));
  EXPECT_EQ(plain.status, BatchStatus::kApplied) << plain.message;
  EXPECT_EQ(plain.deleted, 1) << plain.message;
  EXPECT_EQ(NameOf("A4"), "NOT_FOUND");
  EXPECT_EQ(NameOf("A3"), "Cường");
  EXPECT_EQ(NameOf("A5"), "Em");
}

TEST_P(IngestorTest, AnAsOfTimeIsForSnapshotsAndNotLaterThanTheHubsClock) {
  Send("A1,An,,1\n");
  BatchRequest upsert{.dataset_id = "ho_tich", .as_of = clock_.NowMicros()};
  Result<BatchReport> r = ingestor_->Ingest(upsert, MemorySource("MA,HO_TEN,NGAY_SINH,PHIEN_BAN\nA2,Bình,,1\n"));
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("as_of is the time a snapshot was taken"), std::string::npos)
      << r.status().message();
  // Seven hours ahead: a Vietnamese local time written as UTC.
  BatchRequest ahead{.dataset_id = "ho_tich", .mode = BatchMode::kSnapshot,
                     .as_of = clock_.NowMicros() + int64_t{7} * 3600 * 1000000};
  r = ingestor_->Ingest(ahead, MemorySource("MA,HO_TEN,NGAY_SINH,PHIEN_BAN\nA2,Bình,,1\n"));
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("later than the hub's clock"), std::string::npos) << r.status().message();
  EXPECT_EQ(NameOf("A1"), "An");
  EXPECT_EQ(NameOf("A2"), "NOT_FOUND");
  // A Unix time in seconds, read as microseconds, would spare every record.
  ahead.as_of = int64_t{1733200000};
  r = ingestor_->Ingest(ahead, MemorySource("MA,HO_TEN,NGAY_SINH,PHIEN_BAN\nA2,Bình,,1\n"));
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("before 2000"), std::string::npos) << r.status().message();
  // A minute ahead is within the leeway.
  ahead.as_of = clock_.NowMicros() + 60 * 1000000;
  NDC_ASSERT_OK_AND_ASSIGN(BatchReport ok, ingestor_->Ingest(ahead, MemorySource("MA,HO_TEN,NGAY_SINH,PHIEN_BAN\nA2,Bình,,1\n")));
  EXPECT_EQ(ok.status, BatchStatus::kApplied) << ok.message;
  EXPECT_EQ(NameOf("A1"), "NOT_FOUND");
}

}  // namespace
}  // namespace ndc::ingest
