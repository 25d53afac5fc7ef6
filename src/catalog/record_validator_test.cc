#include "catalog/record_validator.h"

#include <gtest/gtest.h>

#include "ident/personal_id.h"

namespace ndc::catalog {
namespace {

using Raw = std::vector<std::optional<std::string_view>>;

DatasetSchema TestSchema() {
  auto s = ParseSchemaJson(R"({
    "id": "test", "title": "t", "owner": "a", "classification": {"data": "other", "personal": "basic"},
    "source_key": ["so_dinh_danh", "stt"],
    "fields": [
      {"name": "so_dinh_danh", "type": "personal_id", "required": true, "person": "personal_id"},
      {"name": "stt", "type": "integer", "required": true, "min": 1, "max": 1000},
      {"name": "ho_ten", "type": "string", "required": true, "max_length": 10, "person": "full_name"},
      {"name": "ngay_sinh", "type": "date", "format": "dd/mm/yyyy", "min": "1900-01-01", "person": "birth_date"},
      {"name": "gioi_tinh", "type": "enum", "values": ["Nam", "Nữ"], "person": "sex",
       "person_values": {"Nam": "male", "Nữ": "female"}},
      {"name": "ma_xa", "type": "admin_unit", "level": "commune"},
      {"name": "dien_thoai", "type": "phone"},
      {"name": "co_bhyt", "type": "boolean"},
      {"name": "luong", "type": "decimal", "scale": 2, "min": 0},
      {"name": "ma", "type": "string", "pattern": "[A-Z]{2}[0-9]{3}"}
    ]})");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

class RecordValidatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = RecordValidator::Create(TestSchema());
    ASSERT_TRUE(v.ok());
    v_ = std::move(*v);
    id_ = *ident::MakePersonalId("001", ident::Sex::kMale, 1990, 123456);
  }
  bool Check(const Raw& raw) { return v_->Validate(raw, &out_, &errors_); }
  std::unique_ptr<RecordValidator> v_;
  std::string id_;
  ValidatedRecord out_;
  std::vector<FieldError> errors_;
};

// A load hands the same record back row after row (its written rows' values, recycled): every
// slot is rewritten, a missing value becomes NULL again, and strings reuse their buffers.
TEST_F(RecordValidatorTest, ARecordUsedAgainHoldsOnlyTheNewRowsValues) {
  Raw first = {id_, "7", "Đặng Ỷ Ưỡn", "02/09/1990", "Nam", "00001", "0912345678", "1", "12.5", "AB123"};
  ASSERT_TRUE(Check(first)) << errors_[0].field << ": " << errors_[0].message;
  const char* name_buffer = std::get<std::string>(out_.values[2]).data();
  Raw second = {id_, "8", "Lê Văn An", std::nullopt, "", "00097", std::nullopt, "0", std::nullopt, "CD456"};
  ASSERT_TRUE(Check(second)) << errors_[0].field << ": " << errors_[0].message;
  ValidatedRecord fresh;
  std::vector<FieldError> fresh_errors;
  ASSERT_TRUE(v_->Validate(second, &fresh, &fresh_errors));
  EXPECT_EQ(out_.values, fresh.values);
  EXPECT_EQ(out_.source_key, fresh.source_key);
  EXPECT_TRUE(store::IsNull(out_.values[3]));
  EXPECT_TRUE(store::IsNull(out_.values[4]));
  EXPECT_TRUE(store::IsNull(out_.values[6]));
  EXPECT_EQ(std::get<std::string>(out_.values[2]), "Lê Văn An");
  EXPECT_EQ(std::get<std::string>(out_.values[2]).data(), name_buffer);  // no new allocation
  // After a rejected row, the next valid one is still whole.
  Raw bad = {id_, "9", "Lê", "31/02/1990", "Nam", "00001", std::nullopt, "1", "1", "AB123"};
  EXPECT_FALSE(Check(bad));
  ASSERT_TRUE(Check(second));
  EXPECT_EQ(out_.values, fresh.values);
}

TEST_F(RecordValidatorTest, ValidRecordIsTypedAndNormalized) {
  Raw raw = {id_, " 7 ", "Le\u0302 Va\u0306n", "02/09/1990", "Nam", "00001", "+84 912 345 678", "Có", "+12.50", "AB123"};
  ASSERT_TRUE(Check(raw)) << errors_[0].field << ": " << errors_[0].message;
  EXPECT_EQ(std::get<int64_t>(out_.values[1]), 7);
  EXPECT_EQ(std::get<std::string>(out_.values[2]), "Lê Văn");  // NFD -> NFC
  EXPECT_EQ(std::get<std::string>(out_.values[3]), "1990-09-02");
  EXPECT_EQ(std::get<std::string>(out_.values[5]), "00097");  // pre-2025 Phúc Xá -> Hồng Hà
  EXPECT_EQ(std::get<std::string>(out_.values[6]), "0912345678");
  EXPECT_EQ(std::get<int64_t>(out_.values[7]), 1);
  EXPECT_EQ(std::get<std::string>(out_.values[8]), "12.50");
  EXPECT_EQ(out_.source_key, id_ + "\x1f" "7");
}

// A pre-2018 11-digit mobile is stored as the number it became (Decision 798/QĐ-BTTTT), so records
// from before and after the renumbering hold the same number.
TEST_F(RecordValidatorTest, APre2018MobileIsStoredAsItsCurrentNumber) {
  Raw raw = {id_, "7", "An", std::nullopt, std::nullopt, std::nullopt, "0168.123.4567", std::nullopt, std::nullopt,
             std::nullopt};
  ASSERT_TRUE(Check(raw)) << errors_[0].field << ": " << errors_[0].message;
  EXPECT_EQ(std::get<std::string>(out_.values[6]), "0381234567");
  raw[6] = "+84 123 456 7890";  // VinaPhone 0123 -> 083
  ASSERT_TRUE(Check(raw)) << errors_[0].field << ": " << errors_[0].message;
  EXPECT_EQ(std::get<std::string>(out_.values[6]), "0834567890");
}

TEST_F(RecordValidatorTest, MissingOptionalFieldsAreNull) {
  Raw raw = {id_, "1", "An", std::nullopt, "", "  ", std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  ASSERT_TRUE(Check(raw));
  EXPECT_TRUE(store::IsNull(out_.values[3]));
  EXPECT_TRUE(store::IsNull(out_.values[5]));
}

TEST_F(RecordValidatorTest, EveryBadFieldIsReported) {
  Raw raw = {id_, "0", "", "31/04/2001", "nam", "01", "12", "maybe", "1.234", "ab123"};
  EXPECT_FALSE(Check(raw));
  std::vector<FieldError> want = {
      {"stt", "0 is outside the range 1..1000"},
      {"ho_ten", "is required but missing"},
      {"ngay_sinh", "date '31/04/2001': day 31 does not exist in April 2001"},
      {"gioi_tinh", "'nam' is not one of the allowed values (Nam, Nữ)"},
      {"ma_xa", "'01' is a province code, but this field holds commune codes"},
      {"co_bhyt", "'maybe' is not a boolean (true/false, 1/0, yes/no, có/không)"},
      {"luong", "'1.234' has 3 digits after the point, more than 2"},
      {"ma", "'ab123' does not match the pattern [A-Z]{2}[0-9]{3}"},
  };
  ASSERT_EQ(errors_.size(), want.size() + 1);
  for (const auto& w : want) {
    EXPECT_NE(std::find(errors_.begin(), errors_.end(), w), errors_.end()) << w.field << ": " << w.message;
  }
  // The phone error comes from ident; it must not repeat the number.
  auto phone = std::find_if(errors_.begin(), errors_.end(), [](const FieldError& e) { return e.field == "dien_thoai"; });
  ASSERT_NE(phone, errors_.end());
  EXPECT_EQ(phone->message.find("12"), std::string::npos) << phone->message;
}

TEST_F(RecordValidatorTest, PersonalIdMustAgreeWithBirthDateAndSex) {
  Raw wrong_year = {id_, "1", "An", "02/09/1991", "Nam", "", "", "", "", ""};
  EXPECT_FALSE(Check(wrong_year));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0].field, "so_dinh_danh");
  EXPECT_EQ(errors_[0].message, "personal ID says birth year 1990 but birth date is 1991-09-02");
  Raw wrong_sex = {id_, "1", "An", "02/09/1990", "Nữ", "", "", "", "", ""};
  EXPECT_FALSE(Check(wrong_sex));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_NE(errors_[0].message.find("male"), std::string::npos) << errors_[0].message;
  EXPECT_EQ(errors_[0].message.find(id_), std::string::npos);  // never echo the ID
}

TEST_F(RecordValidatorTest, HostileBytesAreRejectedNotStored) {
  std::string nul("A\0B", 3);
  Raw raw = {id_, "1", "\xC3\x28", "", "", "", "", "", "", nul};
  EXPECT_FALSE(Check(raw));
  ASSERT_EQ(errors_.size(), 2u);
  EXPECT_EQ(errors_[0], (FieldError{"ho_ten", "invalid UTF-8 at byte 0"}));
  EXPECT_EQ(errors_[1], (FieldError{"ma", "contains a control character (NUL or U+001F) that no field may hold"}));
}

TEST_F(RecordValidatorTest, LongValuesAreCutInMessages) {
  std::string huge(100000, 'Z');
  Raw raw = {id_, "1", "An", "", "", "", "", "", "", huge};
  EXPECT_FALSE(Check(raw));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_LT(errors_[0].message.size(), 120u);
}

TEST_F(RecordValidatorTest, SplitLegacyCommuneAsksForCurrentCode) {
  Raw raw = {id_, "1", "An", "", "", "00019", "", "", "", ""};
  EXPECT_FALSE(Check(raw));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_NE(errors_[0].message.find("it was split among 00070 (Phường Hoàn Kiếm)"), std::string::npos);
  EXPECT_NE(errors_[0].message.find("; send the current code"), std::string::npos);
}

TEST_F(RecordValidatorTest, WrongValueCountIsOneError) {
  EXPECT_FALSE(Check(Raw{id_}));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0].message, "expected 10 values, got 1");
}

// A record key over 1,024 bytes is a reject naming the key: PostgreSQL cannot index it, and used
// to fail the whole batch at its end with INTERNAL while SQLite stored it (review of 2026-11-30).
// A validator for a dataset "k" keyed by a string field "ma", with `fields` after it (JSON).
std::unique_ptr<RecordValidator> KeyedValidator(const std::string& fields) {
  auto schema = ParseSchemaJson(R"({
    "id": "k", "title": "t", "owner": "a", "classification": {"data": "other", "personal": "basic"},
    "source_key": "ma", "fields": [{"name": "ma", "type": "string", "required": true}, )" +
                                fields + "]}");
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  auto v = RecordValidator::Create(*schema);
  EXPECT_TRUE(v.ok());
  return v.ok() ? std::move(*v) : nullptr;
}

TEST(RecordKeyLength, AKeyOverTheLimitIsARejectOnEveryStore) {
  auto v = KeyedValidator(R"({"name": "x", "type": "string"})");
  ASSERT_NE(v, nullptr);
  ValidatedRecord out;
  std::vector<FieldError> errors;
  const std::string longest(kMaxSourceKeyBytes, 'k'), too_long(kMaxSourceKeyBytes + 1, 'k');
  EXPECT_TRUE(v->Validate(Raw{longest, "x"}, &out, &errors));
  EXPECT_EQ(out.source_key.size(), kMaxSourceKeyBytes);
  EXPECT_FALSE(v->Validate(Raw{too_long, "x"}, &out, &errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "ma");
  EXPECT_EQ(errors[0].message, "the record key is 1025 bytes, more than the 1024 a key may have");
}

// Enum values in a schema typed in NFD (macOS) or with spaces are read as records are compared,
// trimmed and NFC: each spelling of a record's value matches (review of 2026-11-30: none did).
TEST(EnumValues, ASchemasValuesAreComparedAsRecordsAre) {
  const std::string nfd = "N\x75\xcc\x9b\xcc\x83";  // "Nữ": u, combining horn, combining tilde
  auto v = KeyedValidator(R"({"name": "gioi_tinh", "type": "enum", "values": [")" + nfd +
                          R"(", "Nam "], "person": "sex", "person_values": {")" + nfd + R"(": "female", "Nam ": "male"}})");
  ASSERT_NE(v, nullptr);
  ValidatedRecord out;
  std::vector<FieldError> errors;
  for (const std::string& value : {std::string("N\xe1\xbb\xaf"), nfd, std::string("Nam"), std::string(" Nam ")}) {
    EXPECT_TRUE(v->Validate(Raw{"k1", value}, &out, &errors)) << value << ": "
                                                              << (errors.empty() ? "" : errors[0].message);
  }
  // A schema stored listing both spellings (the old workaround) still reads, as one value; the
  // same text twice is still refused.
  EXPECT_NE(KeyedValidator(R"({"name": "g", "type": "enum", "values": [")" + nfd + R"(", "N\u1eef"]})"), nullptr);
  auto twice = ParseSchemaJson(R"({"id": "k", "title": "t", "owner": "a", "classification": {"data": "other",
    "personal": "basic"}, "source_key": "ma", "fields": [{"name": "ma", "type": "string", "required": true},
    {"name": "g", "type": "enum", "values": ["Nam", "Nam"]}]})");
  EXPECT_EQ(twice.status().code(), StatusCode::kInvalidArgument) << twice.status().ToString();
}

// A value of a field mapped to a person attribute becomes an indexed golden value: over 1,024
// bytes it is a reject, not a link run that fails on PostgreSQL every time (review of 2026-11-30).
TEST(PersonValueLength, ALongPersonAttributeIsARejectOthersAreNot) {
  auto v = KeyedValidator(R"({"name": "ho_ten", "type": "string", "person": "full_name"},
                             {"name": "ghi_chu", "type": "string"})");
  ASSERT_NE(v, nullptr);
  ValidatedRecord out;
  std::vector<FieldError> errors;
  const std::string longest(kMaxPersonValueBytes, 'a'), too_long(kMaxPersonValueBytes + 1, 'a');
  EXPECT_TRUE(v->Validate(Raw{"k1", longest, too_long}, &out, &errors));  // a note may be long
  EXPECT_FALSE(v->Validate(Raw{"k1", too_long, ""}, &out, &errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "ho_ten");
  EXPECT_EQ(errors[0].message, "is 1025 bytes, more than the 1024 a person attribute (full_name) may have");
}

// Decimal bounds are compared exactly: a long double holds ~19 significant digits, a value up to
// 38, and until 2026-12-01 "10000000000000000000" passed max "9999999999999999999.99".
TEST(DecimalBounds, AreComparedExactlyPastNineteenDigits) {
  auto v = KeyedValidator(R"({"name": "so_tien", "type": "decimal", "min": "-0", "max": "9999999999999999999.99"})");
  ASSERT_NE(v, nullptr);
  ValidatedRecord out;
  std::vector<FieldError> errors;
  for (std::string_view ok : {"9999999999999999999.99", "+9999999999999999999.990", "0", "-0.00", "000123.5"}) {
    EXPECT_TRUE(v->Validate(Raw{"k1", ok}, &out, &errors)) << ok;
  }
  EXPECT_FALSE(v->Validate(Raw{"k1", "10000000000000000000"}, &out, &errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "10000000000000000000 is outside the range -0..9999999999999999999.99");
  EXPECT_FALSE(v->Validate(Raw{"k1", "9999999999999999999.991"}, &out, &errors));
  EXPECT_FALSE(v->Validate(Raw{"k1", "-0.01"}, &out, &errors));
}

// A schema stored before 2026-12-01 may hold a date bound that does not exist: loads of it are
// refused, naming the field, until the schema is updated.
TEST(DateBounds, AStoredBoundThatIsNoDateNamesItsField) {
  auto schema = ParseStoredSchemaJson(R"({"id": "k", "title": "t", "owner": "a", "classification": {"data": "other",
    "personal": "basic"}, "source_key": "ma", "fields": [{"name": "ma", "type": "string", "required": true},
    {"name": "han", "type": "date", "max": "2026-02-30"}]})");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  auto v = RecordValidator::Create(*schema);
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(v.status().message(), "field 'han': max: date '2026-02-30': day 30 does not exist in February 2026");
}

// Personal IDs against the facts of their record: the birth year of a field mapped to birth_year
// (before or after the ID in the schema), and today from the validator's clock. Until 2026-12-01
// neither was checked.
class PersonalIdFactsTest : public ::testing::Test {
 protected:
  // A validator whose fields are `fields` (JSON), keyed by the first, with clock_ (2026-01-01).
  std::unique_ptr<RecordValidator> Validator(const std::string& fields) {
    auto schema = ParseSchemaJson(R"({"id": "k", "title": "t", "owner": "a", "classification": {"data": "other",
      "personal": "basic"}, "source_key": "ma", "fields": [{"name": "ma", "type": "string", "required": true}, )" +
                                  fields + "]}");
    EXPECT_TRUE(schema.ok()) << schema.status().ToString();
    auto v = RecordValidator::Create(*schema, {.clock = &clock_});
    EXPECT_TRUE(v.ok());
    return v.ok() ? std::move(*v) : nullptr;
  }
  std::string Id(int birth_year) { return *ident::MakePersonalId("001", ident::Sex::kMale, birth_year, 123456); }
  FakeClock clock_;  // 2026-01-01
  ValidatedRecord out_;
  std::vector<FieldError> errors_;
};

TEST_F(PersonalIdFactsTest, ABirthYearAfterTodayIsRefused) {
  auto v = Validator(R"({"name": "so_dinh_danh", "type": "personal_id", "person": "personal_id"})");
  ASSERT_NE(v, nullptr);
  const std::string born_2026 = Id(2026), born_2027 = Id(2027);
  EXPECT_TRUE(v->Validate(Raw{"k1", born_2026}, &out_, &errors_));
  EXPECT_FALSE(v->Validate(Raw{"k1", born_2027}, &out_, &errors_));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0], (FieldError{"so_dinh_danh", "personal ID says birth year 2027 (digit 4 = 2), after today "
                                                    "2026-01-01"}));
  clock_.Set(1798761600000000);  // 2027-01-01T00:00:00Z: the clock is read at each Validate
  EXPECT_TRUE(v->Validate(Raw{"k1", born_2027}, &out_, &errors_));
}

// A birth date after today (in Vietnam, UTC+7) is refused: nobody is born tomorrow.
TEST_F(PersonalIdFactsTest, ABirthDateAfterTodayIsRefused) {
  auto v = Validator(R"({"name": "ngay_sinh", "type": "date", "person": "birth_date"})");
  ASSERT_NE(v, nullptr);
  EXPECT_TRUE(v->Validate(Raw{"k1", "2026-01-01"}, &out_, &errors_));
  EXPECT_FALSE(v->Validate(Raw{"k1", "2026-01-02"}, &out_, &errors_));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0], (FieldError{"ngay_sinh", "birth date 2026-01-02 is after today (2026-01-01)"}));
  clock_.Set(1767288600000000);  // 2026-01-01T17:30:00Z: 00:30 on 2 January in Vietnam
  EXPECT_TRUE(v->Validate(Raw{"k1", "2026-01-02"}, &out_, &errors_));
}

// Partial dates (DOMAIN.md, population registry: "date of birth (partial dates occur)") are kept
// in a date field declared "partial", as ISO text of their precision, whatever the spelling.
TEST_F(PersonalIdFactsTest, APartialDateFieldKeepsPartialDatesAtTheirPrecision) {
  auto v = Validator(R"({"name": "ngay_sinh", "type": "date", "format": "dd/mm/yyyy", "partial": true,
                        "min": "1900-01-01"})");
  ASSERT_NE(v, nullptr);
  const std::pair<const char*, const char*> cases[] = {
      {"00/00/1987", "1987"}, {"00/03/1987", "1987-03"}, {"05/03/1987", "1987-03-05"}};
  for (const auto& [raw, stored] : cases) {
    ASSERT_TRUE(v->Validate(Raw{"k1", raw}, &out_, &errors_)) << raw << ": " << errors_[0].message;
    EXPECT_EQ(out_.values[1], store::Value(std::string(stored))) << raw;
  }
  // The period a partial date stands for must overlap the bounds: 1899 lies wholly before 1900.
  EXPECT_FALSE(v->Validate(Raw{"k1", "00/12/1899"}, &out_, &errors_));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0], (FieldError{"ngay_sinh", "date 1899-12 is outside the range 1900-01-01..any"}));
  EXPECT_FALSE(v->Validate(Raw{"k1", "05/00/1987"}, &out_, &errors_));  // a day without its month
  EXPECT_FALSE(v->Validate(Raw{"k1", "31/02/1987"}, &out_, &errors_));
}

// Without "partial", a partial date is refused, and the message says how to accept it.
TEST_F(PersonalIdFactsTest, APlainDateFieldRefusesAPartialDateAndSaysWhatToDo) {
  auto v = Validator(R"({"name": "ngay_sinh", "type": "date"})");
  ASSERT_NE(v, nullptr);
  EXPECT_FALSE(v->Validate(Raw{"k1", "00/00/1987"}, &out_, &errors_));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_NE(errors_[0].message.find("partial date"), std::string::npos) << errors_[0].message;
  EXPECT_NE(errors_[0].message.find("\"partial\": true"), std::string::npos) << errors_[0].message;
  EXPECT_FALSE(v->Validate(Raw{"k1", "1987"}, &out_, &errors_));
}

// A partial birth date still checks the personal ID's birth year, and may not begin after today.
TEST_F(PersonalIdFactsTest, APartialBirthDateIsCheckedAgainstTheIdAndToday) {
  auto v = Validator(R"({"name": "so_dinh_danh", "type": "personal_id", "person": "personal_id"},
                        {"name": "ngay_sinh", "type": "date", "partial": true, "person": "birth_date"})");
  ASSERT_NE(v, nullptr);
  const std::string id = Id(1987);
  EXPECT_TRUE(v->Validate(Raw{"k1", id, "00/00/1987"}, &out_, &errors_));
  EXPECT_TRUE(v->Validate(Raw{"k1", id, "1987-03"}, &out_, &errors_));
  EXPECT_FALSE(v->Validate(Raw{"k1", id, "00/00/1988"}, &out_, &errors_));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0], (FieldError{"so_dinh_danh", "personal ID says birth year 1987 but birth year is 1988"}));
  // With a birth_year field beside it, the partial date's year is checked too (review of 2026-12-01).
  auto both = Validator(R"({"name": "so_dinh_danh", "type": "personal_id", "person": "personal_id"},
                           {"name": "ngay_sinh", "type": "date", "partial": true, "person": "birth_date"},
                           {"name": "nam_sinh", "type": "integer", "person": "birth_year"})");
  ASSERT_NE(both, nullptr);
  EXPECT_TRUE(both->Validate(Raw{"k1", id, "1987", "1987"}, &out_, &errors_));
  EXPECT_FALSE(both->Validate(Raw{"k1", id, "1988", "1987"}, &out_, &errors_));
  EXPECT_FALSE(both->Validate(Raw{"k1", id, "1987", "1988"}, &out_, &errors_));
  // Today is 2026-01-01: the year 2026 has begun, 2026-02 has not.
  auto born = Validator(R"({"name": "ngay_sinh", "type": "date", "partial": true, "person": "birth_date"})");
  ASSERT_NE(born, nullptr);
  EXPECT_TRUE(born->Validate(Raw{"k1", "2026"}, &out_, &errors_));
  EXPECT_FALSE(born->Validate(Raw{"k1", "02/2026"}, &out_, &errors_));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0], (FieldError{"ngay_sinh", "birth date 2026-02 is after today (2026-01-01)"}));
}

// The sex a record gives is checked against the ID's digit 4 whatever the agency calls it: "1"/"2",
// "Nam"/"Nữ", "M"/"F" (as linkage reads them), not only values mapped to "male"/"female".
TEST_F(PersonalIdFactsTest, TheSexIsCheckedHoweverItIsSpelled) {
  auto v = Validator(R"({"name": "so_dinh_danh", "type": "personal_id", "person": "personal_id"},
                        {"name": "gioi_tinh", "type": "enum", "values": ["1", "2", "Nam", "Nữ"], "person": "sex"})");
  ASSERT_NE(v, nullptr);
  const std::string male = Id(1990);  // digit 4 = 0: a man born in the 1900s
  EXPECT_TRUE(v->Validate(Raw{"k1", male, "1"}, &out_, &errors_));
  EXPECT_TRUE(v->Validate(Raw{"k1", male, "Nam"}, &out_, &errors_));
  EXPECT_FALSE(v->Validate(Raw{"k1", male, "2"}, &out_, &errors_));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0].field, "so_dinh_danh");
  EXPECT_FALSE(v->Validate(Raw{"k1", male, "Nữ"}, &out_, &errors_));
}

TEST_F(PersonalIdFactsTest, TheRecordsBirthYearMustAgreeWhereverItStands) {
  const std::string id = Id(1990);
  for (const std::string& fields :
       {std::string(R"({"name": "nam_sinh", "type": "integer", "person": "birth_year"},
                      {"name": "so_dinh_danh", "type": "personal_id", "person": "personal_id"})"),
        std::string(R"({"name": "so_dinh_danh", "type": "personal_id", "person": "personal_id"},
                      {"name": "nam_sinh", "type": "string", "person": "birth_year"})")}) {
    auto v = Validator(fields);
    ASSERT_NE(v, nullptr);
    const bool id_first = v->schema().fields[1].name == "so_dinh_danh";
    auto row = [&](std::string_view year) { return id_first ? Raw{"k1", id, year} : Raw{"k1", year, id}; };
    EXPECT_TRUE(v->Validate(row("1990"), &out_, &errors_)) << fields;
    EXPECT_TRUE(v->Validate(row(""), &out_, &errors_)) << fields;  // not known: nothing to compare
    EXPECT_FALSE(v->Validate(row("1991"), &out_, &errors_)) << fields;
    ASSERT_EQ(errors_.size(), 1u);
    EXPECT_EQ(errors_[0], (FieldError{"so_dinh_danh", "personal ID says birth year 1990 but birth year is 1991"}));
  }
}

// The fast paths (ValidatorOptions::fast_paths) against the general path, on each path's edges:
// the same values, the same error messages.
class FastPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto schema = ParseSchemaJson(R"({
      "id": "fast", "title": "t", "owner": "a", "classification": {"data": "other", "personal": "basic"},
      "source_key": ["ten"],
      "fields": [
        {"name": "ten", "type": "string", "required": true, "max_length": 12},
        {"name": "ngay", "type": "date", "format": "yyyy-mm-dd", "max": "2030-12-31"},
        {"name": "ngay_auto", "type": "date"},
        {"name": "so", "type": "string", "pattern": "[0-9]{3}"},
        {"name": "so2", "type": "string", "pattern": "\\d{2,4}"},
        {"name": "gioi_tinh", "type": "enum", "values": ["Nam", "Nữ"]}
      ]})");
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    auto fast = RecordValidator::Create(*schema);
    auto reference = RecordValidator::Create(*schema, {.fast_paths = false});
    ASSERT_TRUE(fast.ok() && reference.ok());
    fast_ = std::move(*fast);
    reference_ = std::move(*reference);
  }
  // Validates `raw` on both paths, expects identical outcomes, and returns the fast one's.
  bool Both(const Raw& raw) {
    ValidatedRecord want;
    std::vector<FieldError> want_errors;
    const bool ok = reference_->Validate(raw, &want, &want_errors);
    EXPECT_EQ(fast_->Validate(raw, &out_, &errors_), ok);
    EXPECT_EQ(out_.values, want.values);
    EXPECT_EQ(out_.source_key, want.source_key);
    EXPECT_EQ(errors_, want_errors);
    return ok;
  }
  std::string Text(size_t i) const { return std::get<std::string>(out_.values[i]); }
  std::unique_ptr<RecordValidator> fast_, reference_;
  ValidatedRecord out_;
  std::vector<FieldError> errors_;
};

TEST_F(FastPathTest, DecomposedVietnameseComesOutNfc) {
  ASSERT_TRUE(Both({"Nguye\u0302\u0303n", "", "", "", "", "Nu\u031b\u0303"}));
  EXPECT_EQ(Text(0), "Nguyễn");
  EXPECT_EQ(Text(5), "Nữ");
  ASSERT_TRUE(Both({"Nguyễn\u0301", "", "", "", "", ""}));  // precomposed, then a combining mark
  EXPECT_EQ(Text(0), "Nguyễ\u0144");                         // n + acute composes to ń
  ASSERT_TRUE(Both({"Nguyễ\u0301n", "", "", "", "", ""}));
  EXPECT_EQ(Text(0), "Nguyễ\u0301n");                        // ễ + acute has no precomposed form
}

TEST_F(FastPathTest, SurroundingWhitespaceIsTrimmed) {
  ASSERT_TRUE(Both({"  Lê Văn\t", " 2001-02-03 ", "\n03/02/2001", " 123", "\u00A012\u00A0", " Nam "}));
  EXPECT_EQ(Text(0), "Lê Văn");
  EXPECT_EQ(Text(1), "2001-02-03");
  EXPECT_EQ(Text(2), "2001-02-03");
  EXPECT_EQ(Text(3), "123");
  EXPECT_EQ(Text(4), "12");
  EXPECT_EQ(Text(5), "Nam");
  ASSERT_TRUE(Both({"\u3000Ánh\u2003", "", "", "", "", ""}));  // non-ASCII whitespace
  EXPECT_EQ(Text(0), "Ánh");
}

TEST_F(FastPathTest, IsoLookingInvalidDatesFailAsBefore) {
  EXPECT_FALSE(Both({"a", "2001-02-30", "2001-13-01", "", "", ""}));
  ASSERT_EQ(errors_.size(), 2u);
  EXPECT_EQ(errors_[0].message, "date '2001-02-30': day 30 does not exist in February 2001");
  EXPECT_EQ(errors_[1].field, "ngay_auto");
  EXPECT_FALSE(Both({"a", "2031-01-01", "2001-2-3", "", "", ""}));  // out of range; not ISO-shaped
  EXPECT_EQ(errors_[0].message, "date 2031-01-01 is outside the range any..2030-12-31");
  ASSERT_TRUE(Both({"a", "2000-02-29", "20000229", "", "", ""}));
  EXPECT_EQ(Text(1), "2000-02-29");
  EXPECT_EQ(Text(2), "2000-02-29");  // compact form: re-formatted
}

TEST_F(FastPathTest, NearMatchesOfDigitPatternsFailAsBefore) {
  for (std::string_view bad : {"12", "1234", "12a", "1 3", "+12", "\u0661\u0662\u0663", "１２３"}) {
    EXPECT_FALSE(Both({"a", "", "", bad, bad, ""})) << bad;
    ASSERT_FALSE(errors_.empty());
    EXPECT_EQ(errors_[0].field, "so");
  }
  EXPECT_EQ(errors_[0].message, "'１２３' does not match the pattern [0-9]{3}");
  EXPECT_TRUE(Both({"a", "", "", "007", "0070", ""}));
  EXPECT_FALSE(Both({"a", "", "", "007", "1", ""}));
  EXPECT_EQ(errors_[0].message, "'1' does not match the pattern \\d{2,4}");
}

// Control and invisible formatting characters are refused on both paths, wherever they stand in
// the value (in the first eight bytes, later, alone); tab, line feed and carriage return stay.
TEST_F(FastPathTest, ControlAndInvisibleFormattingCharactersAreRefused) {
  for (std::string bad : {"\x01", "\x1b[31m", "\x7f", "\xc2\x9b", "\xe2\x80\x8b", "\xe2\x80\x8d",
                          "\xe2\x80\x8f", "\xe2\x80\xae", "\xe2\x81\xa6", "\xe2\x81\xa9", "\xe2\x81\xa0",
                          "\xef\xbb\xbf"}) {
    for (const std::string& value : {"Lê" + bad + "Văn", "Nguyen" + bad + "VanAn", bad + "A", bad}) {
      EXPECT_FALSE(Both({value, "", "", "", "", ""})) << value;
      ASSERT_FALSE(errors_.empty()) << value;
      EXPECT_EQ(errors_[0].field, "ten");
      EXPECT_NE(errors_[0].message.find("control or invisible formatting character"), std::string::npos)
          << errors_[0].message;
    }
  }
  EXPECT_TRUE(Both({"Lê\tVăn", "", "", "", "", ""}));
  EXPECT_TRUE(Both({"a\r\nb", "", "", "", "", ""}));
  EXPECT_TRUE(Both({"Nguyễn Văn", "", "", "", "", ""}));
}

TEST_F(FastPathTest, HostileBytesFailAsBefore) {
  EXPECT_FALSE(Both({"Lê\x1f", std::string_view("2001\0-02-03", 11), "\xE1\xBB", "\xC3", "12\xC3\x28", "Nam"}));
  ASSERT_EQ(errors_.size(), 5u);
  EXPECT_EQ(errors_[0].message, "contains a control character (NUL or U+001F) that no field may hold");
  EXPECT_EQ(errors_[2].message, "invalid UTF-8 at byte 0");
  EXPECT_EQ(errors_[4].message, "invalid UTF-8 at byte 2");
}

TEST_F(FastPathTest, LengthsCountCodePointsOnBothPaths) {
  EXPECT_TRUE(Both({"Nguyễn Thị Á", "", "", "", "", ""}));  // 12 code points, 18 bytes
  EXPECT_FALSE(Both({"Nguye\u0302\u0303n Thị Ánh", "", "", "", "", ""}));
  EXPECT_EQ(errors_[0].message, "has 14 characters, more than the maximum 12");
}

}  // namespace
}  // namespace ndc::catalog
