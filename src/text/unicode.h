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

}  // namespace ndc::text
