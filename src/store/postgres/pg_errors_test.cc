#include "store/postgres/pg_errors.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ndc::store
