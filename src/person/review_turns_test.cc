// Review decisions that merge or split persons, racing a citizen's consent grant or correction
// request made at the same moment (both backends): the grant or request takes the turns the
// merge or split takes (store::SerializeOn) and lands with the person its key stands for once
// they commit. docs/design/sharing.md ("Citizens").
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/json.h"
#include "person/person_ops.h"
#include "person/testing/review_fixture.h"
#include "sharing/consent_store.h"
#include "sharing/correction_store.h"
#include "sharing/surviving_person.h"
#include "store/testing/test_util.h"

namespace ndc::person {
namespace {

using store::Backend;

class ReviewTurnsTest : public ReviewHubTest {};

// A correction request resolved to an absorbed person just before a merge commits waits for the
// merge (its turn, corrections.open:<key>, is the merge's too) and is stored under the survivor.
// Here the key it was given was merged into s3 before, and s3 is being merged into An: the
// request finds s3, waits for s3's turn, and must look again once it has it. Without the merge
// taking the turn, or without that second look, on PostgreSQL it was stored under s5 or s3.
TEST_P(ReviewTurnsTest, ARequestMadeWhileAMergeCommitsGoesToTheSurvivor) {
  Load("tax", "T3,Lê Văn Cường,1970-03-03,,M,\nT5,Phạm Minh Đức,1966-06-06,,M,\n");
  Link();
  const std::string s3 = PersonOf("tax", "T3"), s5 = PersonOf("tax", "T5");
  ASSERT_NE(s3, s5);
  OpsContext octx{clock_.NowMicros(), "population_registry", {}, &random_};
  {
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::Transaction> before, db_->Begin());
    PersonOps ops(before.get(), &octx);
    NDC_ASSERT_OK(ops.Merge(s5, s3, "the same man"));
    NDC_ASSERT_OK(before->Commit());
  }
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::Transaction> merge, db_->Begin());
  PersonOps ops(merge.get(), &octx);
  NDC_ASSERT_OK(ops.Merge(s3, kAnId, "the same man"));
  std::atomic<bool> done = false;
  Result<sharing::CorrectionRequest> made = InternalError("not run");
  std::thread asker([&] {
    sharing::CorrectionRequest draft{.dataset_id = "tax", .record_key = "T5", .field = "ho_ten", .person_key = s5,
                                     .claimed_value = "Phạm Minh Đức"};
    made = sharing::CreateCorrection(*db_, draft, &random_, clock_.NowMicros());
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const bool waited = !done;
  const Status committed = merge->Commit();
  asker.join();  // before any ASSERT: a joinable thread must not outlive the test
  EXPECT_TRUE(waited) << "the request did not wait for the merge";
  NDC_ASSERT_OK(committed);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(made->person_key, kAnId);
  const store::Value id[] = {made->id};
  NDC_ASSERT_OK_AND_ASSIGN(store::Row stored,
                           db_->QueryOne("SELECT person_key FROM correction_requests WHERE id = $1", id));
  EXPECT_EQ(stored.Str(0), kAnId);
}

// A consent granted and a correction asked through a key bound to s5 (merged into s3, s3 into
// An) while a split gives s3 back: they wait for the split and go to s3, whose citizens' key
// resolves to it again. Review of 2026-12-02: resolved to An before, they took An's turn, which
// the split does not take, and committed under An after the split's give-back had run.
TEST_P(ReviewTurnsTest, AGrantOrRequestMadeWhileASplitCommitsGoesToThePersonGivenBack) {
  std::string s3, s5;
  ASSERT_NO_FATAL_FAILURE(MergeS5IntoS3IntoAn(&s3, &s5));
  NDC_ASSERT_OK(catalog_->CreateAgency({.id = "bank_x", .name = "Bank X", .kind = "non_state"}).status());
  NDC_ASSERT_OK(db_->Exec("INSERT INTO api_keys (id, name, role, secret_hash, created_at, person_key) "
                          "VALUES ('abcd0123', 'citizen', 'citizen', $1, 1, $2)",
                          std::vector<store::Value>{store::Blob{"x"}, s5})
                    .status());
  NDC_ASSERT_OK_AND_ASSIGN(nlohmann::json doc,
                           ParseJson(R"({"recipient": "bank_x", "purpose": "banking.account_opening",
                                         "grants": {"tax": ["ho_ten"]}, "valid_to": "2099-12-31"})"));
  NDC_ASSERT_OK_AND_ASSIGN(sharing::StoredConsent draft, sharing::ConsentFromJson(doc, clock_.NowMicros()));
  draft.proof = "key abcd0123 request r1";  // as POST /v1/me/consents writes it
  sharing::ConsentStore consents(db_.get(), catalog_.get(), &clock_, SystemRandom());  // used from a thread
  clock_.Advance(1'000'000);
  OpsContext octx{clock_.NowMicros(), "population_registry", {}, &random_};
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::Transaction> split, db_->Begin());
  PersonOps ops(split.get(), &octx);
  NDC_ASSERT_OK_AND_ASSIGN(std::string back, ops.Split("tax", "T5", "not An", ""));
  ASSERT_EQ(back, s3);
  std::atomic<int> done = 0;
  Result<sharing::CorrectionRequest> asked = InternalError("not run");
  Result<sharing::StoredConsent> granted = InternalError("not run");
  // As the citizen routes call them: the person the key resolved to (An) and the key's own (s5).
  std::thread asker([&] {
    sharing::CorrectionRequest req{.dataset_id = "tax", .record_key = "T5", .field = "ho_ten",
                                   .person_key = kAnId, .claimed_value = "Phạm Minh Đức", .asked_by = s5};
    asked = sharing::CreateCorrection(*db_, req, SystemRandom(), clock_.NowMicros());
    ++done;
  });
  std::thread granter([&] {
    granted = consents.Grant(s5, draft);
    ++done;
  });
  // Until both wait for a turn (so that they cannot pass the test by coming after the commit).
  store::WaitForTurnWaiters(*db_, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int finished_early = done;
  const Status committed = split->Commit();
  asker.join();  // before any ASSERT: a joinable thread must not outlive the test
  granter.join();
  EXPECT_EQ(finished_early, 0) << "the grant or the request did not wait for the split";
  NDC_ASSERT_OK(committed);
  ASSERT_TRUE(asked.ok()) << asked.status().ToString();
  ASSERT_TRUE(granted.ok()) << granted.status().ToString();
  EXPECT_EQ(asked->person_key, s3);
  EXPECT_EQ(granted->consent.person_key, s3);
  NDC_ASSERT_OK_AND_ASSIGN(store::Row request, db_->QueryOne("SELECT person_key FROM correction_requests WHERE id = $1",
                                                             std::vector<store::Value>{asked->id}));
  EXPECT_EQ(request.Str(0), s3);
  NDC_ASSERT_OK_AND_ASSIGN(store::Row consent, db_->QueryOne("SELECT person_key FROM consents WHERE id = $1",
                                                             std::vector<store::Value>{granted->consent.id}));
  EXPECT_EQ(consent.Str(0), s3);
}

// The other order: a grant through a key bound to s3 holds s3's turn (its transaction not yet
// committed, stored under An, where s3 still leads) when a split giving s3 back reaches its
// give-back. The split waits for the turn, and its move then sees the committed consent.
TEST_P(ReviewTurnsTest, AGrantCommittedWhileASplitWaitsForItsTurnIsGivenBack) {
  std::string s3, s5;
  ASSERT_NO_FATAL_FAILURE(MergeS5IntoS3IntoAn(&s3, &s5));
  NDC_ASSERT_OK(db_->Exec("INSERT INTO api_keys (id, name, role, secret_hash, created_at, person_key) "
                          "VALUES ('abcd0123', 'citizen', 'citizen', $1, 1, $2)",
                          std::vector<store::Value>{store::Blob{"x"}, s3})
                    .status());
  // What ConsentStore::Grant does from s3, by hand so that it can stay open: s3's turn, An's
  // turn (s3 is merged into An), the row under An.
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::Transaction> grant, db_->Begin());
  NDC_ASSERT_OK_AND_ASSIGN(std::string stored_under, sharing::TakeTurnOfSurvivor(*grant, "consents.live:", s3));
  ASSERT_EQ(stored_under, kAnId);
  NDC_ASSERT_OK(grant->Exec("INSERT INTO consents (id, person_key, recipient_agency, purpose, grants, valid_from, "
                            "valid_to, max_uses, uses, granted_at, channel, text_version, proof) VALUES ('c_race', "
                            "$1, 'gdt', 'credit', '{}', 0, 9999999999999999, 0, 0, 1, 'api', 'v1', "
                            "'key abcd0123 request r9')",
                            std::vector<store::Value>{stored_under})
                    .status());
  clock_.Advance(1'000'000);
  std::atomic<bool> done = false;
  Result<DecisionOutcome> split = InternalError("not run");
  std::thread splitter([&] {
    split = Decide(Review(), {"tax", "T5", kAnId, "non_match", std::nullopt, "cli:op", "not An"});
    done = true;
  });
  store::WaitForTurnWaiters(*db_, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const bool waited = !done;
  const Status committed = grant->Commit();
  splitter.join();
  EXPECT_TRUE(waited) << "the split did not wait for the grant";
  NDC_ASSERT_OK(committed);
  ASSERT_TRUE(split.ok()) << split.status().ToString();
  EXPECT_EQ(split->person_key, s3);
  NDC_ASSERT_OK_AND_ASSIGN(store::Row consent, db_->QueryOne("SELECT person_key FROM consents WHERE id = 'c_race'"));
  EXPECT_EQ(consent.Str(0), s3);
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, ReviewTurnsTest, ::testing::Values(Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, ReviewTurnsTest, ::testing::Values(Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::person
