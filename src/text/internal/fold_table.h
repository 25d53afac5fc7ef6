// Internal: the Latin fold table behind FoldVietnamese (text/fold.h).
//
// One entry per code point of U+0000..U+024F (Basic Latin, Latin-1, Latin Extended-A/B) and
// U+1E00..U+1EFF (Latin Extended Additional, which holds every precomposed Vietnamese letter with a
// tone). Each entry says what the code point folds to: UTF-8 text (the base letters, marks removed,
// case-folded, đ and ð -> d), whitespace, or nothing (controls, format characters). The table is computed
// once from ICU data on first use (NFD, drop marks, full case folding, đ ð -> d), so it never drifts from
// Unicode; docs/design/text.md shows its Vietnamese rows.
// Thread-safe: built under a function-local static, immutable afterwards.
#pragma once

#include <cstdint>
#include <string_view>

namespace ndc::text::internal {

struct FoldEntry {
  enum class Kind : uint8_t { kText, kSpace, kDrop };
  Kind kind = Kind::kDrop;
  uint8_t length = 0;  // bytes of text used (kText only)
  char text[6] = {};

  std::string_view View() const { return {text, length}; }
};

inline bool InFoldTable(char32_t cp) { return cp < 0x250 || (cp >= 0x1E00 && cp < 0x1F00); }

// Requires InFoldTable(cp).
const FoldEntry& FoldTableEntry(char32_t cp);

}  // namespace ndc::text::internal
