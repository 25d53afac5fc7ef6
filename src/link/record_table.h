// link/record_table: prepared records, stored by column. Each value is prepared once when added:
// normalized (NFC, trimmed), folded (text::FoldVietnamese), tokenized, Vietnamese names parsed,
// dates parsed, sex and identifiers canonicalized; text values are interned per column, so a
// value shared by many records (a surname, a commune) is stored and prepared once, and its
// frequency is known for term-frequency adjustment. Blocking keys are hashed at Add time.
// Design: docs/design/linkage.md ("Record tables").
//
// Thread safety: Add is not thread-safe; const methods may run concurrently when no Add runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "link/settings.h"

namespace ndc::link {

namespace internal {
struct TableData;
}

// Values of one record by attribute name; attributes not named are missing.
using AttributeValues = std::map<std::string, std::string, std::less<>>;

class RecordTable {
 public:
  // A table for records of `settings` (copied; the table does not keep a reference).
  explicit RecordTable(const Settings& settings);
  ~RecordTable();
  RecordTable(RecordTable&&) noexcept;
  RecordTable& operator=(RecordTable&&) noexcept;

  // Adds a record and returns its row (0, 1, ...). `values` are raw texts indexed like
  // settings.attributes (shorter spans: the rest are missing). A value that does not parse
  // (a date "31/02/2001") is kept as missing. Never fails.
  uint32_t Add(std::string_view record_id, std::span<const std::string_view> values);
  // The same with values by attribute name; unknown names are ignored.
  uint32_t Add(std::string_view record_id, const AttributeValues& values);

  // Reads a CSV file (RFC 4180; header row; `map.delimiter`; unquoted fields trimmed) into a
  // new table. Errors: kNotFound / kUnavailable for the file; kInvalidArgument
  // "left.csv: settings map attribute 'birth_date' to column 'NGAY_SINH', which the header
  // (line 1) does not have; columns: ...", "left.csv:17: unterminated quoted field".
  // `progress` (may be empty) is called with the number of rows read every 100,000 rows (from
  // the reading threads, one call at a time). With `threads` > 1 (0: one per hardware thread)
  // chunks of the file are read in parallel, then each attribute is prepared by one worker over
  // all rows: the table is the same as with one thread, and as Add row by row (same rows, ids,
  // value numbering and counts). A regular file is mapped into memory and must not be truncated
  // while it is read.
  static Result<RecordTable> FromCsv(const Settings& settings, const std::filesystem::path& path,
                                     const ColumnMap& map,
                                     const std::function<void(size_t rows)>& progress = {}, size_t threads = 1);

  // What the term-frequency adjustment of comparison `comparison` reads for `row`'s value: that
  // `count` of `present` records hold it, instead of this table's own counts. For explaining one
  // pair against a population that is not loaded (a review item's person, one of millions: a table
  // of that one row would count its every value as held by all, and subtract log2(1/u) bits).
  // No effect when the row's value is missing, the compared column is not text or present is 0.
  void SetValueFrequency(size_t comparison, uint32_t row, uint32_t count, uint32_t present);
  // The records with a value in comparison `comparison`'s column: what a frequency's denominator
  // is (0 for a comparison past the last).
  uint32_t ComparisonPresent(size_t comparison) const;

  size_t size() const;
  std::string_view id(uint32_t row) const;
  // The row with this record id, or -1 (the first one when ids repeat).
  int64_t FindId(std::string_view record_id) const;
  // The prepared value of an attribute as text ("" when missing), for explanations and output.
  std::string Value(uint32_t row, size_t attribute) const;
  const Settings& settings() const;

  // Engine internals (link/internal/table_data.h).
  const internal::TableData& data() const { return *data_; }

 private:
  std::unique_ptr<internal::TableData> data_;
};

}  // namespace ndc::link
