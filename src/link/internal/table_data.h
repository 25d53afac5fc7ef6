// link/internal/table_data: the column store behind RecordTable (record_table.h). Text-like
// values are interned per column: a row holds the id of its distinct value; each distinct value
// is prepared once. Dates are packed, numbers are doubles. Blocking keys are 64-bit hashes per
// rule and row (0: the row has no key for that rule).
// Thread safety: as RecordTable.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "link/settings.h"

namespace ndc::link::internal {

inline constexpr uint32_t kNoValue = std::numeric_limits<uint32_t>::max();

// One distinct value of a text-like column (string, name, sex, identifier).
struct TextValue {
  std::string normalized;  // as prepared (Vietnamese names: surname first)
  std::string folded;      // FoldVietnamese(normalized)
  std::string sorted;      // folded tokens, sorted, single spaces
  uint64_t hash = 0;       // of `normalized`
  uint32_t count = 0;      // rows holding this value
  uint16_t first_end = 0;  // folded[0, first_end) is the first token
  uint16_t last_begin = 0; // folded[last_begin, end) is the last token
  std::string_view FirstToken() const { return std::string_view(folded).substr(0, first_end); }
  std::string_view LastToken() const { return std::string_view(folded).substr(last_begin); }
};

// A date; year 0 means missing; month and day 0 when unknown (partial date).
struct DateValue {
  int16_t year = 0;
  int8_t month = 0;
  int8_t day = 0;
  bool missing() const { return year == 0; }
  bool full() const { return year != 0 && month != 0 && day != 0; }
  friend bool operator==(const DateValue&, const DateValue&) = default;
};

struct Column {
  AttributeType type = AttributeType::kString;
  bool text = true;                  // interned text (not date or number)
  std::vector<uint32_t> ids;         // text: value id per row, kNoValue when missing
  std::vector<TextValue> values;     // text: distinct values
  std::unordered_map<std::string, uint32_t> intern;  // text: normalized -> id
  // text other than identifiers: raw text -> id (kNoValue: prepares to nothing), so a repeated
  // spelling is normalized once.
  std::unordered_map<std::string, uint32_t> raw_intern;
  uint32_t present = 0;              // rows with a value
  std::vector<DateValue> dates;      // kDate
  std::vector<double> numbers;       // kNumber (NaN when missing)

  const TextValue* Text(uint32_t row) const {
    uint32_t id = ids[row];
    return id == kNoValue ? nullptr : &values[id];
  }
  bool Missing(uint32_t row) const;
};

struct TableData {
  Settings settings;
  std::vector<Column> columns;           // settings.attributes, then one per joined comparison
  std::vector<int> comparison_column;    // column compared by each comparison
  std::vector<BlockingRule> rules;       // deterministic rules' keys first, then settings.blocking
  std::vector<std::vector<int>> rule_columns;  // column of each part of each rule
  std::vector<std::vector<uint64_t>> keys;     // keys[rule][row], 0 = none
  std::string id_arena;
  std::vector<uint64_t> id_offsets{0};   // id of row r: [id_offsets[r], id_offsets[r + 1])
  std::vector<std::vector<int>> deterministic_equal, deterministic_consistent;  // column indices
  // Scratch space of Add (raw texts after derivation), kept to avoid allocating per record.
  std::vector<std::string> scratch_derived;
  std::vector<std::string_view> scratch_raw;

  size_t size() const { return id_offsets.size() - 1; }
  std::string_view id(uint32_t row) const {
    return std::string_view(id_arena).substr(id_offsets[row], id_offsets[row + 1] - id_offsets[row]);
  }
};

// Same prepared value in two columns of one attribute (possibly of two tables).
bool SameValue(const Column& a, uint32_t ra, const Column& b, uint32_t rb);

// The effective blocking rules of `s`: one per deterministic rule (its `equal` attributes), then
// s.blocking.
std::vector<BlockingRule> EffectiveRules(const Settings& s);

// OK when two tables were built from compatible settings (same attributes and comparisons).
Status CheckSameSettings(const Settings& a, const Settings& b);

}  // namespace ndc::link::internal
