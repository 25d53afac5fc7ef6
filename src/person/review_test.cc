// Review decisions on a real store (both backends): a match links a waiting record, a non-match
// on an existing link splits it, and every later run respects them.
#include "person/review.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "catalog/schema.h"
#include "ingest/formats/input.h"
#include "person/person_ops.h"
#include "person/person_store.h"
#include "person/review_store.h"
#include "person/testing/review_fixture.h"
#include "sharing/correction_store.h"
#include "store/testing/test_util.h"

namespace ndc::person {
namespace {

using store::Backend;

class ReviewTest : public ReviewHubTest {};

// An item is decided once: a second decision — also one made at the same moment on another node —
// finds it decided instead of overriding the first.
TEST_P(ReviewTest, AnItemIsDecidedOnceEvenByDecisionsMadeAtOnce) {
  ReviewItem item{.dataset_id = "tax", .record_key = "R1", .person_key = kAnId, .weight = 1.5, .probability = 0.5};
  NDC_ASSERT_OK_AND_ASSIGN(item.id, QueueReview(*db_, item, 100));
  constexpr int kThreads = 4;
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Result<std::unique_ptr<store::Transaction>> tx = db_->Begin();
      if (!tx.ok()) {
        results[t] = tx.status();
        return;
      }
      results[t] = MarkReviewDecided(**tx, item.id, 200 + t);
      // The decision's other writes would follow here: the others must wait, then find it decided.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (results[t].ok()) results[t] = (*tx)->Commit();
    });
  }
  for (std::thread& t : threads) t.join();
  int decided = 0;
  for (const Status& s : results) {
    if (s.ok()) {
      ++decided;
    } else {
      EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
      EXPECT_NE(s.message().find("decided, not pending"), std::string::npos) << s.message();
    }
  }
  EXPECT_EQ(decided, 1);
  EXPECT_EQ(MarkReviewDecided(*db_, item.id, 300).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(MarkReviewDecided(*db_, 987654, 300).code(), StatusCode::kNotFound);
}

// Every combination of the list's filters gives exactly the matching items, in id order, page
// after page.
TEST_P(ReviewTest, ListingFiltersByStatusAndDatasetInIdOrder) {
  std::vector<ReviewItem> queued;
  for (int i = 0; i < 12; ++i) {
    ReviewItem item{.dataset_id = i % 2 == 0 ? "tax" : "population_registry",
                    .record_key = "R" + std::to_string(i),
                    .person_key = kAnId,
                    .weight = 1.5,
                    .probability = 0.5};
    NDC_ASSERT_OK_AND_ASSIGN(item.id, QueueReview(*db_, item, 100 + i));
    item.status = i % 3 == 0 ? "decided" : "pending";
    if (item.status != "pending") {
      NDC_ASSERT_OK(MarkReviewDecided(*db_, item.id, 200));
    }
    queued.push_back(item);
  }
  for (const std::string status : {"", "pending", "decided"}) {
    for (const std::string dataset : {"", "tax", "population_registry"}) {
      std::vector<int64_t> want, got;
      for (const auto& q : queued) {
        if ((status.empty() || q.status == status) && (dataset.empty() || q.dataset_id == dataset)) want.push_back(q.id);
      }
      for (int64_t after = 0;;) {
        NDC_ASSERT_OK_AND_ASSIGN(std::vector<ReviewItem> page, ListReview(*db_, status, dataset, after, 2));
        if (page.empty()) break;
        for (const auto& item : page) got.push_back(item.id);
        after = page.back().id;
      }
      EXPECT_EQ(got, want) << "status '" << status << "', dataset '" << dataset << "'";
    }
  }
}

TEST_P(ReviewTest, MatchDecisionLinksTheWaitingRecordAndSurvivesARerun) {
  ReviewItem item = QueueOne();
  EXPECT_EQ(item.person_key, kAnId);
  NDC_ASSERT_OK_AND_ASSIGN(DecisionOutcome out, DecideReview(Review(), item.id, "match", "cli:op", "same person"));
  EXPECT_EQ(out.outcome, "linked");
  EXPECT_EQ(PersonOf("tax", "T1"), kAnId);
  NDC_ASSERT_OK_AND_ASSIGN(ReviewItem after, GetReview(*db_, item.id));
  EXPECT_EQ(after.status, "decided");
  // The record changes (a phone number): the engine would queue it again, the decision holds.
  Load("tax", "T1,Nguyễn Văn An,1990-07-20,,M,0988\n");
  DatasetLinkReport r = LinkReport("tax");
  EXPECT_EQ(r.by_decision, 1);
  EXPECT_EQ(r.queued, 0);
  EXPECT_EQ(PersonOf("tax", "T1"), kAnId);
}

TEST_P(ReviewTest, NonMatchOnAnExistingLinkSplitsItAndTheEngineNeverRelinksThePair) {
  Load("tax", "T2,Nguyễn Văn An,1990-02-01,,M,\n");
  Link();
  ASSERT_EQ(PersonOf("tax", "T2"), kAnId);
  NDC_ASSERT_OK_AND_ASSIGN(DecisionOutcome out,
                           Decide(Review(), {"tax", "T2", kAnId, "non_match", std::nullopt, "cli:op", "namesake"}));
  EXPECT_EQ(out.outcome, "split");
  EXPECT_EQ(out.person_key[0], 'S');
  EXPECT_EQ(PersonOf("tax", "T2"), out.person_key);
  EXPECT_EQ(EventKinds(kAnId), "created linked linked unlinked split");
  EXPECT_EQ(EventKinds(out.person_key), "created linked split");
  Load("tax", "T2,Nguyễn Văn An,1990-02-01,,M,0977\n");  // changed: linked again by the engine
  Link();
  EXPECT_EQ(PersonOf("tax", "T2"), out.person_key);
}

// The engine's merges respect a non-match too (RecordLinker::RejectedBetween): a record split off
// a registry person founds a surrogate holding that person's own ID; when the registry record
// changes, the authority's run would merge every surrogate with its ID back into it, but not
// the one whose record was declared not this person.
TEST_P(ReviewTest, TheAuthoritysRunDoesNotMergeBackASurrogateDeclaredNotItsPerson) {
  Load("tax", std::string("T6,Nguyễn Văn An,1990-02-01,") + kAnId + ",M,\n");
  Link();
  ASSERT_EQ(PersonOf("tax", "T6"), kAnId);  // linked on the personal ID
  NDC_ASSERT_OK_AND_ASSIGN(DecisionOutcome out,
                           Decide(Review(), {"tax", "T6", kAnId, "non_match", std::nullopt, "cli:op", "stolen ID"}));
  ASSERT_EQ(out.outcome, "split");
  const std::string s = out.person_key;
  ASSERT_EQ(s[0], 'S');
  ASSERT_EQ(Golden(s).at("personal_id"), kAnId);  // the surrogate holds An's ID
  // A control: a surrogate with An's ID and no decision is merged into An by the same run.
  // (Split off without a decision, as a person's repair might leave it.)
  Load("tax", std::string("T7,Nguyễn Văn An,1990-02-01,") + kAnId + ",M,\n");
  Link();
  ASSERT_EQ(PersonOf("tax", "T7"), kAnId);
  {
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::Transaction> tx, db_->Begin());
    OpsContext octx{clock_.NowMicros(), "population_registry", {"population_registry"}, &random_};
    PersonOps ops(tx.get(), &octx);
    NDC_ASSERT_OK(ops.Split("tax", "T7", "test: a surrogate with An's ID").status());
    NDC_ASSERT_OK(tx->Commit());
  }
  const std::string s7 = PersonOf("tax", "T7");
  ASSERT_NE(s7, kAnId);
  ASSERT_NE(s7, s);
  Load("population_registry", std::string(kAnId) + ",Nguyễn Văn An,1990-02-01,Nam,X9\n");  // moved house
  DatasetLinkReport r = LinkReport("population_registry");
  EXPECT_EQ(r.merged, 1);
  EXPECT_EQ(PersonOf("tax", "T7"), kAnId);
  EXPECT_EQ(PersonOf("tax", "T6"), s);
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<Person> kept, GetPerson(*db_, s));
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->status, "active");
}

TEST_P(ReviewTest, NonMatchOnAWaitingRecordFoundsANewPerson) {
  ReviewItem item = QueueOne();
  NDC_ASSERT_OK_AND_ASSIGN(DecisionOutcome out, DecideReview(Review(), item.id, "non-match", "cli:op", "other"));
  EXPECT_EQ(out.outcome, "new person");
  EXPECT_EQ(PersonOf("tax", "T1"), out.person_key);
}

TEST_P(ReviewTest, MatchWithASurrogateMergesIt) {
  Load("tax", "T3,Lê Văn Cường,1970-03-03,,M,\n");
  Link();
  const std::string s = PersonOf("tax", "T3");
  NDC_ASSERT_OK_AND_ASSIGN(DecisionOutcome out,
                           Decide(Review(), {"tax", "T3", kAnId, "match", std::nullopt, "cli:op", "verified"}));
  EXPECT_EQ(out.outcome, "merged");
  EXPECT_EQ(PersonOf("tax", "T3"), kAnId);
  EXPECT_EQ(EventKinds(s), "created linked merged");
}

// Two operators (on two nodes) deciding one item at the same moment: one decision is made, the
// other is told the item is decided — never both, the second silently undoing the first.
TEST_P(ReviewTest, TwoDecisionsOfOneItemAtOnceMakeOne) {
  ReviewItem item = QueueOne();
  const std::string decisions[] = {"match", "non-match"};
  std::vector<Result<DecisionOutcome>> results(2, InternalError("not run"));
  std::vector<std::thread> operators;
  for (int n = 0; n < 2; ++n) {
    operators.emplace_back([&, n] {
      SeededRandom random(200 + n);
      ReviewContext ctx{db_.get(), catalog_.get(), &clock_, &random};
      results[n] = DecideReview(ctx, item.id, decisions[n], "op" + std::to_string(n), "at once");
    });
  }
  for (std::thread& t : operators) t.join();
  int made = 0;
  std::string winner;
  for (int n = 0; n < 2; ++n) {
    if (results[n].ok()) {
      ++made;
      winner = decisions[n];
    } else {
      EXPECT_EQ(results[n].status().code(), StatusCode::kFailedPrecondition) << results[n].status().ToString();
    }
  }
  ASSERT_EQ(made, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_decisions WHERE record_key = 'T1'"), 1);
  if (winner == "match") {
    EXPECT_EQ(PersonOf("tax", "T1"), kAnId);
  } else {
    EXPECT_NE(PersonOf("tax", "T1"), kAnId);
  }
}

// A merge moves the absorbed person's pending items to the survivor: the operator decides on the
// person the decision acts on, and the waiting record is still decided (review of 2026-11-30).
TEST_P(ReviewTest, AMergeMovesItsPendingItemsToTheSurvivor) {
  Load("tax", "T3,Lê Văn Cường,1970-03-03,,M,\nT5,Phạm Minh Đức,1966-06-06,,M,\n");
  Link();
  const std::string s3 = PersonOf("tax", "T3");
  const std::string s5 = PersonOf("tax", "T5");
  ASSERT_EQ(s3[0], 'S');
  ASSERT_EQ(s5[0], 'S');
  ReviewItem item{.dataset_id = "tax", .record_key = "T5", .person_key = s3, .weight = 1.5, .probability = 0.5};
  NDC_ASSERT_OK_AND_ASSIGN(item.id, QueueReview(*db_, item, 100));
  // A second item of the same record, already about An: the moved one would double it.
  ReviewItem twin{.dataset_id = "tax", .record_key = "T5", .person_key = kAnId, .weight = 1.0, .probability = 0.4};
  NDC_ASSERT_OK_AND_ASSIGN(twin.id, QueueReview(*db_, twin, 100));
  ReviewItem other{.dataset_id = "tax", .record_key = "T3", .person_key = s5, .weight = 1.0, .probability = 0.4};
  NDC_ASSERT_OK_AND_ASSIGN(other.id, QueueReview(*db_, other, 100));
  NDC_ASSERT_OK_AND_ASSIGN(DecisionOutcome merged,
                           Decide(Review(), {"tax", "T3", kAnId, "match", std::nullopt, "cli:op", "verified"}));
  ASSERT_EQ(merged.outcome, "merged");
  NDC_ASSERT_OK_AND_ASSIGN(ReviewItem moved, GetReview(*db_, item.id));
  EXPECT_EQ(moved.status, "superseded");  // its record already had an item about An
  NDC_ASSERT_OK_AND_ASSIGN(ReviewItem kept, GetReview(*db_, twin.id));
  EXPECT_EQ(kept.status, "pending");
  NDC_ASSERT_OK_AND_ASSIGN(ReviewItem untouched, GetReview(*db_, other.id));
  EXPECT_EQ(untouched.person_key, s5);  // names a person not merged
  EXPECT_EQ(untouched.status, "pending");
  // Without a twin the item is moved, and deciding it acts on the survivor it now names.
  NDC_ASSERT_OK_AND_ASSIGN(DecisionOutcome merged5,
                           Decide(Review(), {"tax", "T5", kBinhId, "match", std::nullopt, "cli:op", "verified"}));
  ASSERT_EQ(merged5.outcome, "merged");
  NDC_ASSERT_OK_AND_ASSIGN(ReviewItem repointed, GetReview(*db_, other.id));
  EXPECT_EQ(repointed.person_key, kBinhId);
  EXPECT_EQ(repointed.status, "pending");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM person_review WHERE status = 'pending' AND person_key LIKE 'S%'"), 0);
}

// The authority's record is its person's by the personal ID: a match with another person is
// refused, however it is reached — directly or through an item whose person was merged away.
TEST_P(ReviewTest, AMatchNeverMovesAnAuthorityRecordToAnotherPerson) {
  Link();
  ASSERT_EQ(PersonOf("population_registry", kAnId), kAnId);
  Result<DecisionOutcome> direct =
      Decide(Review(), {"population_registry", kAnId, kBinhId, "match", std::nullopt, "cli:op", "typo"});
  EXPECT_EQ(direct.status().code(), StatusCode::kFailedPrecondition) << direct.status().ToString();
  EXPECT_NE(direct.status().message().find("authoritative record of person"), std::string::npos);
  // An item of An's record against a surrogate, which is then merged into Bình.
  CuongSurrogate();
  ReviewItem item = QueueAnAgainst(PersonOf("tax", "T3"));
  NDC_ASSERT_OK(Decide(Review(), {"tax", "T3", kBinhId, "match", std::nullopt, "cli:op", "verified"}).status());
  Result<DecisionOutcome> via_item = DecideReview(Review(), item.id, "match", "cli:op", "looks alike");
  EXPECT_EQ(via_item.status().code(), StatusCode::kFailedPrecondition) << via_item.status().ToString();
  EXPECT_EQ(PersonOf("population_registry", kAnId), kAnId);
  EXPECT_EQ(Golden(kAnId)["personal_id"], kAnId);
  EXPECT_EQ(Golden(kBinhId)["personal_id"], kBinhId);
  NDC_ASSERT_OK_AND_ASSIGN(ReviewItem after, GetReview(*db_, item.id));
  EXPECT_EQ(after.status, "pending");  // refused, so still the operator's to decide (non-match)
}

// What the authority's review items ask (its record, linked to its registry person, against a
// surrogate the engine could not decide): a match merges the surrogate into the registry person.
TEST_P(ReviewTest, AMatchOfAnAuthorityItemMergesTheSurrogate) {
  Link();
  ReviewItem item = QueueAnAgainst(CuongSurrogate());
  NDC_ASSERT_OK_AND_ASSIGN(DecisionOutcome out, DecideReview(Review(), item.id, "match", "cli:op", "same man"));
  EXPECT_EQ(out.outcome, "merged");
  EXPECT_EQ(out.person_key, kAnId);
  EXPECT_EQ(PersonOf("tax", "T3"), kAnId);
  EXPECT_EQ(PersonOf("population_registry", kAnId), kAnId);
}

// A match that would merge a whole surrogate respects an operator's earlier non-match of one of
// its records with the target: only the decided record moves (review of 2026-11-30).
TEST_P(ReviewTest, AMatchMovesOnlyItsRecordWhenTheSurrogateHoldsADeclaredNonMatch) {
  Load("tax", "T3,Lê Văn Cường,1970-03-03,,M,\nT4,Lê Văn Cường,1970-03-03,,M,\n");
  Link();
  const std::string s = PersonOf("tax", "T3");
  ASSERT_EQ(s[0], 'S');
  ASSERT_EQ(PersonOf("tax", "T4"), s);
  NDC_ASSERT_OK(Decide(Review(), {"tax", "T4", kAnId, "non_match", std::nullopt, "cli:op", "another man"}).status());
  NDC_ASSERT_OK_AND_ASSIGN(DecisionOutcome out,
                           Decide(Review(), {"tax", "T3", kAnId, "match", std::nullopt, "cli:op", "verified"}));
  EXPECT_EQ(out.outcome, "moved");
  EXPECT_EQ(PersonOf("tax", "T3"), kAnId);
  EXPECT_EQ(PersonOf("tax", "T4"), s);  // the earlier decision stands
  // The other way round (the target is the surrogate) the contradiction is refused.
  Result<DecisionOutcome> back =
      Decide(Review(), {"population_registry", kAnId, s, "match", std::nullopt, "cli:op", "same?"});
  EXPECT_EQ(back.status().code(), StatusCode::kFailedPrecondition) << back.status().ToString();
  EXPECT_EQ(PersonOf("tax", "T4"), s);
}

// A non-match names the person as it was: once that person is merged into another, the decision
// holds against the survivor (a merge must not put the record into the person it was declared
// not to be).
TEST_P(ReviewTest, ANonMatchHoldsAgainstThePersonItsPersonWasMergedInto) {
  Load("tax", "T3,Lê Văn Cường,1970-03-03,,M,\nT5,Phạm Minh Đức,1966-06-06,,M,\n");
  Link();
  const std::string s3 = PersonOf("tax", "T3");
  const std::string s5 = PersonOf("tax", "T5");
  ASSERT_NE(s3, s5);
  NDC_ASSERT_OK(Decide(Review(), {"tax", "T5", s3, "non_match", std::nullopt, "cli:op", "not him"}).status());
  NDC_ASSERT_OK_AND_ASSIGN(DecisionOutcome merged,
                           Decide(Review(), {"tax", "T3", kAnId, "match", std::nullopt, "cli:op", "verified"}));
  ASSERT_EQ(merged.outcome, "merged");  // s3 is now part of An
  ReviewItem item = QueueAnAgainst(s5);
  Result<DecisionOutcome> joined =
      Decide(Review(), {"population_registry", kAnId, s5, "match", item.id, "cli:op", "same?"});
  EXPECT_EQ(joined.status().code(), StatusCode::kFailedPrecondition) << joined.status().ToString();
  EXPECT_EQ(PersonOf("tax", "T5"), s5);
}

// An operator's match holds for a record with no person attribute too: it changes (a field no
// person attribute maps) and stays with the person it was decided to be, not unlinked.
TEST_P(ReviewTest, AMatchHoldsForARecordWithNoPersonAttribute) {
  NDC_ASSERT_OK_AND_ASSIGN(catalog::DatasetSchema clinic, catalog::ParseSchemaJson(R"({"id": "clinic",
    "title": "Phòng khám", "owner": "gdt", "classification": {"data": "other", "personal": "basic"},
    "source_key": ["ma"], "fields": [{"name": "ma", "column": "MA", "type": "string", "required": true},
      {"name": "ho_ten", "column": "HO_TEN", "type": "string", "person": "full_name"},
      {"name": "ghi_chu", "column": "GHI_CHU", "type": "string"}]})"));
  NDC_ASSERT_OK(catalog_->CreateDataset(clinic).status());
  auto load = [&](const std::string& note) {
    clock_.Advance(1'000'000);
    ingest::BatchRequest req{.dataset_id = "clinic", .source = "test", .submitted_by = "operator"};
    Result<ingest::BatchReport> r = ingestor_->Ingest(req, ingest::MemorySource("MA,HO_TEN,GHI_CHU\nC1,," + note + "\n"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  };
  load("first visit");
  Link();
  ASSERT_EQ(PersonOf("clinic", "C1"), "");  // nothing to link it by
  clock_.Advance(1'000'000);
  NDC_ASSERT_OK(Decide(Review(), {"clinic", "C1", kAnId, "match", std::nullopt, "cli:op", "his card"}).status());
  ASSERT_EQ(PersonOf("clinic", "C1"), kAnId);
  load("second visit");
  DatasetLinkReport r = LinkReport("clinic");
  EXPECT_EQ(r.by_decision, 1);
  EXPECT_EQ(PersonOf("clinic", "C1"), kAnId);
}

// A record that came into a person with a merge goes back, when split off, to the person it came
// with, made active again — so the keys bound to that person (a citizen's) no longer resolve to
// the person it was wrongly merged into; the survivor keeps its own records.
TEST_P(ReviewTest, ASplitGivesTheRecordBackToThePersonItWasMergedWith) {
  Load("tax", "T3,Lê Văn Cường,1970-03-03,,M,\nT8,Lê Văn Cương,1970-03-04,,M,\n");
  Link();
  const std::string s3 = PersonOf("tax", "T3");
  ASSERT_EQ(s3[0], 'S');
  clock_.Advance(1'000'000);
  NDC_ASSERT_OK(Decide(Review(), {"tax", "T8", s3, "match", std::nullopt, "cli:op", "same man"}).status());
  clock_.Advance(1'000'000);
  // The citizen bound to s3 gave a consent through their key, one at a counter, and asked to
  // correct T8: the merge moves all three to An.
  using store::Value;
  NDC_ASSERT_OK(db_->Exec("INSERT INTO api_keys (id, name, role, secret_hash, created_at, person_key) "
                          "VALUES ('abcd0123', 'citizen', 'citizen', $1, 1, $2)",
                          std::vector<Value>{store::Blob{"x"}, s3})
                    .status());
  for (const char* id_proof : {"c_key|key abcd0123 request r1", "c_counter|counter form 7"}) {
    const std::string text = id_proof;
    const size_t bar = text.find('|');
    NDC_ASSERT_OK(db_->Exec("INSERT INTO consents (id, person_key, recipient_agency, purpose, grants, valid_from, "
                            "valid_to, max_uses, uses, granted_at, channel, text_version, proof) VALUES ($1, $2, "
                            "'gdt', 'credit', '{}', 0, 9999999999999999, 0, 0, 1, 'api', 'v1', $3)",
                            std::vector<Value>{text.substr(0, bar), s3, text.substr(bar + 1)})
                      .status());
  }
  // A request as POST /v1/me/corrections stores it: whose it is, and the person the asking key
  // is bound to (asked_by, kept through merges).
  auto correction = [&](const std::string& id, const std::string& record, const std::string& person,
                        const std::string& asked_by) {
    return db_->Exec("INSERT INTO correction_requests (id, dataset_id, record_key, field, person_key, "
                     "claimed_value, note, status, created_at, asked_by) VALUES ($1, 'tax', $2, 'ho_ten', $3, "
                     "'Lê Văn Cương', 'typo', 'open', 1, $4)",
                     std::vector<Value>{id, record, person, asked_by})
        .status();
  };
  NDC_ASSERT_OK(correction("cr1", "T8", s3, s3));
  NDC_ASSERT_OK(correction("cr3", "T3", s3, s3));  // about s3's other record
  auto owner = [&](const std::string& sql) {
    Result<store::Row> row = db_->QueryOne(sql);
    return row.ok() ? row->Str(0) : row.status().ToString();
  };
  NDC_ASSERT_OK_AND_ASSIGN(DecisionOutcome merged,
                           Decide(Review(), {"tax", "T3", kAnId, "match", std::nullopt, "cli:op", "verified"}));
  ASSERT_EQ(merged.outcome, "merged");
  ASSERT_EQ(PersonOf("tax", "T8"), kAnId);  // came along with s3
  ASSERT_EQ(owner("SELECT person_key FROM consents WHERE id = 'c_key'"), kAnId);
  ASSERT_EQ(owner("SELECT person_key FROM correction_requests WHERE id = 'cr1'"), kAnId);
  // Requests made while s3 is part of An: by An's citizen, and by s3's (its key bound to s3).
  NDC_ASSERT_OK(correction("cr_late", "T8", kAnId, kAnId));
  NDC_ASSERT_OK(correction("cr_late_s3", "T3", kAnId, s3));
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<std::string> resolved, ResolvePerson(*db_, s3));
  ASSERT_EQ(resolved, std::optional<std::string>(kAnId));
  clock_.Advance(1'000'000);
  NDC_ASSERT_OK_AND_ASSIGN(DecisionOutcome split,
                           Decide(Review(), {"tax", "T8", kAnId, "non_match", std::nullopt, "cli:op", "not An"}));
  ASSERT_EQ(split.outcome, "split");
  EXPECT_EQ(split.person_key, s3);
  EXPECT_EQ(PersonOf("tax", "T8"), s3);
  EXPECT_EQ(PersonOf("tax", "T3"), kAnId);
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<Person> back, GetPerson(*db_, s3));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->status, "active");
  NDC_ASSERT_OK_AND_ASSIGN(resolved, ResolvePerson(*db_, s3));
  EXPECT_EQ(resolved, std::optional<std::string>(s3));
  EXPECT_EQ(EventKinds(s3), "created linked linked merged linked split") << EventKinds(s3);
  // The consent given through s3's key goes back; the counter's stays. The requests s3's citizen
  // asked go back, before the merge or during it, whatever their record (review of 2026-12-01:
  // they stayed, shown to An's citizen); An's citizen's stays.
  EXPECT_EQ(owner("SELECT person_key FROM consents WHERE id = 'c_key'"), s3);
  EXPECT_EQ(owner("SELECT person_key FROM consents WHERE id = 'c_counter'"), kAnId);
  EXPECT_EQ(owner("SELECT person_key FROM correction_requests WHERE id = 'cr1'"), s3);
  EXPECT_EQ(owner("SELECT person_key FROM correction_requests WHERE id = 'cr3'"), s3);
  EXPECT_EQ(owner("SELECT person_key FROM correction_requests WHERE id = 'cr_late_s3'"), s3);
  EXPECT_EQ(owner("SELECT person_key FROM correction_requests WHERE id = 'cr_late'"), kAnId);
  // The other record s3 brought goes back to it too when it is split off.
  clock_.Advance(1'000'000);
  NDC_ASSERT_OK_AND_ASSIGN(DecisionOutcome again,
                           Decide(Review(), {"tax", "T3", kAnId, "non_match", std::nullopt, "cli:op", "not An either"}));
  EXPECT_EQ(again.outcome, "split");
  EXPECT_EQ(again.person_key, s3);
  EXPECT_EQ(PersonOf("tax", "T3"), s3);
  EXPECT_EQ(owner("SELECT person_key FROM correction_requests WHERE id = 'cr_late'"), kAnId);
  // It stays there: the decision (T8, An) holds, and the match (T8, s3) names s3 again.
  clock_.Advance(1'000'000);
  Load("tax", "T8,Lê Văn Cương,1970-03-04,,M,0912\n");
  Link();
  EXPECT_EQ(PersonOf("tax", "T8"), s3);
}

// A split gives back the correction requests asked through keys bound to the person it gives
// back or to a person merged into it, whenever they were made; no other's, and none made before
// migration 0024 (no asked_by). Asked-by is the only witness: the review of 2026-12-01 showed that
// bounds by the record's link events gave another holder's requests, or kept the person's own
// after a second merge.
TEST_P(ReviewTest, GiveBackCorrectionsMovesOnlyTheRequestsItsCitizensAsked) {
  using store::Value;
  auto correction = [&](const std::string& id, const Value& asked_by) {
    return db_->Exec("INSERT INTO correction_requests (id, dataset_id, record_key, field, person_key, "
                     "claimed_value, note, status, created_at, asked_by) VALUES ($1, 'tax', 'T9', 'ho_ten', 'P9', "
                     "'x', 'note', 'open', 1, $2)",
                     std::vector<Value>{id, asked_by})
        .status();
  };
  auto owner = [&](const std::string& id) {
    Result<store::Row> row =
        db_->QueryOne("SELECT person_key FROM correction_requests WHERE id = $1", std::vector<Value>{id});
    return row.ok() ? row->Str(0) : row.status().ToString();
  };
  // S5 was merged into S9 earlier: S9's citizens include S5's.
  NDC_ASSERT_OK(db_->Exec("INSERT INTO persons (person_key, kind, status, merged_into, created_at, updated_at) VALUES "
                          "('S5', 'surrogate', 'merged', 'S9', 1, 1)")
                    .status());
  NDC_ASSERT_OK(correction("p9s", Value(std::string("P9"))));
  NDC_ASSERT_OK(correction("s9s", Value(std::string("S9"))));
  NDC_ASSERT_OK(correction("s5s", Value(std::string("S5"))));
  NDC_ASSERT_OK(correction("older", Value()));  // before 0024: who asked is not known
  NDC_ASSERT_OK(GiveBackCorrections(*db_, "P9", "S9"));
  EXPECT_EQ(owner("p9s"), "P9");
  EXPECT_EQ(owner("s9s"), "S9");
  EXPECT_EQ(owner("s5s"), "S9");
  EXPECT_EQ(owner("older"), "P9");
}

// In a chain of merges (s5 into s3, then s3 into An), a split off An undoes the merge into An —
// s3's — and leaves s5 part of s3: the record goes back to s3, and s5's keys resolve to s3.
TEST_P(ReviewTest, ASplitUndoesTheMergeIntoThePersonItIsSplitFrom) {
  std::string s3, s5;
  ASSERT_NO_FATAL_FAILURE(MergeS5IntoS3IntoAn(&s3, &s5));
  clock_.Advance(1'000'000);
  NDC_ASSERT_OK_AND_ASSIGN(DecisionOutcome split,
                           Decide(Review(), {"tax", "T5", kAnId, "non_match", std::nullopt, "cli:op", "not An"}));
  EXPECT_EQ(split.person_key, s3);
  EXPECT_EQ(PersonOf("tax", "T5"), s3);
  EXPECT_EQ(PersonOf("tax", "T3"), kAnId);  // until it is split off too
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<std::string> resolved, ResolvePerson(*db_, s5));
  EXPECT_EQ(resolved, std::optional<std::string>(s3));
}

// The operator may name the person merged away by its old key: declared not s5, T5 does not go
// back to s3 (of which s5 is part), but to a new person.
TEST_P(ReviewTest, ASplitNeverGivesTheRecordBackToThePersonNamedInTheDecision) {
  std::string s3, s5;
  ASSERT_NO_FATAL_FAILURE(MergeS5IntoS3IntoAn(&s3, &s5));
  clock_.Advance(1'000'000);
  NDC_ASSERT_OK_AND_ASSIGN(DecisionOutcome split,
                           Decide(Review(), {"tax", "T5", s5, "non_match", std::nullopt, "cli:op", "not him"}));
  EXPECT_EQ(split.outcome, "split");
  EXPECT_NE(split.person_key, s3);
  EXPECT_NE(split.person_key, kAnId);
  EXPECT_EQ(PersonOf("tax", "T5"), split.person_key);
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<std::string> resolved, ResolvePerson(*db_, s3));
  EXPECT_EQ(resolved, std::optional<std::string>(kAnId));  // the merge into An stands
}

// A non-match holds both ways: a record of the target declared not the moving person stops the
// merge as a record of the moving person declared not the target does (only the decided record
// moves).
TEST_P(ReviewTest, ANonMatchHeldByTheTargetsRecordAlsoStopsAMerge) {
  Load("tax", "T3,Lê Văn Cường,1970-03-03,,M,\nT4,Lê Văn Cường,1970-03-03,,M,\nT5,Phạm Minh Đức,1966-06-06,,M,\n");
  Link();
  const std::string s3 = PersonOf("tax", "T3");
  const std::string s5 = PersonOf("tax", "T5");
  ASSERT_EQ(PersonOf("tax", "T4"), s3);
  ASSERT_NE(s3, s5);
  NDC_ASSERT_OK(Decide(Review(), {"tax", "T5", s3, "non_match", std::nullopt, "cli:op", "not him"}).status());
  NDC_ASSERT_OK_AND_ASSIGN(DecisionOutcome out,
                           Decide(Review(), {"tax", "T3", s5, "match", std::nullopt, "cli:op", "same man?"}));
  EXPECT_EQ(out.outcome, "moved");
  EXPECT_EQ(PersonOf("tax", "T3"), s5);
  EXPECT_EQ(PersonOf("tax", "T4"), s3);  // s3 was not merged into the person holding T5
}

// A link is only written to an active person: one merged since the caller resolved it (another
// transaction, another node) is kAborted, so the caller retries against the survivor instead of
// linking a record where no view of a person finds it.
TEST_P(ReviewTest, NoLinkIsWrittenToAMergedPerson) {
  Load("tax", "T3,Lê Văn Cường,1970-03-03,,M,\nT5,Phạm Minh Đức,1966-06-06,,M,\n");
  Link();
  const std::string s3 = PersonOf("tax", "T3");
  NDC_ASSERT_OK(Decide(Review(), {"tax", "T3", kAnId, "match", std::nullopt, "cli:op", "verified"}).status());
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::Transaction> tx, db_->Begin());
  OpsContext octx{clock_.NowMicros(), "population_registry", {}, &random_};
  PersonOps ops(tx.get(), &octx);
  RecordState record{0, "T5", false, clock_.NowMicros(), {{"full_name", "Phạm Minh Đức"}}};
  Status attach = ops.Attach("tax", record, s3, "probabilistic", 12.0);
  EXPECT_EQ(attach.code(), StatusCode::kAborted) << attach.ToString();
  Status merge = ops.Merge(s3, kBinhId, "late");
  EXPECT_EQ(merge.code(), StatusCode::kAborted) << merge.ToString();
}

// A merged person's consents and correction requests follow them to the survivor.
TEST_P(ReviewTest, AMergeMovesTheConsentsAndCorrectionRequests) {
  Load("tax", "T3,Lê Văn Cường,1970-03-03,,M,\n");
  Link();
  const std::string s3 = PersonOf("tax", "T3");
  ASSERT_EQ(s3[0], 'S');
  NDC_ASSERT_OK_AND_ASSIGN(store::ResultSet agencies, db_->Query("SELECT id FROM agencies ORDER BY id"));
  ASSERT_FALSE(agencies.rows.empty());
  const std::string agency = agencies.rows[0].Str(0);
  const int64_t now = clock_.NowMicros();
  NDC_ASSERT_OK(db_->Exec("INSERT INTO consents (id, person_key, recipient_agency, purpose, grants, valid_from, "
                          "valid_to, granted_at, channel, text_version, proof) VALUES ('con_1', $1, $2, 'p', '{}', "
                          "$3, $4, $3, 'test', 'v1', 'x'), ('con_2', $5, $2, 'p', '{}', $3, $4, $3, 'test', 'v1', 'x')",
                          std::vector<store::Value>{s3, agency, now, now + 1000000, std::string(kBinhId)})
                    .status());
  NDC_ASSERT_OK(db_->Exec("INSERT INTO correction_requests (id, dataset_id, record_key, field, person_key, "
                          "claimed_value, note, status, created_at) VALUES ('cor_1', 'tax', 'T3', 'ho_ten', $1, 'x', "
                          "'', 'open', $2)",
                          std::vector<store::Value>{s3, now})
                    .status());
  {
    NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::Transaction> tx, db_->Begin());
    OpsContext octx{clock_.NowMicros(), "population_registry", {}, &random_};
    PersonOps ops(tx.get(), &octx);
    NDC_ASSERT_OK(ops.Merge(s3, kAnId, "the same man"));
    NDC_ASSERT_OK(tx->Commit());
  }
  NDC_ASSERT_OK_AND_ASSIGN(store::ResultSet consents,
                           db_->Query("SELECT id, person_key FROM consents ORDER BY id"));
  ASSERT_EQ(consents.rows.size(), 2u);
  EXPECT_EQ(consents.rows[0].Str(1), kAnId);
  EXPECT_EQ(consents.rows[1].Str(1), kBinhId);  // another person's stays
  NDC_ASSERT_OK_AND_ASSIGN(store::ResultSet corrections,
                           db_->Query("SELECT person_key FROM correction_requests WHERE id = 'cor_1'"));
  ASSERT_EQ(corrections.rows.size(), 1u);
  EXPECT_EQ(corrections.rows[0].Str(0), kAnId);
}

TEST_P(ReviewTest, DecidingTwiceOrUnknownItemsFails) {
  ReviewItem item = QueueOne();
  NDC_ASSERT_OK(DecideReview(Review(), item.id, "match", "cli:op", "ok").status());
  EXPECT_EQ(DecideReview(Review(), item.id, "match", "cli:op", "ok").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(DecideReview(Review(), 999, "match", "cli:op", "").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Decide(Review(), {"tax", "T1", kAnId, "maybe", std::nullopt, "cli:op", ""}).status().code(),
            StatusCode::kInvalidArgument);
}

// A decision's reason is read by other operators in both persons' histories: text of 1 to 2,000
// characters, no control or invisible formatting characters (a tab and line feed are fine).
TEST_P(ReviewTest, ADecisionsReasonIsPlainText) {
  ReviewItem item = QueueOne();
  for (const std::string& reason : {std::string(), std::string(2001, 'x'), std::string("not \xe2\x80\xae" "him"),
                                    std::string("x\x1b[2J"), std::string("\xff")}) {
    Result<DecisionOutcome> refused = DecideReview(Review(), item.id, "match", "cli:op", reason);
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument) << reason;
  }
  EXPECT_EQ(DecideReview(Review(), item.id, "match", "cli:op", "a\xe2\x80\xae").status().message(),
            "a decision's reason may not contain U+202E (a control or invisible formatting character: it would show "
            "as nothing, or change how the text around it reads)");
  EXPECT_EQ(GetReview(*db_, item.id)->status, "pending");  // nothing decided
  NDC_ASSERT_OK(DecideReview(Review(), item.id, "match", "cli:op", "same person:\n\tsame mother, same commune")
                    .status());
}

TEST_P(ReviewTest, ExplainShowsEachComparisonAndTheTotal) {
  ReviewItem item = QueueOne();
  NDC_ASSERT_OK_AND_ASSIGN(link::Explanation e, ExplainReview(Review(), TestSettings(), TestModel(), item.id));
  ASSERT_FALSE(e.comparisons.empty());
  EXPECT_EQ(e.right_id, kAnId);
  double sum = e.prior_weight;
  for (const auto& c : e.comparisons) sum += c.weight + c.tf_adjustment;
  EXPECT_NEAR(e.total_weight, sum, 1e-9);
  EXPECT_NEAR(e.probability, item.probability, 1e-3);
  EXPECT_EQ(ExplainReview(Review(), TestSettings(), std::nullopt, item.id).status().code(),
            StatusCode::kFailedPrecondition);  // no stored model: the test's model was given
}

// With term-frequency adjustment on (the shipped settings), the person's values weigh by their
// frequency among all persons, as in the link run: before a review of 2026-11-30 the person was
// a one-row table, every value counted as held by all, and a true match lost log2(1/u) bits per
// agreeing name or commune.
TEST_P(ReviewTest, AnExplanationWeighsTheNameByItsFrequencyAmongThePersonsOfTheRun) {
  std::string rows;
  for (int i = 0; i < 8; ++i) {  // eight more registry persons, other names: An's name is 1 of 10
    rows += fmt::format("0010900000{:02d},Người Số {},1990-02-01,Nam,X{}\n", 10 + i, i, i);
  }
  Load("population_registry", rows);
  ReviewItem item = QueueOne();
  link::Settings settings = link::DefaultPersonSettings();
  // Without a base stored by a run with these settings, a value weighs as the model's u: no
  // adjustment (never the one-row table's "held by everyone").
  NDC_ASSERT_OK_AND_ASSIGN(link::Explanation before, ExplainReview(Review(), settings, TestModel(), item.id));
  // The base a run of tax with these settings stores: ten persons have a full name.
  Load("tax", "T9,Hoàng Văn Em,1999-09-09,,M,\n");
  Link(settings);
  NDC_ASSERT_OK_AND_ASSIGN(std::optional<std::string> base, GetPersonSetting(*db_, "tf_present:tax"));
  ASSERT_TRUE(base.has_value());
  EXPECT_NE(base->find("\"full_name\":10"), std::string::npos) << *base;
  NDC_ASSERT_OK_AND_ASSIGN(link::Explanation e, ExplainReview(Review(), settings, TestModel(), item.id));
  size_t name = settings.comparisons.size();
  for (size_t c = 0; c < settings.comparisons.size(); ++c) {
    if (settings.comparisons[c].name == "full_name") name = c;
  }
  ASSERT_LT(name, e.comparisons.size());
  ASSERT_TRUE(settings.comparisons[name].tf_adjust);
  // u of full_name's first level is 0.001 (TestModel); the name is held by 1 of the 10 persons.
  EXPECT_NEAR(before.comparisons[name].tf_adjustment, 0.0, 1e-6);
  EXPECT_NEAR(e.comparisons[name].tf_adjustment, std::log2(0.001 / 0.1), 1e-6);
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, ReviewTest, ::testing::Values(Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, ReviewTest, ::testing::Values(Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::person
