// Text-format conversion between Values and libpq parameters / result cells (the type table is
// in docs/design/store.md, "Types"). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "store/store.h"

namespace ndc::store {

// PostgreSQL type OIDs the backend decodes (pg_type.oid; stable across versions).
inline constexpr unsigned kPgBool = 16, kPgBytea = 17, kPgInt8 = 20, kPgInt2 = 21, kPgInt4 = 23,
                          kPgText = 25, kPgFloat4 = 700, kPgFloat8 = 701, kPgVarchar = 1043, kPgDate = 1082,
                          kPgNumeric = 1700;

struct PgParam {
  std::optional<std::string> text;  // nullopt for NULL
  unsigned type_oid = 0;            // 0: let the server infer the type from the statement
};
// int64 as decimal, double with round-trip precision ("Infinity" etc.), text as is, a Blob as
// bytea hex ("\x00ff", typed bytea so it is never taken for text).
PgParam EncodePgParam(const Value& v);

// One non-NULL text-format result cell of a column of type `oid`: int2/4/8 -> int64,
// float4/8 -> double, bool -> int64 0/1, bytea (hex output) -> Blob, anything else -> string.
// kInternal if the text is not what the type promises.
Result<Value> DecodePgCell(unsigned oid, std::string_view text);

}  // namespace ndc::store
