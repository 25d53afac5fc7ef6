// NormalizeTonePlacement (text/fold.h): works on the NFD form, where every Vietnamese letter is
// an ASCII base (or đ) followed by its marks, moves the one tone mark, and recomposes with NFC.
// Design: docs/design/text.md, "Tone placement".
#include <unicode/uchar.h>

#include <array>
#include <string>

#include "text/fold.h"
#include "text/internal/icu.h"
#include "text/internal/utf8.h"
#include "text/unicode.h"

namespace ndc::text {
namespace {

constexpr char32_t kGrave = 0x300, kAcute = 0x301, kTilde = 0x303, kHook = 0x309, kDotBelow = 0x323;
constexpr char32_t kCircumflex = 0x302, kBreve = 0x306, kHorn = 0x31B;
constexpr size_t kMaxSyllableLetters = 10;  // "nghiêng" has 7

// Đ đ, and Ð ð (eth), which legacy encodings converted badly put in their place.
bool IsDStroke(char32_t c) { return c == 0x110 || c == 0x111 || c == 0xD0 || c == 0xF0; }

bool IsTone(char32_t c) { return c == kGrave || c == kAcute || c == kTilde || c == kHook || c == kDotBelow; }

char32_t AsciiLower(char32_t c) { return (c >= U'A' && c <= U'Z') ? c + 32 : c; }

bool IsVowel(char32_t base) {
  switch (AsciiLower(base)) {
    case U'a':
    case U'e':
    case U'i':
    case U'o':
    case U'u':
    case U'y':
      return true;
    default:
      return false;
  }
}

// Whether the vowel mark `mark` may sit on `base` (ă â ê ô ơ ư).
bool TakesVowelMark(char32_t base, char32_t mark) {
  const char32_t b = AsciiLower(base);
  if (mark == kBreve) return b == U'a';
  if (mark == kCircumflex) return b == U'a' || b == U'e' || b == U'o';
  return b == U'o' || b == U'u';  // horn
}

struct Letter {
  char32_t base;
  char32_t vowel_mark;  // 0, kCircumflex, kBreve or kHorn
};

// Rewrites one NFD word (letters and marks only) into `out`, the tone moved if the word is a
// Vietnamese syllable; otherwise copies it.
void PlaceTone(std::u32string_view word, std::u32string* out) {
  std::array<Letter, kMaxSyllableLetters> letters;
  size_t n = 0;
  char32_t tone = 0;
  int tones = 0;
  bool syllable = true;
  for (char32_t c : word) {
    if (IsTone(c)) {
      tone = c;
      ++tones;
      if (n == 0) syllable = false;  // a mark with no letter before it
    } else if (c == kCircumflex || c == kBreve || c == kHorn) {
      if (n == 0 || letters[n - 1].vowel_mark != 0 || !TakesVowelMark(letters[n - 1].base, c)) {
        syllable = false;
      } else {
        letters[n - 1].vowel_mark = c;
      }
    } else if (((c < 0x80 && u_isalpha(static_cast<UChar32>(c))) || IsDStroke(c)) &&
               n < kMaxSyllableLetters) {
      letters[n++] = {c, 0};
    } else {
      syllable = false;  // another mark or letter, or too long
    }
    if (!syllable) break;
  }
  if (!syllable || tones != 1) {
    out->append(word);
    return;
  }
  // One contiguous vowel group [vs, ve).
  size_t vs = 0;
  while (vs < n && !IsVowel(letters[vs].base)) ++vs;
  size_t ve = vs;
  while (ve < n && IsVowel(letters[ve].base)) ++ve;
  bool ok = vs < n;
  for (size_t i = ve; i < n && ok; ++i) ok = !IsVowel(letters[i].base);
  if (ok && ve - vs >= 2) {
    const char32_t first = AsciiLower(letters[vs].base);
    const bool qu =
        vs >= 1 && AsciiLower(letters[vs - 1].base) == U'q' && first == U'u' && letters[vs].vowel_mark == 0;
    const bool gi = vs == 1 && AsciiLower(letters[0].base) == U'g' && first == U'i';
    if (qu || gi) ++vs;
  }
  if (!ok || ve - vs > 3) {
    out->append(word);
    return;
  }
  size_t target = ve;  // past the end: not chosen yet
  for (size_t i = vs; i < ve; ++i) {
    if (letters[i].vowel_mark != 0) target = i;  // the last marked vowel (ơ of ươ)
  }
  if (target == ve) {
    if (ve < n) {
      target = ve - 1;  // closed syllable: last vowel
    } else if (ve - vs == 3) {
      target = vs + 1;  // open, three vowels: the middle one
    } else {
      target = vs;  // open, one or two vowels: the first
    }
  }
  for (size_t i = 0; i < n; ++i) {
    out->push_back(letters[i].base);
    if (letters[i].vowel_mark != 0) out->push_back(letters[i].vowel_mark);
    if (i == target) out->push_back(tone);  // NFC puts the marks in canonical order
  }
}

bool IsWordPart(char32_t c) {
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & (U_GC_L_MASK | U_GC_M_MASK)) != 0;
}

}  // namespace

std::string NormalizeTonePlacement(std::string_view s) {
  std::string valid = ToValidUtf8(s);
  if (internal::IsAscii(valid)) return valid;  // no tone marks
  std::string nfd;
  nfd.reserve(valid.size() + valid.size() / 2);
  if (!internal::AppendNormalized(valid, /*nfd=*/true, &nfd).ok()) return valid;
  const std::u32string cps = DecodeUtf8Lossy(nfd);
  std::u32string moved;
  moved.reserve(cps.size());
  size_t word_start = 0;
  for (size_t i = 0; i <= cps.size(); ++i) {
    if (i < cps.size() && IsWordPart(cps[i])) continue;
    PlaceTone(std::u32string_view(cps).substr(word_start, i - word_start), &moved);
    if (i < cps.size()) moved.push_back(cps[i]);
    word_start = i + 1;
  }
  std::string out;
  out.reserve(valid.size());
  if (!internal::AppendNormalized(EncodeUtf8(moved), /*nfd=*/false, &out).ok()) return valid;
  return out;
}

}  // namespace ndc::text
