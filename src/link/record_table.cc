// RecordTable: preparation of values and blocking keys. docs/design/linkage.md ("Record tables").
#include "link/record_table.h"

#include <algorithm>
#include <cmath>

#include "link/internal/prepare.h"
#include "link/internal/table_data.h"

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

}  // namespace internal

namespace {

using internal::Column;
using internal::TableData;

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
  std::vector<std::string_view>& raw = t.scratch_raw;
  raw.resize(n_attr);
  for (size_t i = 0; i < n_attr; ++i) raw[i] = i < values.size() ? values[i] : std::string_view();
  internal::DeriveRaw(s, raw, &t.scratch_derived);
  for (size_t i = 0; i < n_attr; ++i) internal::PrefetchValue(t.columns[i], raw[i], !t.scratch_derived[i].empty());
  for (size_t i = 0; i < n_attr; ++i) {
    internal::AppendValue(t.columns[i], s.attributes[i], raw[i], !t.scratch_derived[i].empty(), &t.scratch_text);
  }
  for (size_t k = 0; k < s.comparisons.size(); ++k) {
    if (s.comparisons[k].attributes.size() > 1) internal::AppendJoined(t, k, row, &t.scratch_text);
  }
  for (size_t r = 0; r < t.rules.size(); ++r) t.keys[r].push_back(internal::BlockKey(t, r, row));
  return row;
}

void RecordTable::SetValueFrequency(size_t comparison, uint32_t row, uint32_t count, uint32_t present) {
  if (comparison >= data_->comparison_column.size() || present == 0) return;
  internal::Column& col = data_->columns[static_cast<size_t>(data_->comparison_column[comparison])];
  if (!col.text || row >= col.ids.size() || col.ids[row] == internal::kNoValue) return;
  col.counts[col.ids[row]] = std::clamp<uint32_t>(count, 1, present);
  col.present = present;
}

uint32_t RecordTable::ComparisonPresent(size_t comparison) const {
  if (comparison >= data_->comparison_column.size()) return 0;
  return data_->columns[static_cast<size_t>(data_->comparison_column[comparison])].present;
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
  return internal::ValueText(data_->columns[attribute], row);
}

}  // namespace ndc::link
