// The audit tables across migration 0009_audit_ids (the UNIQUE index on entry_id dropped, the
// table rebuilt): a log written at schema 8 keeps its entries, ids, person index and tree, and
// goes on appending. Runs on both backends as part of LogSuite.
#include "audit/testing/audit_suite.h"
#include "audit/verifier.h"
#include "store/migrations/migration.h"

namespace ndc::audit::testing {
namespace {

TEST_P(LogSuite, LogWrittenBeforeMigration0009SurvivesIt) {
  NDC_ASSERT_OK_AND_ASSIGN(auto db, store::NewTestDatabase(GetParam()));
  const auto all = store::EmbeddedMigrations();
  ASSERT_GE(all.size(), 9u);
  ASSERT_EQ(all[8].name, "audit_ids");
  NDC_ASSERT_OK(store::RunMigrations(*db, all.first(8), &clock_).status());
  std::vector<Appended> before;
  {
    NDC_ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(db.get(), &clock_, &random_));
    for (int i = 0; i < 20; ++i) {
      NDC_ASSERT_OK_AND_ASSIGN(auto appended, log->Append(SampleEntry(i % 4)));
      before.push_back(appended);
    }
  }
  NDC_ASSERT_OK_AND_ASSIGN(int version, store::RunMigrations(*db, all.first(9), &clock_));
  EXPECT_EQ(version, 9);
  NDC_ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(db.get(), &clock_, &random_));
  NDC_ASSERT_OK_AND_ASSIGN(auto after, log->Append(SampleEntry(1)));
  EXPECT_EQ(after.index, 20u);
  EXPECT_EQ(*log->IndexOf(before[13].id), 13u);
  // SampleEntry(1) is about person "p1": indexes 1, 5, 9, 13, 17 before, 20 after; newest first.
  NDC_ASSERT_OK_AND_ASSIGN(auto history, log->EntriesForPerson("p1"));
  ASSERT_EQ(history.size(), 6u);
  EXPECT_EQ(history[0].index, 20u);
  EXPECT_EQ(history[5].index, 1u);
  NDC_ASSERT_OK_AND_ASSIGN(auto report, VerifyLog(db.get(), key_.public_key));
  EXPECT_EQ(report.entries, 21u);
}

}  // namespace
}  // namespace ndc::audit::testing
