// ParseVietnameseName / FormatName (text/name.h). Design: docs/design/text.md, "Name parsing".
#include "text/name.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <cstddef>
#include <iterator>

#include "text/fold.h"
#include "text/internal/icu.h"
#include "text/internal/utf8.h"
#include "text/internal/vn_surnames.h"
#include "text/unicode.h"

namespace ndc::text {
namespace {

// A word of the name with the keys it is matched on.
struct Word {
  std::string text;    // NFC, as written
  std::string folded;  // FoldVietnamese(text)
  std::string exact;   // lower-cased, canonical tone placement; empty if text is ASCII
};

// The same keys for a table entry (a constant, always with diacritics where it has any).
struct Key {
  std::string folded;
  std::string exact;
};

// Lower case, canonical tone placement, and ð (eth, a badly converted Đ) read as đ.
std::string ExactKey(std::string_view nfc) {
  std::string key = ToLower(NormalizeTonePlacement(nfc)).value_or(std::string(nfc));
  for (size_t i = key.find("ð"); i != std::string::npos; i = key.find("ð", i)) key.replace(i, 2, "đ");
  return key;
}

Key MakeKey(std::string_view entry) { return {FoldVietnamese(entry), ExactKey(entry)}; }

Word MakeWord(std::string text) {
  Word w;
  w.folded = FoldVietnamese(text);
  if (!internal::IsAscii(text)) w.exact = ExactKey(text);
  w.text = std::move(text);
  return w;
}

// Unaccented words match on the fold; accented words must match exactly.
bool Matches(const Word& w, const Key& k) {
  return w.exact.empty() ? w.folded == k.folded : w.exact == k.exact;
}

template <size_t N>
std::vector<Key> MakeKeys(const std::array<std::string_view, N>& entries) {
  std::vector<Key> keys;
  for (std::string_view e : entries) keys.push_back(MakeKey(e));
  return keys;
}

struct Tables {
  std::vector<Key> common = MakeKeys(internal::kCommonSurnames);
  std::vector<Key> markers = MakeKeys(internal::kMarkerMiddleNames);
  std::vector<std::pair<Key, Key>> compounds;
  Tables() {
    for (const auto& c : internal::kCompoundSurnames)
      compounds.emplace_back(MakeKey(c.first), MakeKey(c.second));
  }
};

const Tables& GetTables() {
  static const Tables* const kTables = new Tables;
  return *kTables;
}

bool MatchesAny(const Word& w, const std::vector<Key>& keys) {
  return std::any_of(keys.begin(), keys.end(), [&](const Key& k) { return Matches(w, k); });
}

bool IsCommonSurname(const Word& w) { return MatchesAny(w, GetTables().common); }
bool IsMarkerMiddle(const Word& w) { return MatchesAny(w, GetTables().markers); }

// True if words[i], words[i + 1] form a compound surname.
bool IsCompoundAt(const std::vector<Word>& words, size_t i) {
  if (i + 1 >= words.size()) return false;
  const auto& compounds = GetTables().compounds;
  return std::any_of(compounds.begin(), compounds.end(), [&](const auto& c) {
    return Matches(words[i], c.first) && Matches(words[i + 1], c.second);
  });
}

std::string_view Bounded(std::string_view s) {
  if (s.size() <= kMaxNameBytes) return s;
  size_t end = kMaxNameBytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

std::vector<Word> SplitWords(std::string_view full_name) {
  const std::string valid = ToValidUtf8(Bounded(full_name));
  std::vector<Word> words;
  std::string current;
  auto flush = [&] {
    if (current.empty()) return;
    std::string nfc = NormalizeNfc(current).value_or(current);
    words.push_back(MakeWord(std::move(nfc)));
    current.clear();
  };
  for (size_t i = 0; i < valid.size();) {
    const internal::Decoded d = internal::DecodeAt(valid, i);
    if (IsWhitespace(d.cp)) {
      flush();
    } else if ((U_GET_GC_MASK(static_cast<UChar32>(d.cp)) & (U_GC_CC_MASK | U_GC_CF_MASK)) == 0) {
      current.append(valid, i, static_cast<size_t>(d.length));
    }
    i += static_cast<size_t>(d.length);
  }
  flush();
  return words;
}

std::string Title(const Word& w) { return ToTitle(w.text).value_or(w.text); }

}  // namespace

NameParts ParseVietnameseName(std::string_view full_name, const NameParseOptions& options) {
  std::vector<Word> words = SplitWords(full_name);
  NameParts parts;
  const size_t n = words.size();
  if (n == 0) return parts;
  if (n == 1) {
    parts.given = Title(words[0]);
    return parts;
  }
  size_t surname_words = n >= 3 && IsCompoundAt(words, 0) ? 2 : 1;
  if (options.detect_reversed && surname_words == 1 && !IsCommonSurname(words[0])) {
    size_t trailing = 0;  // surname words at the end
    if (n >= 3 && IsCompoundAt(words, n - 2)) {
      trailing = 2;
    } else if (IsCommonSurname(words[n - 1])) {
      trailing = 1;
    }
    if (trailing > 0) {
      parts.reversed = true;
      surname_words = trailing;
      const auto split = words.end() - static_cast<std::ptrdiff_t>(trailing);
      std::vector<Word> reordered(std::make_move_iterator(split), std::make_move_iterator(words.end()));
      std::vector<Word> rest(std::make_move_iterator(words.begin()), std::make_move_iterator(split));
      // "Anh Van Nguyen": given name, then the marker middle name that follows a surname.
      if (rest.size() >= 2 && IsMarkerMiddle(rest[1]) && !IsMarkerMiddle(rest[0])) {
        std::rotate(rest.begin(), rest.begin() + 1, rest.end());
      }
      for (Word& w : rest) reordered.push_back(std::move(w));
      words = std::move(reordered);
    }
  }
  parts.surname = Title(words[0]);
  if (surname_words == 2) parts.surname += " " + Title(words[1]);
  const size_t first_middle = surname_words;
  for (size_t i = first_middle; i + 1 < words.size(); ++i) parts.middle.push_back(Title(words[i]));
  parts.given = Title(words.back());
  return parts;
}

std::string FormatName(const NameParts& parts) {
  std::string out = parts.surname;
  auto add = [&out](const std::string& part) {
    if (part.empty()) return;
    if (!out.empty()) out.push_back(' ');
    out += part;
  };
  for (const std::string& m : parts.middle) add(m);
  add(parts.given);
  return out;
}

}  // namespace ndc::text
