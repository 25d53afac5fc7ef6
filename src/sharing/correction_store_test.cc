// Correction requests on a real store: SQLite (sharing_store_test) and PostgreSQL
// (sharing_store_pg_test) — the owning agency's inbox pages.
#include "sharing/correction_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <tuple>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "store/testing/test_database.h"
#include "store/testing/sqlite_plans.h"
#include "store/testing/test_util.h"

namespace ndc::sharing {
namespace {

using store::Backend;

class CorrectionStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    NDC_ASSERT_OK_AND_ASSIGN(db_, store::NewMigratedTestDatabase(GetParam()));
    catalog_ = std::make_unique<catalog::Catalog>(db_.get(), SystemClock());
    NDC_ASSERT_OK(catalog_->CreateAgency({.id = "bca", .name = "Bộ Công an"}).status());
    for (const char* id : {"registry", "other"}) {
      NDC_ASSERT_OK_AND_ASSIGN(catalog::DatasetSchema schema,
                               catalog::ParseSchemaJson(std::string(R"({"id": ")") + id + R"(", "title": "T",
        "owner": "bca", "classification": {"data": "core", "personal": "basic"}, "source_key": "so_dinh_danh",
        "fields": [{"name": "so_dinh_danh", "type": "string", "required": true}, {"name": "ho_ten", "type": "string"}]})"));
      NDC_ASSERT_OK(catalog_->CreateDataset(schema).status());
    }
  }

  std::unique_ptr<store::TestDatabase> db_;
  std::unique_ptr<catalog::Catalog> catalog_;
};

// A request whose person was merged after the caller resolved the key (a merge committed between
// the citizen route's resolution and this transaction) is stored under the survivor, where the
// person's other requests went, not under the absorbed key.
TEST_P(CorrectionStoreTest, ARequestForAPersonMergedMeanwhileGoesToTheSurvivor) {
  for (const char* row : {"('001090000001', 'registry', 'merged', '001090000002', 1, 1)",
                          "('001090000002', 'registry', 'merged', '001090000003', 1, 1)",
                          "('001090000003', 'registry', 'active', NULL, 1, 1)"}) {
    NDC_ASSERT_OK(db_->Exec(std::string("INSERT INTO persons (person_key, kind, status, merged_into, created_at, "
                                        "updated_at) VALUES ") + row)
                      .status());
  }
  CorrectionRequest draft{.dataset_id = "registry", .record_key = "001090000001", .field = "ho_ten",
                          .person_key = "001090000001", .claimed_value = "Nguyễn Văn An"};
  NDC_ASSERT_OK_AND_ASSIGN(CorrectionRequest c, CreateCorrection(*db_, draft, SystemRandom(), 1000));
  EXPECT_EQ(c.person_key, "001090000003");
  const store::Value id[] = {c.id};
  NDC_ASSERT_OK_AND_ASSIGN(store::Row stored,
                           db_->QueryOne("SELECT person_key FROM correction_requests WHERE id = $1", id));
  EXPECT_EQ(stored.Str(0), "001090000003");
  // A key that is no person's is kept as given (the caller decides what it means).
  draft.person_key = "001090000009";
  NDC_ASSERT_OK_AND_ASSIGN(CorrectionRequest other, CreateCorrection(*db_, draft, SystemRandom(), 1001));
  EXPECT_EQ(other.person_key, "001090000009");
}

// Pages continue after (created_at, id) — requests made in the same microsecond included — with
// or without the closed ones, and see nothing of another dataset.
TEST_P(CorrectionStoreTest, TheInboxPagesInCreationOrderWithOrWithoutClosedRequests) {
  std::vector<std::tuple<int64_t, std::string, bool>> made;  // (created_at, id, open)
  for (int i = 0; i < 10; ++i) {
    CorrectionRequest draft{.dataset_id = i == 9 ? "other" : "registry",
                            .record_key = "001090000001",
                            .field = "ho_ten",
                            .person_key = "001090000001",
                            .claimed_value = "Nguyễn Văn An " + std::to_string(i),
                            .note = "tên sai"};
    const int64_t at = 1000 + i / 3;  // three at a time in the same microsecond
    NDC_ASSERT_OK_AND_ASSIGN(CorrectionRequest c, CreateCorrection(*db_, draft, SystemRandom(), at));
    const bool open = i % 4 != 1;
    if (!open) {
      NDC_ASSERT_OK(db_->Exec("UPDATE correction_requests SET status = 'rejected', resolved_at = 2000 WHERE id = $1",
                              std::vector<store::Value>{c.id})
                        .status());
    }
    if (i != 9) made.emplace_back(at, c.id, open);
  }
  std::sort(made.begin(), made.end());
  for (const bool include_closed : {false, true}) {
    std::vector<std::string> want, got;
    for (const auto& [at, id, open] : made) {
      if (open || include_closed) want.push_back(id);
    }
    std::string after;
    for (int pages = 0; pages < 20; ++pages) {
      NDC_ASSERT_OK_AND_ASSIGN(std::vector<CorrectionRequest> page,
                               ListCorrections(*db_, "registry", after, 2, include_closed));
      if (page.empty()) break;
      for (const auto& c : page) {
        got.push_back(c.id);
        if (!include_closed) {
          EXPECT_EQ(c.status, "open");
        }
      }
      after = page.back().id;
    }
    EXPECT_EQ(got, want) << (include_closed ? "all" : "open only");
  }
  // A cursor that names no request is refused (as the key list's), not taken for "from the start".
  EXPECT_EQ(ListCorrections(*db_, "registry", "cor_nope", 1, true).status().code(), StatusCode::kInvalidArgument);
}

// A person's own list: newest first, a page at a time, only theirs; and a bounded number open.
TEST_P(CorrectionStoreTest, APersonsRequestsPageNewestFirstAndTheOpenOnesAreCapped) {
  std::vector<std::pair<int64_t, std::string>> mine;
  for (int i = 0; i < kMaxOpenCorrectionsPerPerson; ++i) {
    CorrectionRequest draft{.dataset_id = "registry", .record_key = "001090000001", .field = "ho_ten",
                            .person_key = "001090000001", .claimed_value = "An " + std::to_string(i), .note = ""};
    const int64_t at = 1000 + i / 3;  // three at a time in the same microsecond
    NDC_ASSERT_OK_AND_ASSIGN(CorrectionRequest c, CreateCorrection(*db_, draft, SystemRandom(), at));
    mine.emplace_back(at, c.id);
  }
  CorrectionRequest other{.dataset_id = "registry", .record_key = "001090000002", .field = "ho_ten",
                          .person_key = "001090000002", .claimed_value = "Bình", .note = ""};
  NDC_ASSERT_OK(CreateCorrection(*db_, other, SystemRandom(), 5000).status());
  std::sort(mine.rbegin(), mine.rend());
  std::vector<std::string> want, got;
  for (const auto& m : mine) want.push_back(m.second);
  std::string before;
  for (int pages = 0; pages < 100; ++pages) {
    NDC_ASSERT_OK_AND_ASSIGN(auto page, CorrectionsOfPerson(*db_, "001090000001", before, 7));
    for (const auto& c : page) got.push_back(c.id);
    if (page.size() < 7) break;
    before = page.back().id;
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(CorrectionsOfPerson(*db_, "001090000001", "cor_nope", 5).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CorrectionsOfPerson(*db_, "001090000002", mine[0].second, 5).status().code(),
            StatusCode::kInvalidArgument)
      << "another person's request is not a cursor";
  // The person has kMaxOpenCorrectionsPerPerson open: the next waits until one is answered.
  CorrectionRequest more{.dataset_id = "registry", .record_key = "001090000001", .field = "ho_ten",
                         .person_key = "001090000001", .claimed_value = "An", .note = ""};
  EXPECT_EQ(CreateCorrection(*db_, more, SystemRandom(), 9000).status().code(), StatusCode::kFailedPrecondition);
  NDC_ASSERT_OK(db_->Exec("UPDATE correction_requests SET status = 'rejected', resolved_at = 9000 WHERE id = $1",
                          std::vector<store::Value>{mine[0].second})
                    .status());
  EXPECT_TRUE(CreateCorrection(*db_, more, SystemRandom(), 9001).ok());
}

// Requests sent at once take turns for the count (store::SerializeOn): the bound holds exactly.
TEST_P(CorrectionStoreTest, RequestsSentAtOnceDoNotPassTheBound) {
  CorrectionRequest draft{.dataset_id = "registry", .record_key = "001090000001", .field = "ho_ten",
                          .person_key = "001090000001", .claimed_value = "An", .note = ""};
  for (int i = 1; i < kMaxOpenCorrectionsPerPerson; ++i) {
    NDC_ASSERT_OK(CreateCorrection(*db_, draft, SystemRandom(), 1000 + i).status());
  }
  constexpr int kThreads = 6;
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] { results[t] = CreateCorrection(*db_, draft, SystemRandom(), 5000 + t).status(); });
  }
  for (std::thread& t : threads) t.join();
  int created = 0;
  for (const Status& s : results) {
    if (s.ok()) {
      ++created;
    } else {
      EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
    }
  }
  EXPECT_EQ(created, 1) << "one place was left";
  NDC_ASSERT_OK_AND_ASSIGN(store::Row open,
                           db_->QueryOne("SELECT COUNT(*) FROM correction_requests WHERE person_key = '001090000001' "
                                         "AND status = 'open'"));
  EXPECT_EQ(open.Int(0), kMaxOpenCorrectionsPerPerson);
}

#ifndef NDC_TEST_POSTGRES
// SQLite's plans for every form of the inbox page: an index seek in (created_at, id) order.
TEST_P(CorrectionStoreTest, TheInboxSeeksAnIndexForEveryForm) {
  CorrectionRequest draft{.dataset_id = "registry", .record_key = "001090000001", .field = "ho_ten",
                          .person_key = "001090000001", .claimed_value = "An", .note = ""};
  NDC_ASSERT_OK_AND_ASSIGN(CorrectionRequest made, CreateCorrection(*db_, draft, SystemRandom(), 1000));
  const auto problems = store::SqlitePlanProblems(*db_, [&](store::Executor& ex) {
    for (const bool closed : {false, true}) {
      for (const std::string& after : {std::string(), made.id}) {
        EXPECT_TRUE(ListCorrections(ex, "registry", after, 10, closed).ok());
      }
    }
    for (const std::string& before : {std::string(), made.id}) {
      EXPECT_TRUE(CorrectionsOfPerson(ex, "001090000001", before, 10).ok());
    }
  });
  EXPECT_EQ(problems, "");
}
#endif

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, CorrectionStoreTest, ::testing::Values(Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, CorrectionStoreTest, ::testing::Values(Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::sharing
