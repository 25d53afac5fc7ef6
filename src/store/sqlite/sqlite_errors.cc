#include "store/sqlite/sqlite_errors.h"

#include <fmt/format.h>
#include <sqlite3.h>

namespace ndc::store {

StatusCode SqliteStatusCode(int extended_code) {
  switch (extended_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
      return StatusCode::kAlreadyExists;
    case SQLITE_CONSTRAINT_DATATYPE:  // a STRICT table refused the value's type
      return StatusCode::kInvalidArgument;
    case SQLITE_IOERR_NOMEM:
      return StatusCode::kResourceExhausted;
    default:
      break;
  }
  switch (extended_code & 0xff) {
    case SQLITE_CONSTRAINT:  // FOREIGNKEY, CHECK, NOTNULL, TRIGGER, ...
      return StatusCode::kFailedPrecondition;
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
      return StatusCode::kInvalidArgument;
    case SQLITE_BUSY:    // lock not obtained within the busy timeout
    case SQLITE_LOCKED:  // shared-cache or same-connection conflict
    case SQLITE_SCHEMA:  // schema changed under a statement: retry
      return StatusCode::kAborted;
    case SQLITE_INTERRUPT:  // only our progress handler interrupts: the statement timeout
      return StatusCode::kDeadlineExceeded;
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return StatusCode::kResourceExhausted;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StatusCode::kDataLoss;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_PROTOCOL:
      return StatusCode::kUnavailable;
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return StatusCode::kPermissionDenied;
    case SQLITE_READONLY:  // writing through a read-only connection or file
      return StatusCode::kFailedPrecondition;
    case SQLITE_NOTFOUND:
    case SQLITE_ERROR:  // SQL error: syntax, no such table or column
    default:
      return StatusCode::kInternal;
  }
}

Status MapSqliteError(int extended_code, std::string_view message) {
  return Status(SqliteStatusCode(extended_code), fmt::format("sqlite: {} [{}]", message, extended_code));
}

}  // namespace ndc::store
