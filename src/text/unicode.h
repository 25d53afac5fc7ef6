// text/unicode: UTF-8 validation and decoding, Unicode normalization (NFC), case mapping and
// whitespace handling. The building blocks under folding (text/fold.h), name parsing (text/name.h)
// and similarity (text/similarity.h). Design: docs/design/text.md.
//
// Conventions for the whole module:
//  - Text is UTF-8 in std::string / std::string_view; code point sequences are std::u32string.
//  - "Valid UTF-8" is the Unicode definition (no overlong forms, no surrogates, max U+10FFFF).
//  - Functions returning Result<...> reject invalid UTF-8 with kInvalidArgument and the message
//    "invalid UTF-8 at byte N" (N = offset of the first byte of the first ill-formed sequence).
//    They fail with kInternal only if ICU itself reports an error (out of memory); nothing else.
//  - Functions returning plain values are total: where they say "lossy", each ill-formed sequence
//    (maximal subpart, as in the WHATWG Encoding Standard) becomes U+FFFD.
//  - Input of any length is accepted; ICU is called on chunks cut at normalization boundaries, so
//    its 2^31-unit limit never applies.
//
// Thread safety: every function is thread-safe. ICU singletons (normalizers) are obtained once
// and are immutable; there is no other shared state.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ndc::text {

// The number of code points of `s` (valid UTF-8): its bytes that are not continuation bytes.
// What a limit in characters counts (the OpenAPI document's maxLength).
inline size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// True if `s` is well-formed UTF-8. The empty string is valid.
bool IsValidUtf8(std::string_view s);

// Offset of the first byte of the first ill-formed sequence, or nullopt if `s` is valid.
std::optional<size_t> FindInvalidUtf8(std::string_view s);

// Replaces each ill-formed sequence by U+FFFD (lossy); valid input is returned unchanged.
std::string ToValidUtf8(std::string_view s);

// Canonical composition (Unicode Normalization Form C). NFD input ("Nguye\u0302\u0303n") becomes
// precomposed ("Nguyễn"). Errors: kInvalidArgument for invalid UTF-8.
Result<std::string> NormalizeNfc(std::string_view s);

// Full Unicode case mapping (SpecialCasing included: "ß" upper-cases to "SS"), root locale, so no
// Turkish/Lithuanian rules. Vietnamese letters map as expected ("ĐẶNG" <-> "đặng"). The output is
// not renormalized: NFC in gives NFC out for Vietnamese; callers needing NFC for arbitrary scripts
// call NormalizeNfc afterwards. Errors: kInvalidArgument for invalid UTF-8.
Result<std::string> ToLower(std::string_view s);
Result<std::string> ToUpper(std::string_view s);

// Title case for names: in each whitespace-separated word, and in each part of a word after a
// hyphen or apostrophe ('-', '\'', U+2019), the first letter is title-cased and the rest
// lower-cased: "NGUYỄN thị" -> "Nguyễn Thị", "H'HEN NIÊ" -> "H'Hen Niê". Whitespace is kept as is.
// Errors: kInvalidArgument for invalid UTF-8.
Result<std::string> ToTitle(std::string_view s);

// Code points of `s`. Errors: kInvalidArgument for invalid UTF-8.
Result<std::u32string> DecodeUtf8(std::string_view s);
// Code points of `s`, lossy (U+FFFD for each ill-formed sequence).
std::u32string DecodeUtf8Lossy(std::string_view s);
// UTF-8 of `code_points`; surrogates and values above U+10FFFF are written as U+FFFD.
std::string EncodeUtf8(std::u32string_view code_points);

// The Unicode White_Space property (TAB..CR, space, NEL, NBSP, U+1680, U+2000..U+200A, U+2028,
// U+2029, U+202F, U+205F, U+3000). Zero-width characters (U+200B, U+FEFF) are not whitespace.
bool IsWhitespace(char32_t cp);

// Replaces each run of whitespace by one U+0020 and drops leading and trailing whitespace.
// Ill-formed bytes are not whitespace and are copied unchanged (no validation here).
std::string CollapseWhitespace(std::string_view s);

// `s` without leading and trailing whitespace; a view into `s` (no copy). Ill-formed bytes are
// not whitespace.
std::string_view TrimWhitespace(std::string_view s);

// Controls and the invisible formatting characters that make one text read as another: the C0
// controls, DEL, the C1 controls, zero-width spaces and joiners (U+200B..U+200F), directional
// embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069: U+202E shows "abc" as
// "cba"), word joiners and invisible operators (U+2060..U+2064), and the byte-order mark (U+FEFF).
// Stored record values may not hold them but for tab, line feed and carriage return
// (catalog/record_validator.cc); the set is kept as it was when records were first checked
// (2026-12-01), so that a record stored since reads, deletes and resends as it did.
inline bool IsControlOrFormatting(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) ||
         cp == 0xFEFF;
}

// Characters that show as nothing or change how the text around them reads: IsControlOrFormatting
// and also the soft hyphen (U+00AD), the Arabic letter mark (U+061C), the Mongolian vowel
// separator (U+180E), the line and paragraph separators (U+2028, U+2029: line breaks where "\n" is
// refused), the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0: letters drawn as blanks), the
// interlinear annotation marks (U+FFF9..U+FFFB) and the tag characters (U+E0000..U+E007F). Names,
// titles, descriptions and reasons shown in consoles, terminals and listings may not hold them.
inline bool IsControlOrInvisible(char32_t cp) {
  return IsControlOrFormatting(cp) || cp == 0xAD || cp == 0x61C || cp == 0x115F || cp == 0x1160 || cp == 0x180E ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x3164 || cp == 0xFFA0 || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
         (cp >= 0xE0000 && cp <= 0xE007F);
}

// The first code point of `s` for which IsControlOrInvisible holds, other than those in `allowed`
// (e.g. U"\t\n" for a multi-line text); nullopt if none. Ill-formed sequences are skipped (validate
// UTF-8 first).
std::optional<char32_t> FindControlOrInvisible(std::string_view s, std::u32string_view allowed = {});

// InvalidArgument "<what> may not contain U+202E (a control or invisible formatting character: it
// would show as nothing, or change how the text around it reads)" for the first such character of
// `s` not in `allowed`; OK if none (also for ill-formed UTF-8, which callers refuse on their own).
Status CheckDisplayText(std::string_view what, std::string_view s, std::u32string_view allowed = {});

// `s` with each IsControlOrInvisible code point not in `allowed` written out — an ASCII one as
// "\x1b", another as "\u202e" (or "\U000e0041") — and each byte of an ill-formed sequence as
// "\xff"; everything else (a '%' or '\\' too) as is. For text that is shown but was not checked
// when it was made: a file name in a batch report, stored values on an operator's terminal
// (cli::TerminalText).
std::string EscapeControlOrInvisible(std::string_view s, std::u32string_view allowed = {});

}  // namespace ndc::text
