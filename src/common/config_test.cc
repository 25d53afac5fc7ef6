#include "common/config.h"

#include <fstream>

#include <gtest/gtest.h>

namespace ndc {
namespace {

std::function<std::optional<std::string>(const std::string&)> Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string WriteFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(Config, DefaultsWhenNothingIsSet) {
  auto c = LoadConfig({.env = Env({})});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen, "127.0.0.1:8080");
  EXPECT_EQ(c->EffectiveStoreUrl(), "sqlite:ndc-data/ndc.db");
}

TEST(Config, FlagsBeatEnvironmentBeatFile) {
  std::string f = WriteFile("layers.toml", "[server]\nlisten = \"0.0.0.0:1\"\nthreads = 3\n[log]\nlevel = \"warn\"\n");
  auto c = LoadConfig({.file = f,
                       .env = Env({{"NDC_SERVER_LISTEN", "0.0.0.0:2"}, {"NDC_SERVER_THREADS", "5"}}),
                       .overrides = {{"server.listen", "127.0.0.1:3"}}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen, "127.0.0.1:3");
  EXPECT_EQ(c->threads, 5);
  EXPECT_EQ(c->log_level, "warn");
}

TEST(Config, UnknownKeyInFileIsNamed) {
  std::string f = WriteFile("typo.toml", "[server]\nlisen = \"x\"\n");
  auto c = LoadConfig({.file = f, .env = Env({})});
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(), "config file " + f + ": unknown key 'server.lisen'");
}

TEST(Config, BadIntegerFromEnvironmentIsNamed) {
  auto c = LoadConfig({.env = Env({{"NDC_SERVER_THREADS", "many"}})});
  EXPECT_EQ(c.status().message(), "environment NDC_SERVER_THREADS: server.threads expects an integer, got 'many'");
}

TEST(Config, OutOfRangeAndBadEnumAreRefused) {
  EXPECT_EQ(LoadConfig({.env = Env({}), .overrides = {{"server.max_header_bytes", "10"}}}).status().message(),
            "flag for server.max_header_bytes: server.max_header_bytes must be between 512 and 1048576, got 10");
  EXPECT_EQ(LoadConfig({.env = Env({{"NDC_LOG_FORMAT", "xml"}})}).status().message(),
            "environment NDC_LOG_FORMAT: log.format must be one of text, json, got 'xml'");
}

// A store URL is PostgreSQL's or nothing: `--db foo.db` or `mysql://x` used to open (and create)
// a SQLite file of that name in the working directory.
TEST(Config, AStoreUrlThatIsNotPostgresIsRefused) {
  for (const char* bad : {"foo.db", "mysql://x", "sqlite:/tmp/x.db", "postgresql:/x"}) {
    auto c = LoadConfig({.env = Env({}), .overrides = {{"store.url", bad}}});
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(c.status().message().find("store.url must be a PostgreSQL URL"), std::string::npos)
        << c.status().message();
  }
  // The refused value is not repeated: it may hold a password.
  for (const char* secret : {"host=db password=s3cret", "postgressql://u:s3cret@h/db",
                             "password=s3cret sslrootcert=file://x"}) {
    auto c = LoadConfig({.env = Env({}), .overrides = {{"store.url", secret}}});
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument) << secret;
    EXPECT_EQ(c.status().message().find("s3cret"), std::string::npos) << c.status().message();
  }
  EXPECT_NE(LoadConfig({.env = Env({}), .overrides = {{"store.url", "mysql://x"}}}).status().message().find(
                "got a URL of scheme 'mysql'"),
            std::string::npos);
  // A raw '@' in the password would be half read as the host (and echoed in libpq's error).
  auto twice = LoadConfig({.env = Env({}), .overrides = {{"store.url", "postgresql://ndc:p@ss/w@db/ndc"}}});
  EXPECT_EQ(twice.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(twice.status().message().find("as %40"), std::string::npos) << twice.status().message();
  EXPECT_EQ(twice.status().message().find("ss/w"), std::string::npos) << twice.status().message();
  for (const char* good : {"postgresql://u@127.0.0.1:5432/ndc", "postgres://u@h/db", "postgresql://ndc:p%40ss@db/ndc",
                           "postgresql://u@h/db?application_name=a@b", ""}) {
    EXPECT_TRUE(LoadConfig({.env = Env({}), .overrides = {{"store.url", good}}}).ok()) << good;
  }
}

TEST(Config, AuditCommitLingerIsOffUnlessSet) {
  auto c = LoadConfig({.env = Env({})});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->audit_commit_linger_us, 0);
  c = LoadConfig({.env = Env({{"NDC_AUDIT_COMMIT_LINGER_US", "500"}})});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->audit_commit_linger_us, 500);
  EXPECT_EQ(LoadConfig({.env = Env({{"NDC_AUDIT_COMMIT_LINGER_US", "200000"}})}).status().message(),
            "environment NDC_AUDIT_COMMIT_LINGER_US: audit.commit_linger_us must be between 0 and 100000, got 200000");
}

TEST(Config, AuditStallSecondsDefaultsToTenAndIsBounded) {
  auto c = LoadConfig({.env = Env({})});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->audit_stall_seconds, 10);
  c = LoadConfig({.env = Env({{"NDC_AUDIT_STALL_SECONDS", "2"}})});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->audit_stall_seconds, 2);
  EXPECT_EQ(LoadConfig({.env = Env({{"NDC_AUDIT_STALL_SECONDS", "0"}})}).status().message(),
            "environment NDC_AUDIT_STALL_SECONDS: audit.stall_seconds must be between 1 and 3600, got 0");
}

TEST(Config, MissingExplicitFileIsNotFound) {
  EXPECT_EQ(LoadConfig({.file = "/nonexistent/ndc.toml", .env = Env({})}).status().code(), StatusCode::kNotFound);
}

TEST(Config, MissingDefaultFileIsFine) {
  EXPECT_TRUE(LoadConfig({.default_file = "/nonexistent/ndc.toml", .env = Env({})}).ok());
}

TEST(Config, TomlSyntaxErrorGivesLine) {
  std::string f = WriteFile("syntax.toml", "[server]\nlisten = \n");
  auto c = LoadConfig({.file = f, .env = Env({})});
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("line 2"), std::string::npos) << c.status().message();
}

TEST(Config, DefaultTomlParsesBackToDefaults) {
  std::string f = WriteFile("default.toml", DefaultConfigToml());
  auto c = LoadConfig({.file = f, .env = Env({})});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->max_body_bytes, HubConfig{}.max_body_bytes);
  // Held in memory and parsed whole: small by default (batches are spooled, with their own limit).
  EXPECT_EQ(c->max_body_bytes, 1 << 20);
}

TEST(Config, DefaultTomlCarriesStoreUrl) {
  std::string f = WriteFile("pg.toml", DefaultConfigToml("postgresql://ndc@db:5432/ndc?x=\"q\""));
  auto c = LoadConfig({.file = f, .env = Env({})});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->store_url, "postgresql://ndc@db:5432/ndc?x=\"q\"");
}

}  // namespace
}  // namespace ndc
