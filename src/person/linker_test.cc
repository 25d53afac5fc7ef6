// Hub-mode linking on a real store (person_store_test: SQLite; person_store_pg_test: PostgreSQL):
// authoritative persons, deterministic and probabilistic links, surrogates and merges, deletes,
// survivorship with provenance, discrepancies and idempotent re-runs.
#include "person/linker.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <thread>

#include "catalog/schema.h"
#include "ingest/formats/input.h"
#include "ingest/queries.h"
#include "person/discrepancy_store.h"
#include "person/person_index.h"
#include "person/person_json.h"
#include "person/person_ops.h"
#include "person/person_store.h"
#include "person/review_store.h"
#include "person/testing/person_fixture.h"
#include "store/testing/sqlite_plans.h"
#include "store/testing/test_util.h"

namespace ndc::person {
namespace {

using ingest::BatchMode;
using store::Backend;

class LinkerTest : public PersonHubTest {
 protected:
  void LoadRegistry() {
    Load("population_registry",
         std::string(kAnId) + ",Nguyễn Văn An,1990-02-01,Nam,X1\n" + kBinhId + ",Trần Thị Bình,1985-05-05,Nữ,X2\n");
  }
  // A dataset of records with an old ID number (CMND), "ho_so": ma, ho_ten, ngay_sinh (partial),
  // cmnd, gioi_tinh (M/F mapped, "Nam" not).
  void CreateRecordsWithCmnd() {
    NDC_ASSERT_OK_AND_ASSIGN(catalog::DatasetSchema schema, catalog::ParseSchemaJson(R"({"id": "ho_so",
      "title": "Hồ sơ", "owner": "gdt", "classification": {"data": "other", "personal": "basic"},
      "source_key": ["ma"],
      "fields": [{"name": "ma", "type": "string", "required": true},
                 {"name": "ho_ten", "type": "string", "person": "full_name"},
                 {"name": "ngay_sinh", "type": "date", "partial": true, "person": "birth_date"},
                 {"name": "cmnd", "type": "string", "pattern": "[0-9]{9}", "person": "old_id_number"},
                 {"name": "gioi_tinh", "type": "enum", "values": ["M", "F", "Nam"], "person": "sex",
                  "person_values": {"M": "male", "F": "female"}}]})"));
    NDC_ASSERT_OK(catalog_->CreateDataset(schema).status());
  }
  // Loads `csv` (its header included) into `dataset` and links.
  void LoadWithHeader(const std::string& dataset, const std::string& csv) {
    ingest::BatchRequest req;
    req.dataset_id = dataset;
    req.source = "test";
    req.submitted_by = "operator";
    NDC_ASSERT_OK_AND_ASSIGN(ingest::BatchReport report, ingestor_->Ingest(req, ingest::MemorySource(csv)));
    ASSERT_EQ(report.rejected, 0) << report.message;
    Link();
  }
};

TEST_P(LinkerTest, AuthoritativeRecordsBecomePersonsKeyedByPersonalId) {
  LoadRegistry();
  DatasetLinkReport r = LinkReport("population_registry");
  EXPECT_EQ(r.authority, 2);
  EXPECT_EQ(PersonOf("population_registry", kAnId), kAnId);
  EXPECT_EQ(EventKinds(kAnId), "created linked");
  EXPECT_EQ(Golden(kAnId).at("full_name"), "Nguyễn Văn An");
}

TEST_P(LinkerTest, LateRecordWithoutIdJoinsTheRightPerson) {
  LoadRegistry();
  Link();
  Load("tax", "T1,NGUYEN VAN AN,1990-02-01,,M,0912345678\n");
  DatasetLinkReport r = LinkReport("tax");
  EXPECT_EQ(r.probabilistic, 1);
  EXPECT_EQ(PersonOf("tax", "T1"), kAnId);
  EXPECT_EQ(EventKinds(kAnId), "created linked linked");
}

TEST_P(LinkerTest, RecordWithSameIdLinksDeterministically) {
  LoadRegistry();
  Load("tax", std::string("T1,Nguyễn An,1990-02-01,") + kAnId + ",M,\n");
  std::vector<DatasetLinkReport> r = Link();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].dataset_id, "population_registry");  // the authority runs first
  EXPECT_EQ(r[1].by_id, 1);
  EXPECT_EQ(PersonOf("tax", "T1"), kAnId);
}

// The registry knows only the year some people were born in ("00/00/1990"): a record with the same
// ID and the full date agrees with it, links by ID, and is no birth-date discrepancy; a full date
// of another year is still refused by the ID rule.
TEST_P(LinkerTest, APartialBirthDateInTheRegistryAgreesWithTheFullDate) {
  Load("population_registry", std::string(kAnId) + ",Nguyễn Văn An,00/00/1990,Nam,X1\n");
  NDC_ASSERT_OK_AND_ASSIGN(catalog::DatasetInfo registry, catalog_->GetDataset("population_registry"));
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<ingest::RecordVersion> stored,
                           ingest::CurrentRecord(*db_, registry.schema, kAnId));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(store::ValueText(stored->values[2]), "1990");
  Load("tax", std::string("T1,Nguyễn An,1990-02-01,") + kAnId + ",M,\n");
  std::vector<DatasetLinkReport> r = Link();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].by_id, 1);
  EXPECT_EQ(PersonOf("tax", "T1"), kAnId);
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<DiscrepancyRow> d, ListDiscrepancies(*db_, "tax", {}));
  for (const DiscrepancyRow& row : d) EXPECT_NE(row.attribute, "birth_date") << row.source_value;
  ASSERT_EQ(d.size(), 1u);  // the shorter name is one
  EXPECT_EQ(d[0].attribute, "full_name");
}

// The old 9-digit ID number (CMND) links deterministically (method "rule") only with a birth date
// that agrees and a sex that does not contradict, and only to the one person who holds it: old
// numbers were reissued and are not unique nationwide. Before 2026-12-01 a record with a CMND and
// neither birth date nor sex was linked on the CMND alone.
TEST_P(LinkerTest, AnOldIdNumberLinksOnlyWithAnAgreeingBirthDateAndOnlyOnePerson) {
  CreateRecordsWithCmnd();
  auto load = [&](const std::string& rows) { LoadWithHeader("ho_so", "ma,ho_ten,ngay_sinh,cmnd,gioi_tinh\n" + rows); };
  auto method = [&](const char* key) {
    Result<std::optional<person::Link>> link = GetLink(*db_, "ho_so", key);
    EXPECT_TRUE(link.ok() && link->has_value()) << key;
    return link.ok() && link->has_value() ? (*link)->method : std::string();
  };
  load("H1,Lê Văn Cường,1970-03-04,123456789,M\n"
       "H2,Phạm Thu,,123456789,\n"                 // neither birth date nor sex
       "H3,Lê V. Cường,1970,123456789,Nam\n"        // the year agrees; "Nam" is the person's "male"
       "H4,Trần Thị Dung,1970-03-04,987654321,F\n");  // another person
  const std::string first = PersonOf("ho_so", "H1");
  ASSERT_FALSE(first.empty());
  EXPECT_NE(method("H2"), "rule") << "no birth date: the CMND alone decides nothing";
  EXPECT_NE(PersonOf("ho_so", "H2"), first) << "nor does the engine's own rule on it (review of 2026-12-01)";
  EXPECT_EQ(method("H3"), "rule");
  EXPECT_EQ(PersonOf("ho_so", "H3"), first);
  const std::string fourth = PersonOf("ho_so", "H4");
  ASSERT_FALSE(fourth.empty());
  ASSERT_NE(fourth, first);
  // The other person's source corrects its CMND to the same number: two persons born that day
  // now hold it, so a record with it and that birth date (no sex) is no longer the rule's.
  load("H4,Trần Thị Dung,1970-03-04,123456789,F\n");
  ASSERT_EQ(PersonOf("ho_so", "H4"), fourth);
  ASSERT_EQ(Golden(fourth).at("old_id_number"), "123456789");
  load("H5,Lê Thị Ngọc,1970-03-04,123456789,\n");
  EXPECT_NE(method("H5"), "rule") << "two persons hold the CMND with that birth date: ambiguous";
}

// A registry record does not merge a surrogate on a shared CMND alone either (the engine's own
// CMND rule, which takes a missing birth date and sex as consistent, merged it before
// 2026-12-01): the surrogate of a record with the CMND and nothing else stays its own person.
TEST_P(LinkerTest, ARegistryRecordDoesNotMergeASurrogateOnItsCmndAlone) {
  catalog::DatasetSchema registry = catalog_->GetDataset("population_registry")->schema;
  registry.fields.push_back(
      catalog::FieldSpec{.name = "cmnd", .column = "CMND", .type = catalog::FieldType::kString, .person = "old_id_number"});
  NDC_ASSERT_OK(catalog_->UpdateSchema(registry).status());
  CreateRecordsWithCmnd();
  LoadWithHeader("ho_so", "ma,ho_ten,ngay_sinh,cmnd,gioi_tinh\nH9,Phạm Thu,,123456789,\n");
  const std::string surrogate = PersonOf("ho_so", "H9");
  ASSERT_EQ(surrogate.front(), 'S');
  LoadWithHeader("population_registry",
                 "SO,HO_TEN,NGAY_SINH,GIOI_TINH,XA,CMND\n" + std::string(kAnId) + ",Nguyễn Văn An,1990-02-01,Nam,X1,123456789\n");
  EXPECT_EQ(PersonOf("ho_so", "H9"), surrogate) << "merged into the registry person on the CMND alone";
  EXPECT_EQ(EventKinds(kAnId).find("merged"), std::string::npos) << EventKinds(kAnId);
}

TEST_P(LinkerTest, WrongIdDigitLinksByNameAndBirthDateAndYieldsAnIdDiscrepancy) {
  LoadRegistry();
  Load("tax", "T1,Nguyễn Văn An,1990-02-01,001090000007,M,\n");
  EXPECT_EQ(LinkReport("tax").probabilistic, 1);
  EXPECT_EQ(PersonOf("tax", "T1"), kAnId);
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<DiscrepancyRow> d, ListDiscrepancies(*db_, "tax", {}));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].attribute, "personal_id");
  EXPECT_EQ(d[0].source_value, "001090000007");
  EXPECT_EQ(d[0].authoritative_value, kAnId);
  EXPECT_EQ(d[0].person_key, kAnId);
}

TEST_P(LinkerTest, CorrectedSourceResolvesItsDiscrepancy) {
  LoadRegistry();
  Load("tax", "T1,Nguyễn Văn An,1990-01-02,,M,\n");  // day and month swapped
  Link();
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<DiscrepancyRow> open, ListDiscrepancies(*db_, "tax", {}));
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].attribute, "birth_date");
  Load("tax", "T1,Nguyễn Văn An,1990-02-01,,M,\n");
  Link();
  NDC_ASSERT_OK_AND_ASSIGN(open, ListDiscrepancies(*db_, "tax", {}));
  EXPECT_TRUE(open.empty());
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<DiscrepancyRow> all,
                           ListDiscrepancies(*db_, "tax", {.include_resolved = true}));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(all[0].resolved_at.has_value());
}

// Pages continue after (record key, attribute) in that order, with or without the resolved
// discrepancies, however many resolved ones lie between open ones.
TEST_P(LinkerTest, DiscrepanciesPageInKeyOrderWithOrWithoutTheResolvedOnes) {
  const std::vector<Disagreement> both = {{"birth_date", "1990-01-02", "1990-02-01"}, {"sex", "F", "M"}};
  std::vector<std::pair<std::string, std::string>> open, all;
  for (int i = 0; i < 9; ++i) {
    const std::string key = "T" + std::to_string(i);
    NDC_ASSERT_OK(SyncDiscrepancies(*db_, "tax", key, kAnId, both, 1).status());
    all.insert(all.end(), {{key, "birth_date"}, {key, "sex"}});
    if (i % 3 == 0) {
      open.insert(open.end(), {{key, "birth_date"}, {key, "sex"}});
    } else if (i % 3 == 1) {
      NDC_ASSERT_OK(SyncDiscrepancies(*db_, "tax", key, kAnId, {both[1]}, 2).status());  // birth date fixed
      open.push_back({key, "sex"});
    } else {
      NDC_ASSERT_OK(SyncDiscrepancies(*db_, "tax", key, kAnId, {}, 2).status());  // both fixed
    }
  }
  for (const bool include_resolved : {false, true}) {
    std::vector<std::pair<std::string, std::string>> seen;
    DiscrepancyPage page{.limit = 2, .include_resolved = include_resolved};
    for (int pages = 0; pages < 20; ++pages) {
      NDC_ASSERT_OK_AND_ASSIGN(std::vector<DiscrepancyRow> rows, ListDiscrepancies(*db_, "tax", page));
      if (rows.empty()) break;
      EXPECT_LE(rows.size(), 2u);
      for (const auto& r : rows) {
        seen.push_back({r.record_key, r.attribute});
        EXPECT_EQ(r.resolved_at.has_value() && !include_resolved, false) << r.record_key << " " << r.attribute;
      }
      page.after_record = rows.back().record_key;
      page.after_attribute = rows.back().attribute;
    }
    EXPECT_EQ(seen, include_resolved ? all : open);
  }
}

TEST_P(LinkerTest, UnmatchedRecordFoundsASurrogateThatALaterRegistryRecordAbsorbs) {
  Load("tax", std::string("T1,Nguyễn Văn An,1990-02-01,") + kAnId + ",M,\nT2,Nguyễn Văn An,1990-02-01,,M,\n");
  Link();
  const std::string s = PersonOf("tax", "T1");
  ASSERT_EQ(s.size(), 17u);
  EXPECT_EQ(s[0], 'S');
  EXPECT_EQ(PersonOf("tax", "T2"), s);  // the second record matched the first one's surrogate
  LoadRegistry();
  EXPECT_EQ(LinkReport("population_registry").merged, 1);
  EXPECT_EQ(PersonOf("tax", "T1"), kAnId);
  EXPECT_EQ(PersonOf("tax", "T2"), kAnId);
  EXPECT_EQ(EventKinds(s), "created linked linked merged");
  EXPECT_EQ(EventKinds(kAnId), "created linked merged");
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<std::string> resolved, ResolvePerson(*db_, s));
  EXPECT_EQ(resolved, kAnId);
  // The data endpoints' one-statement form follows the merge too and lists the survivor's
  // records in (dataset, record key) order with each dataset's current schema version.
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<ResolvedPerson> linked, ResolveLinked(*db_, s));
  ASSERT_TRUE(linked.has_value());
  EXPECT_EQ(linked->key, kAnId);
  std::string listed;
  for (const LinkedRecord& r : linked->records) {
    listed += r.dataset_id + "/" + r.record_key + "@" + std::to_string(r.dataset_version) + " ";
  }
  EXPECT_EQ(listed, std::string("population_registry/") + kAnId + "@1 tax/T1@1 tax/T2@1 ");
  NDC_ASSERT_OK_AND_ASSIGN(linked, ResolveLinked(*db_, "000000000000"));
  EXPECT_FALSE(linked.has_value());
}

// What the authority's records are scored and trained against: surrogates alone, never the
// registry persons that are those very records (a model trained on pairs of a record with itself
// learns that persons never differ).
TEST_P(LinkerTest, TheAuthorityIsScoredAgainstSurrogatesAlone) {
  LoadRegistry();
  Load("tax", "T3,Lê Văn Cường,1970-03-03,,M,\n");
  Link();
  const std::string s = PersonOf("tax", "T3");
  ASSERT_EQ(s[0], 'S');
  NDC_ASSERT_OK_AND_ASSIGN(link::RecordTable all, LoadPersonTable(*db_, TestSettings()));
  EXPECT_EQ(all.size(), 3u);  // An, Bình and the surrogate
  NDC_ASSERT_OK_AND_ASSIGN(link::RecordTable surrogates,
                           LoadPersonTable(*db_, TestSettings(), {}, nullptr, /*surrogates_only=*/true));
  ASSERT_EQ(surrogates.size(), 1u);
  EXPECT_EQ(surrogates.id(0), s);
}

// What a dataset's model is not trained on: its records that the persons' golden values come
// from (a surrogate it founded), which against the person table would be pairs of a record with
// itself. A record linked to a registry person, or not linked, is kept.
TEST_P(LinkerTest, RecordsBehindTheirSurrogatesAreTheSourcesOfTheirGoldenValues) {
  LoadRegistry();
  Load("tax", std::string("T1,Nguyễn Văn An,1990-02-01,") + kAnId + ",M,\nT3,Lê Văn Cường,1970-03-03,,M,\n");
  Link();
  ASSERT_EQ(PersonOf("tax", "T1"), kAnId);
  ASSERT_EQ(PersonOf("tax", "T3")[0], 'S');
  NDC_ASSERT_OK_AND_ASSIGN(std::set<std::string> behind,
                           RecordsBehindTheirSurrogates(*db_, "tax", {"T1", "T3", "T9"}));
  EXPECT_EQ(behind, (std::set<std::string>{"T3"}));
  NDC_ASSERT_OK_AND_ASSIGN(std::set<std::string> none, RecordsBehindTheirSurrogates(*db_, "tax", {}));
  EXPECT_TRUE(none.empty());
}

// A run that trains a dataset's model leaves out the dataset's records behind the surrogates
// they founded (and says how many); the registry's records behind their registry persons stay.
TEST_P(LinkerTest, TrainingLeavesOutTheRecordsBehindTheirOwnSurrogates) {
  LoadRegistry();
  Load("tax", std::string("T1,Nguyễn Văn An,1990-02-01,") + kAnId + ",M,\nT3,Lê Văn Cường,1970-03-03,,M,\n");
  Link();  // with the given model: T3 founds a surrogate
  ASSERT_EQ(PersonOf("tax", "T3")[0], 'S');
  Load("tax", "T4,Phạm Minh Đức,1966-06-06,,M,\nT5,Đỗ Thị Hoa,1975-05-05,,F,\n");
  clock_.Advance(1000000);
  LinkerOptions options;
  options.settings = TestSettings();
  options.threads = 1;  // no model given: the tax run trains one
  Linker linker(db_.get(), catalog_.get(), &clock_, &random_, options);
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<DatasetLinkReport> reports, linker.Run({}));
  std::string model;
  for (const auto& r : reports) {
    if (r.dataset_id == "tax") model = r.model;
  }
  EXPECT_NE(model.find("1 records left out as the sources of surrogates they founded"), std::string::npos) << model;
}

// A surrogate whose only record moves to another person (the record was corrected to carry a
// registry ID) was that record's person: it joins it, and what refers to it follows (a citizen's
// key bound to it found nothing before; review of 2026-12-03).
TEST_P(LinkerTest, ASurrogateWhoseOnlyRecordMovesJoinsThatRecordsPerson) {
  Load("tax", "T1,Lê Văn Cường,1970-03-03,,M,\n");
  Link();
  const std::string s = PersonOf("tax", "T1");
  ASSERT_EQ(s[0], 'S');
  LoadRegistry();
  Link();
  ASSERT_EQ(PersonOf("tax", "T1"), s);  // nobody in the registry is Cường
  Load("tax", std::string("T1,Nguyễn Văn An,1990-02-01,") + kAnId + ",M,\n");
  EXPECT_EQ(LinkReport("tax").merged, 1);
  EXPECT_EQ(PersonOf("tax", "T1"), kAnId);
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<Person> was, GetPerson(*db_, s));
  ASSERT_TRUE(was.has_value());
  EXPECT_EQ(was->status, "merged");
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<std::string> resolved, ResolvePerson(*db_, s));
  EXPECT_EQ(resolved, kAnId);
  EXPECT_EQ(EventKinds(s), "created linked merged");
  // An operator who splits the record off An gives it back to the surrogate, with what followed
  // it (merged first, the record came with the surrogate: a split undoes that merge).
  {
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::Transaction> tx, db_->Begin());
    OpsContext octx{clock_.NowMicros(), "population_registry", {"population_registry"}, &random_};
    PersonOps ops(tx.get(), &octx);
    NDC_ASSERT_OK_AND_ASSIGN(std::string back, ops.Split("tax", "T1", "test: not An", kAnId));
    EXPECT_EQ(back, s);
    NDC_ASSERT_OK(tx->Commit());
  }
  EXPECT_EQ(PersonOf("tax", "T1"), s);
  NDC_ASSERT_OK_AND_ASSIGN(resolved, ResolvePerson(*db_, s));
  EXPECT_EQ(resolved, s);
}

// `ndc serve` audits each dataset's linking in Run's callback: it sees each report as soon as that
// dataset is linked, before the next dataset starts (review of 2026-12-03).
TEST_P(LinkerTest, RunHandsOverEachDatasetsReportBeforeTheNextDatasetIsLinked) {
  LoadRegistry();
  Load("tax", std::string("T1,Nguyễn Văn An,1990-02-01,") + kAnId + ",M,\n");
  clock_.Advance(1000000);
  LinkerOptions options;
  options.settings = TestSettings();
  options.model = TestModel();
  options.threads = 1;
  Linker linker(db_.get(), catalog_.get(), &clock_, &random_, options);
  std::vector<std::string> seen;
  std::vector<int64_t> tax_cursor_then;
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<DatasetLinkReport> reports,
                           linker.Run({}, nullptr, [&](const DatasetLinkReport& r) {
                             seen.push_back(r.dataset_id);
                             Result<int64_t> cursor = GetCursor(*db_, "tax", "0/1");
                             tax_cursor_then.push_back(cursor.value_or(-1));
                           }));
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(seen, (std::vector<std::string>{"population_registry", "tax"}));
  ASSERT_EQ(tax_cursor_then.size(), 2u);
  EXPECT_EQ(tax_cursor_then[0], 0);  // the registry's report came before the tax records were linked
  EXPECT_GT(tax_cursor_then[1], 0);
}

TEST_P(LinkerTest, ADatasetThatFailsPartwayHandsOverWhatItCommitted) {
  LoadRegistry();
  Link();
  Load("tax", std::string("T1,Nguyễn Văn An,1990-02-01,") + kAnId + ",M,\nT2,Trần Thị Bình,1985-05-05," + kBinhId +
                  ",F,\n");
  // The store refuses T2's link: the second chunk (one record each) fails after the first committed.
  if (GetParam() == Backend::kSqlite) {
    NDC_ASSERT_OK(db_->ExecScript("CREATE TRIGGER refuse_t2 BEFORE INSERT ON person_links "
                                  "WHEN NEW.record_key = 'T2' BEGIN SELECT RAISE(ABORT, 'T2 refused'); END"));
  } else {
    NDC_ASSERT_OK(db_->ExecScript(
        "CREATE FUNCTION refuse_t2() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.record_key = 'T2' THEN RAISE EXCEPTION 'T2 refused'; END IF; RETURN NEW; END $$; "
        "CREATE TRIGGER refuse_t2 BEFORE INSERT ON person_links FOR EACH ROW EXECUTE FUNCTION refuse_t2()"));
  }
  LinkerOptions options;
  options.settings = TestSettings();
  options.model = TestModel();
  options.chunk_records = 1;
  Linker linker(db_.get(), catalog_.get(), &clock_, &random_, options);
  std::vector<DatasetLinkReport> seen;
  Result<std::vector<DatasetLinkReport>> run =
      linker.Run({"tax"}, nullptr, [&](const DatasetLinkReport& r) { seen.push_back(r); });
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("T2 refused"), std::string_view::npos) << run.status().ToString();
  EXPECT_EQ(PersonOf("tax", "T1"), kAnId);
  EXPECT_EQ(PersonOf("tax", "T2"), "");
  // The committed chunk is handed over, so that it is audited.
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].dataset_id, "tax");
  EXPECT_EQ(seen[0].records, 1);
  EXPECT_EQ(seen[0].by_id, 1);
  NDC_ASSERT_OK_AND_ASSIGN(int64_t cursor, GetCursor(*db_, "tax", "0/1"));
  EXPECT_EQ(seen[0].from_seq, 0);
  EXPECT_EQ(seen[0].to_seq, cursor);
  EXPECT_GT(cursor, 0);
  EXPECT_NE(seen[0].failed.find("T2 refused"), std::string::npos) << seen[0].failed;
  EXPECT_EQ(LinkReportJson(seen[0]).value("failed", ""), seen[0].failed);
  // Once the store takes it, the next run goes on from there.
  NDC_ASSERT_OK(db_->ExecScript("DROP TRIGGER refuse_t2" +
                                std::string(GetParam() == Backend::kSqlite ? "" : " ON person_links")));
  seen.clear();
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<DatasetLinkReport> again,
                           linker.Run({"tax"}, nullptr, [&](const DatasetLinkReport& r) { seen.push_back(r); }));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].from_seq, cursor);
  EXPECT_EQ(again[0].records, 1);
  EXPECT_TRUE(again[0].failed.empty());
  EXPECT_FALSE(LinkReportJson(again[0]).contains("failed"));
  EXPECT_EQ(PersonOf("tax", "T2"), kBinhId);
  ASSERT_EQ(seen.size(), 1u);
}

TEST_P(LinkerTest, ResolveLinkedListsAPersonWithoutLinksAndSeesNewSchemaVersions) {
  NDC_ASSERT_OK(CreatePerson(*db_, "S0000000000000001", "surrogate", 1).status());
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<ResolvedPerson> bare, ResolveLinked(*db_, "S0000000000000001"));
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->key, "S0000000000000001");
  EXPECT_TRUE(bare->records.empty());
  LoadRegistry();
  Link();
  NDC_ASSERT_OK_AND_ASSIGN(catalog::DatasetInfo info, catalog_->GetDataset("population_registry"));
  catalog::DatasetSchema next = info.schema;
  next.fields.push_back(catalog::FieldSpec{.name = "ghi_chu", .column = "GHI_CHU", .type = catalog::FieldType::kString});
  NDC_ASSERT_OK(catalog_->UpdateSchema(next).status());
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<ResolvedPerson> an, ResolveLinked(*db_, kAnId));
  ASSERT_TRUE(an.has_value());
  ASSERT_EQ(an->records.size(), 1u);
  EXPECT_EQ(an->records[0].dataset_version, 2);
}

TEST_P(LinkerTest, SurrogateWithoutIdIsMergedProbabilistically) {
  Load("tax", "T1,Trần Thị Bình,1985-05-05,,F,\n");
  Link();
  const std::string s = PersonOf("tax", "T1");
  LoadRegistry();
  EXPECT_EQ(LinkReport("population_registry").merged, 1);
  EXPECT_EQ(PersonOf("tax", "T1"), kBinhId);
  EXPECT_NE(EventKinds(s).find("merged"), std::string::npos);
}

TEST_P(LinkerTest, BetweenThresholdsTheRecordWaitsInTheReviewQueue) {
  LoadRegistry();
  Load("tax", "T1,Nguyễn Văn An,1990-07-20,,M,\n");  // same name and year, other day
  EXPECT_EQ(LinkReport("tax").queued, 1);
  EXPECT_EQ(PersonOf("tax", "T1"), "");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_review WHERE status = 'pending' AND person_key = '" +
                  std::string(kAnId) + "'"),
            1);
}

// A linked record whose change leaves its own person the best candidate, but only between the
// thresholds, stays with that person and goes to an operator — not to a new surrogate, which
// would take it (and every record matching it later) away from its person unseen.
TEST_P(LinkerTest, ALinkedRecordThatBecomesUncertainStaysWithItsPersonForReview) {
  LoadRegistry();
  Load("tax", "T1,Nguyễn Văn An,1990-02-01,,M,\n");
  Link();
  ASSERT_EQ(PersonOf("tax", "T1"), kAnId);
  Load("tax", "T1,Nguyễn Văn An,1990-07-20,,M,\n");  // same name and year, other day: between
  DatasetLinkReport r = LinkReport("tax");
  EXPECT_EQ(r.queued, 1);
  EXPECT_EQ(r.new_persons, 0);
  EXPECT_EQ(PersonOf("tax", "T1"), kAnId);
  EXPECT_EQ(Golden(kAnId).at("birth_date"), "1990-02-01");  // the registry's, still
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_review WHERE status = 'pending' AND record_key = 'T1' AND "
                  "person_key = '" + std::string(kAnId) + "'"),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM persons WHERE kind = 'surrogate'"), 0);
}

TEST_P(LinkerTest, DeletedRecordIsUnlinked) {
  LoadRegistry();
  Load("tax", std::string("T1,Nguyễn Văn An,1990-02-01,") + kAnId + ",M,0912\n");
  Link();
  EXPECT_EQ(Golden(kAnId).at("phone"), "0912");
  Load("tax", "T1,,,,,\n", BatchMode::kDelete);
  EXPECT_EQ(LinkReport("tax").unlinked, 1);
  EXPECT_EQ(PersonOf("tax", "T1"), "");
  EXPECT_EQ(EventKinds(kAnId), "created linked linked unlinked");
  EXPECT_FALSE(Golden(kAnId).contains("phone"));
}

TEST_P(LinkerTest, SurvivorshipPrefersTheRegistryThenRecencyWithProvenance) {
  LoadRegistry();
  Load("tax", std::string("T1,Nguyen Van An,1990-02-01,") + kAnId + ",M,0911\n");
  Link();
  Load("tax", std::string("T2,Nguyen V. An,1990-02-01,") + kAnId + ",M,0922\n");
  Link();
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<GoldenValue> g, GetGolden(*db_, kAnId));
  std::map<std::string, GoldenValue> by;
  for (const auto& v : g) by[v.attribute] = v;
  EXPECT_EQ(by.at("full_name").value, "Nguyễn Văn An");
  EXPECT_EQ(by.at("full_name").dataset_id, "population_registry");
  EXPECT_EQ(by.at("full_name").record_key, kAnId);
  EXPECT_EQ(by.at("phone").value, "0922");  // the newer tax record
  EXPECT_EQ(by.at("phone").record_key, "T2");
}

TEST_P(LinkerTest, SourcePrioritySettingFollowsTheAuthority) {
  NDC_ASSERT_OK(PutPersonSetting(*db_, kPrioritySetting, "tax", 1));
  NDC_ASSERT_OK_AND_ASSIGN(LinkPolicy policy, LoadLinkPolicy(*db_));
  EXPECT_EQ(policy.authority, "population_registry");
  EXPECT_EQ(policy.priority, (std::vector<std::string>{"population_registry", "tax"}));
}

TEST_P(LinkerTest, RerunWithoutNewEventsChangesNothing) {
  LoadRegistry();
  Load("tax", "T1,Nguyễn Văn An,1990-02-01,001090000007,M,\nT2,Lê Văn Cường,1970-03-03,,M,\n");
  Link();
  const int64_t events = Count("SELECT COUNT(*) FROM person_events");
  const int64_t persons = Count("SELECT COUNT(*) FROM persons");
  const int64_t links = Count("SELECT COUNT(*) FROM person_links");
  for (const auto& r : Link()) {
    EXPECT_EQ(r.records, 0) << r.dataset_id;
    EXPECT_EQ(r.from_seq, r.to_seq) << r.dataset_id;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_events"), events);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM persons"), persons);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_links"), links);
  EXPECT_EQ(persons, 3);  // An, Bình and a surrogate for Cường
}

TEST_P(LinkerTest, PartitionsTogetherLinkEveryRecordOnce) {
  LoadRegistry();
  std::string rows;
  for (int i = 0; i < 20; ++i) {  // distinct birth years: no two records are candidates
    rows += "T" + std::to_string(i) + ",Người Số " + std::to_string(i) + "," + std::to_string(1950 + i) + "-01-01,,M,\n";
  }
  Load("tax", rows);
  int64_t total = 0;
  for (int part = 0; part < 3; ++part) {
    LinkerOptions options;
    options.settings = TestSettings();
    options.model = TestModel();
    options.partition = Partition{part, 3};
    Linker linker(db_.get(), catalog_.get(), &clock_, &random_, options);
    NDC_ASSERT_OK_AND_ASSIGN(std::vector<DatasetLinkReport> r, linker.Run({"tax"}));
    total += r.at(0).records;
  }
  EXPECT_EQ(total, 20);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_links WHERE dataset_id = 'tax'"), 20);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_link_cursors WHERE dataset_id = 'tax'"), 3);
}

// Every `ndc serve` runs the unpartitioned linker each minute: two nodes linking the same records
// at once take turns chunk by chunk, so each record founds one person, not one per node (on
// PostgreSQL one node's new person used to stay behind with no record).
TEST_P(LinkerTest, TwoRunsOfOnePartitionAtOnceFoundOnePersonPerRecord) {
  std::string rows;
  for (int i = 0; i < 40; ++i) {  // distinct birth years: no two records are candidates
    rows += "T" + std::to_string(i) + ",Người Số " + std::to_string(i) + "," + std::to_string(1940 + i) + "-01-01,,M,\n";
  }
  Load("tax", rows);
  std::vector<Status> results(2);
  std::vector<int64_t> linked(2, 0);
  std::vector<std::thread> nodes;
  for (int n = 0; n < 2; ++n) {
    nodes.emplace_back([&, n] {
      SeededRandom random(100 + n);
      LinkerOptions options;
      options.settings = TestSettings();
      options.model = TestModel();
      options.chunk_records = 4;
      Linker linker(db_.get(), catalog_.get(), &clock_, &random, options);
      Result<std::vector<DatasetLinkReport>> r = linker.Run({"tax"});
      results[n] = r.status();
      if (r.ok()) linked[n] = r->at(0).new_persons;
    });
  }
  for (std::thread& t : nodes) t.join();
  NDC_ASSERT_OK(results[0]);
  NDC_ASSERT_OK(results[1]);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_links WHERE dataset_id = 'tax'"), 40);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM persons WHERE status = 'active'"), 40)
      << "one person per record (the two runs founded " << linked[0] << " and " << linked[1] << ")";
  EXPECT_EQ(linked[0] + linked[1], 40);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM persons p WHERE NOT EXISTS (SELECT 1 FROM person_links l "
                  "WHERE l.person_key = p.person_key)"),
            0)
      << "no person without a record";
  EXPECT_EQ(Count("SELECT last_seq FROM person_link_cursors WHERE dataset_id = 'tax' AND part = '0/1'"), 40);
}

// A run overtaken on a dataset leaves the datasets after it to the run that overtook it: linked
// now, before the other run has linked the authority, their records would found persons the
// registry's records define. Run A links the registry one record a chunk; after its first chunk,
// run B links the whole registry; A then finds the cursor moved and must not go on to tax.
TEST_P(LinkerTest, AnOvertakenRunLeavesTheLaterDatasetsToTheOtherRun) {
  LoadRegistry();
  Load("tax", "T1,Nguyễn Văn An,1990-02-01,,M,\n");
  LinkerOptions options;
  options.settings = TestSettings();
  options.model = TestModel();
  options.chunk_records = 1;
  Linker a(db_.get(), catalog_.get(), &clock_, &random_, options);
  bool overtook = false;
  Status b_status;
  auto progress = [&](const LinkProgressInfo& info) {
    if (overtook || info.dataset_id != "population_registry" || info.stage != std::string("link") ||
        info.records < 1) {
      return;
    }
    overtook = true;
    SeededRandom random(7);
    Linker b(db_.get(), catalog_.get(), &clock_, &random, options);
    b_status = b.Run({"population_registry"}).status();
  };
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<DatasetLinkReport> reports, a.Run({}, progress));
  ASSERT_TRUE(overtook);
  NDC_ASSERT_OK(b_status);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].dataset_id, "population_registry");
  EXPECT_TRUE(reports[0].overtaken);
  EXPECT_EQ(reports[1].dataset_id, "tax");  // left, and said so
  EXPECT_TRUE(reports[1].overtaken);
  EXPECT_EQ(reports[1].records, 0);
  EXPECT_EQ(reports[1].to_seq, reports[1].from_seq);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_links WHERE dataset_id = 'tax'"), 0);
  // The next run links tax against the registry's persons.
  Link();
  EXPECT_EQ(PersonOf("tax", "T1"), kAnId);
}

// A dataset whose records a batch holds locked past the store's wait is left for a later run, and
// the datasets after it are still linked where the store lets them be (PostgreSQL locks rows;
// SQLite has one write lock, so there the other dataset waits too) — review of 2026-12-01: one
// long batch stopped all linking, on every node, for as long as it ran.
TEST_P(LinkerTest, ABusyDatasetIsLeftAndTheOthersAreStillLinked) {
  LoadRegistry();
  Link();
  NDC_ASSERT_OK_AND_ASSIGN(catalog::DatasetSchema held_schema, catalog::ParseSchemaJson(R"({"id": "a_held",
    "title": "Held", "owner": "gdt", "classification": {"data": "important", "personal": "basic"},
    "source_key": ["ma"], "fields": [{"name": "ma", "column": "MA", "type": "string", "required": true},
    {"name": "so_cccd", "column": "SO_CCCD", "type": "personal_id", "person": "personal_id"}]})"));
  NDC_ASSERT_OK(catalog_->CreateDataset(held_schema).status());
  ingest::BatchRequest req{.dataset_id = "a_held", .source = "test", .submitted_by = "operator"};
  NDC_ASSERT_OK(ingestor_->Ingest(req, ingest::MemorySource(std::string("MA,SO_CCCD\nH1,") + kAnId + "\n")).status());
  Load("tax", "T1,Nguyễn Văn An,1990-02-01,,M,\n");
  store::OpenOptions quick;
  quick.statement_timeout_ms = 300;
  quick.busy_timeout_ms = 300;
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::Database> quick_db, store::Open(db_->url(), quick));
  catalog::Catalog quick_catalog(quick_db.get(), &clock_);
  LinkerOptions options;
  options.settings = TestSettings();
  options.model = TestModel();
  Linker linker(quick_db.get(), &quick_catalog, &clock_, &random_, options);
  if (GetParam() == store::Backend::kPostgres) {
    // Another run of the partition holding a_held's turn is not a busy dataset: this run leaves
    // a_held and every dataset after it to that run (overtaken), as when that run moved the cursor.
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::Transaction> other_run, db_->Begin());
    NDC_ASSERT_OK(store::SerializeOn(*other_run, "person.link:a_held:" + options.partition.Name()));
    NDC_ASSERT_OK_AND_ASSIGN(std::vector<DatasetLinkReport> left, linker.Run({}));
    ASSERT_EQ(left.size(), 3u);
    EXPECT_TRUE(left[1].overtaken);
    EXPECT_FALSE(left[1].busy);
    EXPECT_EQ(left[2].model, kLeftAfterOvertaken);
    EXPECT_EQ(PersonOf("tax", "T1"), "");
  }
  Result<std::vector<DatasetLinkReport>> run = InternalError("not run");
  {
    // A batch on a_held, in progress: its rows locked (on SQLite, the one write lock taken).
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::Transaction> batch, db_->Begin());
    NDC_ASSERT_OK(batch->Exec("UPDATE ds_a_held SET _version = _version").status());
    run = linker.Run({});
  }
  EXPECT_EQ(PersonOf("a_held", "H1"), "");
  if (GetParam() == store::Backend::kPostgres) {
    NDC_ASSERT_OK(run.status());
    const std::vector<DatasetLinkReport>& reports = *run;
    ASSERT_EQ(reports.size(), 3u);
    EXPECT_EQ(reports[1].dataset_id, "a_held");
    EXPECT_TRUE(reports[1].busy);
    EXPECT_NE(reports[1].model.find("busy"), std::string::npos) << reports[1].model;
    EXPECT_EQ(reports[2].dataset_id, "tax");
    EXPECT_FALSE(reports[2].busy);
    EXPECT_EQ(PersonOf("tax", "T1"), kAnId);
  } else {
    // SQLite: the held write lock is the whole store's, and any writer's — another run's too —
    // so the run fails as a whole, to be run again.
    EXPECT_EQ(run.status().code(), StatusCode::kAborted) << run.status().ToString();
  }
  // Once the batch is done, the next run links what was left.
  Link();
  EXPECT_EQ(PersonOf("a_held", "H1"), kAnId);
  EXPECT_EQ(PersonOf("tax", "T1"), kAnId);
}

// Nothing to link a record by, no person: a dataset with no field mapped to a person attribute is
// not linked, and a record whose person fields are all empty founds no person — each used to
// found an empty surrogate — and one that empties them is unlinked.
TEST_P(LinkerTest, RecordsAboutNoOneFoundNoPerson) {
  LoadRegistry();
  NDC_ASSERT_OK_AND_ASSIGN(catalog::DatasetSchema prices, catalog::ParseSchemaJson(R"({"id": "prices",
    "title": "Giá", "owner": "gdt", "classification": {"data": "other", "personal": "none"}, "source_key": ["ma"],
    "fields": [{"name": "ma", "column": "MA", "type": "string", "required": true},
               {"name": "gia", "column": "GIA", "type": "integer"}]})"));
  NDC_ASSERT_OK(catalog_->CreateDataset(prices).status());
  ingest::BatchRequest req{.dataset_id = "prices", .source = "test", .submitted_by = "operator"};
  NDC_ASSERT_OK_AND_ASSIGN(ingest::BatchReport loaded,
                           ingestor_->Ingest(req, ingest::MemorySource("MA,GIA\nP1,100\nP2,200\n")));
  ASSERT_EQ(loaded.inserted, 2);
  {  // P1 linked from before (an empty surrogate founded by an earlier version): it is unlinked
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::Transaction> tx, db_->Begin());
    OpsContext octx{clock_.NowMicros(), "population_registry", {"population_registry"}, &random_};
    PersonOps ops(tx.get(), &octx);
    NDC_ASSERT_OK_AND_ASSIGN(std::string s, ops.NewSurrogate("test: as an earlier version founded"));
    NDC_ASSERT_OK(ops.Attach("prices", RecordState{0, "P1", false, clock_.NowMicros(), {}}, s, "new", std::nullopt));
    NDC_ASSERT_OK(tx->Commit());
  }
  ASSERT_EQ(Count("SELECT COUNT(*) FROM person_links WHERE dataset_id = 'prices'"), 1);
  Load("tax", "T1,Nguyễn Văn An,1990-02-01,,M,\nT9,,,,,\n");
  DatasetLinkReport not_linked;
  for (const auto& r : Link()) {
    if (r.dataset_id == "prices") not_linked = r;
  }
  EXPECT_EQ(not_linked.dataset_id, "prices");
  EXPECT_EQ(not_linked.records, 2);  // read, and linked to no one
  EXPECT_EQ(not_linked.new_persons, 0);
  EXPECT_EQ(not_linked.unlinked, 1);  // P1
  EXPECT_EQ(not_linked.model, "none (no field is mapped to a person attribute)");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_links WHERE dataset_id = 'prices'"), 0);
  EXPECT_EQ(PersonOf("tax", "T1"), kAnId);
  EXPECT_EQ(PersonOf("tax", "T9"), "");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM persons WHERE person_key NOT LIKE 'S%'"), 2);  // An and Bình
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_links l JOIN persons p ON p.person_key = l.person_key "
                  "WHERE p.person_key LIKE 'S%'"),
            0);  // no surrogate holds a record
  Load("tax", "T1,,,,,\n");  // T1 loses every person field
  DatasetLinkReport r = LinkReport("tax");
  EXPECT_EQ(r.unlinked, 1);
  EXPECT_EQ(PersonOf("tax", "T1"), "");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM persons WHERE person_key NOT LIKE 'S%'"), 2);
}

TEST(PartitionTest, ParsesAndRefusesBadSpecs) {
  NDC_ASSERT_OK_AND_ASSIGN(Partition p, ParsePartition("2/5"));
  EXPECT_EQ(p.Name(), "2/5");
  EXPECT_EQ(ParsePartition("5/5").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePartition("1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePartition("-1/2").status().code(), StatusCode::kInvalidArgument);
}

#ifndef NDC_TEST_POSTGRES
// SQLite's plans (they do not depend on how many rows a table holds) for every form of the
// discrepancy and review listings: each seeks an index and reads it in order — no scan of the
// table, no sort (docs/design/store.md, "Statements that stay bounded at national scale").
TEST_P(LinkerTest, ListingsSeekAnIndexForEveryFilter) {
  const auto problems = store::SqlitePlanProblems(*db_, [](store::Executor& ex) {
    for (const bool resolved : {false, true}) {
      DiscrepancyPage page{.after_record = "T1", .after_attribute = "sex", .limit = 10, .include_resolved = resolved};
      EXPECT_TRUE(ListDiscrepancies(ex, "tax", page).ok());
    }
    for (const std::string status : {"", "pending"}) {
      for (const std::string dataset : {"", "tax"}) EXPECT_TRUE(ListReview(ex, status, dataset, 5, 10).ok());
    }
  });
  EXPECT_EQ(problems, "");
}
#endif

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, LinkerTest, ::testing::Values(Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, LinkerTest, ::testing::Values(Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::person
