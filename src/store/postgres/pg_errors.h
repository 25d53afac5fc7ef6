// Mapping of PostgreSQL SQLSTATE codes to canonical status codes (the table is in
// docs/design/store.md, "Errors"). Pure; thread-safe.
#pragma once

#include <string_view>

#include "common/status.h"

namespace ndc::store {

// The canonical code for a five-character SQLSTATE.
StatusCode PgStatusCode(std::string_view sqlstate);
// A Status with that code and the message "postgresql: <message> [<sqlstate>]".
Status MapPgError(std::string_view sqlstate, std::string_view message);

}  // namespace ndc::store
