// Case mapping (text/unicode.h): ICU full case mapping, root locale, on UTF-8 chunks.
#include <unicode/bytestream.h>
#include <unicode/casemap.h>
#include <unicode/stringoptions.h>
#include <unicode/stringpiece.h>

#include <string>

#include "text/internal/icu.h"
#include "text/internal/utf8.h"
#include "text/unicode.h"

namespace ndc::text {
namespace {

enum class Mapping { kLower, kUpper, kTitleWhole };

Status MapChunk(Mapping mapping, std::string_view s, std::string* out) {
  icu::StringByteSink<std::string> sink(out);
  UErrorCode ec = U_ZERO_ERROR;
  const icu::StringPiece src(s.data(), static_cast<int32_t>(s.size()));
  switch (mapping) {
    case Mapping::kLower:
      icu::CaseMap::utf8ToLower("", 0, src, sink, nullptr, ec);
      break;
    case Mapping::kUpper:
      icu::CaseMap::utf8ToUpper("", 0, src, sink, nullptr, ec);
      break;
    case Mapping::kTitleWhole:
      icu::CaseMap::utf8ToTitle("", U_TITLECASE_WHOLE_STRING, nullptr, src, sink, nullptr, ec);
      break;
  }
  if (U_FAILURE(ec)) return internal::IcuError("case mapping", ec);
  return OkStatus();
}

Result<std::string> Map(Mapping mapping, std::string_view s) {
  RETURN_IF_ERROR(internal::CheckUtf8(s));
  std::string out;
  out.reserve(s.size());
  if (internal::IsAscii(s)) {
    for (char c : s) {
      if (mapping == Mapping::kLower && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (mapping == Mapping::kUpper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      out.push_back(c);
    }
    return out;
  }
  while (!s.empty()) {
    const size_t len = internal::ChunkLength(s, internal::kIcuChunkBytes, internal::CaseBoundaryBefore);
    RETURN_IF_ERROR(MapChunk(mapping, s.substr(0, len), &out));
    s.remove_prefix(len);
  }
  return out;
}

// A title-casing segment ends before whitespace and after a hyphen or apostrophe.
bool IsSegmentSeparator(char32_t cp) { return cp == U'-' || cp == U'\'' || cp == 0x2019; }

}  // namespace

Result<std::string> ToLower(std::string_view s) { return Map(Mapping::kLower, s); }
Result<std::string> ToUpper(std::string_view s) { return Map(Mapping::kUpper, s); }

Result<std::string> ToTitle(std::string_view s) {
  RETURN_IF_ERROR(internal::CheckUtf8(s));
  std::string out;
  out.reserve(s.size());
  size_t seg_start = 0;        // start of the pending part of the current segment
  bool seg_continued = false;  // the segment's first megabyte was already title-cased
  auto flush = [&](size_t end) -> Status {
    if (end > seg_start) {
      const Mapping m = seg_continued ? Mapping::kLower : Mapping::kTitleWhole;
      RETURN_IF_ERROR(MapChunk(m, s.substr(seg_start, end - seg_start), &out));
    }
    seg_start = end;
    seg_continued = false;
    return OkStatus();
  };
  for (size_t i = 0; i < s.size();) {
    const internal::Decoded d = internal::DecodeAt(s, i);
    const size_t next = i + static_cast<size_t>(d.length);
    if (IsWhitespace(d.cp)) {
      RETURN_IF_ERROR(flush(i));
      out.append(s.substr(i, next - i));
      seg_start = next;
    } else if (IsSegmentSeparator(d.cp)) {
      RETURN_IF_ERROR(flush(next));  // the separator stays with the part before it
    } else if (next - seg_start >= internal::kIcuChunkBytes) {
      // Hostile input: a megabyte without a separator. Title-case the first piece, lower-case
      // the rest, which is what title-casing the whole segment does.
      RETURN_IF_ERROR(flush(next));
      seg_continued = true;
    }
    i = next;
  }
  RETURN_IF_ERROR(flush(s.size()));
  return out;
}

}  // namespace ndc::text
