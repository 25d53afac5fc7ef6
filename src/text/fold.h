// text/fold: Vietnamese-aware keys for comparing names.
//
// FoldVietnamese gives the comparison key with every diacritic removed ("Nguyễn Thị Minh Khai",
// "NGUYEN THI MINH KHAI" and NFD input all give "nguyen thi minh khai"); NormalizeTonePlacement
// keeps diacritics but puts the tone mark in one canonical place, so "Hoà" and "Hòa" compare
// equal with diacritics kept. Both are total functions (no error cases): ill-formed UTF-8 is read
// as U+FFFD, which stays in the output. Pipeline and tables: docs/design/text.md.
//
// Thread safety: thread-safe. The fold table and ICU normalizers are built once, on first use,
// under function-local statics, and are immutable afterwards.
#pragma once

#include <string>
#include <string_view>

namespace ndc::text {

// The diacritic-free, case-free comparison key of `s`:
//  1. NFC (only run when `s` holds something outside the Latin ranges below; for those ranges the
//     table gives the same result without it);
//  2. Latin letters (U+0000..U+024F, U+1E00..U+1EFF) lose every mark: the five Vietnamese tones
//     and the vowel marks of ă â ê ô ơ ư (and any other: é -> e, ñ -> n); đ and Đ become d, and
//     so do ð and Ð (eth), which badly converted legacy encodings put in place of Đ;
//     combining marks after a Latin letter are dropped;
//  3. full Unicode case folding (so also ß -> ss); letters without a decomposition other than đ
//     keep their folded form (ø, ł, æ);
//  4. other scripts keep their marks and are only case-folded and NFC'd ("Σοφία" -> "σοφία");
//  5. control and format characters (C0/C1 controls, U+200B, U+FEFF, soft hyphen) are removed;
//  6. runs of whitespace (IsWhitespace) become one space; leading and trailing whitespace go.
// Linear time; no ICU call for Vietnamese or other Latin-only text.
std::string FoldVietnamese(std::string_view s);

// The sex a value names as agencies write it, folded: "male" for male/nam/m/1, "female" for
// female/nữ/f/2 (any case, with or without diacritics), "" for anything else. The one reading of
// sex shared by linkage, record validation and discrepancies.
std::string_view FoldedSex(std::string_view value);

// `s` in NFC with each Vietnamese tone mark moved to its canonical vowel, letters and case kept.
// Canonical placement is the traditional one (tone on the first vowel of an open "oa", "oe",
// "uy": "hòa", "khỏe", "thủy"); input in the other convention ("hoà", "khoẻ", "thuỷ") is
// rewritten to it. Rules, per word:
//  - a vowel carrying a vowel mark (ă â ê ô ơ ư) takes the tone; for "ươ" the ơ;
//  - otherwise, with a final consonant the tone goes on the last vowel ("hoàng", "toán");
//  - otherwise on the middle of three vowels ("ngoài", "khuỷu"), the first of two ("mùa", "hòa");
//  - "qu" and "gi" before a vowel count as consonants ("quý", "giữa").
// A word is rewritten only if it looks like one Vietnamese syllable: ASCII letters or đ as bases,
// only Vietnamese marks, exactly one tone mark, one contiguous group of one to three vowels.
// Anything else ("café", "résumé", digits, other scripts) is only NFC-normalized.
std::string NormalizeTonePlacement(std::string_view s);

// `s` as two spellings of one Vietnamese text compare when marks count: NFC, whitespace collapsed
// and trimmed, tone marks placed one way (NormalizeTonePlacement), lower case — never folded to
// ASCII ("Nguyễn" stays unlike "Nguyen"). `s` unchanged when it is not valid UTF-8.
std::string MarkedComparable(std::string_view s);

}  // namespace ndc::text
