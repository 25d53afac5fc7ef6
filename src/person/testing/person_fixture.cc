#include "person/testing/person_fixture.h"

#include "ingest/formats/input.h"
#include "person/person_store.h"
#include "store/testing/test_util.h"

namespace ndc::person {

namespace {

constexpr char kRegistrySchema[] = R"({"id": "population_registry", "title": "Dân cư", "owner": "bca",
  "classification": {"data": "core", "personal": "basic"}, "source_key": ["so"],
  "fields": [
    {"name": "so", "column": "SO", "type": "personal_id", "required": true, "person": "personal_id"},
    {"name": "ho_ten", "column": "HO_TEN", "type": "string", "required": true, "person": "full_name"},
    {"name": "ngay_sinh", "column": "NGAY_SINH", "type": "date", "partial": true, "person": "birth_date"},
    {"name": "gioi_tinh", "column": "GIOI_TINH", "type": "enum", "values": ["Nam", "Nữ"], "person": "sex",
     "person_values": {"Nam": "male", "Nữ": "female"}},
    {"name": "xa", "column": "XA", "type": "string", "person": "permanent_commune"}]})";

constexpr char kTaxSchema[] = R"({"id": "tax", "title": "Thuế", "owner": "gdt",
  "classification": {"data": "important", "personal": "basic"}, "source_key": ["ma"],
  "fields": [
    {"name": "ma", "column": "MA", "type": "string", "required": true},
    {"name": "ho_ten", "column": "HO_TEN", "type": "string", "person": "full_name"},
    {"name": "ngay_sinh", "column": "NGAY_SINH", "type": "date", "format": "yyyy-mm-dd", "person": "birth_date"},
    {"name": "so_cccd", "column": "SO_CCCD", "type": "personal_id", "person": "personal_id"},
    {"name": "gioi_tinh", "column": "GIOI_TINH", "type": "enum", "values": ["M", "F"], "person": "sex",
     "person_values": {"M": "male", "F": "female"}},
    {"name": "dien_thoai", "column": "DIEN_THOAI", "type": "string", "person": "phone"}]})";

const char* HeaderOf(const std::string& dataset) {
  return dataset == "tax" ? "MA,HO_TEN,NGAY_SINH,SO_CCCD,GIOI_TINH,DIEN_THOAI" : "SO,HO_TEN,NGAY_SINH,GIOI_TINH,XA";
}

}  // namespace

link::Settings TestSettings() {
  link::Settings s = link::DefaultPersonSettings();
  for (auto& c : s.comparisons) c.tf_adjust = false;
  return s;
}

link::Model TestModel() {
  // m, u per level (the last pair is the "else" level), by comparison name.
  const std::map<std::string, std::vector<link::LevelParams>> levels = {
      {"personal_id", {{0.9, 0.0001}, {0.05, 0.001}, {0.05, 0.9989}}},
      {"old_id_number", {{0.9, 0.0001}, {0.05, 0.001}, {0.05, 0.9989}}},
      {"full_name",
       {{0.8, 0.001}, {0.05, 0.001}, {0.03, 0.001}, {0.05, 0.005}, {0.03, 0.01}, {0.02, 0.05}, {0.02, 0.932}}},
      {"birth_date",
       {{0.85, 0.001}, {0.03, 0.0005}, {0.03, 0.002}, {0.02, 0.02}, {0.03, 0.01}, {0.02, 0.02}, {0.02, 0.9465}}},
      {"sex", {{0.98, 0.5}, {0.02, 0.5}}},
  };
  link::Model m;
  m.prior = 0.001;
  for (const auto& c : TestSettings().comparisons) {
    link::ComparisonParams p{c.name, {}};
    auto it = levels.find(c.name);
    if (it != levels.end()) {
      p.levels = it->second;
    } else {  // communes and anything else: one agreeing level, then else
      p.levels.assign(c.levels.size() + 1, {0.3, 0.3});
      p.levels.front() = {0.7, 0.01};
    }
    m.comparisons.push_back(std::move(p));
  }
  return m;
}

void PersonHubTest::SetUp() {
  NDC_ASSERT_OK_AND_ASSIGN(db_, store::NewMigratedTestDatabase(GetParam()));
  catalog_ = std::make_unique<catalog::Catalog>(db_.get(), &clock_);
  NDC_ASSERT_OK(catalog_->CreateAgency({.id = "bca", .name = "Bộ Công an"}).status());
  NDC_ASSERT_OK(catalog_->CreateAgency({.id = "gdt", .name = "Tổng cục Thuế"}).status());
  for (const char* schema : {kRegistrySchema, kTaxSchema}) {
    NDC_ASSERT_OK_AND_ASSIGN(catalog::DatasetSchema s, catalog::ParseSchemaJson(schema));
    NDC_ASSERT_OK(catalog_->CreateDataset(s).status());
  }
  ingestor_ = std::make_unique<ingest::Ingestor>(db_.get(), catalog_.get(), &clock_);
}

void PersonHubTest::Load(const std::string& dataset, const std::string& rows, ingest::BatchMode mode) {
  clock_.Advance(1000000);
  ingest::BatchRequest req;
  req.dataset_id = dataset;
  req.mode = mode;
  req.source = "test";
  req.submitted_by = "operator";
  Result<ingest::BatchReport> r =
      ingestor_->Ingest(req, ingest::MemorySource(std::string(HeaderOf(dataset)) + "\n" + rows));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->status, ingest::BatchStatus::kApplied) << r->message;
  ASSERT_EQ(r->rejected, 0) << r->message;
}

std::vector<DatasetLinkReport> PersonHubTest::Link(const link::Settings& settings) {
  clock_.Advance(1000000);
  LinkerOptions options;
  options.settings = settings;
  options.model = TestModel();
  options.threads = 1;
  Linker linker(db_.get(), catalog_.get(), &clock_, &random_, options);
  Result<std::vector<DatasetLinkReport>> r = linker.Run({});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<DatasetLinkReport>{};
}

DatasetLinkReport PersonHubTest::LinkReport(const std::string& dataset) {
  for (auto& r : Link()) {
    if (r.dataset_id == dataset) return r;
  }
  ADD_FAILURE() << "no report for " << dataset;
  return {};
}

std::string PersonHubTest::PersonOf(const std::string& dataset, const std::string& key) {
  Result<std::optional<person::Link>> link = GetLink(*db_, dataset, key);
  EXPECT_TRUE(link.ok()) << link.status().ToString();
  std::string person = link.ok() && *link ? (*link)->person_key : "";
  Result<store::Row> row = db_->QueryOne("SELECT COALESCE(_person_key, '') FROM ds_" + dataset + " WHERE _key = $1",
                                         std::vector<store::Value>{key});
  EXPECT_TRUE(row.ok()) << row.status().ToString();
  if (row.ok()) {
    EXPECT_EQ(row->Str(0), person) << "_person_key of " << dataset << " " << key;
  }
  return person;
}

std::string PersonHubTest::EventKinds(const std::string& person) {
  Result<std::vector<PersonEvent>> events = ListPersonEvents(*db_, person, 0, 1000);
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  std::string out;
  for (const auto& e : events.ok() ? *events : std::vector<PersonEvent>{}) out += (out.empty() ? "" : " ") + e.kind;
  return out;
}

std::map<std::string, std::string> PersonHubTest::Golden(const std::string& person) {
  Result<std::vector<GoldenValue>> g = GetGolden(*db_, person);
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  std::map<std::string, std::string> out;
  for (const auto& v : g.ok() ? *g : std::vector<GoldenValue>{}) out[v.attribute] = v.value;
  return out;
}

int64_t PersonHubTest::Count(const std::string& sql) {
  Result<store::Row> row = db_->QueryOne(sql);
  EXPECT_TRUE(row.ok()) << row.status().ToString();
  return row.ok() ? row->Int(0) : -1;
}

}  // namespace ndc::person
