#include "catalog/schema.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

namespace ndc::catalog {
namespace {

constexpr std::string_view kTypeNames[] = {"string", "integer", "decimal", "date", "boolean",
                                           "enum", "personal_id", "admin_unit", "phone", "email"};

// Person attributes that Decree 356/2025 art. 4 makes sensitive personal data.
const std::vector<std::string> kSensitive = {"ethnicity", "religion", "health_status", "criminal_record"};

}  // namespace

std::string_view FieldTypeName(FieldType t) { return kTypeNames[static_cast<int>(t)]; }

Result<FieldType> ParseFieldType(std::string_view name) {
  for (int i = 0; i < 10; ++i)
    if (kTypeNames[i] == name) return static_cast<FieldType>(i);
  return InvalidArgumentError("unknown type '" + std::string(name) +
                              "' (expected string, integer, decimal, date, boolean, enum, personal_id, "
                              "admin_unit, phone or email)");
}

std::string_view DataClassName(DataClass c) {
  switch (c) {
    case DataClass::kCore: return "core";
    case DataClass::kImportant: return "important";
    case DataClass::kOther: return "other";
  }
  return "other";
}

std::string_view PersonalClassName(PersonalClass c) {
  switch (c) {
    case PersonalClass::kNone: return "none";
    case PersonalClass::kBasic: return "basic";
    case PersonalClass::kSensitive: return "sensitive";
  }
  return "none";
}

const std::vector<std::string>& PersonAttributes() {
  static const std::vector<std::string> attrs = {
      "personal_id",       "old_id_number",    "full_name",        "surname",          "middle_name",
      "given_name",        "birth_date",       "birth_year",       "sex",              "ethnicity",
      "religion",          "nationality",      "place_of_birth",   "place_of_origin",  "permanent_address",
      "permanent_commune", "current_address",  "current_commune",  "phone",            "email",
      "father_id",         "mother_id",        "spouse_id",        "household_id",     "household_relation",
      "marital_status",    "death_date",       "social_insurance_number", "health_insurance_card",
      "health_status",     "criminal_record"};
  return attrs;
}

bool IsSensitiveAttribute(std::string_view attribute) {
  for (const auto& s : kSensitive)
    if (s == attribute) return true;
  return false;
}

bool IsValidDatasetId(std::string_view id) {
  if (id.empty() || id.size() > 40 || !(id[0] >= 'a' && id[0] <= 'z')) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool IsValidFieldName(std::string_view name) {
  if (name.empty() || name.size() > 63 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

const FieldSpec* DatasetSchema::Field(std::string_view name) const {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

const FieldSpec* DatasetSchema::FieldForPerson(std::string_view attribute) const {
  for (const auto& f : fields)
    if (f.person == attribute) return &f;
  return nullptr;
}

DataClass DatasetSchema::EffectiveDataClass(const FieldSpec& f) const {
  return f.classification.data.value_or(classification.data.value_or(DataClass::kOther));
}

PersonalClass DatasetSchema::EffectivePersonalClass(const FieldSpec& f) const {
  return f.classification.personal.value_or(classification.personal.value_or(PersonalClass::kNone));
}

bool DatasetSchema::RecordsArePersons() const {
  if (classification.personal.value_or(PersonalClass::kNone) != PersonalClass::kNone) return true;
  return FirstPersonMappedField() != nullptr;
}

const FieldSpec* DatasetSchema::FirstPersonMappedField() const {
  auto it = std::find_if(fields.begin(), fields.end(), [](const FieldSpec& f) { return !f.person.empty(); });
  return it == fields.end() ? nullptr : &*it;
}

namespace {

// toml++ bounds nested values but not dotted keys or table headers ("a.a.a...=1"), and both its
// JSON formatter and its destructor recurse once per level: refuse deep keys before parsing.
Status CheckTomlKeyDepth(std::string_view text, int max_depth) {
  int line = 1;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find('\n', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(i, end - i);
    size_t k = l.find_first_not_of(" \t");
    if (k != std::string_view::npos && l[k] != '#') {
      bool header = l[k] == '[';
      int dots = 0;
      char quote = 0;
      for (size_t j = k; j < l.size(); ++j) {
        char c = l[j];
        if (quote) {
          if (c == quote) quote = 0;
          continue;
        }
        if (c == '"' || c == '\'') quote = c;
        else if (c == '.') ++dots;
        else if ((header && c == ']') || (!header && c == '=')) break;
      }
      if (dots >= max_depth) {
        return InvalidArgumentError("schema TOML: line " + std::to_string(line) + ": key nested deeper than " +
                                    std::to_string(max_depth) + " levels");
      }
    }
    ++line;
    i = end + 1;
  }
  return OkStatus();
}

}  // namespace

Result<DatasetSchema> ParseSchemaToml(std::string_view text) {
  if (text.size() > kMaxSchemaBytes) {
    return InvalidArgumentError("schema is larger than " + std::to_string(kMaxSchemaBytes) + " bytes");
  }
  RETURN_IF_ERROR(CheckTomlKeyDepth(text, 16));
  toml::table table;
  try {
    table = toml::parse(text);
  } catch (const toml::parse_error& e) {  // toml++ throws: stop it here
    return InvalidArgumentError("schema TOML: line " + std::to_string(e.source().begin.line) + ": " +
                                std::string(e.description()));
  }
  std::ostringstream json;
  json << toml::json_formatter{table};
  return ParseSchemaJson(json.str());
}

Result<DatasetSchema> ParseSchemaFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("schema file " + path + " cannot be read");
  std::stringstream buf;
  buf << in.rdbuf();
  auto ends_with = [&](std::string_view suf) {
    return path.size() >= suf.size() && path.compare(path.size() - suf.size(), suf.size(), suf) == 0;
  };
  Result<DatasetSchema> r = ends_with(".json")   ? ParseSchemaJson(buf.str())
                            : ends_with(".toml") ? ParseSchemaToml(buf.str())
                                                 : Result<DatasetSchema>(InvalidArgumentError(
                                                       "schema file " + path + ": use a .json or .toml file"));
  if (!r.ok()) return r.status().WithContext("schema file " + path);
  return r;
}

}  // namespace ndc::catalog
