#include "person/attributes.h"

#include <fmt/format.h>

#include <cctype>

#include "common/json.h"
#include "text/fold.h"

namespace ndc::person {
namespace {

using store::Value;

// The mapped fields of a schema and the SELECT that reads a record's state with them.
struct Mapping {
  std::vector<const catalog::FieldSpec*> fields;
  std::string select;  // "SELECT _seq, _key, _deleted, _updated_at, <fields> FROM ds_x"
};

Mapping MappingFor(const catalog::DatasetInfo& d) {
  Mapping m;
  m.select = "SELECT _seq, _key, _deleted, _updated_at";
  for (const auto& f : d.schema.fields) {
    if (f.person.empty()) continue;
    m.fields.push_back(&f);
    m.select += ", " + store::QuoteIdentifier(f.name);
  }
  m.select += " FROM " + store::QuoteIdentifier(d.record_table);
  return m;
}

RecordState StateFromRow(const Mapping& m, const store::Row& row) {
  RecordState r;
  r.seq = row.Int(0);
  r.key = row.Str(1);
  r.deleted = row.Int(2) != 0;
  r.updated_at = row.Int(3);
  for (size_t i = 0; i < m.fields.size(); ++i) {
    if (row.IsNull(4 + i)) continue;
    std::string v = row.Str(4 + i);
    auto mapped = m.fields[i]->person_values.find(v);
    if (mapped != m.fields[i]->person_values.end()) v = mapped->second;
    if (!v.empty()) r.attributes[m.fields[i]->person] = std::move(v);
  }
  auto birth = r.attributes.find("birth_date");
  if (birth != r.attributes.end() && birth->second.size() >= 4 && !r.attributes.contains("birth_year")) {
    r.attributes["birth_year"] = birth->second.substr(0, 4);
  }
  return r;
}

}  // namespace

std::string AttributesToJson(const Attributes& a) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : a) j[k] = v;
  return DumpJson(j);
}

namespace {

// "yyyy", "yyyy-mm" or "yyyy-mm-dd" with a month 01-12 and a day 01-31 (not checked against the
// month's length: the stored dates were validated; this only keeps other text out of the prefix rule).
bool IsoShaped(std::string_view s) {
  if (s.size() != 4 && s.size() != 7 && s.size() != 10) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((i == 4 || i == 7) ? s[i] != '-' : !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  auto part = [&](size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); };
  if (s.size() >= 7 && (part(5) < 1 || part(5) > 12)) return false;
  return s.size() < 10 || (part(8) >= 1 && part(8) <= 31);
}

}  // namespace

bool DatesAgree(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (a.size() == b.size() || !IsoShaped(a) || !IsoShaped(b)) return a == b;
  // "yyyy" or "yyyy-mm" against a longer date: its prefix, ending where a part ends.
  return (a.size() == 4 || a.size() == 7) && b.substr(0, a.size()) == a && b[a.size()] == '-';
}

bool ValuesAgree(std::string_view attribute, std::string_view a, std::string_view b) {
  if (attribute == "birth_date") return DatesAgree(a, b);
  if (attribute == "sex") {
    const std::string_view fa = text::FoldedSex(a), fb = text::FoldedSex(b);
    return fa.empty() || fb.empty() ? a == b : fa == fb;
  }
  return a == b;
}

Result<Attributes> AttributesFromJson(const std::string& json) {
  Result<nlohmann::json> j = ParseJson(json);
  if (!j.ok() || !j->is_object()) return DataLossError("person_links.attributes is not a JSON object");
  Attributes out;
  for (const auto& [k, v] : j->items()) {
    if (!v.is_string()) return DataLossError(fmt::format("person_links.attributes.{} is not a string", k));
    out[k] = v.get<std::string>();
  }
  return out;
}

Result<std::vector<RecordState>> ReadChangedRecords(store::Executor& db, const catalog::DatasetInfo& dataset,
                                                    int64_t after_seq, int limit) {
  Mapping m = MappingFor(dataset);
  ASSIGN_OR_RETURN(store::ResultSet rs, db.Query(m.select + " WHERE _seq > $1 ORDER BY _seq LIMIT $2",
                                                 std::vector<Value>{after_seq, int64_t{limit}}));
  std::vector<RecordState> out;
  out.reserve(rs.rows.size());
  for (const auto& row : rs.rows) out.push_back(StateFromRow(m, row));
  return out;
}

Result<std::optional<RecordState>> ReadRecord(store::Executor& db, const catalog::DatasetInfo& dataset,
                                              const std::string& key) {
  Mapping m = MappingFor(dataset);
  ASSIGN_OR_RETURN(store::ResultSet rs, db.Query(m.select + " WHERE _key = $1", std::vector<Value>{key}));
  if (rs.rows.empty()) return std::optional<RecordState>();
  return std::optional<RecordState>(StateFromRow(m, rs.rows[0]));
}

Status SetRecordPerson(store::Executor& db, const std::string& dataset_id, const std::string& key,
                       const std::optional<std::string>& person_key) {
  return db
      .Exec(fmt::format("UPDATE {} SET _person_key = $1 WHERE _key = $2",
                        store::QuoteIdentifier(catalog::RecordTableName(dataset_id))),
            std::vector<Value>{person_key ? Value(*person_key) : Value(), key})
      .status();
}

}  // namespace ndc::person
