// Internal: matches CSV header names and NDJSON keys to schema fields. A name is NFC-normalized
// and trimmed, then compared exactly with each field's `column`, then with each field's `name`;
// `_op` (kOpColumn) is the reserved operation column. Immutable after construction; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "catalog/schema.h"

namespace ndc::ingest::internal {

class ColumnMap {
 public:
  static constexpr int kOp = -1;       // the `_op` column
  static constexpr int kUnknown = -2;  // names no field

  explicit ColumnMap(const catalog::DatasetSchema& schema);

  // The schema field index `key` names, or kOp / kUnknown. Keys already in normal form (the usual
  // case) cost one hash lookup.
  int Find(std::string_view key) const;

  size_t size() const { return fields_.size(); }
  const std::string& name(int field) const { return fields_[static_cast<size_t>(field)].name; }
  const std::string& column(int field) const { return fields_[static_cast<size_t>(field)].column; }
  // Must the header name this field? Required and source-key fields; with `keys_only` (a delete
  // batch) only the source-key fields.
  bool MustHave(int field, bool keys_only) const;
  // "expected columns (* = required): so_dinh_danh*, ho_ten*, ngay_sinh", cut when long.
  std::string ExpectedColumns(bool keys_only) const;

 private:
  struct Field {
    std::string name, column;
    bool required, key;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<Field> fields_;
  std::unordered_map<std::string, int, Hash, std::equal_to<>> index_;
};

// `s` in single quotes for an error message: cut to 64 bytes, invalid UTF-8 and control
// characters replaced, so a hostile header cannot garble a report.
std::string QuoteName(std::string_view s);

}  // namespace ndc::ingest::internal
