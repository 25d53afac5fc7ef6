// link/internal/prepare: preparing the values of one column of a record table (normalize,
// intern, parse; table_data.h), and the blocking keys of a row. RecordTable::Add calls these a
// row at a time; RecordTable::FromCsv calls them a column at a time, each column on one worker,
// over all rows in file order. Both therefore build the same column (the same value numbering,
// counts and raw-spelling cache). Design: docs/design/linkage.md ("Record tables", "Reading in
// parallel").
// Thread safety: the functions that change a column need exclusive access to that column only;
// different columns of one table may be prepared concurrently. BlockKey and JoinedText only read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "link/internal/table_data.h"
#include "link/settings.h"

namespace ndc::link::internal {

// Empty or blanks only (space, tab, CR, LF).
bool Blank(std::string_view s);

// Derives the attributes of one record that are blank but have `derive_from` (settings.h):
// derived[i] receives the assembled text and raw[i] is pointed at it; other entries of
// `derived` are cleared. `raw` and `derived` have one entry per attribute.
void DeriveRaw(const Settings& s, std::span<std::string_view> raw, std::vector<std::string>* derived);

// Starts loading the hash slot that AppendValue(c, ..., raw, derived, ...) will probe first: with
// a million distinct values the tables do not fit in cache, and prefetched misses overlap.
// Only a hint: results are unchanged.
void PrefetchValue(const Column& c, std::string_view raw, bool derived);

// Appends one row's value of attribute `a` to its column `c`: `raw` as read (or as DeriveRaw
// assembled it: then `derived`, and a date is parsed as day/month/year and not cached). A value
// that does not parse is appended as missing. `scratch` is a reused buffer.
void AppendValue(Column& c, const AttributeSpec& a, std::string_view raw, bool derived, std::string* scratch);

// Appends one row's value to a joined column (a comparison of several attributes; a text column
// of type kName): its parts' prepared values, joined by spaces, for `row` of `t`, whose
// source columns must already hold `row`. `scratch` is a reused buffer.
void AppendJoined(TableData& t, size_t comparison, uint32_t row, std::string* scratch);

// For computing the blocking keys of many rows: the hash of each text key part (a transform of
// a text column: first token, sorted tokens, ...) for each distinct value of its column, so a
// row's part is one lookup instead of hashing its text. Parts that use the same column and
// transform share a table. Valid while the table's values do not change.
struct KeyPartTables {
  std::vector<std::vector<uint64_t>> tables;  // per distinct (column, transform): hash per value id
  std::vector<std::vector<const std::vector<uint64_t>*>> by_part;  // [rule][part], null: per row
};
KeyPartTables HashKeyParts(const TableData& t, size_t threads);

// The blocking key of `rule` (an index into t.rules) for `row`: a 64-bit hash of its parts, 0
// when a part is missing. Equal parts hash equal in every table. `tables` (may be null) only
// saves work: the key is the same.
uint64_t BlockKey(const TableData& t, size_t rule, uint32_t row, const KeyPartTables* tables = nullptr);

// The prepared value of `row` in `c` as text ("" when missing), as RecordTable::Value.
std::string ValueText(const Column& c, uint32_t row);

// Reserves room for `rows` rows in all in `c`, judged from the first `sample` rows added: the
// per-row array, and the values of a column whose values have mostly been distinct so far
// (identifiers). Only a hint: results are unchanged.
void ReserveColumn(Column& c, size_t rows, size_t sample);

}  // namespace ndc::link::internal
