// Mapping of SQLite result codes to canonical status codes (the table is in
// docs/design/store.md, "Errors"). Pure; thread-safe.
#pragma once

#include <string_view>

#include "common/status.h"

namespace ndc::store {

// The canonical code for a SQLite (extended) result code.
StatusCode SqliteStatusCode(int extended_code);
// A Status with that code and the message "sqlite: <message> [<extended code>]".
Status MapSqliteError(int extended_code, std::string_view message);

}  // namespace ndc::store
