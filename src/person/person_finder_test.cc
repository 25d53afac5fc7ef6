// PersonFinder on a real store (both backends): probabilistic finding against the stored model,
// and a stale index refreshed in the background while requests keep being answered.
#include "person/person_finder.h"

#include <gtest/gtest.h>

#include <atomic>

#include "link/model.h"
#include "person/person_index.h"
#include "person/person_store.h"
#include "person/testing/person_fixture.h"
#include "store/testing/test_util.h"

namespace ndc::person {
namespace {

using store::Backend;

constexpr char kCuongId[] = "001092000003";  // Lê Văn Cường, male, 1992-03-04
constexpr int64_t kHour = int64_t{3600} * 1000000;

class PersonFinderTest : public PersonHubTest {
 protected:
  void SetUp() override {
    PersonHubTest::SetUp();
    Load("population_registry",
         std::string(kAnId) + ",Nguyễn Văn An,1990-02-01,Nam,X1\n" + kBinhId + ",Trần Thị Bình,1985-05-05,Nữ,X2\n");
    Link();
    NDC_ASSERT_OK(PutPersonSetting(*db_, "model:population_registry", link::ModelToJson(TestModel()), 1));
  }
  // Finds by name, birth date and sex (no personal ID: the probabilistic path).
  FindResult FindBy(PersonFinder& finder, const std::string& name, const std::string& birth, const std::string& sex) {
    Result<FindResult> r = finder.Find({{"full_name", name}, {"birth_date", birth}, {"sex", sex}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : FindResult{};
  }
};

TEST_P(PersonFinderTest, AStaleIndexAnswersWhileTheNextIsBuiltInTheBackground) {
  PersonFinder finder(db_.get(), &clock_, TestSettings(), /*refresh_micros=*/kHour);
  FindResult binh = FindBy(finder, "Trần Thị Bình", "1985-05-05", "female");
  EXPECT_EQ(binh.outcome, "match");
  EXPECT_EQ(binh.person_key, kBinhId);
  EXPECT_EQ(finder.builds(), 1);
  // A new person; the index is not stale yet, so it is not seen and nothing is rebuilt.
  Load("population_registry", std::string(kCuongId) + ",Lê Văn Cường,1992-03-04,Nam,X3\n");
  Link();
  EXPECT_EQ(FindBy(finder, "Lê Văn Cường", "1992-03-04", "male").outcome, "none");
  finder.WaitForRefresh();
  EXPECT_EQ(finder.builds(), 1);
  // Stale: this call is answered from the index it has (without the new person) and starts the
  // next build, which it does not wait for.
  clock_.Advance(2 * kHour);
  EXPECT_EQ(FindBy(finder, "Lê Văn Cường", "1992-03-04", "male").outcome, "none");
  finder.WaitForRefresh();
  EXPECT_EQ(finder.builds(), 2);
  FindResult cuong = FindBy(finder, "Lê Văn Cường", "1992-03-04", "male");
  EXPECT_EQ(cuong.outcome, "match");
  EXPECT_EQ(cuong.person_key, kCuongId);
  EXPECT_EQ(finder.builds(), 2);  // fresh again: no further build
}

// What lets a finder being destroyed stop its background build at the next page of persons.
TEST_P(PersonFinderTest, ReadingThePersonsStopsWhenAsked) {
  std::atomic<bool> stop{false};
  NDC_ASSERT_OK_AND_ASSIGN(link::RecordTable all, LoadPersonTable(*db_, TestSettings(), {}, &stop));
  EXPECT_EQ(all.size(), 2u);
  stop = true;
  EXPECT_EQ(LoadPersonTable(*db_, TestSettings(), {}, &stop).status().code(), StatusCode::kCancelled);
}

TEST_P(PersonFinderTest, WithoutAStoredModelOnlyThePersonalIdFinds) {
  NDC_ASSERT_OK(db_->Exec("DELETE FROM person_settings WHERE name LIKE 'model:%'").status());
  PersonFinder finder(db_.get(), &clock_, TestSettings());
  NDC_ASSERT_OK_AND_ASSIGN(FindResult by_id, finder.Find({{"personal_id", kAnId}, {"sex", "male"}}));
  EXPECT_EQ(by_id.outcome, "match");
  EXPECT_TRUE(by_id.deterministic);
  EXPECT_EQ(finder.Find({{"full_name", "Nguyễn Văn An"}}).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(finder.builds(), 0);
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, PersonFinderTest, ::testing::Values(Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, PersonFinderTest, ::testing::Values(Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::person
