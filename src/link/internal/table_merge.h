// link/internal/table_merge: appends record tables built apart (one per chunk of a CSV file, on
// separate threads) to one table, as if their rows had been added to it one by one: the same
// value ids (distinct values numbered in order of first appearance), counts, raw-spelling
// caches, blocking keys and record ids. Design: docs/design/linkage.md ("Reading in parallel").
// Thread safety: AppendTables runs `threads` workers (one column at a time each); the tables
// must not be used elsewhere meanwhile.
#pragma once

#include <cstddef>
#include <span>

#include "link/internal/table_data.h"

namespace ndc::link::internal {

// Appends the rows of `parts` to `dst`, in order; all built from the same settings. The parts
// are left empty (their text arenas move into `dst`).
void AppendTables(TableData& dst, std::span<TableData* const> parts, size_t threads);

}  // namespace ndc::link::internal
