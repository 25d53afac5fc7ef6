#include "text/internal/icu.h"

#include <unicode/bytestream.h>
#include <unicode/stringpiece.h>
#include <unicode/utypes.h>

#include "text/internal/utf8.h"
#include "text/unicode.h"

namespace ndc::text::internal {

const icu::Normalizer2* NfcNormalizer() {
  static const icu::Normalizer2* const kNfc = [] {
    UErrorCode ec = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(ec);
    return U_SUCCESS(ec) ? n : nullptr;
  }();
  return kNfc;
}

const icu::Normalizer2* NfdNormalizer() {
  static const icu::Normalizer2* const kNfd = [] {
    UErrorCode ec = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFDInstance(ec);
    return U_SUCCESS(ec) ? n : nullptr;
  }();
  return kNfd;
}

bool NfcBoundaryBefore(char32_t cp) {
  const icu::Normalizer2* nfc = NfcNormalizer();
  return nfc != nullptr && nfc->hasBoundaryBefore(static_cast<UChar32>(cp));
}

bool CaseBoundaryBefore(char32_t cp) { return IsWhitespace(cp); }

size_t ChunkLength(std::string_view s, size_t max_bytes, bool (*can_cut_before)(char32_t)) {
  if (s.size() <= max_bytes) return s.size();
  // Code point starts in (0, max_bytes], scanned backwards; a cut at i keeps s[0, i).
  size_t last_start = 0;  // largest code point start <= max_bytes, > 0
  for (size_t i = max_bytes; i > 0; --i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) == 0x80) continue;  // continuation byte
    if (last_start == 0) last_start = i;
    if (can_cut_before(DecodeAt(s, i).cp)) return i;
  }
  if (last_start != 0) return last_start;
  // One code point longer than max_bytes (only when max_bytes < 4): take it whole.
  return static_cast<size_t>(DecodeAt(s, 0).length);
}

Status IcuError(std::string_view what, int error_code) {
  return InternalError(std::string(what) + ": ICU error " + u_errorName(static_cast<UErrorCode>(error_code)));
}

Status AppendNormalized(std::string_view s, bool nfd, std::string* out) {
  const icu::Normalizer2* n = nfd ? NfdNormalizer() : NfcNormalizer();
  if (n == nullptr) return InternalError("ICU normalizer unavailable");
  while (!s.empty()) {
    const size_t len = ChunkLength(s, kIcuChunkBytes, NfcBoundaryBefore);
    UErrorCode ec = U_ZERO_ERROR;
    if (nfd) {
      // Decomposing forms have no UTF-8 fast path in ICU; go through UTF-16.
      icu::UnicodeString u =
          icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(len)));
      icu::UnicodeString d = n->normalize(u, ec);
      if (U_FAILURE(ec)) return IcuError("NFD", ec);
      d.toUTF8String(*out);
    } else {
      icu::StringByteSink<std::string> sink(out);
      n->normalizeUTF8(0, icu::StringPiece(s.data(), static_cast<int32_t>(len)), sink, nullptr, ec);
      if (U_FAILURE(ec)) return IcuError("NFC", ec);
    }
    s.remove_prefix(len);
  }
  return OkStatus();
}

}  // namespace ndc::text::internal
