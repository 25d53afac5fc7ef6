// store/sqlite/sqlite_copy: a consistent copy of a SQLite file while others write it — what
// `ndc backup` makes of the data file and the audit log file (docs/backup.md).
#pragma once

#include <string>

#include "common/status.h"

namespace ndc::store {

// Copies the database file `from` to the new file `to` with `VACUUM INTO` (the path is a bound
// parameter): one read transaction, so the copy is one committed state whatever is being written;
// writers are not held up. Opens `from` read-only, never creates it, and has no statement
// timeout (a national-size file takes minutes). Errors: kAlreadyExists if `to` exists;
// kNotFound if `from` does not; the mapped SQLite error otherwise (a partial `to` is removed).
Status CopySqliteFile(const std::string& from, const std::string& to);

}  // namespace ndc::store
