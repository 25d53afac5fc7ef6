#include "store/sqlite/sqlite_errors.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace ndc::store {
namespace {

TEST(SqliteStatusCode, FollowsTheDocumentedTable) {
  const std::pair<int, StatusCode> cases[] = {
      {SQLITE_CONSTRAINT_UNIQUE, StatusCode::kAlreadyExists},
      {SQLITE_CONSTRAINT_PRIMARYKEY, StatusCode::kAlreadyExists},
      {SQLITE_CONSTRAINT_ROWID, StatusCode::kAlreadyExists},
      {SQLITE_CONSTRAINT_FOREIGNKEY, StatusCode::kFailedPrecondition},
      {SQLITE_CONSTRAINT_CHECK, StatusCode::kFailedPrecondition},
      {SQLITE_CONSTRAINT_NOTNULL, StatusCode::kFailedPrecondition},
      {SQLITE_CONSTRAINT_DATATYPE, StatusCode::kInvalidArgument},
      {SQLITE_MISMATCH, StatusCode::kInvalidArgument},
      {SQLITE_TOOBIG, StatusCode::kInvalidArgument},
      {SQLITE_BUSY, StatusCode::kAborted},
      {SQLITE_BUSY_SNAPSHOT, StatusCode::kAborted},
      {SQLITE_LOCKED, StatusCode::kAborted},
      {SQLITE_INTERRUPT, StatusCode::kDeadlineExceeded},
      {SQLITE_FULL, StatusCode::kResourceExhausted},
      {SQLITE_NOMEM, StatusCode::kResourceExhausted},
      {SQLITE_IOERR_NOMEM, StatusCode::kResourceExhausted},
      {SQLITE_CORRUPT, StatusCode::kDataLoss},
      {SQLITE_NOTADB, StatusCode::kDataLoss},
      {SQLITE_CANTOPEN, StatusCode::kUnavailable},
      {SQLITE_IOERR_FSYNC, StatusCode::kUnavailable},
      {SQLITE_READONLY, StatusCode::kFailedPrecondition},
      {SQLITE_PERM, StatusCode::kPermissionDenied},
      {SQLITE_ERROR, StatusCode::kInternal},
  };
  for (const auto& [rc, code] : cases) EXPECT_EQ(SqliteStatusCode(rc), code) << rc;
}

TEST(MapSqliteError, NamesBackendMessageAndCode) {
  Status s = MapSqliteError(SQLITE_CONSTRAINT_UNIQUE, "UNIQUE constraint failed: t.x");
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(s.message(), "sqlite: UNIQUE constraint failed: t.x [2067]");
}

}  // namespace
}  // namespace ndc::store
