// End-to-end checks of `ndc datagen` output: identifier structure, uniqueness, referential
// integrity, schema validation of every row, noise rates, truth, determinism.
#include "datagen/generator.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "catalog/record_validator.h"
#include "catalog/schema.h"
#include "ident/admin_units.h"
#include "ident/personal_id.h"

namespace ndc::datagen {
namespace {

namespace fs = std::filesystem;
using Rows = std::vector<std::vector<std::string>>;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// RFC 4180 reader (CRLF rows, quoted fields with doubled quotes); the first row is the header.
Rows ReadCsv(const fs::path& p) {
  const std::string s = ReadAll(p);
  Rows rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
      ++i;
    } else {
      field += c;
    }
  }
  rows.pop_back();  // after the last CRLF
  return rows;
}

fs::path TempDir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("ndc_datagen_test_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(d);
  return d;
}

class GeneratedTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(TempDir("main"));
    GeneratorOptions o;
    o.persons = 30000;
    o.seed = 7;
    o.noise = NoiseLevel::kHigh;
    auto s = Generate(o, dir_->string());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    summary_ = new nlohmann::json(nlohmann::json::parse(ReadAll(*dir_ / "summary.json")));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete summary_;
  }
  static const std::vector<std::string> kDatasets;
  static fs::path* dir_;
  static nlohmann::json* summary_;
};
const std::vector<std::string> GeneratedTest::kDatasets = {"population_registry", "social_insurance", "health_insurance",
                                                           "education", "civil_servants", "tax"};
fs::path* GeneratedTest::dir_ = nullptr;
nlohmann::json* GeneratedTest::summary_ = nullptr;

size_t Col(const Rows& rows, std::string_view name) {
  for (size_t i = 0; i < rows[0].size(); ++i) {
    if (rows[0][i] == name) return i;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

TEST_F(GeneratedTest, WritesEveryFile) {
  for (const auto& d : kDatasets) {
    EXPECT_TRUE(fs::exists(*dir_ / (d + ".csv"))) << d;
    EXPECT_TRUE(fs::exists(*dir_ / (d + ".schema.json"))) << d;
    EXPECT_TRUE(fs::exists(*dir_ / "truth" / (d + ".truth.csv"))) << d;
  }
  auto agencies = nlohmann::json::parse(ReadAll(*dir_ / "agencies.json"));
  EXPECT_EQ(agencies.size(), 5u);
  EXPECT_EQ((*summary_)["persons"], 30000);
}

TEST_F(GeneratedTest, RegistryIdsAreWellFormedUniqueAndAgreeWithBirthAndSex) {
  Rows rows = ReadCsv(*dir_ / "population_registry.csv");
  ASSERT_EQ(rows.size(), 30001u);
  const size_t id = Col(rows, "SO_DINH_DANH"), birth = Col(rows, "NGAY_SINH"), sex = Col(rows, "GIOI_TINH");
  std::set<std::string> seen;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    ident::Date b{std::stoi(r[birth].substr(0, 4)), std::stoi(r[birth].substr(5, 2)), std::stoi(r[birth].substr(8, 2))};
    ident::PersonalIdFacts facts{.birth_date = b, .sex = r[sex] == "Nam" ? ident::Sex::kMale : ident::Sex::kFemale};
    ASSERT_TRUE(ident::ValidatePersonalId(r[id], facts).ok()) << r[id];
    EXPECT_TRUE(seen.insert(r[id]).second) << "duplicate personal ID";
  }
}

TEST_F(GeneratedTest, ParentsSpousesAndHouseholdsAreConsistent) {
  Rows rows = ReadCsv(*dir_ / "population_registry.csv");
  const size_t id = Col(rows, "SO_DINH_DANH"), sex = Col(rows, "GIOI_TINH"), birth = Col(rows, "NGAY_SINH");
  const size_t father = Col(rows, "CHA_SDD"), mother = Col(rows, "ME_SDD"), spouse = Col(rows, "VO_CHONG_SDD");
  const size_t hh = Col(rows, "SO_HO"), rel = Col(rows, "QUAN_HE_CHU_HO");
  std::map<std::string, const std::vector<std::string>*> by_id;
  std::map<std::string, int> heads, members;
  for (size_t i = 1; i < rows.size(); ++i) by_id[rows[i][id]] = &rows[i];
  size_t with_father = 0, with_spouse = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    ++members[r[hh]];
    if (r[rel] == "Chủ hộ") ++heads[r[hh]];
    if (!r[father].empty()) {
      ++with_father;
      ASSERT_TRUE(by_id.count(r[father])) << "father not in the registry";
      EXPECT_EQ((*by_id[r[father]])[sex], "Nam");
      EXPECT_LE(std::stoi((*by_id[r[father]])[birth].substr(0, 4)) + 15, std::stoi(r[birth].substr(0, 4)));
    }
    if (!r[mother].empty()) {
      ASSERT_TRUE(by_id.count(r[mother])) << "mother not in the registry";
      EXPECT_EQ((*by_id[r[mother]])[sex], "Nữ");
      EXPECT_LE(std::stoi((*by_id[r[mother]])[birth].substr(0, 4)) + 15, std::stoi(r[birth].substr(0, 4)));
    }
    if (!r[spouse].empty()) {
      ++with_spouse;
      ASSERT_TRUE(by_id.count(r[spouse])) << "spouse not in the registry";
      EXPECT_EQ((*by_id[r[spouse]])[spouse], r[id]) << "spouse link is not mutual";
      EXPECT_NE((*by_id[r[spouse]])[sex], r[sex]);
      EXPECT_EQ((*by_id[r[spouse]])[hh], r[hh]);
    }
  }
  for (const auto& [h, n] : members) EXPECT_EQ(heads[h], 1) << "household " << h << " with " << n << " members";
  EXPECT_GT(with_father, 5000u);
  EXPECT_GT(with_spouse, 6000u);
}

// Every row of every file goes through the catalog's validation; exactly the rows the truth marks
// invalid (the noise's on-purpose errors) are rejected, and their count is the summary's.
TEST_F(GeneratedTest, EveryRowPassesSchemaValidationExceptThoseMadeInvalidOnPurpose) {
  for (size_t d = 0; d < kDatasets.size(); ++d) {
    const std::string& name = kDatasets[d];
    auto schema = catalog::ParseSchemaFile((*dir_ / (name + ".schema.json")).string());
    ASSERT_TRUE(schema.ok()) << name << ": " << schema.status().ToString();
    auto validator = catalog::RecordValidator::Create(*schema);
    ASSERT_TRUE(validator.ok());
    Rows rows = ReadCsv(*dir_ / (name + ".csv"));
    Rows truth = ReadCsv(*dir_ / "truth" / (name + ".truth.csv"));
    ASSERT_EQ(rows.size(), truth.size()) << name;
    std::vector<size_t> column_of_field;
    for (const auto& f : schema->fields) column_of_field.push_back(Col(rows, f.column));
    ASSERT_EQ(rows[0].size(), schema->fields.size()) << name;
    uint64_t rejected = 0;
    std::set<std::string> keys;
    for (size_t i = 1; i < rows.size(); ++i) {
      std::vector<std::optional<std::string_view>> raw;
      for (size_t c : column_of_field) raw.emplace_back(rows[i][c]);
      catalog::ValidatedRecord out;
      std::vector<catalog::FieldError> errors;
      const bool ok = (*validator)->Validate(raw, &out, &errors);
      const bool invalid = truth[i][5] == "1";
      EXPECT_EQ(ok, !invalid) << name << " row " << i << ": " << (errors.empty() ? "" : errors[0].field + ": " + errors[0].message);
      if (!ok) {
        ++rejected;
        continue;
      }
      EXPECT_EQ(out.source_key, truth[i][0]) << name << " row " << i;
      EXPECT_TRUE(keys.insert(out.source_key).second) << name << ": duplicate source key";
    }
    EXPECT_EQ(rejected, (*summary_)["datasets"][d]["invalid_on_purpose"].get<uint64_t>()) << name;
    if (name != "population_registry" && rows.size() > 2000) {
      EXPECT_GT(rejected, 0u) << name;
    }
  }
}

// Each kind's measured rate (injected / eligible) is within 10 % of the configured rate wherever
// at least 400 errors are expected, per dataset; and the truth files list exactly the injected
// errors the summary counts.
TEST_F(GeneratedTest, NoiseRatesAreWithinTenPercentOfConfigured) {
  size_t checked = 0;
  for (size_t d = 0; d < kDatasets.size(); ++d) {
    const auto& ds = (*summary_)["datasets"][d];
    Rows truth = ReadCsv(*dir_ / "truth" / (kDatasets[d] + ".truth.csv"));
    std::map<std::string, uint64_t> listed;
    for (size_t i = 1; i < truth.size(); ++i) {
      std::stringstream ss(truth[i][4]);
      std::string k;
      while (std::getline(ss, k, ';')) ++listed[k];
    }
    for (auto it = ds["noise"].begin(); it != ds["noise"].end(); ++it) {
      const double rate = it.value()["rate"], eligible = it.value()["eligible"], injected = it.value()["injected"];
      EXPECT_EQ(listed[it.key()], static_cast<uint64_t>(injected)) << kDatasets[d] << " " << it.key();
      if (eligible * rate < 400) continue;
      ++checked;
      EXPECT_NEAR(injected / eligible, rate, rate * 0.1) << kDatasets[d] << " " << it.key();
    }
  }
  EXPECT_GE(checked, 10u);
}

TEST_F(GeneratedTest, TruthAgreesWithTheIdsInTheData) {
  Rows rows = ReadCsv(*dir_ / "social_insurance.csv");
  Rows truth = ReadCsv(*dir_ / "truth" / "social_insurance.truth.csv");
  const size_t id = Col(rows, "Số CCCD");
  std::map<std::string, int> per_person;
  for (size_t i = 1; i < rows.size(); ++i) {
    const std::string& noise = truth[i][4];
    ++per_person[truth[i][1]];
    if (truth[i][3] == "0") {
      EXPECT_EQ(rows[i][id], "");
      EXPECT_EQ(truth[i][2], "");
    } else if (noise.find("missing_id") != std::string::npos) {
      EXPECT_EQ(rows[i][id], "");
    } else if (noise.find("wrong_id_digit") != std::string::npos) {
      EXPECT_NE(rows[i][id], truth[i][2]);
      EXPECT_EQ(rows[i][id].substr(0, 6), truth[i][2].substr(0, 6));
    } else {
      EXPECT_EQ(rows[i][id], truth[i][2]);
    }
  }
  size_t twice = 0;
  for (const auto& [p, n] : per_person) twice += n > 1 ? 1 : 0;
  EXPECT_EQ(twice, (*summary_)["datasets"][1]["noise"]["duplicate"]["injected"].get<uint64_t>());
}

TEST_F(GeneratedTest, DatasetFilesCarryNoTruthColumns) {
  for (const auto& d : kDatasets) {
    Rows rows = ReadCsv(*dir_ / (d + ".csv"));
    for (const auto& h : rows[0]) {
      EXPECT_NE(h, "person_no");
      EXPECT_NE(h, "noise");
    }
  }
}

TEST(Generate, SameSeedGivesByteIdenticalOutput) {
  fs::path a = TempDir("a"), b = TempDir("b");
  GeneratorOptions o;
  o.persons = 3000;
  o.seed = 99;
  ASSERT_TRUE(Generate(o, a.string()).ok());
  ASSERT_TRUE(Generate(o, b.string()).ok());
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(a)) {
    if (!e.is_regular_file()) continue;
    ++files;
    EXPECT_EQ(ReadAll(e.path()), ReadAll(b / fs::relative(e.path(), a))) << e.path();
  }
  EXPECT_EQ(files, 6u * 3 + 2);
  o.seed = 100;
  fs::path c = TempDir("c");
  ASSERT_TRUE(Generate(o, c.string()).ok());
  EXPECT_NE(ReadAll(a / "population_registry.csv"), ReadAll(c / "population_registry.csv"));
  fs::remove_all(a), fs::remove_all(b), fs::remove_all(c);
}

TEST(Generate, ProvinceConfinesResidence) {
  fs::path d = TempDir("province");
  GeneratorOptions o;
  o.persons = 2000;
  o.province = "01";
  ASSERT_TRUE(Generate(o, d.string()).ok());
  Rows rows = ReadCsv(d / "population_registry.csv");
  const size_t c = Col(rows, "THUONG_TRU_MA_XA");
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto* unit = ident::FindCurrentUnit(rows[i][c]);
    ASSERT_NE(unit, nullptr);
    EXPECT_EQ(unit->province_code, "01");
  }
  fs::remove_all(d);
}

TEST(Generate, RejectsBadOptions) {
  fs::path d = TempDir("bad");
  GeneratorOptions o;
  o.persons = 0;
  EXPECT_EQ(Generate(o, d.string()).status().message(), "persons must be between 1 and 200000000");
  o.persons = 10;
  o.province = "99";
  EXPECT_EQ(Generate(o, d.string()).status().message(),
            "unknown province code '99' (expected one of the 34 current province codes)");
  o.province = "";
  o.rates = {{"nope", NoiseKind::kDuplicate, 0.1}};
  EXPECT_EQ(Generate(o, d.string()).status().message(), "unknown dataset 'nope' in a rate override");
  o.rates = {{"tax", NoiseKind::kDuplicate, 1.5}};
  EXPECT_EQ(Generate(o, d.string()).status().message(), "rate 1.5 for tax.duplicate is not in [0, 1]");
  o.rates.clear();
  ASSERT_TRUE(Generate(o, d.string()).ok());
  auto again = Generate(o, d.string());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.status().message(), "output directory '" + d.string() + "' is not empty (use --force to overwrite)");
  o.overwrite = true;
  EXPECT_TRUE(Generate(o, d.string()).ok());
  fs::remove_all(d);
}

TEST(Generate, RateOverrideApplies) {
  fs::path d = TempDir("override");
  GeneratorOptions o;
  o.persons = 3000;
  o.noise = NoiseLevel::kNone;
  o.rates = {{"health_insurance", NoiseKind::kMissingId, 1.0}};
  auto s = Generate(o, d.string());
  ASSERT_TRUE(s.ok());
  const auto& hi = s->datasets[2];
  EXPECT_EQ(hi.id, "health_insurance");
  EXPECT_EQ(hi.counts.injected[0], hi.counts.eligible[0]);
  EXPECT_EQ(s->datasets[1].counts.injected[0], 0u);
  fs::remove_all(d);
}

}  // namespace
}  // namespace ndc::datagen
