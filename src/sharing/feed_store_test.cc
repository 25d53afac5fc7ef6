// FeedStore on a real store: SQLite (sharing_store_test) and PostgreSQL (sharing_store_pg_test) —
// an agency's subscriptions, a page at a time.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "sharing/consent_store.h"
#include "sharing/feed.h"
#include "store/testing/sqlite_plans.h"
#include "store/testing/test_database.h"
#include "store/testing/test_util.h"

namespace ndc::sharing {
namespace {

using store::Backend;

class FeedStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    NDC_ASSERT_OK_AND_ASSIGN(db_, store::NewMigratedTestDatabase(GetParam()));
    catalog_ = std::make_unique<catalog::Catalog>(db_.get(), &clock_);
    for (const char* agency : {"bca", "vss"}) {
      NDC_ASSERT_OK(catalog_->CreateAgency({.id = agency, .name = agency}).status());
    }
    NDC_ASSERT_OK_AND_ASSIGN(catalog::DatasetSchema schema, catalog::ParseSchemaJson(R"({"id": "registry",
      "title": "T", "owner": "bca", "classification": {"data": "core", "personal": "basic"},
      "source_key": "so_dinh_danh", "fields": [{"name": "so_dinh_danh", "type": "string", "required": true}]})"));
    NDC_ASSERT_OK(catalog_->CreateDataset(schema).status());
    feeds_ = std::make_unique<FeedStore>(db_.get(), &clock_, SystemRandom());
  }

  Subscription Made(const std::string& agency) {
    clock_.Advance(1);
    Result<Subscription> s = feeds_->Create({.agency_id = agency, .agreement_id = agency + "-registry",
                                             .purpose = "public_service.social_insurance",
                                             .dataset_id = "registry", .events = {"death"},
                                             .created_by = "test"});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : Subscription{};
  }

  FakeClock clock_;
  std::unique_ptr<store::TestDatabase> db_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<FeedStore> feeds_;
};

// Pages of an agency's subscriptions give each of its own once, in creation order; another
// agency's id is no cursor.
TEST_P(FeedStoreTest, AnAgencysSubscriptionsPageInCreationOrder) {
  std::vector<std::string> want;
  for (int i = 0; i < 7; ++i) {
    want.push_back(Made("vss").id);
    Made("bca");
  }
  std::vector<std::string> got;
  std::string after;
  for (int pages = 0; pages < 10; ++pages) {
    NDC_ASSERT_OK_AND_ASSIGN(std::vector<Subscription> page, feeds_->List("vss", after, 3));
    for (const Subscription& s : page) got.push_back(s.id);
    if (page.size() < 3) break;
    after = page.back().id;
  }
  EXPECT_EQ(got, want);
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<Subscription> theirs, feeds_->List("bca", "", 100));
  Result<std::vector<Subscription>> crossed = feeds_->List("vss", theirs.at(0).id, 3);
  EXPECT_EQ(crossed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(crossed.status().message().find("next_after"), std::string::npos) << crossed.status().message();
}

#ifndef NDC_TEST_POSTGRES
// SQLite's plans for the feed and consent listings: an index seek in the listing's order, never a
// scan of the table or a sort. (A decision's read of the consents in force seeks
// consents_recipient_live_idx and then sorts what it found, by design: at most the 200 a person
// may hold in force, migration 0016.)
TEST_P(FeedStoreTest, TheFeedAndConsentListingsSeekAnIndex) {
  const Subscription made = Made("vss");
  NDC_ASSERT_OK(db_->Exec("INSERT INTO consents (id, person_key, recipient_agency, purpose, grants, valid_from, "
                          "valid_to, max_uses, uses, granted_at, channel, text_version, proof) VALUES ('con_1', "
                          "'001090000001', 'vss', 'p', '{\"registry\": [\"so_dinh_danh\"]}', 0, 10, 0, 0, 5, 'app', 'v1', '')")
                    .status());
  const auto problems = store::SqlitePlanProblems(*db_, [&](store::Executor& ex) {
    for (const std::string& after : {std::string(), made.id}) {
      EXPECT_TRUE(SubscriptionsOfAgency(ex, "vss", after, 10).ok());
    }
    for (const std::string& before : {std::string(), std::string("con_1")}) {
      Result<std::vector<StoredConsent>> mine = ConsentsOfPerson(ex, "001090000001", before, 10);
      EXPECT_TRUE(mine.ok()) << mine.status().ToString();
    }
  });
  EXPECT_EQ(problems, "");
}
#endif

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, FeedStoreTest, ::testing::Values(Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, FeedStoreTest, ::testing::Values(Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::sharing
