#include "store/postgres/pg_errors.h"

#include <gtest/gtest.h>

#include "store/store.h"

namespace ndc::store {
namespace {

TEST(PgStatusCode, FollowsTheDocumentedTable) {
  const std::pair<const char*, StatusCode> cases[] = {
      {"23505", StatusCode::kAlreadyExists},
      {"23503", StatusCode::kFailedPrecondition},
      {"23502", StatusCode::kFailedPrecondition},
      {"23514", StatusCode::kFailedPrecondition},
      {"22P02", StatusCode::kInvalidArgument},
      {"22008", StatusCode::kInvalidArgument},
      {"40001", StatusCode::kAborted},
      {"40P01", StatusCode::kAborted},
      {"08006", StatusCode::kUnavailable},
      {"08001", StatusCode::kUnavailable},
      {"57P01", StatusCode::kUnavailable},
      {"57014", StatusCode::kDeadlineExceeded},
      {"53100", StatusCode::kResourceExhausted},
      {"53300", StatusCode::kResourceExhausted},
      {"54000", StatusCode::kInvalidArgument},  // program_limit_exceeded: an index entry too large
      {"28P01", StatusCode::kUnauthenticated},
      {"28000", StatusCode::kUnauthenticated},
      {"42P01", StatusCode::kInternal},
      {"42601", StatusCode::kInternal},
      {"42501", StatusCode::kPermissionDenied},
      {"25006", StatusCode::kFailedPrecondition},
      {"3D000", StatusCode::kNotFound},
      {"XX001", StatusCode::kDataLoss},
      {"XX000", StatusCode::kInternal},
  };
  for (const auto& [state, code] : cases) EXPECT_EQ(PgStatusCode(state), code) << state;
}

TEST(MapPgError, NamesBackendMessageAndSqlstate) {
  Status s = MapPgError("23505", "duplicate key value violates unique constraint \"t_pkey\"");
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(s.message(), "postgresql: duplicate key value violates unique constraint \"t_pkey\" [23505]");
}

// A connection string libpq cannot parse is refused before any connection, and the error leaves
// out the text libpq quotes, which may be part of the password (review of 2026-12-01).
TEST(PgOpen, ABadConnectionStringDoesNotEchoThePassword) {
  Result<std::unique_ptr<Database>> db = OpenPostgres("postgresql://ndc:s3cr%zzet@127.0.0.1:1/ndc");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument) << db.status().ToString();
  EXPECT_EQ(db.status().message().find("s3cr"), std::string::npos) << db.status().ToString();
  EXPECT_NE(db.status().message().find("bad connection string"), std::string::npos) << db.status().ToString();
  // A '/' in the password: libpq reads "ab" as the port and says so when it connects.
  db = OpenPostgres("postgresql://ndc:ab/cd@127.0.0.1/ndc");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().message().find("\"ab\""), std::string::npos) << db.status().ToString();
}

}  // namespace
}  // namespace ndc::store
