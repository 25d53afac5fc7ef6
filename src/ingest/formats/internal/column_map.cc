#include "ingest/formats/internal/column_map.h"

#include <algorithm>

#include "ingest/formats/row_reader.h"
#include "text/unicode.h"

namespace ndc::ingest::internal {
namespace {

std::string Normalize(std::string_view s) {
  std::string_view trimmed = text::TrimWhitespace(s);
  auto nfc = text::NormalizeNfc(trimmed);
  return nfc.ok() ? *std::move(nfc) : std::string(trimmed);
}

}  // namespace

ColumnMap::ColumnMap(const catalog::DatasetSchema& schema) {
  for (const catalog::FieldSpec& f : schema.fields) {
    bool key =
        std::find(schema.source_key.begin(), schema.source_key.end(), f.name) != schema.source_key.end();
    fields_.push_back({f.name, Normalize(f.column.empty() ? f.name : f.column), f.required, key});
  }
  // Columns take precedence over names: a field's name matches only if no field has it as column.
  for (size_t i = 0; i < fields_.size(); ++i) index_.emplace(fields_[i].column, static_cast<int>(i));
  for (size_t i = 0; i < fields_.size(); ++i) index_.emplace(fields_[i].name, static_cast<int>(i));
  index_[std::string(kOpColumn)] = kOp;
}

int ColumnMap::Find(std::string_view key) const {
  auto it = index_.find(key);
  if (it != index_.end()) return it->second;
  std::string_view trimmed = text::TrimWhitespace(key);
  auto nfc = text::NormalizeNfc(trimmed);
  if (!nfc.ok()) return kUnknown;  // invalid UTF-8 names nothing
  if (*nfc == key) return kUnknown;
  it = index_.find(*nfc);
  return it == index_.end() ? kUnknown : it->second;
}

bool ColumnMap::MustHave(int field, bool keys_only) const {
  const Field& f = fields_[static_cast<size_t>(field)];
  return keys_only ? f.key : (f.required || f.key);
}

std::string ColumnMap::ExpectedColumns(bool keys_only) const {
  constexpr size_t kMaxListed = 30, kMaxBytes = 600;
  std::string out = "expected columns (* = required): ";
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i == kMaxListed || out.size() > kMaxBytes) {
      out += ", … (" + std::to_string(fields_.size() - i) + " more)";
      break;
    }
    if (i > 0) out += ", ";
    out += fields_[i].column;
    if (MustHave(static_cast<int>(i), keys_only)) out += '*';
  }
  return out;
}

std::string QuoteName(std::string_view s) {
  constexpr size_t kMax = 64;
  bool cut = s.size() > kMax;
  std::string clean = text::ToValidUtf8(s.substr(0, kMax));
  if (cut) {  // the cut may have split a sequence into U+FFFD; that is fine for a message
    clean += "…";
  }
  for (char& c : clean) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return "'" + clean + "'";
}

}  // namespace ndc::ingest::internal
