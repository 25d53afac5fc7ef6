// Connection strings for an agency's PostgreSQL database. NDC stores them without secrets: a
// conninfo holding a password (key=value `password=`, `sslpassword=`, or a URI's
// `user:password@` / `?password=`) is refused, and the password is supplied at connect time from
// an environment variable (or libpq's ~/.pgpass). Parsing is libpq's own (PQconninfoParse), so
// every form libpq accepts is understood exactly as libpq will read it.
// Design: docs/design/connector.md ("Secrets"). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"

namespace ndc::connector {

// OK for a well-formed conninfo without secrets. kInvalidArgument for a malformed one (libpq's
// message without the text it quotes, which may be part of a password) or one with a password
// (or a dbname that is itself a connection string), saying to use --password-env or ~/.pgpass.
Status CheckConninfo(std::string_view conninfo);

// The key=value string to connect with: `conninfo`'s own settings, plus `password` (an empty one
// when not given, so that libpq never takes PGPASSWORD — the hub store's password on a node — for
// the agency's server; ~/.pgpass still applies) and `application_name` unless the conninfo sets
// one (so the agency's DBA can see who reads).
// Values are quoted per libpq ('...' with \' and \\). Errors as CheckConninfo.
Result<std::string> ConnectString(std::string_view conninfo, const std::optional<std::string>& password,
                                  std::string_view application_name);

// True for an environment variable name: [A-Za-z_][A-Za-z0-9_]*.
bool IsValidEnvName(std::string_view name);

}  // namespace ndc::connector
