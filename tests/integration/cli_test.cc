// The `ndc` command as a user runs it: init, agencies, datasets, keys, help and errors.
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/store.h"
#include "test_support.h"

namespace ndc::testing {
namespace {

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { hub_ = dir_.path() + "/hub"; }
  CommandResult Ndc(std::vector<std::string> args) {
    args.push_back("--data");
    args.push_back(hub_);
    return RunNdc(args);
  }
  void Init() { ASSERT_EQ(Ndc({"init", "-q"}).exit_code, 0); }
  std::string Example(const std::string& name) { return SourceDir() + "/examples/schemas/" + name; }
  TempDir dir_;
  std::string hub_;
};

TEST_F(CliTest, InitPrintsKeyOnceAndProtectsSigningKey) {
  CommandResult r = Ndc({"init"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Operator API key (shown once"), std::string::npos);
  EXPECT_NE(r.out.find("ndc_"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(stat((hub_ + "/keys/signing.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(std::filesystem::exists(hub_ + "/ndc.db"));
}

// `ndc audit entries` lists the log read-only, filtered by action: what a restore needs to find the
// revocations of the interval it loses (docs/backup.md).
TEST_F(CliTest, AuditEntriesListTheLogByAction) {
  Init();
  CommandResult key = Ndc({"key", "create", "--name", "leaked", "--role", "auditor"});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  CommandResult list = Ndc({"key", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const size_t row = list.out.find("leaked");
  ASSERT_NE(row, std::string::npos) << list.out;
  const std::string id = list.out.substr(list.out.rfind('\n', row) + 1, 12);
  ASSERT_EQ(Ndc({"key", "revoke", id}).exit_code, 0);
  CommandResult revokes = Ndc({"audit", "entries", "--action", "key.revoke"});
  ASSERT_EQ(revokes.exit_code, 0) << revokes.err;
  std::vector<nlohmann::json> lines;
  std::istringstream in(revokes.out);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 1u) << revokes.out;
  EXPECT_EQ(lines[0]["action"], "key.revoke");
  EXPECT_EQ(lines[0]["subject"]["record"], id);
  CommandResult all = Ndc({"audit", "entries", "--start", "1", "--limit", "2"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 2) << all.out;
  EXPECT_NE(all.out.find("\"index\":1"), std::string::npos) << all.out;
  EXPECT_NE(all.err.find("2 entries shown of [1, 3)"), std::string::npos) << all.err;
  CommandResult beyond = Ndc({"audit", "entries", "--start", "99"});
  EXPECT_NE(beyond.exit_code, 0);
  EXPECT_NE(beyond.err.find("the log holds"), std::string::npos) << beyond.err;
}

// Plain HTTP beyond loopback is said loudly (keys and personal data in clear); on loopback not.
TEST_F(CliTest, PlainHttpBeyondLoopbackIsWarnedAbout) {
  Init();
  {
    ServerProcess local({"--data", hub_});
    ASSERT_TRUE(local.started()) << local.output();
    EXPECT_EQ(local.output().find("plain HTTP"), std::string::npos) << local.output();
  }
  ServerProcess open({"--data", hub_, "--listen", "0.0.0.0:0"});
  ASSERT_TRUE(open.started()) << open.output();
  // The warning is on stderr, read by another thread than the start line: wait for it (bounded).
  for (int i = 0; i < 100 && open.output().find("WARNING: plain HTTP") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(open.output().find("WARNING: plain HTTP on 0.0.0.0"), std::string::npos) << open.output();
}

// A signing key opened to others (a careless copy to a second node) stops the hub with the fix.
TEST_F(CliTest, ASigningKeyOpenToOthersIsRefusedWithTheFix) {
  Init();
  const std::string key = hub_ + "/keys/signing.key";
  ASSERT_EQ(chmod(key.c_str(), 0644), 0);
  CommandResult r = Ndc({"dataset", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("has mode 0644"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("chmod 600 '" + key + "'"), std::string::npos) << r.err;
  ASSERT_EQ(chmod(key.c_str(), 0600), 0);
  CommandResult again = Ndc({"dataset", "list"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

// A command line that cannot be parsed is exit 2 with `ndc: error: ...` naming the command to ask
// for help (docs/cli.md); a mistyped command is named, with the valid ones (until 2026-11-30:
// CLI11's own exit codes 105-109 and "A subcommand is required").
TEST_F(CliTest, UsageErrorsExitTwoAndNameWhatWasWrong) {
  CommandResult flag = RunNdc({"dataset", "list", "--bogus"});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_EQ(flag.err.rfind("ndc: error: ", 0), 0u) << flag.err;
  EXPECT_NE(flag.err.find("--bogus; see `ndc dataset list --help` [INVALID_ARGUMENT]"), std::string::npos)
      << flag.err;
  CommandResult early = RunNdc({"--data", "somewhere", "dataset", "list"});  // an option before the command
  EXPECT_EQ(early.exit_code, 2);
  EXPECT_NE(early.err.find("'--data' is an option of `ndc dataset list` and goes after the command's name"),
            std::string::npos)
      << early.err;
  CommandResult typo = RunNdc({"datgen"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("'datgen' is not a command of `ndc`; the commands are: init, serve,"), std::string::npos)
      << typo.err;
  EXPECT_NE(typo.err.find("datagen"), std::string::npos);
  CommandResult sub = RunNdc({"dataset", "lst"});
  EXPECT_EQ(sub.exit_code, 2);
  EXPECT_NE(sub.err.find("'lst' is not a command of `ndc dataset`; the commands are: create, update, list, show"),
            std::string::npos)
      << sub.err;
  // With --help too: a word that is no command is named, not answered with its parent's help
  // and exit 0 as if it existed (`ndc restore --help`; review of 2026-12-03).
  for (const std::vector<std::string>& words : {std::vector<std::string>{"restore", "--help"},
                                                std::vector<std::string>{"dataset", "lst", "--help"}}) {
    CommandResult help = RunNdc(words);
    EXPECT_EQ(help.exit_code, 2) << words[0];
    EXPECT_NE(help.err.find("is not a command of `ndc"), std::string::npos) << help.err;
    EXPECT_EQ(help.out.find("Usage:"), std::string::npos) << help.out;
  }
  CommandResult real_help = RunNdc({"dataset", "--help"});
  EXPECT_EQ(real_help.exit_code, 0);
  EXPECT_NE(real_help.out.find("Usage: ndc dataset"), std::string::npos) << real_help.out;
  CommandResult range = RunNdc({"events", "x", "--limit", "0"});
  EXPECT_EQ(range.exit_code, 2);
  EXPECT_NE(range.err.find("--limit: Value 0 not in range"), std::string::npos) << range.err;
  CommandResult option = RunNdc({"--bogus"});
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_NE(option.err.find("'--bogus' is not an option of `ndc`"), std::string::npos) << option.err;
  CommandResult version = RunNdc({"--version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(version.out.rfind("ndc ", 0), 0u) << version.out;
  EXPECT_EQ(RunNdc({"dataset", "--help"}).exit_code, 0);
}

// An init that fails half-way (here: no server at the store URL) leaves the directory as it was —
// gone, or empty — so that the same command runs again once the cause is fixed.
TEST_F(CliTest, AFailedInitLeavesNothingBehind) {
  CommandResult r = Ndc({"init", "--db", "postgresql://ndc@127.0.0.1:1/ndc"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("nothing of the hub was kept in '" + hub_ + "'"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(hub_));
  std::filesystem::create_directories(hub_);
  EXPECT_EQ(Ndc({"init", "--db", "postgresql://ndc@127.0.0.1:1/ndc"}).exit_code, 3);
  ASSERT_TRUE(std::filesystem::exists(hub_));  // it was there before: kept, and empty again
  EXPECT_TRUE(std::filesystem::is_empty(hub_));
  CommandResult again = Ndc({"init", "-q"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

// A command that upgrades the store's schema says so (an upgrade is for good: older binaries then
// refuse the store); one on an up-to-date store says nothing of it.
TEST_F(CliTest, AnUpgradeOfTheStoreIsNeverSilent) {
  Init();
  CommandResult quiet = Ndc({"dataset", "list"});
  EXPECT_EQ(quiet.err.find("store.migrated"), std::string::npos) << quiet.err;
  {
    auto db = store::Open(hub_ + "/ndc.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto latest = (*db)->SchemaVersion();
    ASSERT_TRUE(latest.ok());
    // As a hub five migrations behind: its last five (0025, two columns; 0024, a column; 0023, a
    // table; 0022, a column and its index; 0021, an index) undone and their rows removed (a later
    // migration: undo that one here too).
    ASSERT_EQ(*latest, 25);
    ASSERT_TRUE((*db)->ExecScript("ALTER TABLE ingest_batches DROP COLUMN as_of; ALTER TABLE ingest_batches DROP "
                                  "COLUMN kept_as_newer; "
                                  "ALTER TABLE correction_requests DROP COLUMN asked_by; DROP TABLE rate_buckets; "
                                  "DROP INDEX persons_unmerged_from_idx; ALTER TABLE persons DROP COLUMN "
                                  "unmerged_from; DROP INDEX persons_merged_into_idx")
                    .ok());
    // 0021 also moves the consents of persons merged before to the end of their chain of merges.
    ASSERT_TRUE((*db)->ExecScript("INSERT INTO agencies (id, name, kind, created_at) VALUES ('bank_x', 'X', "
                                  "'non_state', 0); "
                                  "INSERT INTO persons VALUES ('S1', 'surrogate', 'merged', 'S2', 0, 0), "
                                  "('S2', 'surrogate', 'merged', 'P', 0, 0), ('P', 'registry', 'active', NULL, 0, 0); "
                                  "INSERT INTO consents (id, person_key, recipient_agency, purpose, grants, valid_from, "
                                  "valid_to, granted_at, channel, text_version, proof) VALUES ('con_1', 'S1', 'bank_x', "
                                  "'p', '{}', 0, 1, 0, 'api', 'v1', 'x')")
                    .ok());
    ASSERT_TRUE((*db)->Exec("DELETE FROM ndc_schema_version WHERE version >= " + std::to_string(*latest - 4)).ok());
  }
  CommandResult upgraded = Ndc({"dataset", "list"});
  EXPECT_EQ(upgraded.exit_code, 0) << upgraded.err;
  {
    auto db = store::Open(hub_ + "/ndc.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto moved = (*db)->Query("SELECT person_key FROM consents WHERE id = 'con_1'");
    ASSERT_TRUE(moved.ok() && moved->rows.size() == 1u);
    EXPECT_EQ(moved->rows[0].Str(0), "P");
    EXPECT_TRUE((*db)->Query("SELECT unmerged_from FROM persons WHERE person_key = 'P'").ok());  // 0022 again
    EXPECT_TRUE((*db)->Query("SELECT tokens FROM rate_buckets").ok());                              // 0023 again
    EXPECT_TRUE((*db)->Query("SELECT asked_by FROM correction_requests").ok());                     // 0024 again
    EXPECT_TRUE((*db)->Query("SELECT as_of, kept_as_newer FROM ingest_batches").ok());              // 0025 again
  }
  EXPECT_NE(upgraded.err.find("store.migrated"), std::string::npos) << upgraded.err;
  EXPECT_NE(upgraded.err.find("older ndc binaries now refuse it"), std::string::npos) << upgraded.err;
}

// Verification reads: it never upgrades an older store (an auditor verifying a backup, or a
// production database from a newer binary, must not change it), and says why it stops.
TEST_F(CliTest, AuditVerifyNeverUpgradesTheStore) {
  Init();
  CommandResult ok = Ndc({"audit", "verify"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("OK: "), std::string::npos) << ok.out;
  int latest = 0;
  {
    auto db = store::Open(hub_ + "/ndc.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto version = (*db)->SchemaVersion();
    ASSERT_TRUE(version.ok());
    latest = *version;
    ASSERT_TRUE((*db)->Exec("DELETE FROM ndc_schema_version WHERE version = " + std::to_string(latest)).ok());
  }
  CommandResult older = Ndc({"audit", "verify"});
  EXPECT_EQ(older.exit_code, 1) << older.err;
  EXPECT_NE(older.err.find(fmt::format("has schema version {} and this ndc reads version {}", latest - 1, latest)),
            std::string::npos)
      << older.err;
  EXPECT_NE(older.err.find("does not upgrade the store"), std::string::npos) << older.err;
  EXPECT_EQ(older.err.find("store.migrated"), std::string::npos) << older.err;
  auto db = store::Open(hub_ + "/ndc.db");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto after = (*db)->SchemaVersion();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, latest - 1);  // still as it was
}

TEST_F(CliTest, InitTwiceIsRefusedWithAdvice) {
  Init();
  CommandResult r = Ndc({"init"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("already holds a hub; start it with `ndc serve --data"), std::string::npos) << r.err;
}

TEST_F(CliTest, InitRefusesNonEmptyDirectory) {
  std::filesystem::create_directories(hub_);
  std::ofstream(hub_ + "/notes.txt") << "someone's file";
  CommandResult r = Ndc({"init"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("exists and is not empty; choose a new or empty directory"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(hub_ + "/keys"));
}

// A file the operator wrote by hand is named in its errors: which file, then what is wrong in it.
TEST_F(CliTest, AMalformedAgreementOrAgencyFileIsNamed) {
  Init();
  const std::string bad = hub_ + "-bad.json";
  std::ofstream(bad) << "{\"id\": \"x\",";
  CommandResult agreement = Ndc({"agreement", "create", bad});
  EXPECT_EQ(agreement.exit_code, 2) << agreement.err;
  EXPECT_NE(agreement.err.find("ndc: error: " + bad + ": invalid JSON at byte"), std::string::npos) << agreement.err;
  CommandResult agencies = Ndc({"agency", "import", bad});
  EXPECT_EQ(agencies.exit_code, 2) << agencies.err;
  EXPECT_NE(agencies.err.find("ndc: error: " + bad + ": invalid JSON at byte"), std::string::npos) << agencies.err;
  std::filesystem::remove(bad);
}

TEST_F(CliTest, CommandsOnMissingHubSayRunInit) {
  CommandResult r = Ndc({"dataset", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("create one with `ndc init --data"), std::string::npos) << r.err;
}

TEST_F(CliTest, AgencyAndDatasetFlow) {
  Init();
  ASSERT_EQ(Ndc({"agency", "create", "--id", "bca", "--name", "Bộ Công an"}).exit_code, 0);
  CommandResult c = Ndc({"dataset", "create", Example("population_registry.json")});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("Created dataset population_registry (version 1, 16 fields, owner bca)"), std::string::npos)
      << c.out;
  CommandResult list = Ndc({"dataset", "list"});
  EXPECT_NE(list.out.find("population_registry  bca"), std::string::npos) << list.out;
  CommandResult show = Ndc({"dataset", "show", "population_registry"});
  EXPECT_NE(show.out.find("dan_toc"), std::string::npos);
  EXPECT_NE(show.out.find("core/sensitive"), std::string::npos) << show.out;
}

TEST_F(CliTest, DatasetOfUnknownOwnerSaysCreateAgency) {
  Init();
  CommandResult r = Ndc({"dataset", "create", Example("social_insurance.json")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("owner agency 'vss' does not exist; create it first (ndc agency create)"), std::string::npos)
      << r.err;
}

TEST_F(CliTest, BadSchemaFileExitsTwoWithPath) {
  Init();
  std::string bad = dir_.path() + "/bad.json";
  std::ofstream(bad) << R"({"id": "Bad Id", "title": "t"})";
  CommandResult r = Ndc({"dataset", "create", bad});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("schema file " + bad + ": id: 'Bad Id' is not a valid dataset id"), std::string::npos) << r.err;
}

TEST_F(CliTest, IncompatibleUpdateIsExplained) {
  Init();
  ASSERT_EQ(Ndc({"agency", "create", "--id", "moet", "--name", "Bộ GD&ĐT"}).exit_code, 0);
  ASSERT_EQ(Ndc({"dataset", "create", Example("education.toml")}).exit_code, 0);
  std::string changed = dir_.path() + "/education.toml";
  std::ifstream in(Example("education.toml"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string lop = "type = \"integer\"\nmin = 1\nmax = 12";
  ASSERT_NE(text.find(lop), std::string::npos);
  text.replace(text.find(lop), lop.size(), "type = \"string\"");
  std::ofstream(changed) << text;
  CommandResult r = Ndc({"dataset", "update", changed});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("field 'lop' changed type from integer to string"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[FAILED_PRECONDITION]"), std::string::npos);
}

TEST_F(CliTest, KeysAreListedWithoutSecretsAndRevocable) {
  Init();
  CommandResult k = Ndc({"key", "create", "--role", "analyst", "--name", "GSO analyst", "-q"});
  ASSERT_EQ(k.exit_code, 0) << k.err;
  std::string token = k.out.substr(0, k.out.find('\n'));
  std::string id = token.substr(4, 12);
  CommandResult list = Ndc({"key", "list"});
  EXPECT_NE(list.out.find(id), std::string::npos);
  EXPECT_EQ(list.out.find(token), std::string::npos);  // the secret never shows
  EXPECT_EQ(Ndc({"key", "revoke", id}).exit_code, 0);
  EXPECT_EQ(Ndc({"key", "revoke", "ffffffffffff"}).exit_code, 1);
  // A whole key pasted in names its id; its secret is never echoed, not even in an error.
  CommandResult k2 = Ndc({"key", "create", "--role", "analyst", "--name", "second", "-q"});
  ASSERT_EQ(k2.exit_code, 0) << k2.err;
  const std::string token2 = k2.out.substr(0, k2.out.find('\n'));
  CommandResult whole = Ndc({"key", "revoke", token2});
  EXPECT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_NE(whole.out.find("Revoked key " + token2.substr(4, 12)), std::string::npos) << whole.out;
  EXPECT_EQ(whole.out.find(token2), std::string::npos);
  const std::string unknown = "ndc_eeeeeeeeeeee_" + token2.substr(17);
  CommandResult missing = Ndc({"key", "revoke", unknown});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err.find(token2.substr(17)), std::string::npos) << missing.err;
  CommandResult bad = Ndc({"key", "create", "--role", "agency", "--name", "x"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("an agency key needs the agency it acts for (--agency)"), std::string::npos);
}

TEST_F(CliTest, EverySubcommandHasHelp) {
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"--help"}, {"init", "--help"}, {"serve", "--help"}, {"agency", "create", "--help"},
           {"agency", "list", "--help"}, {"dataset", "create", "--help"}, {"dataset", "update", "--help"},
           {"dataset", "list", "--help"}, {"dataset", "show", "--help"}, {"key", "create", "--help"},
           {"key", "list", "--help"}, {"key", "revoke", "--help"}, {"version", "--help"}, {"datagen", "--help"},
           {"audit", "checkpoint", "--help"}, {"audit", "prove", "--help"}, {"audit", "entries", "--help"}, {"audit", "verify", "--help"},
           {"audit", "verify-proof", "--help"}}) {
    CommandResult r = RunNdc(cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd[0];
    EXPECT_NE(r.out.find("Usage:"), std::string::npos) << cmd[0];
  }
  EXPECT_NE(RunNdc({"serve", "--help"}).out.find("--listen"), std::string::npos);
}

TEST_F(CliTest, DatagenIsDeterministicAndItsSchemasLoad) {
  std::string a = dir_.path() + "/a", b = dir_.path() + "/b";
  CommandResult ra = RunNdc({"datagen", "--persons", "500", "--seed", "7", "--out", a, "--quiet"});
  ASSERT_EQ(ra.exit_code, 0) << ra.err;
  ASSERT_EQ(RunNdc({"datagen", "--persons", "500", "--seed", "7", "--out", b, "--quiet"}).exit_code, 0);
  auto read = [](const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  std::string registry = read(a + "/population_registry.csv");
  EXPECT_GT(registry.size(), 1000u);
  EXPECT_EQ(registry, read(b + "/population_registry.csv"));
  Init();
  ASSERT_EQ(Ndc({"agency", "create", "--id", "bca", "--name", "Bộ Công an"}).exit_code, 0);
  CommandResult c = Ndc({"dataset", "create", a + "/population_registry.schema.json"});
  EXPECT_EQ(c.exit_code, 0) << c.err;
  CommandResult bad = RunNdc({"datagen", "--persons", "0", "--out", dir_.path() + "/c"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

TEST_F(CliTest, BadConfigValueIsNamed) {
  Init();
  CommandResult r = RunNdc({"dataset", "list", "--data", hub_}, {{"NDC_STORE_POOL_SIZE", "lots"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("environment NDC_STORE_POOL_SIZE: store.pool_size expects an integer, got 'lots'"),
            std::string::npos) << r.err;
}

}  // namespace
}  // namespace ndc::testing
