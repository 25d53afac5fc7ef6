// Where tests find PostgreSQL: the server started by the CTest fixture `pg_server`
// (ndc_pg_harness writes its URL to the file named by NDC_TEST_PG_FILE), or an existing server
// named by NDC_TEST_PG_URL (which wins when both are set; it must allow CREATE DATABASE).
// See docs/design/store.md, "Test harness". Thread-safe (reads the environment only).
#pragma once

#include <string>

#include "common/result.h"

namespace ndc::store {

// The message every PostgreSQL test fails with when no server is configured.
inline constexpr char kPgTestServerMissing[] =
    "PostgreSQL test server not available: run through ctest (fixture pg_server) or set NDC_TEST_PG_FILE "
    "(or NDC_TEST_PG_URL to use an existing server)";

// The administrative URL of the test server. kFailedPrecondition (kPgTestServerMissing) when
// neither variable is set or the file cannot be read.
Result<std::string> PgTestServerUrl();

// `conninfo` (URI or key=value) with its database replaced by `dbname`, as a postgresql:// URI.
// kInvalidArgument for a malformed conninfo.
Result<std::string> WithDatabase(const std::string& conninfo, const std::string& dbname);

}  // namespace ndc::store
