// Dataset schemas: the declaration an agency gives for each dataset it pushes to NDC —
// typed fields, validators, classification under the Law on Data 2024 and Law 91/2025 /
// Decree 356/2025, the source key, and the mapping of fields to person attributes used by
// linkage. The file format (JSON or TOML, same structure) is specified in
// docs/design/dataset-schema.md.
//
// ParseSchema* reject anything questionable with kInvalidArgument and a message that starts
// with the JSON path of the problem ("fields[2].type: unknown type 'strng' ..."). Unknown keys
// are errors, so a typo never silently drops a validator. A schema they accept is one the catalog
// can store and read back: SchemaToJson of it parses again to the same schema (checked; kInternal
// if not, which would be a bug). Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ndc::catalog {

enum class FieldType { kString, kInteger, kDecimal, kDate, kBoolean, kEnum, kPersonalId, kAdminUnit, kPhone, kEmail };
std::string_view FieldTypeName(FieldType t);
Result<FieldType> ParseFieldType(std::string_view name);

// Law on Data 2024 art. 13: core / important / other data.
enum class DataClass { kCore, kImportant, kOther };
// Decree 356/2025: none, basic (art. 3) or sensitive (art. 4) personal data.
enum class PersonalClass { kNone, kBasic, kSensitive };
std::string_view DataClassName(DataClass c);
std::string_view PersonalClassName(PersonalClass c);

struct Classification {
  std::optional<DataClass> data;          // unset on a field: inherits the dataset's
  std::optional<PersonalClass> personal;  // unset on a field: inherits the dataset's
};

// The person attributes linkage and the person repository understand (docs/design/dataset-schema.md).
const std::vector<std::string>& PersonAttributes();
// Attributes that are sensitive personal data by law (ethnicity, religion, ...).
bool IsSensitiveAttribute(std::string_view attribute);

struct FieldSpec {
  std::string name;          // [a-z][a-z0-9_]{0,62}
  std::string column;        // header in agency files; defaults to name
  FieldType type = FieldType::kString;
  bool required = false;
  std::string description;
  Classification classification;
  std::string person;        // person attribute, or empty

  // Validators (each only for the types noted; others are refused at parse time).
  std::optional<int64_t> min_length, max_length;  // string
  std::string pattern;                             // string: RE2 syntax, whole-value match
  std::optional<std::string> min, max;             // integer, decimal: plain numbers; date: ISO dates
  std::optional<int> scale;                        // decimal: most digits after the point
  std::string date_format = "auto";                // date: see ident/date.h
  bool partial = false;                            // date: partial dates allowed ("1987", "1987-03"),
                                                   // stored as ISO text of their precision
  std::vector<std::string> values;                 // enum: allowed values (NFC, compared exactly)
  std::map<std::string, std::string> person_values;  // enum mapped to a person attribute: value -> canonical
  std::string level = "any";                       // admin_unit: province | commune | any
  bool allow_legacy = true;                        // admin_unit: accept pre-2025 codes (mapped)
};

struct DatasetSchema {
  std::string id;            // [a-z][a-z0-9_]{0,39}
  std::string title;
  std::string description;
  std::string owner;         // agency id
  Classification classification;  // both parts required at dataset level
  std::vector<std::string> source_key;  // field names forming the source key
  std::string source_version;           // optional field ordering versions of a record
  std::vector<FieldSpec> fields;

  const FieldSpec* Field(std::string_view name) const;
  const FieldSpec* FieldForPerson(std::string_view attribute) const;
  DataClass EffectiveDataClass(const FieldSpec& f) const;
  PersonalClass EffectivePersonalClass(const FieldSpec& f) const;
  // The first field mapped to a person attribute, or null: with one, the linker links the
  // dataset's records to persons (a dataset with none is about no one).
  const FieldSpec* FirstPersonMappedField() const;
  // Whether the dataset's records are persons': classified personal (basic or sensitive) as a
  // whole, or any field mapped to a person attribute (what makes the linker link its records to
  // persons). A record read by its key then tells of its person through any field, so none is
  // open data. A personal field in a dataset of no one's records (a facility's person in charge)
  // does not make it so: that field is never open data, its other fields may be. The same answer
  // for every record of a schema version.
  bool RecordsArePersons() const;
};

// Schema documents are small; anything larger is refused before parsing.
inline constexpr size_t kMaxSchemaBytes = 1 << 20;

Result<DatasetSchema> ParseSchemaJson(std::string_view text);
// A schema the catalog stored (SchemaToJson of an accepted schema, maybe by an earlier version of
// NDC). The same rules, except that it also reads what earlier versions accepted and this one
// refuses, so no stored dataset becomes unreadable: a decimal bound in exponent notation ("1e-05",
// stored for a float bound until 2026-12-01; read as its exact value, "0.00001"), and a date bound
// that does not exist ("2026-02-30"; kept, so RecordValidator::Create refuses it until the schema
// is updated). Errors: kInvalidArgument, as ParseSchemaJson.
Result<DatasetSchema> ParseStoredSchemaJson(std::string_view text);
Result<DatasetSchema> ParseSchemaToml(std::string_view text);
// By extension: .json or .toml; kInvalidArgument for others, kNotFound if unreadable.
Result<DatasetSchema> ParseSchemaFile(const std::string& path);

// Canonical JSON (stable key order), what the catalog stores; ParseSchemaJson(ToJson(s)) == s for
// every s a ParseSchema* accepted.
std::string SchemaToJson(const DatasetSchema& schema);

bool IsValidDatasetId(std::string_view id);
bool IsValidFieldName(std::string_view name);

}  // namespace ndc::catalog
