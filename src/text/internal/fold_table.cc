#include "text/internal/fold_table.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>
#include <string>

#include "text/internal/icu.h"
#include "text/unicode.h"

namespace ndc::text::internal {
namespace {

constexpr size_t kLowSize = 0x250;
constexpr size_t kExtBase = 0x1E00;
constexpr size_t kExtSize = 0x100;

bool IsMark(UChar32 c) { return (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0; }

icu::UnicodeString WithoutMarks(const icu::UnicodeString& s) {
  icu::UnicodeString out;
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    if (!IsMark(c)) out.append(c);
    i += U16_LENGTH(c);
  }
  return out;
}

icu::UnicodeString Decomposed(const icu::UnicodeString& s) {
  const icu::Normalizer2* nfd = NfdNormalizer();
  if (nfd == nullptr) return s;
  UErrorCode ec = U_ZERO_ERROR;
  icu::UnicodeString d = nfd->normalize(s, ec);
  return U_SUCCESS(ec) ? d : s;
}

FoldEntry MakeEntry(char32_t cp) {
  FoldEntry e;
  if (IsWhitespace(cp)) {
    e.kind = FoldEntry::Kind::kSpace;
    return e;
  }
  const int8_t type = u_charType(static_cast<UChar32>(cp));
  if (type == U_CONTROL_CHAR || type == U_FORMAT_CHAR) return e;  // kDrop
  // Strip marks, case-fold, and strip again: folding can add marks (U+0130 -> i + U+0307).
  icu::UnicodeString s = WithoutMarks(Decomposed(icu::UnicodeString(static_cast<UChar32>(cp))));
  s.foldCase(U_FOLD_CASE_DEFAULT);
  s = WithoutMarks(Decomposed(s));
  // đ has no decomposition. ð (from Ð) is how legacy Vietnamese encodings, converted badly, often
  // write Đ; it is also the usual transliteration of the Icelandic eth.
  s.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x0111)), icu::UnicodeString(u'd'));
  s.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x00F0)), icu::UnicodeString(u'd'));
  std::string utf8;
  s.toUTF8String(utf8);
  // Every Latin fold is at most 3 bytes (U+0149 -> "ʼn"); keep the code point if that ever changes.
  if (utf8.size() > sizeof(e.text)) {
    utf8.clear();
    icu::UnicodeString(static_cast<UChar32>(cp)).toUTF8String(utf8);
  }
  e.kind = FoldEntry::Kind::kText;
  e.length = static_cast<uint8_t>(utf8.size());
  utf8.copy(e.text, utf8.size());
  return e;
}

struct Table {
  std::array<FoldEntry, kLowSize> low;
  std::array<FoldEntry, kExtSize> ext;
};

const Table& GetTable() {
  static const Table* const kTable = [] {
    auto* t = new Table;
    for (size_t i = 0; i < kLowSize; ++i) t->low[i] = MakeEntry(static_cast<char32_t>(i));
    for (size_t i = 0; i < kExtSize; ++i) t->ext[i] = MakeEntry(static_cast<char32_t>(kExtBase + i));
    return t;
  }();
  return *kTable;
}

}  // namespace

const FoldEntry& FoldTableEntry(char32_t cp) {
  const Table& t = GetTable();
  return cp < kLowSize ? t.low[cp] : t.ext[cp - kExtBase];
}

}  // namespace ndc::text::internal
