// The catalog on a real store, run against SQLite (catalog_store_test) and PostgreSQL
// (catalog_store_pg_test): agencies, datasets, typed record tables, versions and evolution.
#include <gtest/gtest.h>

#include <functional>

#include "catalog/catalog.h"
#include "store/testing/test_database.h"
#include "store/testing/test_util.h"

namespace ndc::catalog {
namespace {

using store::Backend;
using store::Value;

DatasetSchema Schema(const std::string& extra_field = "") {
  std::string fields = R"([{"name": "ma", "type": "string", "required": true},
                           {"name": "ngay_sinh", "type": "date"},
                           {"name": "lop", "type": "integer"},
                           {"name": "diem", "type": "decimal"},
                           {"name": "dang_hoc", "type": "boolean"}])";
  if (!extra_field.empty()) fields = fields.substr(0, fields.size() - 1) + ", " + extra_field + "]";
  auto s = ParseSchemaJson(R"({"id": "hoc_sinh", "title": "Học sinh", "owner": "moet",
    "classification": {"data": "important", "personal": "basic"}, "source_key": "ma", "fields": )" + fields + "}");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return *s;
}

class CatalogStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto db = store::NewMigratedTestDatabase(GetParam());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    catalog_ = std::make_unique<Catalog>(db_.get(), &clock_);
    ASSERT_TRUE(catalog_->CreateAgency({.id = "moet", .name = "Bộ Giáo dục và Đào tạo"}).ok());
  }
  FakeClock clock_;
  std::unique_ptr<store::TestDatabase> db_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_P(CatalogStoreTest, AgencyRoundTripAndDuplicate) {
  auto a = catalog_->GetAgency("moet");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->name, "Bộ Giáo dục và Đào tạo");
  EXPECT_EQ(a->created_at, clock_.NowMicros());
  auto dup = catalog_->CreateAgency({.id = "moet", .name = "x"});
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().message(), "agency 'moet' already exists");
  EXPECT_EQ(catalog_->GetAgency("nope").status().message(), "agency 'nope' does not exist");
}

TEST_P(CatalogStoreTest, AgencyNameIsNormalizedToNfc) {
  // "Bộ Y tế" typed with combining marks (NFD).
  ASSERT_TRUE(catalog_->CreateAgency({.id = "moh", .name = "Bo\u0323\u0302 Y te\u0302\u0301"}).ok());
  EXPECT_EQ(catalog_->GetAgency("moh")->name, "Bộ Y tế");
}

// A name's bound counts characters, as the OpenAPI document's maxLength does.
TEST_P(CatalogStoreTest, AgencyNameBoundCountsCharacters) {
  std::string name;
  for (int i = 0; i < 300; ++i) name += "Ữ";
  EXPECT_TRUE(catalog_->CreateAgency({.id = "long", .name = name}).ok());
  auto longer = catalog_->CreateAgency({.id = "longer", .name = name + "a"});
  EXPECT_EQ(longer.status().message(), "agency name must have 1 to 300 characters");
  EXPECT_EQ(catalog_->CreateAgency({.id = "empty", .name = ""}).status().code(), StatusCode::kInvalidArgument);
}

// A name with a control character (an escape sequence would act in a terminal listing) or an
// invisible formatting one (U+202E turns the name around, U+200B hides in it) is refused.
TEST_P(CatalogStoreTest, AgencyNameWithControlCharactersIsRefused) {
  const std::pair<const char*, const char*> names[] = {
      {"x\x1b[31mred", "U+001B"}, {"a\tb", "U+0009"},       {"line\nbreak", "U+000A"},
      {"del\x7f", "U+007F"},      {"c1\xc2\x9b" "2J", "U+009B"}, {"B\xe1\xbb\x99\xe2\x80\xae" "an", "U+202E"},
      {"Bo\xe2\x80\x8bY", "U+200B"}};
  for (const auto& [name, cp] : names) {
    auto made = catalog_->CreateAgency({.id = "ctl", .name = name});
    EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument) << name;
    EXPECT_EQ(made.status().message(), std::string("agency name may not contain ") + cp +
                                           " (a control or invisible formatting character: it would show as "
                                           "nothing, or change how the text around it reads)");
  }
  EXPECT_EQ(catalog_->GetAgency("ctl").status().code(), StatusCode::kNotFound);
}

TEST_P(CatalogStoreTest, CreateDatasetMakesTypedTables) {
  auto info = catalog_->CreateDataset(Schema());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->version, 1);
  EXPECT_EQ(info->record_table, "ds_hoc_sinh");
  Value row[] = {std::string("HS1"), int64_t{1}, int64_t{0}, std::string("2012-05-01"), int64_t{7},
                 std::string("8.25"), int64_t{1}};
  // SQLite has no DATE/NUMERIC/BOOLEAN storage classes (the catalog maps them to TEXT/INTEGER);
  // PostgreSQL needs the casts because parameters arrive as text.
  const char* sql = GetParam() == Backend::kPostgres
                        ? "INSERT INTO ds_hoc_sinh (_key, _version, _seq, _updated_at, ngay_sinh, lop, diem, dang_hoc) "
                          "VALUES ($1, $2, 1, $3, CAST($4 AS DATE), $5, CAST($6 AS NUMERIC), CAST($7 AS INTEGER) = 1)"
                        : "INSERT INTO ds_hoc_sinh (_key, _version, _seq, _updated_at, ngay_sinh, lop, diem, dang_hoc) "
                          "VALUES ($1, $2, 1, $3, $4, $5, $6, $7)";
  auto ins = db_->Exec(sql, row);
  ASSERT_TRUE(ins.ok()) << ins.status().ToString();
  auto got = db_->QueryOne("SELECT ngay_sinh, lop, diem, dang_hoc, _deleted FROM ds_hoc_sinh WHERE _key = 'HS1'");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->Str(0), "2012-05-01");
  EXPECT_EQ(got->Int(1), 7);
  EXPECT_EQ(got->Str(2), "8.25");
  EXPECT_EQ(got->Int(3), 1);
  EXPECT_EQ(got->Int(4), 0);
  EXPECT_TRUE(db_->Query("SELECT _key, _version, _op, _valid_from FROM ds_hoc_sinh_history").ok());
}

TEST_P(CatalogStoreTest, DuplicateDatasetAndUnknownOwner) {
  ASSERT_TRUE(catalog_->CreateDataset(Schema()).ok());
  EXPECT_EQ(catalog_->CreateDataset(Schema()).status().code(), StatusCode::kAlreadyExists);
  DatasetSchema other = Schema();
  other.id = "khac";
  other.owner = "ghost";
  auto r = catalog_->CreateDataset(other);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "owner agency 'ghost' does not exist; create it first (ndc agency create)");
  EXPECT_EQ(db_->Query("SELECT 1 FROM ds_khac").status().code(), StatusCode::kInternal);  // no table left behind
}

TEST_P(CatalogStoreTest, AddingOptionalFieldMigratesTables) {
  ASSERT_TRUE(catalog_->CreateDataset(Schema()).ok());
  clock_.Advance(1000);
  auto up = catalog_->UpdateSchema(Schema(R"({"name": "truong", "type": "string"})"));
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_TRUE(up->changed);
  EXPECT_EQ(up->dataset.version, 2);
  ASSERT_EQ(up->added_fields.size(), 1u);
  EXPECT_TRUE(db_->Query("SELECT truong FROM ds_hoc_sinh").ok());
  EXPECT_TRUE(db_->Query("SELECT truong FROM ds_hoc_sinh_history").ok());
  EXPECT_EQ(catalog_->GetDataset("hoc_sinh", 1)->schema.fields.size(), 5u);
  EXPECT_EQ(catalog_->GetDataset("hoc_sinh")->schema.fields.size(), 6u);
}

// A stored date field may start accepting partial dates: its column becomes their ISO text (on
// PostgreSQL the tables are rewritten, each stored date as yyyy-mm-dd), so both kinds are kept.
TEST_P(CatalogStoreTest, ADateFieldCanStartAcceptingPartialDates) {
  ASSERT_TRUE(catalog_->CreateDataset(Schema()).ok());
  const std::string insert =
      "INSERT INTO ds_hoc_sinh (_seq, _key, _version, _updated_at, ma, ngay_sinh) VALUES ($1, $2, 1, 0, $2, $3)";
  NDC_ASSERT_OK(db_->Exec(insert, std::vector<Value>{int64_t{1}, std::string("a"), std::string("1990-02-01")}).status());
  DatasetSchema partial = Schema();
  partial.fields[1].partial = true;
  clock_.Advance(1000);
  auto up = catalog_->UpdateSchema(partial);
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_TRUE(up->changed);
  EXPECT_TRUE(up->dataset.schema.fields[1].partial);
  NDC_ASSERT_OK(db_->Exec(insert, std::vector<Value>{int64_t{2}, std::string("b"), std::string("1987")}).status());
  NDC_ASSERT_OK_AND_ASSIGN(store::ResultSet rs, db_->Query("SELECT ngay_sinh FROM ds_hoc_sinh ORDER BY _seq"));
  ASSERT_EQ(rs.rows.size(), 2u);
  EXPECT_EQ(rs.rows[0].Str(0), "1990-02-01");
  EXPECT_EQ(rs.rows[1].Str(0), "1987");
  // ... and may not stop.
  EXPECT_EQ(catalog_->UpdateSchema(Schema()).status().code(), StatusCode::kFailedPrecondition);
}

TEST_P(CatalogStoreTest, IdenticalSchemaMakesNoVersion) {
  ASSERT_TRUE(catalog_->CreateDataset(Schema()).ok());
  auto up = catalog_->UpdateSchema(Schema());
  ASSERT_TRUE(up.ok());
  EXPECT_FALSE(up->changed);
  EXPECT_EQ(up->dataset.version, 1);
}

TEST_P(CatalogStoreTest, IncompatibleChangeIsRefusedAndNothingChanges) {
  ASSERT_TRUE(catalog_->CreateDataset(Schema()).ok());
  DatasetSchema bad = Schema(R"({"name": "truong", "type": "string", "required": true})");
  bad.fields[2].type = FieldType::kString;
  auto up = catalog_->UpdateSchema(bad);
  EXPECT_EQ(up.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(up.status().message().find("field 'lop' changed type from integer to string; new field 'truong' is "
                                       "required; new fields must be optional"),
            std::string::npos)
      << up.status().message();
  EXPECT_EQ(catalog_->GetDataset("hoc_sinh")->version, 1);
  EXPECT_EQ(db_->Query("SELECT truong FROM ds_hoc_sinh").status().code(), StatusCode::kInternal);
}

// Record hashes cover values by position and stored source versions were read from the old
// field: a schema neither moves an existing field nor changes its source version.
TEST_P(CatalogStoreTest, FieldsKeepTheirPlaceAndTheSourceVersionStays) {
  ASSERT_TRUE(catalog_->CreateDataset(Schema()).ok());
  DatasetSchema moved = Schema(R"({"name": "truong", "type": "string"})");
  std::swap(moved.fields[1], moved.fields[2]);
  auto up = catalog_->UpdateSchema(moved);
  EXPECT_EQ(up.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(up.status().message().find("field 'ngay_sinh' moved from position 2"), std::string::npos)
      << up.status().message();
  DatasetSchema inserted = Schema();
  FieldSpec extra = inserted.fields[4];
  extra.name = "truong";
  inserted.fields.insert(inserted.fields.begin(), extra);
  EXPECT_EQ(catalog_->UpdateSchema(inserted).status().code(), StatusCode::kFailedPrecondition);
  DatasetSchema versioned = Schema();
  versioned.source_version = "lop";
  up = catalog_->UpdateSchema(versioned);
  EXPECT_EQ(up.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(up.status().message().find("source_version changed from '' to 'lop'"), std::string::npos)
      << up.status().message();
  EXPECT_EQ(catalog_->GetDataset("hoc_sinh")->version, 1);
}

TEST_P(CatalogStoreTest, ListIsOrderedById) {
  ASSERT_TRUE(catalog_->CreateDataset(Schema()).ok());
  DatasetSchema a = Schema();
  a.id = "a_first";
  ASSERT_TRUE(catalog_->CreateDataset(a).ok());
  auto list = catalog_->ListDatasets();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].schema.id, "a_first");
}

// Until 2026-12-01 a float bound was stored as "1e-05", which did not parse back: the dataset, and
// the list of all datasets, failed with DATA_LOSS.
TEST_P(CatalogStoreTest, AFloatBoundInExponentFormLeavesTheDatasetReadable) {
  auto s = ParseSchemaJson(R"({"id": "ty_le", "title": "t", "owner": "moet", "classification": {"data": "other",
    "personal": "none"}, "source_key": "ma", "fields": [{"name": "ma", "type": "string", "required": true},
    {"name": "ty_le", "type": "decimal", "min": 1e-05, "max": 2.5e-05}]})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_TRUE(catalog_->CreateDataset(*s).ok());
  Catalog fresh(db_.get(), &clock_);  // nothing cached: reads what was stored
  auto info = fresh.GetDataset("ty_le");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->schema.fields[1].min, "0.00001");
  EXPECT_EQ(info->schema.fields[1].max, "0.000025");
  EXPECT_TRUE(fresh.ListDatasets().ok());
}

// A dataset stored by an earlier version with such a bound, or with a date bound that does not
// exist, reads again, and its schema can be updated to fix the bound.
TEST_P(CatalogStoreTest, ASchemaStoredWithAnOldBoundReadsAndCanBeFixed) {
  ASSERT_TRUE(catalog_->CreateDataset(Schema()).ok());
  DatasetSchema old = Schema();
  old.fields[1].max = "2026-02-30";  // ngay_sinh
  old.fields[3].min = "1e-05";       // diem
  Value p[] = {SchemaToJson(old)};
  ASSERT_TRUE(db_->Exec("UPDATE dataset_versions SET schema_json = $1 WHERE dataset_id = 'hoc_sinh'", p).ok());
  Catalog fresh(db_.get(), &clock_);
  auto list = fresh.ListDatasets();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ((*list)[0].schema.Field("diem")->min, "0.00001");
  DatasetSchema fixed = Schema();
  fixed.fields[1].max = "2026-02-28";
  fixed.fields[3].min = "0.00001";
  auto up = fresh.UpdateSchema(fixed);
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_EQ(up->dataset.version, 2);
  EXPECT_EQ(up->dataset.schema.Field("ngay_sinh")->max, "2026-02-28");
}

// A text stored before the rule (2026-12-02) does not stand in the way: the schema reads, applying
// it again is "unchanged", and a change of another text or a new field is made. A changed text is
// checked.
TEST_P(CatalogStoreTest, AnOldStoredTextDoesNotBlockChanges) {
  ASSERT_TRUE(catalog_->CreateDataset(Schema()).ok());
  DatasetSchema old = Schema();
  old.description = "Students\xe2\x80\x8b enrolled";  // a zero-width space, stored before the rule
  Value p[] = {SchemaToJson(old)};
  ASSERT_TRUE(db_->Exec("UPDATE dataset_versions SET schema_json = $1 WHERE dataset_id = 'hoc_sinh'", p).ok());
  Catalog fresh(db_.get(), &clock_);
  ASSERT_TRUE(fresh.GetDataset("hoc_sinh").ok());
  auto same = fresh.UpdateSchema(old);
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(same->dataset.version, 1);
  DatasetSchema retitled = old;
  retitled.title = "Học sinh phổ thông";
  auto up = fresh.UpdateSchema(retitled);
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_EQ(up->dataset.version, 2);
  DatasetSchema worse = retitled;
  worse.description = "Students\xe2\x80\x8b\xe2\x80\x8b enrolled";
  EXPECT_EQ(fresh.UpdateSchema(worse).status().code(), StatusCode::kInvalidArgument);
}

// A schema built in code, not parsed, is checked too: what is stored must read back.
TEST_P(CatalogStoreTest, ASchemaThatWouldNotReadBackIsNotStored) {
  DatasetSchema s = Schema();
  s.fields[1].max = "soon";
  auto r = catalog_->CreateDataset(s);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "schema would not read back once stored: fields[1].max: must be an ISO date "
                                  "(yyyy-mm-dd), got 'soon'");
  EXPECT_EQ(catalog_->GetDataset("hoc_sinh").status().code(), StatusCode::kNotFound);
}

// Titles, descriptions, column headers and enum values are shown to people: no control or
// invisible formatting characters when a schema is registered or changed. Descriptions may run
// over lines.
TEST_P(CatalogStoreTest, SchemaTextsHoldNoControlOrInvisibleCharacters) {
  DatasetSchema lines = Schema();
  lines.description = "Students enrolled.\n\tOne row a student.";
  lines.fields[1].description = "Date of birth,\nas on the birth certificate";
  ASSERT_TRUE(catalog_->CreateDataset(lines).ok());
  const auto refused = [&](const std::function<void(DatasetSchema&)>& change, const std::string& want) {
    DatasetSchema s = Schema();
    s.id = "hoc_sinh_2";
    change(s);
    auto made = catalog_->CreateDataset(s);
    EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument) << want;
    EXPECT_EQ(made.status().message().substr(0, want.size()), want) << made.status().message();
    DatasetSchema update = lines;  // the same texts in a change of the stored dataset
    change(update);
    update.id = lines.id;
    auto changed = catalog_->UpdateSchema(update);
    EXPECT_EQ(changed.status().code(), StatusCode::kInvalidArgument) << want;
  };
  refused([](DatasetSchema& s) { s.title = "H\xe1\xbb\x8d" "c sinh\x1b[2J"; }, "dataset title may not contain U+001B");
  refused([](DatasetSchema& s) { s.title = "Two\nlines"; }, "dataset title may not contain U+000A");
  refused([](DatasetSchema& s) { s.description = "a\xe2\x80\xae" "b"; }, "dataset description may not contain U+202E");
  refused([](DatasetSchema& s) { s.fields[1].description = "\xef\xbb\xbfx"; },
          "field ngay_sinh: description may not contain U+FEFF");
  refused([](DatasetSchema& s) { s.fields[1].column = "Ng\xc3\xa0y\xc2\x85"; }, "field ngay_sinh: column may not contain U+0085");
  DatasetSchema enums = Schema(R"({"name": "khoi", "type": "enum", "values": ["A", "B\u200b"]})");
  enums.id = "hoc_sinh_3";
  EXPECT_EQ(catalog_->CreateDataset(enums).status().message().substr(0, 48),
            "field khoi: enum value may not contain U+200B (a");
  EXPECT_EQ(catalog_->GetDataset("hoc_sinh_2").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(catalog_->GetDataset("hoc_sinh")->version, 1);
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, CatalogStoreTest, ::testing::Values(Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, CatalogStoreTest, ::testing::Values(Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::catalog
