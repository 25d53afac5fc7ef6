#include "catalog/schema.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ndc::catalog {
namespace {

using nlohmann::json;

json Valid() {
  return json::parse(R"({
    "id": "bhxh_participants",
    "title": "Người tham gia BHXH",
    "owner": "vss",
    "classification": {"data": "important", "personal": "basic"},
    "source_key": ["ma_so_bhxh"],
    "fields": [
      {"name": "ma_so_bhxh", "type": "string", "required": true, "pattern": "[0-9]{10}", "person": "social_insurance_number"},
      {"name": "ho_ten", "column": "HO_TEN", "type": "string", "required": true, "max_length": 100, "person": "full_name"},
      {"name": "ngay_sinh", "type": "date", "format": "dd/mm/yyyy", "min": "1900-01-01", "person": "birth_date"},
      {"name": "gioi_tinh", "type": "enum", "values": ["Nam", "Nữ"], "person": "sex",
       "person_values": {"Nam": "male", "Nữ": "female"}},
      {"name": "so_dinh_danh", "type": "personal_id", "person": "personal_id"},
      {"name": "ma_xa", "type": "admin_unit", "level": "commune", "person": "current_commune"},
      {"name": "luong", "type": "decimal", "min": 0, "scale": 2},
      {"name": "dan_toc", "type": "string", "person": "ethnicity", "classification": {"personal": "sensitive"}}
    ]
  })");
}

std::string Error(const json& j) {
  auto r = ParseSchemaJson(j.dump());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return r.status().message();
}

TEST(Schema, ParsesAValidSchema) {
  auto s = ParseSchemaJson(Valid().dump());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->id, "bhxh_participants");
  ASSERT_EQ(s->fields.size(), 8u);
  EXPECT_EQ(s->Field("ho_ten")->column, "HO_TEN");
  EXPECT_EQ(s->FieldForPerson("birth_date")->date_format, "dd/mm/yyyy");
  EXPECT_EQ(s->EffectivePersonalClass(*s->Field("dan_toc")), PersonalClass::kSensitive);
  EXPECT_EQ(s->EffectiveDataClass(*s->Field("luong")), DataClass::kImportant);
}

// A dataset's records are persons' when the dataset is classified personal or a field is mapped to
// a person attribute (which makes the linker link its records to persons), even in a dataset
// classified none; such a dataset is never served as open data. A field classified personal in a
// dataset of no one's records (a facility's person in charge) does not make it so.
TEST(Schema, RecordsArePersonsWhenClassifiedSoOrLinkedToPersons) {
  json j = Valid();
  j["classification"]["personal"] = "none";
  j["fields"] = json::parse(R"([{"name": "ma", "type": "string", "required": true},
                                {"name": "ma_xa", "type": "admin_unit", "level": "commune"}])");
  j["source_key"] = json::array({"ma"});
  auto none = ParseSchemaJson(j.dump());
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->RecordsArePersons()) << "no part of it is personal";

  json field_class = j;
  field_class["fields"][1]["classification"] = {{"personal", "basic"}};
  auto facility = ParseSchemaJson(field_class.dump());
  ASSERT_TRUE(facility.ok()) << facility.status().ToString();
  EXPECT_FALSE(facility->RecordsArePersons()) << "a personal field of a record that is no one's";

  json whole = j;
  whole["classification"]["personal"] = "basic";
  json mapped = j;  // mapped to a person attribute, the dataset classified none
  mapped["fields"][0] = json::parse(R"({"name": "ma", "type": "personal_id", "required": true, "person": "personal_id"})");
  for (const auto& [what, doc] : {std::pair{"dataset classified personal", whole},
                                  std::pair{"a field mapped to a person attribute", mapped}}) {
    auto s = ParseSchemaJson(doc.dump());
    ASSERT_TRUE(s.ok()) << what << ": " << s.status().ToString();
    EXPECT_TRUE(s->RecordsArePersons()) << what;
  }
}

TEST(Schema, JsonRoundTripIsStable) {
  auto s = ParseSchemaJson(Valid().dump());
  ASSERT_TRUE(s.ok());
  std::string once = SchemaToJson(*s);
  auto again = ParseSchemaJson(once);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(SchemaToJson(*again), once);
}

TEST(Schema, TomlGivesSameSchema) {
  const char* toml = R"(
id = "dan_cu"
title = "Dân cư"
owner = "bca"
source_key = ["so_dinh_danh"]
[classification]
data = "core"
personal = "basic"
[[fields]]
name = "so_dinh_danh"
type = "personal_id"
required = true
person = "personal_id"
)";
  auto s = ParseSchemaToml(toml);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->fields[0].type, FieldType::kPersonalId);
  EXPECT_EQ(*s->classification.data, DataClass::kCore);
}

// A document under the size bound whose stored form is over it (each enum value stored with its
// label) is the caller's to shorten: a 400 naming the bound, not a 500 (review of 2026-12-02).
TEST(Schema, AStoredFormOverTheBoundIsRefusedAsInvalid) {
  json doc = Valid();
  json values = json::array();
  for (int i = 0; i < 60000; ++i) values.push_back("v" + std::to_string(i));
  doc["fields"].push_back({{"name", "loai"}, {"type", "enum"}, {"values", values}});
  const std::string text = doc.dump();
  ASSERT_LT(text.size(), kMaxSchemaBytes);
  auto parsed = ParseSchemaJson(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << parsed.status().ToString();
  EXPECT_NE(parsed.status().message().find("more than the 1048576 a schema may take"), std::string::npos)
      << parsed.status().ToString();
}

TEST(Schema, UnknownTypeIsNamedWithPath) {
  json j = Valid();
  j["fields"][2]["type"] = "strng";
  EXPECT_EQ(Error(j), "fields[2].type: unknown type 'strng' (expected string, integer, decimal, date, boolean, enum, "
                      "personal_id, admin_unit, phone or email)");
}

TEST(Schema, UnknownTopLevelKeyIsRefused) {
  json j = Valid();
  j["feilds"] = json::array();
  EXPECT_EQ(Error(j), "feilds: unknown key (allowed here: classification, description, fields, id, owner, "
                      "source_key, source_version, title)");
}

TEST(Schema, DuplicateFieldNameIsRefused) {
  json j = Valid();
  j["fields"][1]["name"] = "ma_so_bhxh";
  j["fields"][1]["column"] = "X";
  EXPECT_EQ(Error(j), "fields[1].name: duplicate field name 'ma_so_bhxh'");
}

// A column may not be _op, the batches' operation column: such a schema was accepted and then no
// file could load it (review of 2026-12-03); one stored before is still read.
TEST(Schema, AColumnNoHeaderCanMatchIsRefused) {
  json j = Valid();
  j["fields"][2]["column"] = "_op";
  EXPECT_EQ(Error(j), "fields[2].column: '_op' is the column that says a batch row's operation (upsert or delete): "
                      "give the field another column");
  EXPECT_TRUE(ParseStoredSchemaJson(j.dump()).ok());
}

TEST(Schema, InvalidFieldNameExplainsRule) {
  json j = Valid();
  j["fields"][1]["name"] = "Họ tên";
  EXPECT_NE(Error(j).find("fields[1].name: 'Họ tên' is not a valid field name"), std::string::npos);
}

TEST(Schema, BadRegexIsRefused) {
  json j = Valid();
  j["fields"][0]["pattern"] = "([0-9]";
  EXPECT_NE(Error(j).find("fields[0].pattern: invalid regular expression (RE2 syntax): missing )"), std::string::npos)
      << Error(j);
}

TEST(Schema, ValidatorForWrongTypeIsRefused) {
  json j = Valid();
  j["fields"][2]["max_length"] = 3;
  EXPECT_EQ(Error(j), "fields[2].max_length: does not apply to type date");
}

// "partial" is a date field's option, kept through the catalog's JSON; other types refuse it.
TEST(Schema, PartialAppliesToDatesAndIsKept) {
  json j = Valid();
  j["fields"][2]["partial"] = true;
  auto s = ParseSchemaJson(j.dump());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->fields[2].partial);
  auto again = ParseSchemaJson(SchemaToJson(*s));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->fields[2].partial);
  j["fields"][2]["partial"] = "yes";
  EXPECT_EQ(Error(j), "fields[2].partial: must be true or false");
  j["fields"][2].erase("partial");
  j["fields"][0]["partial"] = true;
  EXPECT_EQ(Error(j).rfind("fields[0].partial: does not apply to type", 0), 0u) << Error(j);
}

TEST(Schema, EnumNeedsValues) {
  json j = Valid();
  j["fields"][3].erase("values");
  j["fields"][3].erase("person_values");
  EXPECT_EQ(Error(j), "fields[3]: type enum needs a non-empty \"values\" list");
}

TEST(Schema, SourceKeyMustBeDeclaredAndRequired) {
  json j = Valid();
  j["source_key"] = {"khong_co"};
  EXPECT_EQ(Error(j), "source_key: field 'khong_co' is not declared in fields");
  j["source_key"] = {"ngay_sinh"};
  EXPECT_EQ(Error(j), "source_key: field 'ngay_sinh' is part of the source key, so it must be required");
}

TEST(Schema, SensitiveAttributeMustBeClassifiedSensitive) {
  json j = Valid();
  j["fields"][7].erase("classification");
  EXPECT_EQ(Error(j), "fields[7].classification.personal: 'ethnicity' is sensitive personal data (Decree 356/2025 "
                      "art. 4); classify the field as \"sensitive\"");
}

TEST(Schema, PersonAttributeMappedTwiceIsRefused) {
  json j = Valid();
  j["fields"][6]["person"] = "full_name";
  EXPECT_EQ(Error(j), "fields[6].person: person attribute 'full_name' is already mapped by field 'ho_ten'");
}

TEST(Schema, UnknownPersonAttributeIsRefused) {
  json j = Valid();
  j["fields"][2]["person"] = "birthday";
  EXPECT_EQ(Error(j).rfind("fields[2].person: unknown person attribute 'birthday' (expected one of personal_id", 0), 0u);
}

TEST(Schema, ClassificationIsRequiredAndChecked) {
  json j = Valid();
  j["classification"]["data"] = "secret";
  EXPECT_EQ(Error(j), "classification.data: must be core, important or other (Law on Data 2024 art. 13), got 'secret'");
  j.erase("classification");
  EXPECT_NE(Error(j).find("classification: is required"), std::string::npos);
}

TEST(Schema, BadDateBoundAndFormatAreRefused) {
  json j = Valid();
  j["fields"][2]["min"] = "01/01/1900";
  EXPECT_EQ(Error(j), "fields[2].min: must be an ISO date (yyyy-mm-dd), got '01/01/1900'");
  j = Valid();
  j["fields"][2]["format"] = "mm/dd/yyyy";
  EXPECT_NE(Error(j).find("fields[2].format: unknown date format 'mm/dd/yyyy'"), std::string::npos);
}

// A float bound's shortest spelling may use an exponent ("1e-05"); until 2026-12-01 it was stored
// so, did not parse back, and the dataset and the list of datasets could not be read.
TEST(Schema, AFloatDecimalBoundIsStoredAsPlainDigitsThatParseBack) {
  json j = Valid();
  j["fields"][6]["min"] = 0.00001;  // dumps as 1e-05
  j["fields"][6]["max"] = 2.5e-05;  // dumps as 2.5e-05 (large numbers in exponent form are refused, below)
  auto s = ParseSchemaJson(j.dump());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->Field("luong")->min, "0.00001");
  EXPECT_EQ(s->Field("luong")->max, "0.000025");
  auto again = ParseSchemaJson(SchemaToJson(*s));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(SchemaToJson(*again), SchemaToJson(*s));
}

TEST(Schema, AFloatBoundInTomlIsStoredAsPlainDigits) {
  auto s = ParseSchemaToml(R"(
id = "t"
title = "t"
owner = "a"
source_key = "ma"
classification = {data = "other", personal = "none"}
fields = [{name = "ma", type = "string", required = true}, {name = "ty_le", type = "decimal", min = 1e-5, max = 2.5e3}]
)");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->Field("ty_le")->min, "0.00001");
  EXPECT_EQ(s->Field("ty_le")->max, "2500.0");  // as the TOML library writes it: plain already
}

TEST(Schema, AFloatBoundThatCannotBeKeptExactlyIsRefused) {
  json j = Valid();
  j["fields"][6]["max"] = 0.12345678901234567;
  EXPECT_EQ(Error(j), "fields[6].max: 0.12345678901234566 has more significant digits than a JSON number keeps "
                      "exactly (15); write the bound as a string of digits, e.g. \"max\": \"1234567890.1234567\"");
  // Rounded before NDC sees it: 9999999999999999999.99 arrives as 1e19, one significant digit.
  j["fields"][6]["max"] = 9999999999999999999.99;
  EXPECT_EQ(Error(j), "fields[6].max: 1e+19 is too large to be taken from a JSON number exactly (from 10^15 a number "
                      "may already be rounded); write the bound as a string of digits, e.g. \"max\": "
                      "\"9999999999999999999.99\"");
  j["fields"][6]["max"] = -1e15;
  EXPECT_FALSE(ParseSchemaJson(j.dump()).ok());
  j["fields"][6]["max"] = 999999999999999.0;  // below 10^15: exact
  EXPECT_TRUE(ParseSchemaJson(j.dump()).ok());
  j["fields"][6]["max"] = 1e-40;
  EXPECT_EQ(Error(j), "fields[6].max: 1e-40 has more than 38 digits written out, more than a decimal may have");
  j = Valid();
  j["fields"][6]["max"] = "12345678901234567.5";  // as a string: exact
  EXPECT_TRUE(ParseSchemaJson(j.dump()).ok());
  j["fields"][6]["max"] = "1e-05";  // a string must be plain digits
  EXPECT_EQ(Error(j), "fields[6].max: must be a number, got '1e-05'");
  j = Valid();
  j["fields"][6]["type"] = "integer";
  j["fields"][6].erase("scale");
  j["fields"][6]["min"] = 1.5;
  EXPECT_EQ(Error(j), "fields[6].min: must be an integer, got 1.5");
}

// Until 2026-12-01 a date bound was only checked for its shape: "2026-02-30" was accepted, and
// every load of the dataset then failed.
TEST(Schema, ADateBoundThatDoesNotExistIsRefused) {
  json j = Valid();
  j["fields"][2]["max"] = "2026-02-30";
  EXPECT_EQ(Error(j), "fields[2].max: date '2026-02-30': day 30 does not exist in February 2026");
  j["fields"][2]["max"] = "2026-13-01";
  EXPECT_EQ(Error(j), "fields[2].max: date '2026-13-01': month 13 does not exist");
  j["fields"][2]["max"] = "2024-02-29";
  EXPECT_TRUE(ParseSchemaJson(j.dump()).ok());
}

// What earlier versions stored and this one refuses still reads, so no dataset becomes
// unreadable; the exponent bound is read as its exact value.
TEST(Schema, AStoredSchemaReadsWhatEarlierVersionsAccepted) {
  json j = Valid();
  j["fields"][6]["min"] = "1e-05";
  j["fields"][6]["max"] = "1.2345678901234568e+16";
  j["fields"][2]["max"] = "2026-02-30";
  auto s = ParseStoredSchemaJson(j.dump());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->Field("luong")->min, "0.00001");
  EXPECT_EQ(s->Field("luong")->max, "12345678901234568");
  EXPECT_EQ(s->Field("ngay_sinh")->max, "2026-02-30");
  j["fields"][6]["max"] = "1.7976931348623157e+308";  // the largest double, a common "no maximum"
  s = ParseStoredSchemaJson(j.dump());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->Field("luong")->max->size(), 309u);
  j["fields"][6]["min"] = "zero";
  EXPECT_EQ(ParseStoredSchemaJson(j.dump()).status().message(), "fields[6].min: must be a number, got 'zero'");
}

TEST(Schema, NotJsonAndDeepJsonAreRefused) {
  EXPECT_EQ(ParseSchemaJson("{").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseSchemaJson(std::string(5000, '[')).status().message(), "schema: JSON nesting deeper than 64 levels");
  EXPECT_EQ(ParseSchemaJson("[]").status().message(), "schema must be a JSON object");
}

TEST(Schema, TomlSyntaxErrorHasLine) {
  auto s = ParseSchemaToml("id = \"x\"\ntitle = \n");
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.status().message().rfind("schema TOML: line 2:", 0), 0u) << s.status().message();
}

TEST(Schema, FileWithWrongExtensionIsRefused) {
  EXPECT_EQ(ParseSchemaFile("/nonexistent.json").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ndc::catalog
