// The 64-bit digest of a record's field values stored in ds_<id>._hash, by which an unchanged
// record is recognised without reading its values: the first 8 bytes of SHA-256 over each
// value's type tag, length and bytes (so NULL, "" and 0 all differ). Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "store/store.h"

namespace ndc::ingest {

// `hashed_fields`: the number of fields of the dataset's first schema version. Trailing NULLs
// past it are not hashed (a schema only appends optional fields), so a record stored before a
// field existed — NULL in it — and the same record sent again after hash alike, over any number
// of schema versions (before 2026-11-30 adding a field made every unchanged record of a snapshot
// a new version).
int64_t RowHash(std::span<const store::Value> values, size_t hashed_fields = SIZE_MAX);

}  // namespace ndc::ingest
