#include "store/testing/pg_test_server.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace ndc::store {
namespace {

// Sets or clears environment variables for one test and restores them after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    value ? setenv(name, value, 1) : unsetenv(name);
  }
  ~ScopedEnv() { old_ ? setenv(name_, old_->c_str(), 1) : unsetenv(name_); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(PgTestServerUrl, WithoutConfigurationFailsWithTheHint) {
  ScopedEnv url("NDC_TEST_PG_URL", nullptr), file("NDC_TEST_PG_FILE", nullptr);
  Result<std::string> r = PgTestServerUrl();
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(), kPgTestServerMissing);
}

TEST(PgTestServerUrl, UnreadableFileFailsNamingIt) {
  ScopedEnv url("NDC_TEST_PG_URL", nullptr), file("NDC_TEST_PG_FILE", "/nonexistent-ndc/conninfo");
  Result<std::string> r = PgTestServerUrl();
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("/nonexistent-ndc/conninfo"), std::string::npos);
}

TEST(PgTestServerUrl, UrlVariableWins) {
  ScopedEnv url("NDC_TEST_PG_URL", "postgresql://u@h/db"), file("NDC_TEST_PG_FILE", "/nonexistent");
  EXPECT_EQ(*PgTestServerUrl(), "postgresql://u@h/db");
}

TEST(WithDatabase, ReplacesTheDatabaseOfUriAndKeywordForms) {
  EXPECT_EQ(*WithDatabase("postgresql://postgres@127.0.0.1:5432/postgres", "ndc_t_1"),
            "postgresql:///ndc_t_1?user=postgres&host=127.0.0.1&port=5432");
  EXPECT_EQ(*WithDatabase("host='/tmp/s p' port=1 dbname=x password='a b'", "d"),
            "postgresql:///d?password=a%20b&host=%2Ftmp%2Fs%20p&port=1");
  EXPECT_EQ(WithDatabase("bogus_key=1", "d").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ndc::store
