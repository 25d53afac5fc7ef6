#include "store/postgres/pg_errors.h"

#include <fmt/format.h>

namespace ndc::store {

StatusCode PgStatusCode(std::string_view s) {
  // Specific codes first, then whole classes (the first two characters).
  if (s == "23505") return StatusCode::kAlreadyExists;            // unique_violation
  if (s == "40001" || s == "40P01") return StatusCode::kAborted;  // serialization_failure, deadlock_detected
  if (s == "40002") return StatusCode::kFailedPrecondition;       // constraint violated at COMMIT
  if (s == "57014") return StatusCode::kDeadlineExceeded;         // query_canceled (statement_timeout)
  if (s == "55P03") return StatusCode::kAborted;                  // lock_not_available (lock_timeout, NOWAIT)
  if (s == "25006") return StatusCode::kFailedPrecondition;       // read_only_sql_transaction
  if (s == "25P02") return StatusCode::kFailedPrecondition;       // in_failed_sql_transaction
  if (s == "42501") return StatusCode::kPermissionDenied;         // insufficient_privilege
  if (s == "3D000") return StatusCode::kNotFound;                 // invalid_catalog_name (no such database)
  if (s == "XX001" || s == "XX002") return StatusCode::kDataLoss;  // data_corrupted, index_corrupted
  // 57P01..57P03: admin/crash shutdown, cannot connect now; 57P04 database dropped.
  if (s.starts_with("57P")) return StatusCode::kUnavailable;
  std::string_view cls = s.substr(0, 2);
  if (cls == "23") return StatusCode::kFailedPrecondition;  // other integrity constraints
  if (cls == "22") return StatusCode::kInvalidArgument;     // data exceptions: bad value, bad cast
  if (cls == "40") return StatusCode::kAborted;             // transaction rollback
  if (cls == "08") return StatusCode::kUnavailable;         // connection exceptions
  if (cls == "53") return StatusCode::kResourceExhausted;   // disk full, out of memory, too many connections
  if (cls == "54") return StatusCode::kInvalidArgument;     // program_limit_exceeded: a value too large to index,
                                                            // too many columns (SQLite: TOOBIG)
  if (cls == "28") return StatusCode::kUnauthenticated;     // invalid authorization
  // 42P01 (undefined_table) stays kInternal like SQLite's "no such table": a missing table is
  // a schema/SQL bug, not a missing resource the API caller asked for.
  return StatusCode::kInternal;
}

Status MapPgError(std::string_view sqlstate, std::string_view message) {
  return Status(PgStatusCode(sqlstate), fmt::format("postgresql: {} [{}]", message, sqlstate));
}

}  // namespace ndc::store
