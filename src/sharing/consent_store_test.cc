// ConsentStore on a real store: SQLite (sharing_store_test) and PostgreSQL (sharing_store_pg_test).
#include "sharing/consent_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/instant.h"
#include "common/json.h"
#include "store/testing/test_database.h"
#include "store/testing/test_util.h"

namespace ndc::sharing {
namespace {

using store::Backend;

constexpr int64_t kDay = int64_t{86400} * 1000000;

class ConsentStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto db = store::NewMigratedTestDatabase(GetParam());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    clock_.Set(*ParseInstant("2026-03-01T00:00:00Z"));
    catalog_ = std::make_unique<catalog::Catalog>(db_.get(), &clock_);
    consents_ = std::make_unique<ConsentStore>(db_.get(), catalog_.get(), &clock_, SystemRandom());
    ASSERT_TRUE(catalog_->CreateAgency({.id = "bca", .name = "Bộ Công an"}).ok());
    ASSERT_TRUE(catalog_->CreateAgency({.id = "bank_x", .name = "Bank X", .kind = "non_state"}).ok());
    auto schema = catalog::ParseSchemaJson(R"({"id": "registry", "title": "Registry", "owner": "bca",
      "classification": {"data": "core", "personal": "basic"}, "source_key": "so_dinh_danh",
      "fields": [{"name": "so_dinh_danh", "type": "string", "required": true},
                 {"name": "ho_ten", "type": "string"}, {"name": "ngay_sinh", "type": "date"}]})");
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    ASSERT_TRUE(catalog_->CreateDataset(*schema).ok());
  }

  // A valid grant document with `extra` members (", \"k\": v, ...") added or replacing its own.
  Result<StoredConsent> Parse(const std::string& extra = "") {
    auto doc = ParseJson(R"({"recipient": "bank_x", "purpose": "banking.account_opening",
      "grants": {"registry": ["ho_ten", "ngay_sinh"]}, "valid_to": "2026-12-31"})");
    EXPECT_TRUE(doc.ok());
    if (!extra.empty()) {
      auto more = ParseJson("{" + extra.substr(extra.find(',') + 1) + "}");
      EXPECT_TRUE(more.ok()) << more.status().ToString();
      doc->update(*more);
    }
    return ConsentFromJson(*doc, clock_.NowMicros());
  }

  StoredConsent Granted(const std::string& person, const std::string& extra = "") {
    auto draft = Parse(extra);
    EXPECT_TRUE(draft.ok()) << draft.status().ToString();
    auto c = consents_->Grant(person, *draft);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : StoredConsent{};
  }

  std::string GrantError(const std::string& extra) {
    auto draft = Parse(extra);
    if (!draft.ok()) return draft.status().message();
    auto c = consents_->Grant("001090000001", *draft);
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
    return c.status().message();
  }

  FakeClock clock_;
  std::unique_ptr<store::TestDatabase> db_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<ConsentStore> consents_;
};

TEST_P(ConsentStoreTest, GrantThenListAndGet) {
  StoredConsent a = Granted("001090000001");
  clock_.Advance(1000);
  StoredConsent b = Granted("001090000001", R"(, "max_uses": 3)");
  Granted("001090000002");
  EXPECT_EQ(a.consent.id.substr(0, 4), "con_");
  auto list = consents_->ForPerson("001090000001", "", 100);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].consent.id, b.consent.id);  // newest first
  EXPECT_EQ((*list)[1].consent.grants[0].fields, (std::vector<std::string>{"ho_ten", "ngay_sinh"}));
  // A page at a time: the second page starts after the first's last.
  auto first = consents_->ForPerson("001090000001", "", 1);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].consent.id, b.consent.id);
  auto second = consents_->ForPerson("001090000001", b.consent.id, 1);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].consent.id, a.consent.id);
  EXPECT_TRUE(consents_->ForPerson("001090000001", a.consent.id, 1)->empty());
  EXPECT_EQ(consents_->ForPerson("001090000002", a.consent.id, 1).status().code(), StatusCode::kInvalidArgument)
      << "another person's consent is not a cursor";
  auto got = consents_->Get("001090000001", b.consent.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->consent.max_uses, 3);
  EXPECT_EQ(ConsentToJson(*got, clock_.NowMicros())["status"], "active");
}

// A consent granted by a person merged after the caller resolved the key (a merge committed
// between the citizen route's resolution and this transaction) is stored under the survivor, with
// the person's other consents, where a recipient's reads of the survivor find it.
TEST_P(ConsentStoreTest, AGrantByAPersonMergedMeanwhileGoesToTheSurvivor) {
  for (const char* row : {"('001090000001', 'registry', 'merged', '001090000002', 1, 1)",
                          "('001090000002', 'registry', 'active', NULL, 1, 1)"}) {
    ASSERT_TRUE(db_->Exec(std::string("INSERT INTO persons (person_key, kind, status, merged_into, created_at, "
                                      "updated_at) VALUES ") + row)
                    .ok());
  }
  StoredConsent c = Granted("001090000001");
  EXPECT_EQ(c.consent.person_key, "001090000002");
  auto survivors = ConsentsOfPerson(*db_, "001090000002", "", 10);
  ASSERT_TRUE(survivors.ok()) << survivors.status().ToString();
  ASSERT_EQ(survivors->size(), 1u);
  EXPECT_EQ((*survivors)[0].consent.id, c.consent.id);
  EXPECT_TRUE(ConsentsOfPerson(*db_, "001090000001", "", 10)->empty());
}

TEST_P(ConsentStoreTest, AnotherPersonsConsentIsNotFound) {
  StoredConsent a = Granted("001090000001");
  EXPECT_EQ(consents_->Get("001090000002", a.consent.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(consents_->Revoke("001090000002", a.consent.id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(consents_->Get("001090000001", a.consent.id).ok());
}

TEST_P(ConsentStoreTest, RevokeTwiceIsFailedPrecondition) {
  StoredConsent a = Granted("001090000001");
  auto revoked = consents_->Revoke("001090000001", a.consent.id);
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_EQ(revoked->consent.revoked_at, clock_.NowMicros());
  auto again = consents_->Revoke("001090000001", a.consent.id);
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("already revoked"), std::string::npos);
  std::string refused_as;
  EXPECT_EQ(consents_->CountUse(a.consent.id, nullptr, &refused_as).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused_as, "revoked");  // what the access gate names the refusal by
}

// Every decision reads the person's consents to its recipient: a person holds a bounded number
// in force. Revoked and expired ones do not count.
TEST_P(ConsentStoreTest, APersonHoldsABoundedNumberOfConsentsInForce) {
  const std::string person = "001090000001";
  std::vector<StoredConsent> held;
  held.push_back(Granted(person, R"(, "valid_to": "2026-03-02")"));  // expires in a day
  for (int i = 1; i < ConsentStore::kMaxLiveConsents; ++i) held.push_back(Granted(person));
  auto draft = Parse();
  ASSERT_TRUE(draft.ok());
  auto refused = consents_->Grant(person, *draft);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("revoke one"), std::string::npos) << refused.status().message();
  EXPECT_TRUE(consents_->Grant("001090000002", *draft).ok()) << "another person is not limited by this one";
  ASSERT_TRUE(consents_->Revoke(person, held[1].consent.id).ok());
  EXPECT_TRUE(consents_->Grant(person, *draft).ok()) << "a revoked consent makes room";
  EXPECT_EQ(consents_->Grant(person, *draft).status().code(), StatusCode::kFailedPrecondition);
  clock_.Advance(2 * kDay);
  EXPECT_TRUE(consents_->Grant(person, *draft).ok()) << "an expired consent makes room";
}

// Grants sent at once take turns for the count (store::SerializeOn): the bound holds exactly.
TEST_P(ConsentStoreTest, GrantsSentAtOnceDoNotPassTheBound) {
  const std::string person = "001090000001";
  for (int i = 2; i < ConsentStore::kMaxLiveConsents; ++i) Granted(person);
  auto draft = Parse();
  ASSERT_TRUE(draft.ok());
  constexpr int kThreads = 6;
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] { results[t] = consents_->Grant(person, *draft).status(); });
  }
  for (std::thread& t : threads) t.join();
  int granted = 0;
  for (const Status& s : results) {
    if (s.ok()) {
      ++granted;
    } else {
      EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
    }
  }
  EXPECT_EQ(granted, 2) << "two places were left";
  auto all = consents_->ForPerson(person, "", 1000);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(static_cast<int>(all->size()), ConsentStore::kMaxLiveConsents);
}

TEST_P(ConsentStoreTest, CountUseStopsAtMaxUses) {
  StoredConsent a = Granted("001090000001", R"(, "max_uses": 2)");
  EXPECT_TRUE(consents_->CountUse(a.consent.id).ok());
  EXPECT_TRUE(consents_->CountUse(a.consent.id).ok());
  std::string refused_as;
  Status third = consents_->CountUse(a.consent.id, nullptr, &refused_as);
  EXPECT_EQ(third.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused_as, "used_up");
  EXPECT_NE(third.message().find("used_up"), std::string::npos) << third.message();
  EXPECT_EQ(consents_->Get("001090000001", a.consent.id)->consent.uses, 2);
  EXPECT_EQ(consents_->CountUse("con_0000000000000000").code(), StatusCode::kNotFound);
}

TEST_P(ConsentStoreTest, ExpiredAndNotYetValidCannotBeUsed) {
  StoredConsent later = Granted("001090000001", R"(, "valid_from": "2026-06-01")");
  EXPECT_EQ(consents_->CountUse(later.consent.id).code(), StatusCode::kFailedPrecondition);
  StoredConsent now = Granted("001090000001", R"(, "valid_to": "2026-03-02")");
  EXPECT_TRUE(consents_->CountUse(now.consent.id).ok());
  clock_.Advance(2 * kDay);
  std::string refused_as;
  Status expired = consents_->CountUse(now.consent.id, nullptr, &refused_as);
  EXPECT_EQ(expired.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused_as, "expired");
  EXPECT_NE(expired.message().find("expired"), std::string::npos) << expired.message();
  EXPECT_EQ(ConsentToJson(*consents_->Get("001090000001", now.consent.id), clock_.NowMicros())["status"], "expired");
}

TEST_P(ConsentStoreTest, ConcurrentUsesNeverExceedMaxUses) {
  StoredConsent a = Granted("001090000001", R"(, "max_uses": 10)");
  std::atomic<int> ok{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 8; ++i) {
        Status s = consents_->CountUse(a.consent.id);
        (s.ok() ? ok : s.code() == StatusCode::kFailedPrecondition ? refused : other)++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 10);
  EXPECT_EQ(refused.load(), 22);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(consents_->Get("001090000001", a.consent.id)->consent.uses, 10);
}

// A use given back (a read that disclosed nothing) is one the consent still has, in its window;
// given back after its window closed, it lends the next window nothing.
TEST_P(ConsentStoreTest, AUseGivenBackIsUsableAgainInItsWindowOnly) {
  StoredConsent a = Granted("001090000001", R"(, "max_uses": 1, "frequency": {"max": 1, "per": "day"})");
  int64_t used_at = 0;  // the window the use was counted in
  NDC_ASSERT_OK(consents_->CountUse(a.consent.id, &used_at));
  EXPECT_EQ(used_at, clock_.NowMicros());  // the first use opened it
  EXPECT_EQ(consents_->CountUse(a.consent.id).code(), StatusCode::kFailedPrecondition);
  NDC_ASSERT_OK(consents_->ReturnUse(a.consent.id, used_at));
  StoredConsent back = *consents_->Get("001090000001", a.consent.id);
  EXPECT_EQ(back.consent.uses, 0);
  EXPECT_TRUE(back.consent.FrequencyAllows(clock_.NowMicros()));
  NDC_ASSERT_OK(consents_->CountUse(a.consent.id));  // the one use, again
  // Another consent: a use taken in one window, given back once the next has opened.
  StoredConsent b = Granted("001090000001", R"(, "frequency": {"max": 1, "per": "day"})");
  NDC_ASSERT_OK(consents_->CountUse(b.consent.id, &used_at));
  clock_.Advance(kDay + 1);
  NDC_ASSERT_OK(consents_->CountUse(b.consent.id));  // opens the next window
  NDC_ASSERT_OK(consents_->ReturnUse(b.consent.id, used_at));
  EXPECT_EQ(consents_->Get("001090000001", b.consent.id)->consent.uses, 1);
  EXPECT_EQ(consents_->CountUse(b.consent.id).code(), StatusCode::kFailedPrecondition);  // the window's one is made
}

// A frequency allows so many uses per window; the window opens at the first use after the last
// one closed. Concurrent uses never pass it.
TEST_P(ConsentStoreTest, CountUseKeepsToTheFrequency) {
  StoredConsent a = Granted("001090000001", R"(, "frequency": {"max": 2, "per": "day"})");
  EXPECT_EQ(ConsentToJson(a, clock_.NowMicros())["frequency"], *ParseJson(R"({"max": 2, "per": "day", "window_uses": 0})"));
  EXPECT_TRUE(consents_->CountUse(a.consent.id).ok());
  clock_.Advance(kDay / 2);
  EXPECT_TRUE(consents_->CountUse(a.consent.id).ok());
  std::string refused_as;
  Status third = consents_->CountUse(a.consent.id, nullptr, &refused_as);
  EXPECT_EQ(third.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused_as, "resting");
  EXPECT_NE(third.message().find("allows 2 uses per day, all made; the next is possible at 2026-03-02T00:00:00"),
            std::string::npos)
      << third.message();
  StoredConsent now = *consents_->Get("001090000001", a.consent.id);
  EXPECT_EQ(ConsentToJson(now, clock_.NowMicros())["status"], "resting");
  EXPECT_EQ(now.consent.uses, 2);
  EXPECT_FALSE(now.consent.FrequencyAllows(clock_.NowMicros()));
  clock_.Advance(kDay / 2);  // the window (opened at the first use) closes
  EXPECT_TRUE(consents_->CountUse(a.consent.id).ok());
  EXPECT_EQ(consents_->Get("001090000001", a.consent.id)->consent.uses, 3);
  // Concurrent uses in a fresh window: exactly two pass.
  clock_.Advance(2 * kDay);
  std::atomic<int> ok{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) (consents_->CountUse(a.consent.id).ok() ? ok : refused)++;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 2);
  EXPECT_EQ(refused.load(), 10);
  // The shape is checked.
  EXPECT_NE(Parse(R"(, "frequency": {"max": 0, "per": "day"})").status().message().find("consent.frequency"),
            std::string::npos);
  EXPECT_NE(Parse(R"(, "frequency": {"max": 3, "per": "fortnight"})").status().message().find("consent.frequency.per"),
            std::string::npos);
  EXPECT_NE(Parse(R"(, "frequency": {"max": 3})").status().message().find("consent.frequency"), std::string::npos);
  EXPECT_NE(Parse(R"(, "frequency": {"max": 3, "per": "day", "x": 1})").status().message().find("consent.frequency"),
            std::string::npos);
}

TEST_P(ConsentStoreTest, GrantChecksTheCatalog) {
  EXPECT_NE(GrantError(R"(, "recipient": "bank_y")").find("consent.recipient: agency 'bank_y' does not exist"),
            std::string::npos);
  EXPECT_NE(GrantError(R"(, "purpose": "gossip")").find("consent.purpose: unknown purpose 'gossip'"),
            std::string::npos);
  EXPECT_NE(GrantError(R"(, "grants": {"tax": ["x"]})").find("dataset 'tax' does not exist"), std::string::npos);
  EXPECT_NE(GrantError(R"(, "grants": {"registry": ["luong"]})").find("has no field 'luong'"), std::string::npos);
}

TEST_P(ConsentStoreTest, DocumentShapeIsChecked) {
  EXPECT_EQ(Parse(R"(, "valid_to": "2026-01-01")").status().message(), "consent.valid_to: must be after valid_from");
  EXPECT_NE(Parse(R"(, "max_uses": -1)").status().message().find("consent.max_uses"), std::string::npos);
  EXPECT_NE(Parse(R"(, "uses": 5)").status().message().find("consent.uses: is not a member"), std::string::npos);
  EXPECT_NE(Parse(R"(, "grants": {"registry": []})").status().message().find("consent.grants.registry"),
            std::string::npos);
  EXPECT_NE(Parse(R"(, "recipient": "Bank X'; DROP TABLE consents;--")").status().message().find("consent.recipient"),
            std::string::npos);
}

TEST_P(ConsentStoreTest, ForDecisionReturnsTheRecipientsConsents) {
  Granted("001090000001");
  auto list = consents_->ForDecision("001090000001", "bank_x");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].purpose, "banking.account_opening");
  EXPECT_TRUE(consents_->ForDecision("001090000001", "bca")->empty());
}

// A decision reads the consents in force and the newest withdrawn or expired one (the reason of a
// refusal), not every consent the person ever gave and withdrew.
TEST_P(ConsentStoreTest, ForDecisionReadsTheConsentsInForceAndTheNewestOther) {
  const std::string person = "001090000001";
  std::vector<std::string> revoked;
  for (int i = 0; i < 30; ++i) {
    StoredConsent c = Granted(person);
    ASSERT_TRUE(consents_->Revoke(person, c.consent.id).ok());
    revoked.push_back(c.consent.id);
    clock_.Advance(1);
  }
  StoredConsent expiring = Granted(person, R"(, "valid_to": "2026-03-02")");
  clock_.Advance(1);
  StoredConsent live = Granted(person);
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<policy::Consent> list, consents_->ForDecision(person, "bank_x"));
  ASSERT_EQ(list.size(), 3u) << "both in force, and the newest revoked";
  EXPECT_EQ(list[0].id, live.consent.id);
  EXPECT_EQ(list[1].id, expiring.consent.id);
  EXPECT_EQ(list[2].id, revoked.back());
  // A day later one has expired: it is now the newest of the others.
  clock_.Advance(2 * kDay);
  NDC_ASSERT_OK_AND_ASSIGN(list, consents_->ForDecision(person, "bank_x"));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, live.consent.id);
  EXPECT_EQ(list[1].id, expiring.consent.id);
  // Only withdrawn ones: the newest tells why.
  ASSERT_TRUE(consents_->Revoke(person, live.consent.id).ok());
  NDC_ASSERT_OK_AND_ASSIGN(list, consents_->ForDecision(person, "bank_x"));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].id, live.consent.id);
  EXPECT_TRUE(list[0].revoked_at.has_value());
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, ConsentStoreTest, ::testing::Values(Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, ConsentStoreTest, ::testing::Values(Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::sharing
