// text/name: splitting a Vietnamese full name into surname (họ), middle names (tên đệm) and
// given name (tên), in native or reversed order, with or without diacritics, in any case.
// Rules and the surname tables' origin: docs/design/text.md, "Name parsing".
//
// Thread safety: thread-safe; the surname tables are constant.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ndc::text {

struct NameParts {
  std::string surname;              // may be two words ("Tôn Thất"); empty for a one-word name
  std::vector<std::string> middle;  // zero or more words, in order
  std::string given;                // the last word in native order; empty only for empty input
  bool reversed = false;            // the input was written given name first

  friend bool operator==(const NameParts&, const NameParts&) = default;
};

struct NameParseOptions {
  // Recognize names written given name first (see ParseVietnameseName). Turn off for sources
  // known to write surname first: it removes the one guess the parser makes.
  bool detect_reversed = true;
};

// Only this many bytes of input are read (cut back to a whole code point): a real name is under
// 100 bytes, and the bound keeps hostile input cheap.
inline constexpr size_t kMaxNameBytes = 4096;

// Splits `full_name`. Never fails; every part is title-cased ("NGUYỄN" -> "Nguyễn") and NFC, with
// the diacritics (and tone placement) as written. Steps:
//  1. Ill-formed UTF-8 reads as U+FFFD; control and format characters are dropped; words are
//     separated by whitespace (IsWhitespace) and NFC-normalized.
//  2. Order: with detect_reversed and at least two words, the name is taken as reversed when its
//     last word (or last two words) is a common surname (or a compound surname) and its first
//     word is neither. Then the surname moves to the front; if the second word is "Văn" or
//     "Thị", the first word is the given name ("Anh Van Nguyen" -> Nguyen / Van / Anh), otherwise
//     the order of the rest is kept ("Thi Minh Khai Nguyen" -> Nguyen / Thi Minh / Khai).
//  3. Parts: a compound surname ("Tôn Thất Thuyết", "Nguyễn Phúc Vĩnh San") is recognized when
//     at least one word follows it; otherwise the first word is the surname, the last the given
//     name and the words between are middle names. A one-word name is a given name.
// Surnames are matched on the folded word when it is written without diacritics ("NGUYEN"), and
// exactly (case and tone placement aside) when it has them, so "Lệ" is not "Lê".
NameParts ParseVietnameseName(std::string_view full_name, const NameParseOptions& options = {});

// The parts in native order, separated by single spaces, skipping empty parts:
// {"Nguyễn", {"Thị", "Minh"}, "Khai"} -> "Nguyễn Thị Minh Khai". Ignores `reversed`.
std::string FormatName(const NameParts& parts);

}  // namespace ndc::text
