// JSON reading and writing of dataset schemas (the format is in docs/design/dataset-schema.md).
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "catalog/internal/decimal.h"
#include "catalog/schema.h"
#include "common/json.h"
#include "ident/date_parse.h"
#include "text/unicode.h"

namespace ndc::catalog {
namespace {

using json = nlohmann::json;

Status Err(const std::string& path, const std::string& msg) {
  return InvalidArgumentError(path.empty() ? msg : path + ": " + msg);
}

Status CheckKeys(const json& obj, const std::string& path, const std::set<std::string>& allowed) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!allowed.contains(it.key())) {
      return Err(path.empty() ? it.key() : path + "." + it.key(),
                 fmt::format("unknown key (allowed here: {})", fmt::join(allowed, ", ")));
    }
  }
  return OkStatus();
}

Status GetString(const json& obj, const std::string& key, const std::string& path, std::string* out,
                 bool required) {
  auto it = obj.find(key);
  std::string p = path.empty() ? key : path + "." + key;
  if (it == obj.end()) return required ? Err(p, "is required") : OkStatus();
  if (!it->is_string()) return Err(p, "must be a string");
  *out = it->get<std::string>();
  return OkStatus();
}

Status GetInt(const json& obj, const std::string& key, const std::string& path, std::optional<int64_t>* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return OkStatus();
  if (!it->is_number_integer() ||
      (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
    return Err(path + "." + key, "must be an integer between -2^63 and 2^63-1");
  }
  *out = it->get<int64_t>();
  return OkStatus();
}

// Every finite double written out in plain digits (the largest has 309 before the point, the
// smallest 324 after it) fits: a stored float bound always reads back.
constexpr size_t kMaxStoredBoundDigits = 400;

// What is being read: a schema from an agency, held to every rule; or one the catalog stored,
// which may hold what earlier versions of NDC accepted and this one refuses (schema.h).
enum class Source { kAgency, kStored };

// A decimal bound given as a JSON (or TOML) float, as plain digits of its value, or an error asking
// for a string. A double keeps 15 significant digits exactly (more would be silently rounded), and
// its shortest spelling may use an exponent ("1e-05"), which a bound may not hold: until 2026-12-01
// such a bound was stored as "1e-05" and the dataset, and the list of datasets, could not be read.
Status FloatBound(const json& v, const std::string& p, const std::string& key, std::optional<std::string>* out) {
  const std::string written = v.dump();
  if (!std::isfinite(v.get<double>())) return Err(p, "must be a finite number");
  // What the agency wrote is gone once parsed: 9999999999999999999.99 arrives as 1e19, one
  // significant digit. From 10^15 up a double no longer holds every 15-digit number with its
  // fraction, so such a float may already be rounded (review of 2026-12-01): it must be a string.
  if (std::fabs(v.get<double>()) >= 1e15) {
    return Err(p, fmt::format("{} is too large to be taken from a JSON number exactly (from 10^15 a number may "
                              "already be rounded); write the bound as a string of digits, e.g. \"{}\": "
                              "\"9999999999999999999.99\"",
                              written, key));
  }
  if (internal::SignificantDigits(written) > 15) {
    return Err(p, fmt::format("{} has more significant digits than a JSON number keeps exactly (15); write the "
                              "bound as a string of digits, e.g. \"{}\": \"1234567890.1234567\"", written, key));
  }
  auto plain = internal::PlainDecimal(written, internal::kMaxDecimalDigits);
  if (!plain) {
    return Err(p, fmt::format("{} has more than {} digits written out, more than a decimal may have", written,
                              internal::kMaxDecimalDigits));
  }
  *out = std::move(*plain);
  return OkStatus();
}

// Integers and decimals may be given as JSON numbers or strings; dates as strings. Each is kept as
// text that reads back as itself, so a schema the catalog stores always parses again.
Status GetBound(const json& obj, const std::string& key, const std::string& path, FieldType type, Source source,
                std::optional<std::string>* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return OkStatus();
  std::string p = path + "." + key;
  if (type == FieldType::kDate) {
    if (!it->is_string()) return Err(p, "must be an ISO date string (yyyy-mm-dd)");
    const std::string s = it->get<std::string>();
    static const RE2 iso("\\d{4}-\\d{2}-\\d{2}");
    if (!RE2::FullMatch(s, iso)) return Err(p, "must be an ISO date (yyyy-mm-dd), got '" + s + "'");
    // A date that does not exist ("2026-02-30") would fail every load of the dataset
    // (RecordValidator::Create). Until 2026-12-01 one was accepted: a stored one is kept, so the
    // dataset stays readable and its schema can be updated.
    if (auto d = ident::ParseDate(s, ident::DateFormat::kIso); !d.ok() && source == Source::kAgency) {
      return Err(p, d.status().message());
    }
    *out = s;
    return OkStatus();
  }
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return Err(p, "must be between -2^63 and 2^63-1");
  } else if (it->is_number_integer()) {
    *out = std::to_string(it->get<int64_t>());
  } else if (it->is_number_float()) {
    if (type != FieldType::kDecimal) return Err(p, "must be an integer, got " + it->dump());
    return FloatBound(*it, p, key, out);
  } else if (it->is_string()) {
    static const RE2 num("-?\\d+(\\.\\d+)?");
    const std::string s = it->get<std::string>();
    const bool integer = type == FieldType::kInteger;
    if (RE2::FullMatch(s, num) && !(integer && s.find('.') != std::string::npos)) {
      *out = s;
    } else if (auto plain = internal::PlainDecimal(s, kMaxStoredBoundDigits);
               plain && !integer && source == Source::kStored) {
      // A float bound stored before 2026-12-01 ("1e-05", "1.7976931348623157e+308"): the same
      // value, however long written out, so the dataset reads.
      *out = std::move(*plain);
    } else {
      return Err(p, fmt::format("must be {}, got '{}'", integer ? "an integer" : "a number", s));
    }
  } else {
    return Err(p, "must be a number");
  }
  return OkStatus();
}

Status ParseClassification(const json& obj, const std::string& path, Classification* out) {
  if (!obj.is_object()) return Err(path, "must be an object like {\"data\": \"important\", \"personal\": \"basic\"}");
  RETURN_IF_ERROR(CheckKeys(obj, path, {"data", "personal"}));
  std::string d, p;
  RETURN_IF_ERROR(GetString(obj, "data", path, &d, false));
  RETURN_IF_ERROR(GetString(obj, "personal", path, &p, false));
  if (!d.empty()) {
    if (d == "core") out->data = DataClass::kCore;
    else if (d == "important") out->data = DataClass::kImportant;
    else if (d == "other") out->data = DataClass::kOther;
    else return Err(path + ".data", "must be core, important or other (Law on Data 2024 art. 13), got '" + d + "'");
  }
  if (!p.empty()) {
    if (p == "none") out->personal = PersonalClass::kNone;
    else if (p == "basic") out->personal = PersonalClass::kBasic;
    else if (p == "sensitive") out->personal = PersonalClass::kSensitive;
    else return Err(path + ".personal", "must be none, basic or sensitive (Decree 356/2025 art. 3-4), got '" + p + "'");
  }
  return OkStatus();
}

Status ParseField(const json& obj, const std::string& path, Source source, FieldSpec* f) {
  if (!obj.is_object()) return Err(path, "must be an object");
  RETURN_IF_ERROR(CheckKeys(obj, path,
                            {"name", "column", "type", "required", "description", "classification", "person",
                             "min_length", "max_length", "pattern", "min", "max", "scale", "format", "values",
                             "person_values", "level", "allow_legacy", "partial"}));
  RETURN_IF_ERROR(GetString(obj, "name", path, &f->name, true));
  if (!IsValidFieldName(f->name)) {
    return Err(path + ".name", fmt::format("'{}' is not a valid field name (lower-case ASCII letters, digits and _, "
                                           "starting with a letter, at most 63 characters; put the agency's "
                                           "column header in \"column\")", f->name));
  }
  std::string type;
  RETURN_IF_ERROR(GetString(obj, "type", path, &type, true));
  auto t = ParseFieldType(type);
  if (!t.ok()) return Err(path + ".type", t.status().message());
  f->type = *t;
  RETURN_IF_ERROR(GetString(obj, "column", path, &f->column, false));
  if (f->column.empty()) f->column = f->name;
  // "_op" is the batches' own operation column (ingest::kOpColumn): a field with that column was
  // accepted here and never found in a file (review of 2026-12-03).
  if (source == Source::kAgency && f->column == "_op") {
    return Err(path + ".column", "'_op' is the column that says a batch row's operation (upsert or delete): "
                                 "give the field another column");
  }
  if (auto it = obj.find("required"); it != obj.end()) {
    if (!it->is_boolean()) return Err(path + ".required", "must be true or false");
    f->required = it->get<bool>();
  }
  RETURN_IF_ERROR(GetString(obj, "description", path, &f->description, false));
  if (auto it = obj.find("classification"); it != obj.end()) {
    RETURN_IF_ERROR(ParseClassification(*it, path + ".classification", &f->classification));
  }
  RETURN_IF_ERROR(GetString(obj, "person", path, &f->person, false));
  if (!f->person.empty()) {
    const auto& attrs = PersonAttributes();
    if (std::find(attrs.begin(), attrs.end(), f->person) == attrs.end()) {
      return Err(path + ".person", fmt::format("unknown person attribute '{}' (expected one of {})", f->person,
                                               fmt::join(attrs, ", ")));
    }
  }

  auto only_for = [&](const char* key, std::initializer_list<FieldType> types) -> Status {
    if (!obj.contains(key)) return OkStatus();
    for (FieldType ok : types)
      if (ok == f->type) return OkStatus();
    return Err(path + "." + key, fmt::format("does not apply to type {}", FieldTypeName(f->type)));
  };
  RETURN_IF_ERROR(only_for("min_length", {FieldType::kString}));
  RETURN_IF_ERROR(only_for("max_length", {FieldType::kString}));
  RETURN_IF_ERROR(only_for("pattern", {FieldType::kString}));
  RETURN_IF_ERROR(only_for("min", {FieldType::kInteger, FieldType::kDecimal, FieldType::kDate}));
  RETURN_IF_ERROR(only_for("max", {FieldType::kInteger, FieldType::kDecimal, FieldType::kDate}));
  RETURN_IF_ERROR(only_for("scale", {FieldType::kDecimal}));
  RETURN_IF_ERROR(only_for("format", {FieldType::kDate}));
  RETURN_IF_ERROR(only_for("partial", {FieldType::kDate}));
  RETURN_IF_ERROR(only_for("values", {FieldType::kEnum}));
  RETURN_IF_ERROR(only_for("person_values", {FieldType::kEnum}));
  RETURN_IF_ERROR(only_for("level", {FieldType::kAdminUnit}));
  RETURN_IF_ERROR(only_for("allow_legacy", {FieldType::kAdminUnit}));

  RETURN_IF_ERROR(GetInt(obj, "min_length", path, &f->min_length));
  RETURN_IF_ERROR(GetInt(obj, "max_length", path, &f->max_length));
  if (f->min_length && *f->min_length < 0) return Err(path + ".min_length", "must not be negative");
  if (f->min_length && f->max_length && *f->min_length > *f->max_length) {
    return Err(path, fmt::format("min_length {} is greater than max_length {}", *f->min_length, *f->max_length));
  }
  RETURN_IF_ERROR(GetString(obj, "pattern", path, &f->pattern, false));
  if (!f->pattern.empty()) {
    RE2 re(f->pattern, RE2::Quiet);
    if (!re.ok()) return Err(path + ".pattern", "invalid regular expression (RE2 syntax): " + re.error());
  }
  RETURN_IF_ERROR(GetBound(obj, "min", path, f->type, source, &f->min));
  RETURN_IF_ERROR(GetBound(obj, "max", path, f->type, source, &f->max));
  std::optional<int64_t> scale;
  RETURN_IF_ERROR(GetInt(obj, "scale", path, &scale));
  if (scale) {
    if (*scale < 0 || *scale > 18) return Err(path + ".scale", "must be between 0 and 18");
    f->scale = static_cast<int>(*scale);
  }
  RETURN_IF_ERROR(GetString(obj, "format", path, &f->date_format, false));
  if (f->type == FieldType::kDate) {
    static const std::set<std::string> formats = {"auto", "yyyy-mm-dd", "dd/mm/yyyy", "d/m/yyyy", "dd-mm-yyyy",
                                                  "dd.mm.yyyy", "yyyymmdd"};
    if (!formats.contains(f->date_format)) {
      return Err(path + ".format", fmt::format("unknown date format '{}' (expected one of {})", f->date_format,
                                               fmt::join(formats, ", ")));
    }
  }
  if (f->type == FieldType::kEnum) {
    auto it = obj.find("values");
    if (it == obj.end() || !it->is_array() || it->empty()) {
      return Err(path, "type enum needs a non-empty \"values\" list");
    }
    // Values as records are compared: trimmed and NFC (a schema typed on macOS is NFD, and its
    // "Nữ" never matched a record's; review of 2026-11-30).
    auto normalized = [](const std::string& v) {
      auto nfc = text::NormalizeNfc(text::TrimWhitespace(v));
      return nfc.ok() ? *nfc : v;
    };
    std::set<std::string> seen, spellings;
    for (size_t i = 0; i < it->size(); ++i) {
      const json& v = (*it)[i];
      if (!v.is_string()) return Err(fmt::format("{}.values[{}]", path, i), "must be a string");
      const std::string value = normalized(v.get<std::string>());
      const bool new_spelling = spellings.insert(v.get<std::string>()).second;
      if (!seen.insert(value).second) {
        // Two spellings of one value (NFC and NFD, as stored schemas listed them to work around
        // the comparison before 2026-11-30) are one value; the same text twice is a mistake.
        if (new_spelling) continue;
        return Err(fmt::format("{}.values[{}]", path, i), "duplicate value '" + value + "'");
      }
      f->values.push_back(value);
    }
    if (auto pv = obj.find("person_values"); pv != obj.end()) {
      if (!pv->is_object()) return Err(path + ".person_values", "must be an object mapping values to canonical values");
      for (auto e = pv->begin(); e != pv->end(); ++e) {
        const std::string key = normalized(e.key());
        if (!seen.contains(key)) {
          return Err(path + ".person_values", "maps '" + e.key() + "', which is not one of the enum's values");
        }
        if (!e->is_string()) return Err(path + ".person_values." + e.key(), "must be a string");
        f->person_values[key] = e->get<std::string>();
      }
    }
  }
  RETURN_IF_ERROR(GetString(obj, "level", path, &f->level, false));
  if (f->level != "any" && f->level != "province" && f->level != "commune") {
    return Err(path + ".level", "must be province, commune or any, got '" + f->level + "'");
  }
  if (auto it = obj.find("allow_legacy"); it != obj.end()) {
    if (!it->is_boolean()) return Err(path + ".allow_legacy", "must be true or false");
    f->allow_legacy = it->get<bool>();
  }
  if (auto it = obj.find("partial"); it != obj.end()) {
    if (!it->is_boolean()) return Err(path + ".partial", "must be true or false");
    f->partial = it->get<bool>();
  }
  return OkStatus();
}

json ClassToJson(const Classification& c) {
  json j = json::object();
  if (c.data) j["data"] = std::string(DataClassName(*c.data));
  if (c.personal) j["personal"] = std::string(PersonalClassName(*c.personal));
  return j;
}

Result<DatasetSchema> Parse(std::string_view text, Source source) {
  if (text.size() > kMaxSchemaBytes) {
    return InvalidArgumentError("schema is larger than " + std::to_string(kMaxSchemaBytes) + " bytes");
  }
  auto parsed = ParseJson(text);
  if (!parsed.ok()) return parsed.status().WithContext("schema");
  const json& doc = *parsed;
  if (!doc.is_object()) return InvalidArgumentError("schema must be a JSON object");
  DatasetSchema s;
  RETURN_IF_ERROR(CheckKeys(doc, "", {"id", "title", "description", "owner", "classification", "source_key",
                                      "source_version", "fields"}));
  RETURN_IF_ERROR(GetString(doc, "id", "", &s.id, true));
  if (!IsValidDatasetId(s.id)) {
    return Err("id", fmt::format("'{}' is not a valid dataset id (lower-case ASCII letters, digits and _, "
                                 "starting with a letter, at most 40 characters)", s.id));
  }
  RETURN_IF_ERROR(GetString(doc, "title", "", &s.title, true));
  RETURN_IF_ERROR(GetString(doc, "description", "", &s.description, false));
  RETURN_IF_ERROR(GetString(doc, "owner", "", &s.owner, true));
  auto cls = doc.find("classification");
  if (cls == doc.end()) {
    return Err("classification", "is required: say whether the dataset is core, important or other data and "
                                 "whether it holds none, basic or sensitive personal data");
  }
  RETURN_IF_ERROR(ParseClassification(*cls, "classification", &s.classification));
  if (!s.classification.data) return Err("classification.data", "is required (core, important or other)");
  if (!s.classification.personal) return Err("classification.personal", "is required (none, basic or sensitive)");

  auto fields = doc.find("fields");
  if (fields == doc.end() || !fields->is_array() || fields->empty()) {
    return Err("fields", "must be a non-empty list of field declarations");
  }
  if (fields->size() > 500) return Err("fields", "at most 500 fields per dataset");
  std::set<std::string> names, columns;
  std::map<std::string, std::string> person_to_field;
  for (size_t i = 0; i < fields->size(); ++i) {
    std::string path = fmt::format("fields[{}]", i);
    FieldSpec f;
    RETURN_IF_ERROR(ParseField((*fields)[i], path, source, &f));
    if (!names.insert(f.name).second) return Err(path + ".name", "duplicate field name '" + f.name + "'");
    if (!columns.insert(f.column).second) return Err(path + ".column", "duplicate column '" + f.column + "'");
    if (!f.person.empty()) {
      auto [it, fresh] = person_to_field.emplace(f.person, f.name);
      if (!fresh) {
        return Err(path + ".person", fmt::format("person attribute '{}' is already mapped by field '{}'", f.person,
                                                 it->second));
      }
      if (IsSensitiveAttribute(f.person)) {
        PersonalClass pc = f.classification.personal.value_or(*s.classification.personal);
        if (pc != PersonalClass::kSensitive) {
          return Err(path + ".classification.personal",
                     fmt::format("'{}' is sensitive personal data (Decree 356/2025 art. 4); classify the field as "
                                 "\"sensitive\"", f.person));
        }
      }
    }
    s.fields.push_back(std::move(f));
  }
  auto key = doc.find("source_key");
  if (key == doc.end()) return Err("source_key", "is required: the field(s) that identify a record at its source");
  std::vector<std::string> key_fields;
  if (key->is_string()) {
    key_fields.push_back(key->get<std::string>());
  } else if (key->is_array() && !key->empty()) {
    for (const auto& k : *key) {
      if (!k.is_string()) return Err("source_key", "must list field names");
      key_fields.push_back(k.get<std::string>());
    }
  } else {
    return Err("source_key", "must be a field name or a non-empty list of field names");
  }
  for (const auto& k : key_fields) {
    const FieldSpec* f = s.Field(k);
    if (f == nullptr) return Err("source_key", "field '" + k + "' is not declared in fields");
    if (!f->required) return Err("source_key", "field '" + k + "' is part of the source key, so it must be required");
  }
  s.source_key = key_fields;
  RETURN_IF_ERROR(GetString(doc, "source_version", "", &s.source_version, false));
  if (!s.source_version.empty()) {
    const FieldSpec* f = s.Field(s.source_version);
    if (f == nullptr) return Err("source_version", "field '" + s.source_version + "' is not declared in fields");
    if (f->type != FieldType::kInteger && f->type != FieldType::kDate && f->type != FieldType::kString) {
      return Err("source_version", "field '" + s.source_version + "' must be an integer, date or string field");
    }
  }
  return s;
}

}  // namespace

Result<DatasetSchema> ParseSchemaJson(std::string_view text) {
  ASSIGN_OR_RETURN(DatasetSchema s, Parse(text, Source::kAgency));
  // What the catalog would store must read back as this very schema: a stored schema that does
  // not parse makes its dataset, and the list of all datasets, unreadable (a float bound stored
  // as "1e-05" did until 2026-12-01). Failing here is a bug of ours, found before anything is stored.
  const std::string stored = SchemaToJson(s);
  if (stored.size() > kMaxSchemaBytes) {
    // The stored form spells out what the document may leave implicit (each enum value's label,
    // defaults), so a document under the bound can store over it (review of 2026-12-02: a 589 KB
    // schema of 60,000 enum values was a 500).
    return InvalidArgumentError(fmt::format(
        "schema: stored as {} bytes, more than the {} a schema may take; shorten its enum value lists, patterns "
        "or descriptions, or split the dataset",
        stored.size(), kMaxSchemaBytes));
  }
  auto back = Parse(stored, Source::kAgency);
  if (!back.ok()) {
    return InternalError("schema: accepted, but its stored form does not parse again: " + back.status().message());
  }
  if (SchemaToJson(*back) != stored) return InternalError("schema: accepted, but its stored form reads back changed");
  return s;
}

Result<DatasetSchema> ParseStoredSchemaJson(std::string_view text) { return Parse(text, Source::kStored); }

std::string SchemaToJson(const DatasetSchema& s) {
  json j = json::object();
  j["id"] = s.id;
  j["title"] = s.title;
  if (!s.description.empty()) j["description"] = s.description;
  j["owner"] = s.owner;
  j["classification"] = ClassToJson(s.classification);
  j["source_key"] = s.source_key;
  if (!s.source_version.empty()) j["source_version"] = s.source_version;
  json fields = json::array();
  for (const auto& f : s.fields) {
    json o = json::object();
    o["name"] = f.name;
    if (f.column != f.name) o["column"] = f.column;
    o["type"] = std::string(FieldTypeName(f.type));
    if (f.required) o["required"] = true;
    if (!f.description.empty()) o["description"] = f.description;
    if (f.classification.data || f.classification.personal) o["classification"] = ClassToJson(f.classification);
    if (!f.person.empty()) o["person"] = f.person;
    if (f.min_length) o["min_length"] = *f.min_length;
    if (f.max_length) o["max_length"] = *f.max_length;
    if (!f.pattern.empty()) o["pattern"] = f.pattern;
    if (f.min) o["min"] = *f.min;
    if (f.max) o["max"] = *f.max;
    if (f.scale) o["scale"] = *f.scale;
    if (f.type == FieldType::kDate && f.date_format != "auto") o["format"] = f.date_format;
    if (f.type == FieldType::kDate && f.partial) o["partial"] = true;
    if (f.type == FieldType::kEnum) o["values"] = f.values;
    if (!f.person_values.empty()) o["person_values"] = f.person_values;
    if (f.type == FieldType::kAdminUnit) {
      if (f.level != "any") o["level"] = f.level;
      if (!f.allow_legacy) o["allow_legacy"] = false;
    }
    fields.push_back(std::move(o));
  }
  j["fields"] = std::move(fields);
  return j.dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace ndc::catalog
