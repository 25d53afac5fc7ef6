// Where the log lives (audit_store.h), on both backends as part of LogSuite: a new SQLite hub
// keeps it in a file of its own and a PostgreSQL one in its database; a hub whose log is in its
// data file from before the split keeps it there, appends and verifies.
#include <filesystem>

#include "audit/audit_store.h"
#include "audit/testing/audit_suite.h"
#include "audit/verifier.h"

namespace ndc::audit::testing {
namespace {

Result<int64_t> DataStoreLogSize(store::Database* data) {
  ASSIGN_OR_RETURN(auto rs, data->Query("SELECT size FROM audit_head WHERE id = 1"));
  return rs.rows.empty() ? 0 : rs.rows[0].Int(0);
}

TEST_P(LogSuite, NewHubKeepsItsLogApartFromTheDataOnSqliteOnly) {
  NDC_ASSERT_OK_AND_ASSIGN(auto data, store::NewMigratedTestDatabase(GetParam()));
  NDC_ASSERT_OK_AND_ASSIGN(AuditStore where, OpenAuditStore(data.get()));
  {
    NDC_ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(where.db, &clock_, &random_));
    NDC_ASSERT_OK(log->Append(SampleEntry(0)).status());
  }
  const bool sqlite = GetParam() == store::Backend::kSqlite;
  EXPECT_EQ(where.own != nullptr, sqlite);
  if (sqlite) {
    EXPECT_EQ(where.db->Describe(), AuditFilePath(data->Describe()));
  }
  EXPECT_EQ(*DataStoreLogSize(data.get()), sqlite ? 0 : 1);
  // Opened again, the same place and the same log.
  NDC_ASSERT_OK_AND_ASSIGN(AuditStore again, OpenAuditStore(data.get()));
  NDC_ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(again.db, &clock_, &random_));
  EXPECT_EQ(log->Head()->first, 1u);
}

TEST_P(LogSuite, LogInTheDataStoreFromBeforeTheSplitStaysThereAndVerifies) {
  NDC_ASSERT_OK_AND_ASSIGN(auto data, store::NewMigratedTestDatabase(GetParam()));
  {  // as hubs appended before audit_store.h existed
    NDC_ASSERT_OK_AND_ASSIGN(auto old, AuditLog::Open(data.get(), &clock_, &random_));
    for (int i = 0; i < 5; ++i) NDC_ASSERT_OK(old->Append(SampleEntry(i)).status());
  }
  NDC_ASSERT_OK_AND_ASSIGN(AuditStore where, OpenAuditStore(data.get()));
  EXPECT_EQ(where.db, data.get());
  EXPECT_EQ(where.own, nullptr);
  NDC_ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(where.db, &clock_, &random_));
  NDC_ASSERT_OK_AND_ASSIGN(auto appended, log->Append(SampleEntry(5)));
  EXPECT_EQ(appended.index, 5u);
  NDC_ASSERT_OK_AND_ASSIGN(auto report, VerifyLog(where.db, key_.public_key));
  EXPECT_EQ(report.entries, 6u);
  if (GetParam() == store::Backend::kSqlite) {
    EXPECT_FALSE(std::filesystem::exists(AuditFilePath(data->Describe())));
  }
}

}  // namespace
}  // namespace ndc::audit::testing
