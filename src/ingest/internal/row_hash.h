// The 64-bit digest of a record's field values stored in ds_<id>._hash, by which an unchanged
// record is recognised without reading its values: the first 8 bytes of SHA-256 over each
// value's type tag, length and bytes (so NULL, "" and 0 all differ). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <span>

#include "store/store.h"

namespace ndc::ingest {

int64_t RowHash(std::span<const store::Value> values);

}  // namespace ndc::ingest
