// link/internal/table_data: the column store behind RecordTable (record_table.h). Text-like
// values are interned per column: a row holds the id of its distinct value; each distinct value
// is prepared once. Dates are packed, numbers are doubles. Blocking keys are 64-bit hashes per
// rule and row (0: the row has no key for that rule).
// Thread safety: as RecordTable.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "link/internal/hash_slots.h"
#include "link/settings.h"

namespace ndc::link::internal {

class BlockIndex;

inline constexpr uint32_t kNoValue = std::numeric_limits<uint32_t>::max();

// Where a column's prepared texts live: blocks that never move, so TextValue can point into them
// (moving the arena, or the table, keeps them valid).
class TextArena {
 public:
  char* Allocate(size_t n) {
    if (n > kBlock / 8) {  // large: a block of its own
      blocks_.emplace_back(new char[n]);
      return blocks_.back().get();
    }
    if (n > left_) {
      blocks_.emplace_back(new char[kBlock]);
      next_ = blocks_.back().get();
      left_ = kBlock;
    }
    char* p = next_;
    next_ += n;
    left_ -= n;
    return p;
  }
  // Takes over `other`'s blocks (pointers into them stay valid); `other` is left empty.
  void Adopt(TextArena&& other) {
    for (auto& b : other.blocks_) blocks_.push_back(std::move(b));
    other.blocks_.clear();
    other.next_ = nullptr;
    other.left_ = 0;
  }

 private:
  static constexpr size_t kBlock = size_t{1} << 16;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t left_ = 0;
};

// One distinct value of a text-like column (string, name, sex, identifier): the normalized text,
// then the folded text and the sorted tokens where they differ from what precedes them
// (identifiers and most single words are stored once).
struct TextValue {
  const char* text = nullptr;  // in the column's arena
  uint32_t normalized_size = 0, folded_offset = 0, folded_size = 0, sorted_offset = 0, sorted_size = 0;
  uint64_t hash = 0;       // HashText(normalized)
  uint16_t first_end = 0;  // folded[0, first_end) is the first token
  uint16_t last_begin = 0; // folded[last_begin, end) is the last token
  bool ascii = true;       // folded is ASCII (the comparators' fast path)
  // As prepared (Vietnamese names: surname first).
  std::string_view normalized() const { return {text, normalized_size}; }
  // FoldVietnamese(normalized) (identifiers and sex: normalized).
  std::string_view folded() const { return {text + folded_offset, folded_size}; }
  // The folded tokens, sorted, single spaces.
  std::string_view sorted() const { return {text + sorted_offset, sorted_size}; }
  std::string_view FirstToken() const { return folded().substr(0, first_end); }
  std::string_view LastToken() const { return folded().substr(last_begin); }
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
  TextArena arena;                   // text: their texts
  std::vector<uint32_t> counts;      // text: rows holding each value (apart: updated per row)
  HashSlots intern;                  // text: HashText(normalized) -> value id
  // Raw text -> prepared value, so a repeated spelling is prepared once: text columns other
  // than identifiers (the value id, kNoValue when it prepares to nothing) and dates given as one
  // column (the packed DateValue).
  RawCache raw;
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
  // Scratch space of Add (raw texts after derivation, a normalized identifier, a joined value),
  // kept to avoid allocating per record.
  std::vector<std::string> scratch_derived;
  std::vector<std::string_view> scratch_raw;
  std::string scratch_text;
  // This table's blocking index as a reference table: built on first use (SharedBlockIndex in
  // block_index.h) so that Train and Link build it once; Add drops it.
  mutable std::mutex index_mu;
  mutable std::shared_ptr<const BlockIndex> index;

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
