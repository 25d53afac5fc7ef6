// Preparing values and blocking keys: docs/design/linkage.md ("Record tables").
#include "link/internal/prepare.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "ident/date_parse.h"
#include "link/internal/ascii_similarity.h"
#include "link/internal/hash_slots.h"
#include "link/internal/parallel.h"
#include "text/fold.h"
#include "text/name.h"

namespace ndc::link::internal {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Appends `s` without leading and trailing blanks, inner runs of blanks as one space.
void AppendCollapsed(std::string_view s, std::string* out) {
  bool space = false, any = false;
  for (char c : s) {
    if (IsBlank(c)) {
      space = any;
      continue;
    }
    if (space) *out += ' ';
    space = false;
    any = true;
    *out += c;
  }
}

std::string CollapseSpaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  AppendCollapsed(s, &out);
  return out;
}

// A character of a normalized identifier: upper case; spaces, '-', '.', '/' removed (0).
char IdentifierChar(char c) {
  if (c == ' ' || c == '-' || c == '.' || c == '/' || c == '\t' || c == '\r' || c == '\n') return 0;
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

void NormalizeIdentifier(std::string_view raw, std::string* out) {
  out->clear();
  for (char c : raw) {
    if (char n = IdentifierChar(c)) *out += n;
  }
}

std::string Normalize(AttributeType type, bool vietnamese, std::string_view raw) {
  switch (type) {
    case AttributeType::kIdentifier: {
      std::string out;
      NormalizeIdentifier(raw, &out);
      return out;
    }
    case AttributeType::kSex:
      return std::string(text::FoldedSex(raw));
    case AttributeType::kName:
      if (vietnamese) {
        std::string c = CollapseSpaces(raw);
        if (c.empty()) return c;
        return text::FormatName(text::ParseVietnameseName(c));
      }
      return text::NormalizeTonePlacement(CollapseSpaces(raw));
    default:
      return text::NormalizeTonePlacement(CollapseSpaces(raw));
  }
}

// A new distinct value `norm` of a column of `type`, its texts in `arena`.
TextValue PrepareText(std::string_view norm, AttributeType type, TextArena* arena) {
  std::string folded_text;
  if (type != AttributeType::kIdentifier && type != AttributeType::kSex)
    folded_text = text::FoldVietnamese(norm);
  const bool same_folded =
      type == AttributeType::kIdentifier || type == AttributeType::kSex || folded_text == norm;
  const std::string_view f = same_folded ? norm : std::string_view(folded_text);
  TextValue v;
  v.ascii = IsAscii(f);
  std::string sorted_text;
  if (f.find(' ') == std::string_view::npos) {  // one token (identifiers always)
    v.first_end = static_cast<uint16_t>(std::min<size_t>(f.size(), 65535));
  } else {
    std::vector<std::string_view> toks;
    size_t i = 0;
    while (i < f.size()) {
      size_t j = f.find(' ', i);
      if (j == std::string_view::npos) j = f.size();
      if (j > i) toks.push_back(f.substr(i, j - i));
      i = j + 1;
    }
    v.first_end = static_cast<uint16_t>(std::min<size_t>(toks.empty() ? 0 : toks.front().size(), 65535));
    v.last_begin = static_cast<uint16_t>(std::min<size_t>(
        toks.empty() ? f.size() : static_cast<size_t>(toks.back().data() - f.data()), 65535));
    if (toks.size() > 1) {
      std::sort(toks.begin(), toks.end());
      for (size_t k = 0; k < toks.size(); ++k) {
        if (k) sorted_text += ' ';
        sorted_text += toks[k];
      }
    }
  }
  const bool same_sorted = sorted_text.empty() || sorted_text == f;
  char* p =
      arena->Allocate(norm.size() + (same_folded ? 0 : f.size()) + (same_sorted ? 0 : sorted_text.size()));
  v.text = p;
  v.normalized_size = static_cast<uint32_t>(norm.size());
  std::memcpy(p, norm.data(), norm.size());
  v.folded_offset = same_folded ? 0 : v.normalized_size;
  v.folded_size = static_cast<uint32_t>(f.size());
  if (!same_folded) std::memcpy(p + v.folded_offset, f.data(), f.size());
  v.sorted_offset = same_sorted ? v.folded_offset : v.folded_offset + v.folded_size;
  v.sorted_size = same_sorted ? v.folded_size : static_cast<uint32_t>(sorted_text.size());
  if (!same_sorted) std::memcpy(p + v.sorted_offset, sorted_text.data(), sorted_text.size());
  return v;
}

DateValue ParseDateValue(std::string_view raw, ident::DateFormat fmt) {
  auto d = ident::ParsePartialDate(CollapseSpaces(raw), fmt);
  if (!d.ok()) return {};
  DateValue v;
  v.year = static_cast<int16_t>(d->year);
  v.month = static_cast<int8_t>(d->precision == ident::DatePrecision::kYear ? 0 : d->month);
  v.day = static_cast<int8_t>(d->precision == ident::DatePrecision::kDay ? d->day : 0);
  return v;
}

// The hash of blocking-key part `p` of text value `v`, or false when it has none.
bool TextPartHash(const TextValue& v, const BlockingKeyPart& p, uint64_t* out) {
  switch (p.transform) {
    case KeyTransform::kValue:
      *out = v.hash;
      break;
    case KeyTransform::kFolded:
      *out = HashText(v.folded());
      break;
    case KeyTransform::kPrefix: {
      // Code points, not bytes (folded text is mostly ASCII).
      const std::string_view f = v.folded();
      size_t n = 0, i = 0;
      while (i < f.size() && n < p.length) {
        ++i;
        while (i < f.size() && (static_cast<unsigned char>(f[i]) & 0xC0) == 0x80) ++i;
        ++n;
      }
      *out = HashText(f.substr(0, i));
      break;
    }
    case KeyTransform::kYear:
    case KeyTransform::kMonthDay:
      return false;
    case KeyTransform::kSortedTokens:
      *out = HashText(v.sorted());
      break;
    case KeyTransform::kFirstToken:
      *out = HashText(v.FirstToken());
      break;
    case KeyTransform::kLastToken:
      *out = HashText(v.LastToken());
      break;
  }
  return true;
}

// The hash of one blocking-key part, or false when the row has none. Equal parts hash equal
// in every table: dates by their fields, numbers by their bits, text by the transformed text.
bool KeyPartHash(const Column& c, uint32_t row, const BlockingKeyPart& p, uint64_t* out) {
  if (c.type == AttributeType::kDate) {
    const DateValue& d = c.dates[row];
    if (d.missing()) return false;
    if (p.transform == KeyTransform::kYear) {
      *out = MixHash(0x1000000ULL + static_cast<uint64_t>(d.year));
    } else if (p.transform == KeyTransform::kMonthDay) {
      if (d.month == 0 || d.day == 0) return false;
      *out = MixHash(0x2000000ULL + (static_cast<uint64_t>(d.month) << 8) + static_cast<uint64_t>(d.day));
    } else {
      if (!d.full()) return false;
      *out = MixHash((static_cast<uint64_t>(d.year) << 16) | (static_cast<uint64_t>(d.month) << 8) |
                     static_cast<uint64_t>(d.day));
    }
    return true;
  }
  if (c.type == AttributeType::kNumber) {
    double x = c.numbers[row];
    if (std::isnan(x)) return false;
    if (x == 0) x = 0;  // -0 and 0 are one key
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    *out = MixHash(bits ^ 0x6a09e667f3bcc908ULL);
    return true;
  }
  const TextValue* v = c.Text(row);
  return v && TextPartHash(*v, p, out);
}

// The id of prepared value `norm` (not empty) in `c`, added if new; counts the row.
uint32_t Intern(Column& c, std::string_view norm) {
  const uint64_t h = HashText(norm);
  uint32_t id = c.intern.Find(h, [&](uint32_t v) { return c.values[v].normalized() == norm; });
  if (id == HashSlots::kNone) {
    id = static_cast<uint32_t>(c.values.size());
    c.values.push_back(PrepareText(norm, c.type, &c.arena));
    c.values.back().hash = h;
    c.counts.push_back(0);
    c.intern.Insert(h, id);
  }
  c.counts[id]++;
  c.present++;
  return id;
}

uint32_t PackDate(const DateValue& d) {
  return static_cast<uint16_t>(d.year) | static_cast<uint32_t>(static_cast<uint8_t>(d.month)) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(d.day)) << 24;
}

DateValue UnpackDate(uint32_t p) {
  DateValue d;
  d.year = static_cast<int16_t>(static_cast<uint16_t>(p & 0xffff));
  d.month = static_cast<int8_t>(static_cast<uint8_t>((p >> 16) & 0xff));
  d.day = static_cast<int8_t>(static_cast<uint8_t>(p >> 24));
  return d;
}

}  // namespace

bool Blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

void DeriveRaw(const Settings& s, std::span<std::string_view> raw, std::vector<std::string>* derived) {
  derived->resize(raw.size());
  for (auto& d : *derived) d.clear();
  for (size_t i = 0; i < raw.size(); ++i) {
    const auto& a = s.attributes[i];
    if (a.derive_from.empty() || !Blank(raw[i])) continue;
    std::string& out = (*derived)[i];
    std::string_view parts[16];
    const size_t n_parts = std::min<size_t>(a.derive_from.size(), 16);
    for (size_t k = 0; k < n_parts; ++k) parts[k] = raw[s.AttributeIndex(a.derive_from[k])];
    if (a.type == AttributeType::kDate) {  // [day, month, year] -> "d/m/y", "m/y" or "y"
      if (Blank(parts[2])) continue;
      for (size_t k = Blank(parts[1]) ? 2 : Blank(parts[0]) ? 1 : 0; k < 3; ++k) {
        AppendCollapsed(parts[k], &out);
        if (k < 2) out += '/';
      }
    } else {
      for (size_t k = 0; k < n_parts; ++k) {
        std::string_view p = parts[k];
        if (Blank(p)) continue;
        if (!out.empty()) out += ' ';
        AppendCollapsed(p, &out);
      }
    }
    raw[i] = out;
  }
}

void PrefetchValue(const Column& c, std::string_view raw, bool derived) {
  if (c.type == AttributeType::kIdentifier) {
    char buf[64];
    size_t n = 0;
    if (raw.size() > sizeof buf) return;
    for (char ch : raw) {
      if (char u = IdentifierChar(ch)) buf[n++] = u;
    }
    if (n) c.intern.Prefetch(HashText(std::string_view(buf, n)));
  } else if (c.text || (c.type == AttributeType::kDate && !derived)) {
    c.raw.Prefetch(RawCache::KeyOf(raw));
  }
}

namespace {

void AppendText(Column& c, bool vietnamese, std::string_view text, std::string* scratch) {
  if (c.type == AttributeType::kIdentifier) {  // mostly distinct: normalize, no raw cache
    NormalizeIdentifier(text, scratch);
    c.ids.push_back(scratch->empty() ? kNoValue : Intern(c, *scratch));
    return;
  }
  const RawCache::Key key = RawCache::KeyOf(text);
  uint32_t id;
  if (c.raw.Find(key, &id)) {
    if (id != kNoValue) {
      c.counts[id]++;
      c.present++;
    }
    c.ids.push_back(id);
    return;
  }
  std::string norm = Blank(text) ? std::string() : Normalize(c.type, vietnamese, text);
  id = norm.empty() ? kNoValue : Intern(c, norm);
  c.raw.Insert(key, id);
  c.ids.push_back(id);
}

}  // namespace

void AppendValue(Column& c, const AttributeSpec& a, std::string_view raw, bool derived,
                 std::string* scratch) {
  if (c.text) {
    AppendText(c, a.vietnamese, raw, scratch);
  } else if (c.type == AttributeType::kDate) {
    DateValue d;
    if (Blank(raw)) {
    } else if (derived) {
      d = ParseDateValue(raw, ident::DateFormat::kAuto);
    } else {  // one column: a birth date repeats, parse each spelling once
      const RawCache::Key key = RawCache::KeyOf(raw);
      uint32_t packed;
      if (c.raw.Find(key, &packed)) {
        d = UnpackDate(packed);
      } else {
        d = ParseDateValue(raw, a.date_format);
        c.raw.Insert(key, PackDate(d));
      }
    }
    c.present += !d.missing();
    c.dates.push_back(d);
  } else {
    double v = std::nan("");
    std::string tx = CollapseSpaces(raw);
    if (!tx.empty()) {
      char* end = nullptr;
      double x = std::strtod(tx.c_str(), &end);
      if (end && *end == '\0') v = x;
    }
    c.present += !std::isnan(v);
    c.numbers.push_back(v);
  }
}

void AppendJoined(TableData& t, size_t comparison, uint32_t row, std::string* scratch) {
  const Settings& s = t.settings;
  std::string& joined = *scratch;  // AppendText uses scratch for identifiers only, not names
  joined.clear();
  for (const auto& name : s.comparisons[comparison].attributes) {
    const Column& src = t.columns[s.AttributeIndex(name)];
    std::string part =
        src.text ? (src.Text(row) ? std::string(src.Text(row)->normalized()) : "") : ValueText(src, row);
    if (part.empty()) continue;
    if (!joined.empty()) joined += ' ';
    joined += part;
  }
  AppendText(t.columns[t.comparison_column[comparison]], false, joined, nullptr);
}

uint64_t BlockKey(const TableData& t, size_t rule, uint32_t row, const KeyPartTables* tables) {
  uint64_t h = 0x5bd1e995ULL + rule;
  bool ok = true;
  for (size_t p = 0; ok && p < t.rules[rule].parts.size(); ++p) {
    uint64_t part = 0;
    const Column& c = t.columns[t.rule_columns[rule][p]];
    const std::vector<uint64_t>* by_value = tables ? tables->by_part[rule][p] : nullptr;
    if (by_value) {
      const uint32_t id = c.ids[row];
      ok = id != kNoValue;
      if (ok) part = (*by_value)[id];
    } else {
      ok = KeyPartHash(c, row, t.rules[rule].parts[p], &part);
    }
    h = MixHash(h ^ part) + 0x9e3779b97f4a7c15ULL;
  }
  h = MixHash(h);
  return !ok ? 0 : h == 0 ? 1 : h;
}

KeyPartTables HashKeyParts(const TableData& t, size_t threads) {
  KeyPartTables out;
  struct Wanted {
    int column;
    const BlockingKeyPart* part;
  };
  std::vector<Wanted> wanted;  // one per distinct (column, transform, length)
  std::vector<std::vector<size_t>> index(t.rules.size());
  for (size_t r = 0; r < t.rules.size(); ++r) {
    for (size_t p = 0; p < t.rules[r].parts.size(); ++p) {
      const BlockingKeyPart& part = t.rules[r].parts[p];
      const int col = t.rule_columns[r][p];
      size_t w = wanted.size();
      // kValue is the value's own hash; kYear of a text never has a key: nothing to save.
      if (t.columns[col].text && part.transform != KeyTransform::kValue &&
          part.transform != KeyTransform::kYear && part.transform != KeyTransform::kMonthDay) {
        for (w = 0; w < wanted.size(); ++w) {
          if (wanted[w].column == col && wanted[w].part->transform == part.transform &&
              wanted[w].part->length == part.length) {
            break;
          }
        }
        if (w == wanted.size()) wanted.push_back({col, &part});
      } else {
        w = SIZE_MAX;
      }
      index[r].push_back(w);
    }
  }
  out.tables.resize(wanted.size());
  constexpr size_t kValues = 65536;
  std::vector<std::pair<size_t, size_t>> tasks;  // (table, first value)
  for (size_t w = 0; w < wanted.size(); ++w) {
    const size_t n = t.columns[wanted[w].column].values.size();
    out.tables[w].resize(n);
    for (size_t v = 0; v < n; v += kValues) tasks.push_back({w, v});
  }
  ParallelChunks(tasks.size(), threads, [&](size_t i) {
    const auto [w, first] = tasks[i];
    const Column& c = t.columns[wanted[w].column];
    const size_t end = std::min(c.values.size(), first + kValues);
    for (size_t v = first; v < end; ++v) TextPartHash(c.values[v], *wanted[w].part, &out.tables[w][v]);
  });
  out.by_part.resize(t.rules.size());
  for (size_t r = 0; r < t.rules.size(); ++r) {
    for (size_t w : index[r]) out.by_part[r].push_back(w == SIZE_MAX ? nullptr : &out.tables[w]);
  }
  return out;
}

std::string ValueText(const Column& c, uint32_t row) {
  if (c.text) return c.Text(row) ? std::string(c.Text(row)->normalized()) : "";
  if (c.type == AttributeType::kDate) {
    const DateValue& d = c.dates[row];
    if (d.missing()) return "";
    char buf[32];
    if (d.full()) {
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
    } else if (d.month) {
      std::snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month);
    } else {
      std::snprintf(buf, sizeof buf, "%04d", d.year);
    }
    return buf;
  }
  if (std::isnan(c.numbers[row])) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", c.numbers[row]);
  return buf;
}

void ReserveColumn(Column& c, size_t rows, size_t sample) {
  c.ids.reserve(c.text ? rows : 0);
  c.dates.reserve(c.type == AttributeType::kDate ? rows : 0);
  c.numbers.reserve(c.type == AttributeType::kNumber ? rows : 0);
  if (c.text && c.values.size() * 2 > sample) {
    c.values.reserve(rows);
    c.counts.reserve(rows);
    // Identifiers stay distinct; names, distinct in a small sample, repeat in a large one.
    if (c.type == AttributeType::kIdentifier) c.intern.Reserve(rows);
  }
}

}  // namespace ndc::link::internal
