// When a hub's link run trains a model and when it keeps one (person/linker.cc): no persons yet,
// and a comparison the dataset maps but has no values for yet. Both stores (person_store_test,
// person_store_pg_test).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "link/model.h"
#include "person/linker.h"
#include "person/person_store.h"
#include "person/testing/person_fixture.h"
#include "store/testing/test_util.h"

namespace ndc::person {
namespace {

using LinkerTrainingTest = PersonHubTest;

// A run with no model given, as `ndc serve` and `ndc link` make them.
std::vector<DatasetLinkReport> RunTraining(store::Database* db, catalog::Catalog* catalog, FakeClock* clock,
                                           RandomSource* random) {
  clock->Advance(1000000);
  LinkerOptions options;
  options.settings = TestSettings();
  options.threads = 1;
  Linker linker(db, catalog, clock, random, options);
  Result<std::vector<DatasetLinkReport>> r = linker.Run({});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<DatasetLinkReport>{};
}

std::string ModelOf(const std::vector<DatasetLinkReport>& reports, const std::string& dataset) {
  for (const auto& r : reports) {
    if (r.dataset_id == dataset) return r.model;
  }
  return "(no report)";
}

// With no persons yet there is nothing to learn a model from: a model trained on the dataset
// alone learns from pairs that are mostly different people sharing a name and a birth year (a
// review of 2026-12-03 found 14 persons of two or three people each out of 20,000 distinct
// records). The run links by ID and founds persons; a later run merges them.
TEST_P(LinkerTrainingTest, AFirstDatasetWithoutPersonsLinksByIdAndFoundsPersons) {
  Load("tax", std::string("T1,Nguyễn Văn Xuân,1972-04-21,,M,\nT2,Nguyễn Xuân Vân,1972-09-06,,M,\n") +
                  "T3,Nguyễn Văn An,1990-02-01," + kAnId + ",M,\nT4,Nguyễn Văn An,1990-02-01," + kAnId + ",M,\n");
  std::vector<DatasetLinkReport> reports = RunTraining(db_.get(), catalog_.get(), &clock_, &random_);
  EXPECT_EQ(ModelOf(reports, "tax").rfind("none (no persons yet", 0), 0u) << ModelOf(reports, "tax");
  EXPECT_NE(PersonOf("tax", "T1"), PersonOf("tax", "T2"));
  EXPECT_EQ(PersonOf("tax", "T3"), PersonOf("tax", "T4"));  // the same ID: one person
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<std::string> kept, GetPersonSetting(*db_, "model:tax"));
  EXPECT_FALSE(kept.has_value());
}

// A dataset whose first records hold no ID numbers trains a model where the ID comparison learned
// nothing (it weighs 0). Kept for good, it would weigh IDs 0 for good: the kept model says when to
// train again (the events doubled, and at least 1,000 more), and that run, with IDs, learns them.
TEST_P(LinkerTrainingTest, AModelWaitingForValuesOfAComparisonIsTrainedAgainLater) {
  // 1,100 men born in 1990 (IDs 001 0 90 ...: Hà Nội, a man of the 20th century, 1990).
  auto born = [](int i) { return fmt::format("1990-{:02}-{:02}", 1 + i % 12, 1 + i / 12 % 28); };
  std::string registry, tax;
  for (int i = 0; i < 1100; ++i) {
    registry += fmt::format("0010900{:05},Người Số {},{},Nam,X{}\n", i, i, born(i), i);
    tax += fmt::format("T{},Người Số {},{},,M,\n", i, i, born(i));
  }
  Load("population_registry", registry);
  Link();
  Load("tax", tax);
  std::vector<DatasetLinkReport> reports = RunTraining(db_.get(), catalog_.get(), &clock_, &random_);
  EXPECT_NE(ModelOf(reports, "tax").find("no values yet for personal_id: trained again at event 2200"),
            std::string::npos)
      << ModelOf(reports, "tax");
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<std::string> kept, GetPersonSetting(*db_, "model:tax"));
  ASSERT_TRUE(kept.has_value());
  NDC_ASSERT_OK_AND_ASSIGN(link::Model waiting, link::ModelFromJson(*kept));
  EXPECT_EQ(waiting.retrain_at_seq, 2200);  // twice the 1,100 events it saw
  // A few more events are not enough to train again.
  Load("tax", "T5000,Người Khác,1990-05-05,,M,\n");
  reports = RunTraining(db_.get(), catalog_.get(), &clock_, &random_);
  EXPECT_EQ(ModelOf(reports, "tax"), "stored");
  EXPECT_EQ(PersonOf("tax", "T7"), "001090000007");  // linked by name, birth date and sex
  // The records now state their IDs: the next run trains the ID comparison and keeps the model.
  std::string with_ids;
  for (int i = 0; i < 1100; ++i) with_ids += fmt::format("T{},Người Số {},{},0010900{:05},M,\n", i, i, born(i), i);
  Load("tax", with_ids);
  reports = RunTraining(db_.get(), catalog_.get(), &clock_, &random_);
  EXPECT_EQ(ModelOf(reports, "tax").rfind("trained", 0), 0u) << ModelOf(reports, "tax");
  EXPECT_EQ(ModelOf(reports, "tax").find("no values yet"), std::string::npos) << ModelOf(reports, "tax");
  NDC_ASSERT_OK_AND_ASSIGN(kept, GetPersonSetting(*db_, "model:tax"));
  ASSERT_TRUE(kept.has_value());
  NDC_ASSERT_OK_AND_ASSIGN(link::Model model, link::ModelFromJson(*kept));
  EXPECT_EQ(model.retrain_at_seq, 0);
  for (const auto& c : model.comparisons) {
    if (c.name == "personal_id" || c.name == "full_name" || c.name == "birth_date") {
      EXPECT_FALSE(c.untrained) << c.name;
    }
  }
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, LinkerTrainingTest, ::testing::Values(store::Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, LinkerTrainingTest, ::testing::Values(store::Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::person
