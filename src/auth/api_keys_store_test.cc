// ApiKeyStore on a real store: SQLite (auth_store_test) and PostgreSQL (auth_store_pg_test).
// Authentication keeps known keys in memory; these tests pin down that the cache never outlives
// a revocation, also one made through another store on the same database (another node).
#include "auth/api_keys.h"

#include <gtest/gtest.h>

#include "auth/access_generation.h"
#include "catalog/catalog.h"
#include "store/testing/test_database.h"

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

TEST_P(ApiKeyStoreTest, ARevocationIsRefusedAtEveryNodesNextRequest) {
  auto key = keys_->Create("vss client", Role::kAgency, "vss");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  for (ApiKeyStore* node : {keys_.get(), other_node_.get()}) {  // both nodes now hold the key
    for (int i = 0; i < 2; ++i) {
      auto who = node->Authenticate(key->token);
      ASSERT_TRUE(who.ok()) << who.status().ToString();
      EXPECT_EQ(who->agency_id, "vss");
      EXPECT_EQ(who->role, Role::kAgency);
    }
  }
  ASSERT_TRUE(keys_->Revoke(key->info.id).ok());
  for (ApiKeyStore* node : {keys_.get(), other_node_.get()}) {
    auto who = node->Authenticate(key->token);
    EXPECT_EQ(who.status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(who.status().message(), "API key " + key->info.id + " was revoked");
  }
  // Revoking again changes nothing, an unknown id is reported.
  auto before = ReadAccessGeneration(*db_);
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(keys_->Revoke(key->info.id).ok());
  EXPECT_EQ(*ReadAccessGeneration(*db_), *before);
  EXPECT_EQ(keys_->Revoke("ffffffffffff").code(), StatusCode::kNotFound);
}

TEST_P(ApiKeyStoreTest, ACachedKeyStillNeedsItsSecretAndCertificate) {
  auto key = keys_->Create("vss client", Role::kAgency, "vss");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  ASSERT_TRUE(keys_->Authenticate(key->token).ok());  // cached
  std::string wrong = key->token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(keys_->Authenticate(wrong).status().message(), "wrong secret for API key " + key->info.id);

  const std::string cert(64, 'a');
  auto bound = keys_->Create("bound client", Role::kAgency, "vss", "", cert);
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(keys_->Authenticate(bound->token).status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(keys_->Authenticate(bound->token, std::string(64, 'b')).status().code(), StatusCode::kUnauthenticated);
    EXPECT_TRUE(keys_->Authenticate(bound->token, cert).ok());
  }
  // Unknown ids are refused every time (and not remembered).
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(keys_->Authenticate("ndc_0123456789ab_secret").status().message(), "unknown API key 0123456789ab");
  }
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, ApiKeyStoreTest, ::testing::Values(Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, ApiKeyStoreTest, ::testing::Values(Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::auth
