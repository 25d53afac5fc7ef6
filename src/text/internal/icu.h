// Internal: access to the ICU objects the text module uses, and chunking of long input.
//
// ICU's UTF-8 APIs take int32_t lengths and build temporaries proportional to their input, so
// every ICU call in src/text goes through ChunkLength: chunks are at most kIcuChunkBytes and end
// where cutting does not change the result (a normalization boundary, or whitespace for case
// mapping). Only hostile input (a megabyte without such a boundary) is cut elsewhere.
// Thread-safe: the normalizers are ICU singletons, immutable once created.
#pragma once

#include <unicode/normalizer2.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ndc::text::internal {

inline constexpr size_t kIcuChunkBytes = size_t{1} << 20;

// The NFC and NFD normalizers, or nullptr if ICU could not create them (out of memory).
const icu::Normalizer2* NfcNormalizer();
const icu::Normalizer2* NfdNormalizer();

// True if text may be cut before `cp` without changing its NFC form.
bool NfcBoundaryBefore(char32_t cp);
// True if text may be cut before `cp` without changing its case mapping (whitespace: the only
// context-sensitive mapping, Greek final sigma, never looks across it).
bool CaseBoundaryBefore(char32_t cp);

// Length of the first chunk of `s` (valid UTF-8): all of `s` if s.size() <= max_bytes; else the
// longest prefix of at most max_bytes bytes (and at least one code point) that ends before a code
// point c with can_cut_before(c); if there is none, the longest such prefix ending on a code point
// boundary.
size_t ChunkLength(std::string_view s, size_t max_bytes, bool (*can_cut_before)(char32_t));

// Appends the NFC (or, with `nfd`, NFD) form of valid UTF-8 `s` to `out`.
// Errors: kInternal if ICU fails.
Status AppendNormalized(std::string_view s, bool nfd, std::string* out);

// Status for a failed ICU call: kInternal with the ICU error name.
Status IcuError(std::string_view what, int error_code);

}  // namespace ndc::text::internal
