// ApiKeyStore on a real store: SQLite (auth_store_test) and PostgreSQL (auth_store_pg_test).
// Authentication keeps known keys in memory; these tests pin down that the cache never outlives
// a revocation, also one made through another store on the same database (another node).
#include "auth/api_keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <tuple>

#include "auth/access_generation.h"
#include "catalog/catalog.h"
#include "store/testing/test_database.h"
#include "store/testing/sqlite_plans.h"

namespace ndc::auth {
namespace {

using store::Backend;

class ApiKeyStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto db = store::NewMigratedTestDatabase(GetParam());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    catalog::Catalog catalog(db_.get(), &clock_);
    ASSERT_TRUE(catalog.CreateAgency({.id = "vss", .name = "Bảo hiểm xã hội Việt Nam"}).ok());
    keys_ = std::make_unique<ApiKeyStore>(db_.get(), &clock_, &random_);
    other_node_ = std::make_unique<ApiKeyStore>(db_.get(), &clock_, &random_);
  }

  FakeClock clock_;
  SeededRandom random_{7};
  std::unique_ptr<store::TestDatabase> db_;
  std::unique_ptr<ApiKeyStore> keys_;
  std::unique_ptr<ApiKeyStore> other_node_;
};

// A key's name is shown in `ndc keys list` and the console: plain text only.
TEST_P(ApiKeyStoreTest, AKeysNameIsPlainText) {
  for (const char* name : {"vss\x1b[2J", "vss\nclient", "vss \xe2\x80\xae" "tneilc", "\xc2\x9b" "vss", "\xff"}) {
    auto made = keys_->Create(name, Role::kAgency, "vss");
    EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument) << name;
  }
  EXPECT_EQ(keys_->Create("a\xe2\x80\x8b", Role::kAgency, "vss").status().message(),
            "an API key name may not contain U+200B (a control or invisible formatting character: it would show as "
            "nothing, or change how the text around it reads)");
  EXPECT_TRUE(keys_->Create("Cổng dịch vụ công", Role::kAgency, "vss").ok());
}

TEST_P(ApiKeyStoreTest, ARevocationIsRefusedAtEveryNodesNextRequest) {
  auto key = keys_->Create("vss client", Role::kAgency, "vss");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  const AccessCacheCounters counters("api_keys");
  const int64_t hits = counters.hits->value(), misses = counters.misses->value();
  for (ApiKeyStore* node : {keys_.get(), other_node_.get()}) {  // both nodes now hold the key
    for (int i = 0; i < 2; ++i) {
      auto who = node->Authenticate(key->token);
      ASSERT_TRUE(who.ok()) << who.status().ToString();
      EXPECT_EQ(who->agency_id, "vss");
      EXPECT_EQ(who->role, Role::kAgency);
    }
  }
  EXPECT_EQ(counters.misses->value(), misses + 2);  // each node read the row once
  EXPECT_EQ(counters.hits->value(), hits + 2);      // and served the second request from memory
  ASSERT_TRUE(keys_->Revoke(key->info.id).ok());
  for (ApiKeyStore* node : {keys_.get(), other_node_.get()}) {
    auto who = node->Authenticate(key->token);
    EXPECT_EQ(who.status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(who.status().message(), "API key " + key->info.id + " was revoked");
  }
  // Revoking again keeps the key revoked and still changes the access generation (so every node
  // reads the row afresh); an unknown id is reported and changes nothing.
  auto before = ReadAccessGeneration(*db_);
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(keys_->Revoke(key->info.id).ok());
  auto after = ReadAccessGeneration(*db_);
  ASSERT_TRUE(after.ok());
  EXPECT_NE(*after, *before);
  EXPECT_EQ(other_node_->Authenticate(key->token).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(keys_->Revoke("ffffffffffff").code(), StatusCode::kNotFound);
  EXPECT_EQ(*ReadAccessGeneration(*db_), *after);
}

// A revocation typed into the database (not through Revoke, so the generation keeps its value)
// is honoured once the cache is a minute old; a store restored to an older generation empties
// the cache at once.
TEST_P(ApiKeyStoreTest, ChangesAroundTheGenerationAreSeenWithinAMinuteAndRestoresAtOnce) {
  auto key = keys_->Create("vss client", Role::kAgency, "vss");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  ASSERT_TRUE(other_node_->Authenticate(key->token).ok());  // cached
  const store::Value p[] = {key->info.id};
  ASSERT_TRUE(db_->Exec("UPDATE api_keys SET revoked_at = 1 WHERE id = $1", p).ok());
  clock_.Advance(kAccessCacheMaxAgeMicros / 2);
  EXPECT_TRUE(other_node_->Authenticate(key->token).ok());  // the documented window
  clock_.Advance(kAccessCacheMaxAgeMicros / 2);
  EXPECT_EQ(other_node_->Authenticate(key->token).status().code(), StatusCode::kUnauthenticated);

  // A restore: the generation goes back to a value from before the cache was filled, then a key
  // is revoked on the restored store. Had the generation been a counter, the revocation would
  // bring it back to the very value the cache was filled at, and the stale entry would answer.
  auto second = keys_->Create("second client", Role::kAgency, "vss");
  ASSERT_TRUE(second.ok());
  auto backup_value = ReadAccessGeneration(*db_);
  ASSERT_TRUE(backup_value.ok());
  auto dummy = keys_->Create("dummy", Role::kAgency, "vss");
  ASSERT_TRUE(dummy.ok());
  ASSERT_TRUE(keys_->Revoke(dummy->info.id).ok());            // the generation moves on
  ASSERT_TRUE(other_node_->Authenticate(second->token).ok());  // cached at the new value
  const store::Value restore[] = {*backup_value};
  ASSERT_TRUE(db_->Exec("UPDATE access_generation SET value = $1 WHERE id = 1", restore).ok());
  ASSERT_TRUE(keys_->Revoke(second->info.id).ok());
  EXPECT_EQ(other_node_->Authenticate(second->token).status().code(), StatusCode::kUnauthenticated);
}

// Inside a read pin the key check records the access generation it read and the snapshot it
// read it in (what the agreements' lookup may then use instead of reading the marker again);
// outside one it records nothing.
TEST_P(ApiKeyStoreTest, AKeyCheckInAPinRecordsTheGenerationItRead) {
  auto key = keys_->Create("vss client", Role::kAgency, "vss");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto unpinned = keys_->Authenticate(key->token);
  ASSERT_TRUE(unpinned.ok()) << unpinned.status().ToString();
  EXPECT_FALSE(unpinned->access_read.has_value());
  std::unique_ptr<store::ReadPin> pin = db_->PinReads();
  auto pinned = keys_->Authenticate(key->token);
  ASSERT_TRUE(pinned.ok()) << pinned.status().ToString();
  ASSERT_TRUE(pinned->access_read.has_value());
  auto generation = ReadAccessGeneration(*db_);
  ASSERT_TRUE(generation.ok());
  EXPECT_EQ(pinned->access_read->generation, *generation);
  EXPECT_NE(pinned->access_read->snapshot, 0u);
  EXPECT_EQ(pinned->access_read->snapshot, db_->ReadSnapshot());
}

TEST_P(ApiKeyStoreTest, ACachedKeyStillNeedsItsSecretAndCertificate) {
  auto key = keys_->Create("vss client", Role::kAgency, "vss");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  ASSERT_TRUE(keys_->Authenticate(key->token).ok());  // cached
  std::string wrong = key->token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(keys_->Authenticate(wrong).status().message(), "API key " + key->info.id + " is unknown or its secret is wrong");

  const std::string cert(64, 'a');
  auto bound = keys_->Create("bound client", Role::kAgency, "vss", "", cert);
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(keys_->Authenticate(bound->token).status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(keys_->Authenticate(bound->token, std::string(64, 'b')).status().code(), StatusCode::kUnauthenticated);
    EXPECT_TRUE(keys_->Authenticate(bound->token, cert).ok());
  }
  // Unknown ids are refused every time and not remembered: the id the next Create will draw
  // (the same seeded stream) is unknown, then, once created, accepted.
  SeededRandom twin(7);  // the same calls as the two Creates above: id, then secret, each
  for (int created = 0; created < 2; ++created) {
    twin.Bytes(6);
    twin.Bytes(32);
  }
  const std::string next_id = HexEncode(twin.Bytes(6));
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(keys_->Authenticate("ndc_" + next_id + "_secret").status().message(), "API key " + next_id + " is unknown or its secret is wrong");
  }
  auto next = keys_->Create("next client", Role::kAgency, "vss");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  ASSERT_EQ(next->info.id, next_id);
  EXPECT_TRUE(keys_->Authenticate(next->token).ok());
}

TEST(AccessCacheStateTest, ValidOnlyAtTheValueItWasFilledAtAndForAMinute) {
  AccessCacheState state;
  EXPECT_FALSE(state.Valid(0, 0));  // never filled
  EXPECT_TRUE(state.Reset(5, 1000));
  EXPECT_TRUE(state.Valid(5, 1000));
  EXPECT_FALSE(state.Reset(5, 2000));  // still valid: keep the entries
  EXPECT_FALSE(state.Valid(6, 2000));
  EXPECT_FALSE(state.Valid(4, 2000));  // another value, newer or older
  EXPECT_TRUE(state.Valid(5, 1000 + kAccessCacheMaxAgeMicros - 1));
  EXPECT_FALSE(state.Valid(5, 1000 + kAccessCacheMaxAgeMicros));
  EXPECT_FALSE(state.Valid(5, 999));  // a clock gone back: do not trust the age
  EXPECT_TRUE(state.Reset(4, 3000));
  EXPECT_TRUE(state.Valid(4, 3000));
  EXPECT_FALSE(state.Valid(5, 3000));
}

// The list comes a page at a time in creation order — keys made in the same microsecond
// included — for every combination of its filters; an unknown cursor is an error.
TEST_P(ApiKeyStoreTest, KeysAreListedAPageAtATimeWithTheirFilters) {
  ASSERT_TRUE(catalog::Catalog(db_.get(), &clock_).CreateAgency({.id = "bca", .name = "Bộ Công an"}).ok());
  std::vector<ApiKeyInfo> made;
  for (int i = 0; i < 11; ++i) {
    if (i % 2 == 0) clock_.Advance(1);  // pairs share a creation time
    const Role role = i % 3 == 0 ? Role::kOperator : Role::kAgency;
    auto key = keys_->Create("k" + std::to_string(i), role, role == Role::kAgency ? (i % 2 ? "vss" : "bca") : "");
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    made.push_back(key->info);
  }
  std::sort(made.begin(), made.end(),
            [](const ApiKeyInfo& a, const ApiKeyInfo& b) { return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id); });
  for (const std::optional<Role> role : {std::optional<Role>(), std::optional(Role::kAgency), std::optional(Role::kOperator)}) {
    for (const std::string agency : {"", "vss", "bca"}) {
      std::vector<std::string> want, got;
      for (const auto& k : made) {
        if ((!role || k.role == *role) && (agency.empty() || k.agency_id == agency)) want.push_back(k.id);
      }
      KeyListing page{.role = role, .agency_id = agency, .limit = 2};
      for (int pages = 0; pages < 20; ++pages) {
        auto list = keys_->List(page);
        ASSERT_TRUE(list.ok()) << list.status().ToString();
        if (list->empty()) break;
        for (const auto& k : *list) got.push_back(k.id);
        page.after_id = list->back().id;
      }
      EXPECT_EQ(got, want) << (role ? RoleName(*role) : "any role") << ", agency '" << agency << "'";
    }
  }
  EXPECT_EQ(keys_->List({.after_id = "ndc_000000000000"}).status().code(), StatusCode::kInvalidArgument);
}

#ifndef NDC_TEST_POSTGRES
// SQLite's plans for every form of the key list: an index seek in (created_at, id) order.
TEST_P(ApiKeyStoreTest, TheKeyListSeeksAnIndexForEveryForm) {
  auto key = keys_->Create("vss client", Role::kAgency, "vss");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  const auto problems = store::SqlitePlanProblems(*db_, [&](store::Executor& ex) {
    for (const std::optional<Role> role : {std::optional<Role>(), std::optional(Role::kAgency)}) {
      for (const std::string agency : {"", "vss"}) {
        for (const std::string& after : {std::string(), key->info.id}) {
          EXPECT_TRUE(ListKeys(ex, {.role = role, .agency_id = agency, .after_id = after, .limit = 10}).ok());
        }
      }
    }
  });
  EXPECT_EQ(problems, "");
}
#endif

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, ApiKeyStoreTest, ::testing::Values(Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, ApiKeyStoreTest, ::testing::Values(Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::auth
