// FoldVietnamese (text/fold.h): a table-driven walk over code points, with ICU only for text
// outside the Latin ranges. Design: docs/design/text.md, "Folding".
#include "text/fold.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <string>

#include "text/internal/fold_table.h"
#include "text/internal/icu.h"
#include "text/internal/utf8.h"
#include "text/unicode.h"

namespace ndc::text {
namespace {

using internal::FoldEntry;

// A foreign run is flushed once this long and at an NFC boundary; hard-cut at 16x this.
constexpr int32_t kForeignFlushUnits = 1 << 16;

bool IsMark(char32_t cp) { return (U_GET_GC_MASK(static_cast<UChar32>(cp)) & U_GC_M_MASK) != 0; }
bool IsControlOrFormat(char32_t cp) {
  return (U_GET_GC_MASK(static_cast<UChar32>(cp)) & (U_GC_CC_MASK | U_GC_CF_MASK)) != 0;
}

// True if the fold table alone (without NFC first) gives the folded form of every code point in
// `s`: everything is in the table's Latin ranges or a combining diacritic (U+0300..U+036F).
// Ill-formed sequences read as U+FFFD, which nothing composes with, so they do not need NFC.
bool TableSuffices(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const internal::Decoded d = internal::DecodeAt(s, i);
    if (d.valid && !internal::InFoldTable(d.cp) && !(d.cp >= 0x300 && d.cp <= 0x36F)) return false;
    i += static_cast<size_t>(d.length);
  }
  return true;
}

class Folder {
 public:
  explicit Folder(size_t size_hint) { out_.reserve(size_hint); }

  void Add(char32_t cp) {
    if (internal::InFoldTable(cp)) {
      const FoldEntry& e = internal::FoldTableEntry(cp);
      switch (e.kind) {
        case FoldEntry::Kind::kText:
          AddText(e.View());
          return;
        case FoldEntry::Kind::kSpace:
          AddSpace();
          return;
        case FoldEntry::Kind::kDrop:
          return;
      }
    }
    if (IsWhitespace(cp)) {
      AddSpace();
    } else if (IsMark(cp)) {
      // A mark belongs to the letter before it: dropped after a Latin letter (or at the start of
      // a word), kept with a letter of another script.
      if (prev_foreign_) AddForeign(cp, /*is_mark=*/true);
    } else if (!IsControlOrFormat(cp)) {
      AddForeign(cp, /*is_mark=*/false);
    }
  }

  void AddAscii(unsigned char b) {
    if (b >= 'A' && b <= 'Z') {
      const char c = static_cast<char>(b - 'A' + 'a');
      AddText(std::string_view(&c, 1));
    } else if (b == ' ' || (b >= 0x09 && b <= 0x0D)) {
      AddSpace();
    } else if (b >= 0x20 && b != 0x7F) {
      const char c = static_cast<char>(b);
      AddText(std::string_view(&c, 1));
    }  // other C0 controls and DEL are dropped
  }

  std::string Finish() && {
    FlushForeign();
    return std::move(out_);
  }

 private:
  void Separate() {
    if (pending_space_) out_.push_back(' ');
    pending_space_ = false;
  }

  void AddText(std::string_view text) {
    FlushForeign();
    Separate();
    out_.append(text);
    prev_foreign_ = false;
  }

  void AddSpace() {
    FlushForeign();
    pending_space_ = !out_.empty();
    prev_foreign_ = false;
  }

  void AddForeign(char32_t cp, bool is_mark) {
    const int32_t len = foreign_.length();
    if ((len >= kForeignFlushUnits && !is_mark && internal::NfcBoundaryBefore(cp)) ||
        len >= 16 * kForeignFlushUnits) {
      FlushForeign();
    }
    foreign_.append(static_cast<UChar32>(cp));
    prev_foreign_ = true;
  }

  // Case-folds the pending run of other-script text and appends it in NFC (folding can
  // denormalize: U+0390 folds to U+03B9 U+0308 U+0301).
  void FlushForeign() {
    if (foreign_.isEmpty()) return;
    Separate();
    foreign_.foldCase(U_FOLD_CASE_DEFAULT);
    const icu::Normalizer2* nfc = internal::NfcNormalizer();
    UErrorCode ec = U_ZERO_ERROR;
    if (nfc != nullptr) {
      icu::UnicodeString n = nfc->normalize(foreign_, ec);
      if (U_SUCCESS(ec)) foreign_ = std::move(n);
    }
    foreign_.toUTF8String(out_);
    foreign_.remove();
  }

  std::string out_;
  icu::UnicodeString foreign_;  // pending run of other-script text, not yet folded
  bool pending_space_ = false;
  bool prev_foreign_ = false;  // the last kept code point was of another script
};

std::string Walk(std::string_view s) {
  Folder folder(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      folder.AddAscii(b);
      ++i;
      continue;
    }
    const internal::Decoded d = internal::DecodeAt(s, i);
    folder.Add(d.cp);
    i += static_cast<size_t>(d.length);
  }
  return std::move(folder).Finish();
}

}  // namespace

std::string FoldVietnamese(std::string_view s) {
  if (TableSuffices(s)) return Walk(s);
  std::string nfc;
  nfc.reserve(s.size());
  // AppendNormalized fails only if ICU cannot allocate; then fold without NFC (still a valid key
  // for Latin text, which is all the table needs).
  if (!internal::AppendNormalized(ToValidUtf8(s), /*nfd=*/false, &nfc).ok()) return Walk(s);
  return Walk(nfc);
}

std::string_view FoldedSex(std::string_view value) {
  const std::string f = FoldVietnamese(value);
  if (f == "m" || f == "male" || f == "nam" || f == "1") return "male";
  if (f == "f" || f == "female" || f == "nu" || f == "2") return "female";
  return "";
}

std::string MarkedComparable(std::string_view s) {
  Result<std::string> nfc = NormalizeNfc(CollapseWhitespace(s));
  if (!nfc.ok()) return std::string(s);
  Result<std::string> lower = ToLower(NormalizeTonePlacement(*nfc));
  return lower.ok() ? *lower : *nfc;
}

}  // namespace ndc::text
