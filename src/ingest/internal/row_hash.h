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
//
// `decimals`: the positions of the schema's decimal fields, ascending. Their values are hashed in
// their canonical spelling (catalog::CanonicalDecimalIfRespelled), so a record resent with
// "1.50" where "1.5" is stored is unchanged, not a new version; the stored value keeps the
// spelling it came with. `respelled`, when not null, is set to whether any value was hashed
// respelled: the row's digest as written (without `decimals`) then differs, and it is what a
// record stored before 2026-12-03 carries.
int64_t RowHash(std::span<const store::Value> values, size_t hashed_fields = SIZE_MAX,
                std::span<const size_t> decimals = {}, bool* respelled = nullptr);

}  // namespace ndc::ingest
