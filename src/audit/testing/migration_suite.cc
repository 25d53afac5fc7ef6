// The audit tables across migrations 0009_audit_ids (the UNIQUE index on entry_id dropped, the
// table rebuilt) and 0010_audit_person_runs (the person index as runs): a log written before
// keeps its entries, ids, person histories and tree, and goes on appending. Runs on both backends
// as part of LogSuite.
#include "audit/entry_codec.h"
#include "audit/testing/audit_suite.h"
#include "audit/verifier.h"
#include "store/migrations/migration.h"

namespace ndc::audit::testing {
namespace {

// Appends SampleEntry(i % 4) for i < n the way the log did before 0010 (AuditLog needs 0010's
// tables): WriteBatch directly, one entry per batch.
void AppendAtOldSchema(store::Database* db, Clock* clock, RandomSource* random, int n) {
  NDC_ASSERT_OK(EnsureHead(db, clock));
  for (int i = 0; i < n; ++i) {
    Entry e = SampleEntry(i % 4);
    e.id.assign(kEntryIdSize, '0');
    e.time_micros = clock->NowMicros();
    NDC_ASSERT_OK_AND_ASSIGN(std::string bytes, EncodeEntry(e));
    std::vector<EncodedEntry> batch = {{std::move(bytes), e.subject.person_key}};
    NDC_ASSERT_OK(WriteBatch(db, batch, clock, random).status());
  }
}

TEST_P(LogSuite, LogWrittenBeforeMigration0009SurvivesIt) {
  NDC_ASSERT_OK_AND_ASSIGN(auto db, store::NewTestDatabase(GetParam()));
  const auto all = store::EmbeddedMigrations();
  ASSERT_GE(all.size(), 9u);
  ASSERT_EQ(all[8].name, "audit_ids");
  NDC_ASSERT_OK(store::RunMigrations(*db, all.first(8), &clock_).status());
  AppendAtOldSchema(db.get(), &clock_, &random_, 20);
  NDC_ASSERT_OK_AND_ASSIGN(int version, store::RunMigrations(*db, all.first(9), &clock_));
  EXPECT_EQ(version, 9);
  NDC_ASSERT_OK_AND_ASSIGN(auto entries, ReadEntries(db.get(), 0, 20));
  ASSERT_EQ(entries.size(), 20u);
  NDC_ASSERT_OK(db->Migrate().status());
  NDC_ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(db.get(), &clock_, &random_));
  NDC_ASSERT_OK_AND_ASSIGN(auto after, log->Append(SampleEntry(1)));
  EXPECT_EQ(after.index, 20u);
  EXPECT_EQ(*log->IndexOf(entries[13].id), 13u);
  // SampleEntry(1) is about person "p1": indexes 1, 5, 9, 13, 17 before, 20 after; newest first.
  NDC_ASSERT_OK_AND_ASSIGN(auto history, log->EntriesForPerson("p1"));
  ASSERT_EQ(history.size(), 6u);
  EXPECT_EQ(history[0].index, 20u);
  EXPECT_EQ(history[5].index, 1u);
  NDC_ASSERT_OK_AND_ASSIGN(auto report, VerifyLog(db.get(), key_.public_key));
  EXPECT_EQ(report.entries, 21u);
}

TEST_P(LogSuite, LogWrittenBeforeMigration0010IsIndexedWhenOpened) {
  NDC_ASSERT_OK_AND_ASSIGN(auto db, store::NewTestDatabase(GetParam()));
  const auto all = store::EmbeddedMigrations();
  ASSERT_GE(all.size(), 10u);
  ASSERT_EQ(all[9].name, "audit_person_runs");
  NDC_ASSERT_OK(store::RunMigrations(*db, all.first(9), &clock_).status());
  AppendAtOldSchema(db.get(), &clock_, &random_, 40);
  NDC_ASSERT_OK_AND_ASSIGN(int version, store::RunMigrations(*db, all.first(10), &clock_));
  EXPECT_EQ(version, 10);
  // 40 entries are more than 16 blocks of 2 behind: Open builds the index before returning.
  PersonIndexOptions options;
  options.block_entries = 2;
  options.fanout = 2;
  options.background = false;
  NDC_ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(db.get(), &clock_, &random_, {}, options));
  EXPECT_EQ(*log->person_index()->IndexedEnd(), 40u);
  NDC_ASSERT_OK_AND_ASSIGN(auto runs,
                           db->QueryOne("SELECT COUNT(*) FROM audit_person_runs WHERE state = 'live'"));
  EXPECT_LT(runs.Int(0), 20) << "merged, not 20 level-0 runs";
  NDC_ASSERT_OK(log->Append(SampleEntry(3)).status());
  // SampleEntry(3) is about "p3": 3, 7, ..., 39 before the migration, 40 after.
  NDC_ASSERT_OK_AND_ASSIGN(auto history, log->EntriesForPerson("p3", UINT64_MAX, 100));
  ASSERT_EQ(history.size(), 11u);
  EXPECT_EQ(history[0].index, 40u);
  EXPECT_EQ(history[1].index, 39u);
  EXPECT_EQ(history[10].index, 3u);
  NDC_ASSERT_OK_AND_ASSIGN(auto report, VerifyLog(db.get(), key_.public_key));
  EXPECT_EQ(report.entries, 41u);
}

}  // namespace
}  // namespace ndc::audit::testing
