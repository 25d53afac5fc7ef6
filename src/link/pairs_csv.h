// link/pairs_csv: the pairs file of `ndc link files --out`: a header row, then one row per scored
// pair in LinkResult order: left_id,right_id,match_weight (4 decimals),match_probability
// (6 decimals),how ("probabilistic" or "deterministic:<rule>"). Ids are quoted when they hold a
// comma, quote or line break (RFC 4180). Rows are formatted in parallel blocks and written in
// order, so the file does not depend on the thread count.
// Thread safety: WritePairsCsv is thread-safe (it runs `threads` workers of its own).
#pragma once

#include <filesystem>

#include "common/status.h"
#include "link/linker.h"
#include "link/record_table.h"
#include "link/settings.h"

namespace ndc::link {

// Writes `result` (left rows in `left`, right rows in `right`) to `path`, replacing it.
// Errors: kUnavailable "cannot write 'p.csv': check the directory exists and is writable",
// "writing 'p.csv' failed (disk full?)".
Status WritePairsCsv(const std::filesystem::path& path, const Settings& settings, const RecordTable& left,
                     const RecordTable& right, const LinkResult& result, size_t threads = 1);

}  // namespace ndc::link
