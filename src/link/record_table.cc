// RecordTable: preparation of values and blocking keys. docs/design/linkage.md ("Record tables").
#include "link/record_table.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "ident/date_parse.h"
#include "link/internal/csv.h"
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
    return x && y && x->hash == y->hash && x->normalized == y->normalized;
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

}  // namespace internal

namespace {

using internal::Column;
using internal::DateValue;
using internal::kNoValue;
using internal::TableData;
using internal::TextValue;

uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb93fe5ad3c53ULL;
  h ^= h >> 33;
  return h;
}

uint64_t HashBytes(std::string_view s, uint64_t seed = 0x9e3779b97f4a7c15ULL) {
  uint64_t h = seed ^ (s.size() * 0x100000001b3ULL);
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return Mix(h);
}

std::string CollapseSpaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string Normalize(AttributeType type, bool vietnamese, std::string_view raw) {
  switch (type) {
    case AttributeType::kIdentifier: {
      std::string out;
      for (char c : raw) {
        if (c == ' ' || c == '-' || c == '.' || c == '/' || c == '\t' || c == '\r' || c == '\n') continue;
        out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
      }
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

void PrepareText(TextValue* v, AttributeType type) {
  v->hash = HashBytes(v->normalized);
  if (type == AttributeType::kIdentifier || type == AttributeType::kSex) {
    v->folded = v->normalized;
  } else {
    v->folded = text::FoldVietnamese(v->normalized);
  }
  // Tokens.
  std::vector<std::string_view> toks;
  std::string_view f = v->folded;
  size_t i = 0;
  while (i < f.size()) {
    size_t j = f.find(' ', i);
    if (j == std::string_view::npos) j = f.size();
    if (j > i) toks.push_back(f.substr(i, j - i));
    i = j + 1;
  }
  v->first_end = static_cast<uint16_t>(std::min<size_t>(toks.empty() ? 0 : toks.front().size(), 65535));
  v->last_begin = static_cast<uint16_t>(
      std::min<size_t>(toks.empty() ? f.size() : static_cast<size_t>(toks.back().data() - f.data()), 65535));
  if (toks.size() > 1) {
    std::sort(toks.begin(), toks.end());
    for (size_t k = 0; k < toks.size(); ++k) {
      if (k) v->sorted += ' ';
      v->sorted += toks[k];
    }
  } else {
    v->sorted = v->folded;
  }
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

// The key text of one part, or false when the row has none.
bool KeyPart(const Column& c, uint32_t row, const BlockingKeyPart& p, std::string* out) {
  if (c.type == AttributeType::kDate) {
    const DateValue& d = c.dates[row];
    if (d.missing()) return false;
    char buf[32];
    if (p.transform == KeyTransform::kYear) {
      std::snprintf(buf, sizeof buf, "%d", d.year);
    } else {
      if (!d.full()) return false;
      std::snprintf(buf, sizeof buf, "%04d%02d%02d", d.year, d.month, d.day);
    }
    *out += buf;
    return true;
  }
  if (c.type == AttributeType::kNumber) {
    if (std::isnan(c.numbers[row])) return false;
    *out += std::to_string(c.numbers[row]);
    return true;
  }
  const TextValue* v = c.Text(row);
  if (!v) return false;
  switch (p.transform) {
    case KeyTransform::kValue: *out += v->normalized; break;
    case KeyTransform::kFolded: *out += v->folded; break;
    case KeyTransform::kPrefix: {
      // Code points, not bytes (folded text is mostly ASCII).
      size_t n = 0, i = 0;
      while (i < v->folded.size() && n < p.length) {
        ++i;
        while (i < v->folded.size() && (static_cast<unsigned char>(v->folded[i]) & 0xC0) == 0x80) ++i;
        ++n;
      }
      *out += v->folded.substr(0, i);
      break;
    }
    case KeyTransform::kYear: return false;
    case KeyTransform::kSortedTokens: *out += v->sorted; break;
    case KeyTransform::kFirstToken: *out += v->FirstToken(); break;
    case KeyTransform::kLastToken: *out += v->LastToken(); break;
  }
  return true;
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
    std::vector<std::string_view> parts;
    for (const auto& name : a.derive_from) parts.push_back(raw[s.AttributeIndex(name)]);
    if (a.type == AttributeType::kDate) {
      if (Blank(parts[2])) continue;
      std::string y = CollapseSpaces(parts[2]);
      if (Blank(parts[1])) {
        derived[i] = y;
      } else if (Blank(parts[0])) {
        derived[i] = CollapseSpaces(parts[1]) + "/" + y;
      } else {
        derived[i] = CollapseSpaces(parts[0]) + "/" + CollapseSpaces(parts[1]) + "/" + y;
      }
    } else {
      for (auto p : parts) {
        if (Blank(p)) continue;
        if (!derived[i].empty()) derived[i] += ' ';
        derived[i] += CollapseSpaces(p);
      }
    }
    raw[i] = derived[i];
  }

  auto add_text = [&](Column& c, bool vietnamese, std::string_view text) {
    const bool cache = c.type != AttributeType::kIdentifier;
    if (cache) {
      auto hit = c.raw_intern.find(std::string(text));
      if (hit != c.raw_intern.end()) {
        c.ids.push_back(hit->second);
        if (hit->second != kNoValue) {
          c.values[hit->second].count++;
          c.present++;
        }
        return;
      }
    }
    std::string norm = Blank(text) ? std::string() : Normalize(c.type, vietnamese, text);
    if (norm.empty()) {
      if (cache) c.raw_intern.emplace(std::string(text), kNoValue);
      c.ids.push_back(kNoValue);
      return;
    }
    auto [it, inserted] = c.intern.try_emplace(std::move(norm), static_cast<uint32_t>(c.values.size()));
    if (inserted) {
      TextValue v;
      v.normalized = it->first;
      PrepareText(&v, c.type);
      c.values.push_back(std::move(v));
    }
    c.values[it->second].count++;
    c.present++;
    c.ids.push_back(it->second);
    if (cache) c.raw_intern.emplace(std::string(text), it->second);
  };

  for (size_t i = 0; i < n_attr; ++i) {
    Column& c = t.columns[i];
    const auto& a = s.attributes[i];
    if (c.text) {
      add_text(c, a.vietnamese, raw[i]);
    } else if (c.type == AttributeType::kDate) {
      DateValue d = Blank(raw[i]) ? DateValue{} : ParseDateValue(raw[i], derived[i].empty() ? a.date_format : ident::DateFormat::kAuto);
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
  // Joined columns of multi-attribute comparisons.
  for (size_t k = 0; k < s.comparisons.size(); ++k) {
    const auto& cmp = s.comparisons[k];
    if (cmp.attributes.size() < 2) continue;
    std::string joined;
    for (const auto& name : cmp.attributes) {
      const Column& src = t.columns[s.AttributeIndex(name)];
      std::string part = src.text ? (src.Text(row) ? src.Text(row)->normalized : "") : Value(row, s.AttributeIndex(name));
      if (part.empty()) continue;
      if (!joined.empty()) joined += ' ';
      joined += part;
    }
    add_text(t.columns[t.comparison_column[k]], false, joined);
  }
  // Blocking keys.
  std::string key;
  for (size_t r = 0; r < t.rules.size(); ++r) {
    key.clear();
    bool ok = true;
    for (size_t p = 0; ok && p < t.rules[r].parts.size(); ++p) {
      ok = KeyPart(t.columns[t.rule_columns[r][p]], row, t.rules[r].parts[p], &key);
      key += '\x1f';
    }
    uint64_t h = ok ? HashBytes(key, 0x5bd1e995ULL + r) : 0;
    t.keys[r].push_back(ok && h == 0 ? 1 : h);
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
  if (c.text) return c.Text(row) ? c.Text(row)->normalized : "";
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

Result<RecordTable> RecordTable::FromCsv(const Settings& settings, const std::filesystem::path& path,
                                         const ColumnMap& map, const std::function<void(size_t)>& progress) {
  ASSIGN_OR_RETURN(auto reader, internal::CsvReader::Open(path, map.delimiter));
  const std::string name = path.filename().string();
  const auto& header = reader.header();
  auto find = [&](const std::string& col) -> int {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == col) return static_cast<int>(i);
    }
    return -1;
  };
  auto missing_column = [&](const std::string& what, const std::string& col) {
    std::string cols;
    for (const auto& h : header) cols += (cols.empty() ? "" : ", ") + h;
    return InvalidArgumentError(name + ": settings map " + what + " to column '" + col +
                                "', which the header (line 1) does not have; columns: " + cols);
  };
  std::vector<int> col_of(settings.attributes.size(), -1);
  for (const auto& [attr, col] : map.columns) {
    int a = settings.AttributeIndex(attr);
    if (a < 0) return InvalidArgumentError(name + ": column map names unknown attribute '" + attr + "'");
    int c = find(col);
    if (c < 0) return missing_column("attribute '" + attr + "'", col);
    col_of[a] = c;
  }
  if (map.same_names) {
    for (size_t a = 0; a < settings.attributes.size(); ++a) {
      if (col_of[a] < 0) col_of[a] = find(settings.attributes[a].name);
    }
  }
  int id_col = -1;
  if (!map.id_column.empty()) {
    id_col = find(map.id_column);
    if (id_col < 0) return missing_column("the record id", map.id_column);
  }
  RecordTable table(settings);
  std::vector<std::string_view> fields;
  std::vector<std::string_view> values(settings.attributes.size());
  std::string row_no;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&fields));
    if (!more) break;
    for (size_t a = 0; a < values.size(); ++a) {
      values[a] = col_of[a] >= 0 && static_cast<size_t>(col_of[a]) < fields.size() ? fields[col_of[a]] : std::string_view();
    }
    std::string_view id;
    if (id_col >= 0 && static_cast<size_t>(id_col) < fields.size()) {
      id = fields[id_col];
    } else {
      row_no = std::to_string(table.size() + 1);
      id = row_no;
    }
    table.Add(id, values);
    if (progress && table.size() % 100000 == 0) progress(table.size());
  }
  return table;
}

}  // namespace ndc::link
