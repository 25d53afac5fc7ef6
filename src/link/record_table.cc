// RecordTable: preparation of values and blocking keys. docs/design/linkage.md ("Record tables").
#include "link/record_table.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "ident/date_parse.h"
#include "link/internal/ascii_similarity.h"
#include "link/internal/hash_slots.h"
#include "link/internal/table_data.h"
#include "text/fold.h"
#include "text/name.h"

namespace ndc::link {

namespace internal {

bool Column::Missing(uint32_t row) const {
  if (text) return ids[row] == kNoValue;
  if (type == AttributeType::kDate) return dates[row].missing();
  return std::isnan(numbers[row]);
}

bool SameValue(const Column& a, uint32_t ra, const Column& b, uint32_t rb) {
  if (a.text) {
    const TextValue* x = a.Text(ra);
    const TextValue* y = b.Text(rb);
    return x && y && x->hash == y->hash && x->normalized() == y->normalized();
  }
  if (a.type == AttributeType::kDate) return !a.dates[ra].missing() && a.dates[ra] == b.dates[rb];
  return !std::isnan(a.numbers[ra]) && a.numbers[ra] == b.numbers[rb];
}

std::vector<BlockingRule> EffectiveRules(const Settings& s) {
  std::vector<BlockingRule> rules;
  for (const auto& d : s.deterministic) {
    BlockingRule r{"deterministic:" + d.name, {}};
    for (const auto& a : d.equal) r.parts.push_back({a, KeyTransform::kValue, 0});
    rules.push_back(std::move(r));
  }
  rules.insert(rules.end(), s.blocking.begin(), s.blocking.end());
  return rules;
}

Status CheckSameSettings(const Settings& a, const Settings& b) {
  bool same = a.attributes.size() == b.attributes.size() && a.comparisons.size() == b.comparisons.size() &&
              a.blocking.size() == b.blocking.size() && a.deterministic.size() == b.deterministic.size();
  for (size_t i = 0; same && i < a.attributes.size(); ++i) {
    same = a.attributes[i].name == b.attributes[i].name && a.attributes[i].type == b.attributes[i].type;
  }
  for (size_t i = 0; same && i < a.comparisons.size(); ++i) same = a.comparisons[i].name == b.comparisons[i].name;
  if (!same) return InvalidArgumentError("record table was built from other settings (attributes, comparisons or rules differ)");
  return OkStatus();
}

void ReserveRows(TableData& t, size_t rows, size_t sample) {
  for (Column& c : t.columns) {
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
  for (auto& k : t.keys) k.reserve(rows);
  t.id_offsets.reserve(rows + 1);
  t.id_arena.reserve(t.id_arena.size() * rows / std::max<size_t>(sample, 1));
}

}  // namespace internal

namespace {

using internal::Column;
using internal::DateValue;
using internal::kNoValue;
using internal::TableData;
using internal::TextValue;

using internal::HashText;
using internal::MixHash;

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

// Starts loading the hash slots the row's values will probe: with a million distinct IDs or
// spellings the tables do not fit in cache, and prefetched misses overlap instead of following
// one another. Only a hint: the lookups themselves are unchanged.
void PrefetchSlots(const TableData& t, std::span<const std::string_view> raw,
                   std::span<const std::string> derived) {
  for (size_t i = 0; i < raw.size(); ++i) {
    const Column& c = t.columns[i];
    if (c.type == AttributeType::kIdentifier) {
      char buf[64];
      size_t n = 0;
      if (raw[i].size() > sizeof buf) continue;
      for (char ch : raw[i]) {
        if (char u = IdentifierChar(ch)) buf[n++] = u;
      }
      if (n) c.intern.Prefetch(HashText(std::string_view(buf, n)));
    } else if (c.text || (c.type == AttributeType::kDate && derived[i].empty())) {
      c.raw.Prefetch(internal::RawCache::KeyOf(raw[i]));
    }
  }
}

std::string Normalize(AttributeType type, bool vietnamese, std::string_view raw) {
  switch (type) {
    case AttributeType::kIdentifier: {
      std::string out;
      NormalizeIdentifier(raw, &out);
      return out;
    }
    case AttributeType::kSex: {
      std::string f = text::FoldVietnamese(raw);
      if (f == "m" || f == "male" || f == "nam" || f == "1") return "male";
      if (f == "f" || f == "female" || f == "nu" || f == "2") return "female";
      return "";
    }
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
TextValue PrepareText(std::string_view norm, AttributeType type, internal::TextArena* arena) {
  std::string folded_text;
  if (type != AttributeType::kIdentifier && type != AttributeType::kSex) folded_text = text::FoldVietnamese(norm);
  const bool same_folded = type == AttributeType::kIdentifier || type == AttributeType::kSex || folded_text == norm;
  const std::string_view f = same_folded ? norm : std::string_view(folded_text);
  TextValue v;
  v.ascii = internal::IsAscii(f);
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
    v.last_begin = static_cast<uint16_t>(
        std::min<size_t>(toks.empty() ? f.size() : static_cast<size_t>(toks.back().data() - f.data()), 65535));
    if (toks.size() > 1) {
      std::sort(toks.begin(), toks.end());
      for (size_t k = 0; k < toks.size(); ++k) {
        if (k) sorted_text += ' ';
        sorted_text += toks[k];
      }
    }
  }
  const bool same_sorted = sorted_text.empty() || sorted_text == f;
  char* p = arena->Allocate(norm.size() + (same_folded ? 0 : f.size()) + (same_sorted ? 0 : sorted_text.size()));
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

bool Blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// The hash of one blocking-key part, or false when the row has none. Equal parts hash equal
// in every table: dates by their fields, numbers by their bits, text by the transformed text.
bool KeyPartHash(const Column& c, uint32_t row, const BlockingKeyPart& p, uint64_t* out) {
  if (c.type == AttributeType::kDate) {
    const DateValue& d = c.dates[row];
    if (d.missing()) return false;
    if (p.transform == KeyTransform::kYear) {
      *out = MixHash(0x1000000ULL + static_cast<uint64_t>(d.year));
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
  if (!v) return false;
  switch (p.transform) {
    case KeyTransform::kValue: *out = v->hash; break;
    case KeyTransform::kFolded: *out = HashText(v->folded()); break;
    case KeyTransform::kPrefix: {
      // Code points, not bytes (folded text is mostly ASCII).
      const std::string_view f = v->folded();
      size_t n = 0, i = 0;
      while (i < f.size() && n < p.length) {
        ++i;
        while (i < f.size() && (static_cast<unsigned char>(f[i]) & 0xC0) == 0x80) ++i;
        ++n;
      }
      *out = HashText(f.substr(0, i));
      break;
    }
    case KeyTransform::kYear: return false;
    case KeyTransform::kSortedTokens: *out = HashText(v->sorted()); break;
    case KeyTransform::kFirstToken: *out = HashText(v->FirstToken()); break;
    case KeyTransform::kLastToken: *out = HashText(v->LastToken()); break;
  }
  return true;
}

// The id of prepared value `norm` (not empty) in `c`, added if new; counts the row.
uint32_t Intern(Column& c, std::string_view norm) {
  const uint64_t h = HashText(norm);
  uint32_t id = c.intern.Find(h, [&](uint32_t v) { return c.values[v].normalized() == norm; });
  if (id == internal::HashSlots::kNone) {
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

RecordTable::RecordTable(const Settings& settings) : data_(std::make_unique<TableData>()) {
  TableData& t = *data_;
  t.settings = settings;
  for (const auto& a : settings.attributes) {
    Column c;
    c.type = a.type;
    c.text = a.type != AttributeType::kDate && a.type != AttributeType::kNumber;
    t.columns.push_back(std::move(c));
  }
  for (const auto& cmp : settings.comparisons) {
    if (cmp.attributes.size() == 1) {
      t.comparison_column.push_back(settings.AttributeIndex(cmp.attributes[0]));
    } else {
      Column c;
      c.type = AttributeType::kName;
      t.comparison_column.push_back(static_cast<int>(t.columns.size()));
      t.columns.push_back(std::move(c));
    }
  }
  t.rules = internal::EffectiveRules(settings);
  for (const auto& r : t.rules) {
    std::vector<int> cols;
    for (const auto& p : r.parts) cols.push_back(settings.AttributeIndex(p.attribute));
    t.rule_columns.push_back(std::move(cols));
  }
  t.keys.resize(t.rules.size());
  for (const auto& d : settings.deterministic) {
    std::vector<int> eq, cons;
    for (const auto& a : d.equal) eq.push_back(settings.AttributeIndex(a));
    for (const auto& a : d.consistent) cons.push_back(settings.AttributeIndex(a));
    t.deterministic_equal.push_back(std::move(eq));
    t.deterministic_consistent.push_back(std::move(cons));
  }
}

RecordTable::~RecordTable() = default;
RecordTable::RecordTable(RecordTable&&) noexcept = default;
RecordTable& RecordTable::operator=(RecordTable&&) noexcept = default;

uint32_t RecordTable::Add(std::string_view record_id, std::span<const std::string_view> values) {
  TableData& t = *data_;
  const Settings& s = t.settings;
  const uint32_t row = static_cast<uint32_t>(t.size());
  if (t.index) t.index.reset();  // Add is exclusive: no reader holds the lock
  t.id_arena.append(record_id);
  t.id_offsets.push_back(t.id_arena.size());

  const size_t n_attr = s.attributes.size();
  // Raw texts after derivation (derived attributes only look at raw inputs).
  std::vector<std::string>& derived = t.scratch_derived;
  std::vector<std::string_view>& raw = t.scratch_raw;
  derived.resize(n_attr);
  raw.resize(n_attr);
  for (auto& d : derived) d.clear();
  for (size_t i = 0; i < n_attr; ++i) raw[i] = i < values.size() ? values[i] : std::string_view();
  for (size_t i = 0; i < n_attr; ++i) {
    const auto& a = s.attributes[i];
    if (a.derive_from.empty() || !Blank(raw[i])) continue;
    std::string_view parts[16];
    const size_t n_parts = std::min<size_t>(a.derive_from.size(), 16);
    for (size_t k = 0; k < n_parts; ++k) parts[k] = raw[s.AttributeIndex(a.derive_from[k])];
    if (a.type == AttributeType::kDate) {  // [day, month, year] -> "d/m/y", "m/y" or "y"
      if (Blank(parts[2])) continue;
      for (size_t k = Blank(parts[1]) ? 2 : Blank(parts[0]) ? 1 : 0; k < 3; ++k) {
        AppendCollapsed(parts[k], &derived[i]);
        if (k < 2) derived[i] += '/';
      }
    } else {
      for (size_t k = 0; k < n_parts; ++k) {
        std::string_view p = parts[k];
        if (Blank(p)) continue;
        if (!derived[i].empty()) derived[i] += ' ';
        AppendCollapsed(p, &derived[i]);
      }
    }
    raw[i] = derived[i];
  }

  PrefetchSlots(t, raw, derived);

  auto add_text = [&](Column& c, bool vietnamese, std::string_view text) {
    if (c.type == AttributeType::kIdentifier) {  // mostly distinct: normalize, no raw cache
      NormalizeIdentifier(text, &t.scratch_text);
      c.ids.push_back(t.scratch_text.empty() ? kNoValue : Intern(c, t.scratch_text));
      return;
    }
    const internal::RawCache::Key key = internal::RawCache::KeyOf(text);
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
  };

  for (size_t i = 0; i < n_attr; ++i) {
    Column& c = t.columns[i];
    const auto& a = s.attributes[i];
    if (c.text) {
      add_text(c, a.vietnamese, raw[i]);
    } else if (c.type == AttributeType::kDate) {
      DateValue d;
      if (Blank(raw[i])) {
      } else if (!derived[i].empty()) {
        d = ParseDateValue(raw[i], ident::DateFormat::kAuto);
      } else {  // one column: a birth date repeats, parse each spelling once
        const internal::RawCache::Key key = internal::RawCache::KeyOf(raw[i]);
        uint32_t packed;
        if (c.raw.Find(key, &packed)) {
          d = UnpackDate(packed);
        } else {
          d = ParseDateValue(raw[i], a.date_format);
          c.raw.Insert(key, PackDate(d));
        }
      }
      c.present += !d.missing();
      c.dates.push_back(d);
    } else {
      double v = std::nan("");
      std::string tx = CollapseSpaces(raw[i]);
      if (!tx.empty()) {
        char* end = nullptr;
        double x = std::strtod(tx.c_str(), &end);
        if (end && *end == '\0') v = x;
      }
      c.present += !std::isnan(v);
      c.numbers.push_back(v);
    }
  }
  // Joined columns of multi-attribute comparisons (scratch_text: add_text of a name column
  // does not use it).
  for (size_t k = 0; k < s.comparisons.size(); ++k) {
    const auto& cmp = s.comparisons[k];
    if (cmp.attributes.size() < 2) continue;
    std::string& joined = t.scratch_text;
    joined.clear();
    for (const auto& name : cmp.attributes) {
      const Column& src = t.columns[s.AttributeIndex(name)];
      std::string part = src.text ? (src.Text(row) ? std::string(src.Text(row)->normalized()) : "") : Value(row, s.AttributeIndex(name));
      if (part.empty()) continue;
      if (!joined.empty()) joined += ' ';
      joined += part;
    }
    add_text(t.columns[t.comparison_column[k]], false, joined);
  }
  // Blocking keys: the parts' hashes combined, 0 when a part is missing.
  for (size_t r = 0; r < t.rules.size(); ++r) {
    uint64_t h = 0x5bd1e995ULL + r;
    bool ok = true;
    for (size_t p = 0; ok && p < t.rules[r].parts.size(); ++p) {
      uint64_t part = 0;
      ok = KeyPartHash(t.columns[t.rule_columns[r][p]], row, t.rules[r].parts[p], &part);
      h = MixHash(h ^ part) + 0x9e3779b97f4a7c15ULL;
    }
    h = MixHash(h);
    t.keys[r].push_back(!ok ? 0 : h == 0 ? 1 : h);
  }
  return row;
}

uint32_t RecordTable::Add(std::string_view record_id, const AttributeValues& values) {
  const Settings& s = data_->settings;
  std::vector<std::string_view> v(s.attributes.size());
  for (size_t i = 0; i < s.attributes.size(); ++i) {
    auto it = values.find(s.attributes[i].name);
    if (it != values.end()) v[i] = it->second;
  }
  return Add(record_id, v);
}

size_t RecordTable::size() const { return data_->size(); }
std::string_view RecordTable::id(uint32_t row) const { return data_->id(row); }
const Settings& RecordTable::settings() const { return data_->settings; }

int64_t RecordTable::FindId(std::string_view record_id) const {
  for (size_t r = 0; r < size(); ++r) {
    if (data_->id(static_cast<uint32_t>(r)) == record_id) return static_cast<int64_t>(r);
  }
  return -1;
}

std::string RecordTable::Value(uint32_t row, size_t attribute) const {
  const Column& c = data_->columns[attribute];
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

}  // namespace ndc::link
