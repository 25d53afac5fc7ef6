// How the ingestion commands (ndc ingest, batch, record, events) show what ingestion wrote:
// numbers with thousands separators, times, field values, and the instants `--as-of` accepts.
// Their --json output is the HTTP API's JSON (api/ingest_json.h), so one shape serves both.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/schema.h"
#include "common/result.h"
#include "ingest/queries.h"

namespace ndc::cli {

// 1234567 -> "1,234,567".
std::string Thousands(int64_t n);
// Microseconds UTC -> "2026-01-01T00:00:00Z" (whole seconds; the JSON keeps the microseconds).
std::string ShortTime(int64_t unix_micros);

// A stored value as text for tables ("" for NULL; booleans "true"/"false").
std::string ValueText(const catalog::FieldSpec& field, const store::Value& v);


}  // namespace ndc::cli
