// The audit log end to end, with the real `ndc` binary and server on each backend: changes made
// over HTTP and from the CLI are audited, auditors fetch checkpoints and proofs over HTTP, the
// offline verifier accepts them and refuses tampered ones, and `ndc audit verify` names the
// first bad index after a row is deleted from the store.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/merkle/compact_range.h"
#include "store/testing/test_database.h"
#include "store/testing/test_util.h"
#include "test_support.h"

namespace ndc::testing {
namespace {

using nlohmann::json;


void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

class AuditTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    hub_ = dir_.path() + "/hub";
    std::string error;
    op_ = InitTestHub(GetParam(), hub_, &pg_, &error);
    ASSERT_FALSE(op_.empty()) << error;
    auditor_ = Ndc({"key", "create", "--data", hub_, "--role", "auditor", "--name", "auditor", "-q"});
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{"--data", hub_, "--threads", "2"});
    ASSERT_TRUE(server_->started()) << server_->output();
  }

  std::string Ndc(const std::vector<std::string>& args, int want_exit = 0) {
    auto r = RunNdc(args);
    EXPECT_EQ(r.exit_code, want_exit) << r.err;
    return Trim(r.exit_code == 0 ? r.out : r.err);
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& key,
                    const std::string& body = "") {
    HttpConnection c(server_->port());
    std::map<std::string, std::string> h = {{"Authorization", "Bearer " + key}};
    if (!body.empty()) h["Content-Type"] = "application/json";
    return c.Request(method, target, body, h);
  }

  TempDir dir_;
  std::string hub_;
  std::unique_ptr<store::TestDatabase> pg_;  // destroyed after the server
  std::unique_ptr<ServerProcess> server_;
  std::string op_, auditor_;
};

TEST_P(AuditTest, HttpAndCliChangesAreAuditedInOrder) {
  ASSERT_EQ(Call("POST", "/v1/agencies", op_, R"({"id":"vss","name":"VSS"})").status, 201);
  Ndc({"agency", "create", "--data", hub_, "--id", "gdt", "--name", "GDT"});
  HttpResponse r = Call("GET", "/v1/audit/entries?start=0&limit=10", auditor_);
  ASSERT_EQ(r.status, 200) << r.body;
  json j = json::parse(r.body);
  ASSERT_EQ(j["entries"].size(), 4u);  // init's key, the auditor's key, two agencies
  EXPECT_EQ(j["entries"][0]["action"], "key.create");
  EXPECT_EQ(j["entries"][1]["action"], "key.create");
  EXPECT_EQ(j["entries"][2]["action"], "agency.create");
  EXPECT_EQ(j["entries"][2]["subject"]["record"], "vss");
  EXPECT_EQ(j["entries"][2]["actor"]["role"], "operator");
  EXPECT_FALSE(j["entries"][2]["request_id"].get<std::string>().empty());
  EXPECT_EQ(j["entries"][3]["actor"]["client"].get<std::string>().substr(0, 4), "cli:");
  HttpResponse one = Call("GET", "/v1/audit/entries/" + j["entries"][3]["id"].get<std::string>(), auditor_);
  EXPECT_EQ(json::parse(one.body)["subject"]["record"], "gdt");
}

TEST_P(AuditTest, HttpProofVerifiesOfflineAndATamperedOneDoesNot) {
  ASSERT_EQ(Call("POST", "/v1/agencies", op_, R"({"id":"vss","name":"VSS"})").status, 201);
  HttpResponse cp = Call("POST", "/v1/audit/checkpoint", auditor_);
  ASSERT_EQ(cp.status, 200) << cp.body;
  EXPECT_EQ(json::parse(cp.body)["tree_size"], 3);
  HttpResponse proof = Call("GET", "/v1/audit/proof/inclusion?index=2", auditor_);
  ASSERT_EQ(proof.status, 200) << proof.body;
  WriteFile(dir_.path() + "/cp.json", cp.body);
  WriteFile(dir_.path() + "/proof.json", proof.body);
  std::string ok = Ndc({"audit", "verify-proof", "--checkpoint", dir_.path() + "/cp.json", "--proof",
                        dir_.path() + "/proof.json", "--pubkey", hub_ + "/keys/signing.pub"});
  EXPECT_NE(ok.find("OK: entry 2"), std::string::npos) << ok;
  // The note taken out of the JSON as `jq -r .checkpoint` does it (one more newline), or saved
  // by an editor with CRLF, is the same checkpoint.
  WriteFile(dir_.path() + "/cp.txt", json::parse(cp.body)["checkpoint"].get<std::string>() + "\n");
  ok = Ndc({"audit", "verify-proof", "--checkpoint", dir_.path() + "/cp.txt", "--proof", dir_.path() + "/proof.json",
            "--pubkey", hub_ + "/keys/signing.pub"});
  EXPECT_NE(ok.find("OK: entry 2"), std::string::npos) << ok;
  std::string crlf;
  for (char c : json::parse(cp.body)["checkpoint"].get<std::string>()) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  WriteFile(dir_.path() + "/cp.txt", crlf + "\r\n");
  ok = Ndc({"audit", "verify-proof", "--checkpoint", dir_.path() + "/cp.txt", "--proof", dir_.path() + "/proof.json",
            "--pubkey", hub_ + "/keys/signing.pub"});
  EXPECT_NE(ok.find("OK: entry 2"), std::string::npos) << ok;
  json bad = json::parse(proof.body);
  bad["index"] = 1;
  WriteFile(dir_.path() + "/bad.json", bad.dump());
  std::string err = Ndc({"audit", "verify-proof", "--checkpoint", dir_.path() + "/cp.json", "--proof",
                         dir_.path() + "/bad.json", "--pubkey", hub_ + "/keys/signing.pub"},
                        1);
  EXPECT_NE(err.find("[DATA_LOSS]"), std::string::npos) << err;
}

TEST_P(AuditTest, AuditRoutesAreForAuditorsAndOperatorsOnly) {
  std::string analyst = Ndc({"key", "create", "--data", hub_, "--role", "analyst", "--name", "an", "-q"});
  EXPECT_EQ(Call("GET", "/v1/audit/entries?start=0&limit=1", analyst).status, 403);
  EXPECT_EQ(Call("GET", "/v1/audit/proof/inclusion?index=0", analyst).status, 403);
  EXPECT_EQ(Call("POST", "/v1/audit/checkpoint", analyst).status, 403);
  EXPECT_EQ(Call("GET", "/v1/audit/checkpoint", op_).status, 200);  // init signed one
  EXPECT_EQ(Call("GET", "/v1/audit/proof/inclusion?index=99", auditor_).status, 400);
  EXPECT_EQ(Call("GET", "/v1/audit/proof/consistency?first=1&second=3", auditor_).status, 200);
}

// The tree's public face is open to any caller with a key: a citizen given a checkpoint with
// their access history can fetch a later one and a consistency proof between the two, and the
// public key to check both, and verify offline that the log only grew.
TEST_P(AuditTest, AnyCallerCanHoldTheHubToItsHistory) {
  std::string analyst = Ndc({"key", "create", "--data", hub_, "--role", "analyst", "--name", "an", "-q"});
  HttpResponse first = Call("GET", "/v1/audit/checkpoint", analyst);
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(Call("POST", "/v1/agencies", op_, R"({"id":"vss","name":"VSS"})").status, 201);
  ASSERT_EQ(Call("POST", "/v1/audit/checkpoint", auditor_).status, 200);
  HttpResponse second = Call("GET", "/v1/audit/checkpoint", analyst);
  ASSERT_EQ(second.status, 200) << second.body;
  const int64_t m = json::parse(first.body)["tree_size"], n = json::parse(second.body)["tree_size"];
  ASSERT_LT(m, n);
  HttpResponse proof = Call("GET", fmt::format("/v1/audit/proof/consistency?first={}&second={}", m, n), analyst);
  ASSERT_EQ(proof.status, 200) << proof.body;
  HttpResponse key = Call("GET", "/v1/audit/public-key", analyst);
  ASSERT_EQ(key.status, 200) << key.body;
  json k = json::parse(key.body);
  EXPECT_EQ(k["algorithm"], "ed25519");
  WriteFile(dir_.path() + "/hub.pub", k["public_key"].get<std::string>() + "\n");
  WriteFile(dir_.path() + "/old.json", first.body);
  WriteFile(dir_.path() + "/new.json", second.body);
  WriteFile(dir_.path() + "/consistency.json", proof.body);
  std::string ok = Ndc({"audit", "verify-proof", "--checkpoint", dir_.path() + "/new.json", "--old-checkpoint",
                        dir_.path() + "/old.json", "--proof", dir_.path() + "/consistency.json", "--pubkey",
                        dir_.path() + "/hub.pub"});
  EXPECT_NE(ok.find("OK"), std::string::npos) << ok;
  // Past the signed tree, only auditors and operators: the live size is not everyone's to watch.
  ASSERT_EQ(Call("POST", "/v1/agencies", op_, R"({"id":"gdt","name":"GDT"})").status, 201);
  HttpResponse past = Call("GET", fmt::format("/v1/audit/proof/consistency?first={}&second={}", m, n + 1), analyst);
  EXPECT_EQ(past.status, 400) << past.body;
  EXPECT_EQ(json::parse(past.body)["detail"],
            fmt::format("tree size {} is beyond the latest signed checkpoint ({} entries)", n + 1, n));
  EXPECT_EQ(Call("GET", fmt::format("/v1/audit/proof/consistency?first={}&second={}", m, n + 1), auditor_).status,
            200);
}

TEST_P(AuditTest, CliProveAndVerifyThenADeletedRowIsNamed) {
  Ndc({"agency", "create", "--data", hub_, "--id", "vss", "--name", "VSS"});
  Ndc({"audit", "checkpoint", "--data", hub_, "--out", dir_.path() + "/cp.txt"});
  Ndc({"audit", "prove", "--data", hub_, "--index", "2", "--out", dir_.path() + "/p.json"});
  Ndc({"audit", "verify-proof", "--checkpoint", dir_.path() + "/cp.txt", "--proof", dir_.path() + "/p.json",
       "--pubkey", hub_ + "/keys/signing.pub"});
  EXPECT_EQ(Ndc({"audit", "verify", "--data", hub_}).substr(0, 13), "OK: 3 entries");
  auto db = store::Open(pg_ ? pg_->url() : hub_ + "/ndc.audit.db");  // SQLite: the log's own file
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("DELETE FROM audit_entries WHERE idx = 1").ok());
  std::string err = Ndc({"audit", "verify", "--data", hub_}, 1);
  EXPECT_NE(err.find("first bad index 1"), std::string::npos) << err;
  EXPECT_NE(err.find("[DATA_LOSS]"), std::string::npos) << err;
}

// A stored checkpoint must name the tree size it is stored under (a column outside its
// signature): one whose size column was raised is not served as the latest (review of 2026-12-03).
TEST_P(AuditTest, ACheckpointStoredUnderAnotherSizeIsNotServedAsTheLatest) {
  Ndc({"agency", "create", "--data", hub_, "--id", "vss", "--name", "VSS"});
  Ndc({"audit", "checkpoint", "--data", hub_});
  auto db = store::Open(pg_ ? pg_->url() : hub_ + "/ndc.audit.db");  // SQLite: the log's own file
  ASSERT_TRUE(db.ok());
  auto first = (*db)->QueryOne("SELECT MIN(tree_size) FROM audit_checkpoints");
  ASSERT_TRUE(first.ok());
  Ndc({"agency", "create", "--data", hub_, "--id", "moh", "--name", "MOH"});
  Ndc({"audit", "checkpoint", "--data", hub_});
  auto latest = Call("GET", "/v1/audit/checkpoint", auditor_);
  ASSERT_EQ(latest.status, 200) << latest.body;
  store::Value p[] = {first->Int(0)};
  ASSERT_TRUE((*db)->Exec("UPDATE audit_checkpoints SET tree_size = 1000000 WHERE tree_size = $1", p).ok());
  auto raised = Call("GET", "/v1/audit/checkpoint", auditor_);
  EXPECT_EQ(raised.status, 500) << raised.body;
  EXPECT_NE(raised.body, latest.body);
}

// An auditor's routine: `ndc audit verify --trusted F --save F` keeps the latest checkpoint in F
// (the first run, without F yet, just saves), and the next run fails once the log was rolled
// back below it, though the hub's own checkpoints were rolled back with it.
TEST_P(AuditTest, AHeldCheckpointCatchesARollbackTheStoredOnesCannot) {
  Ndc({"agency", "create", "--data", hub_, "--id", "vss", "--name", "VSS"});
  Ndc({"audit", "checkpoint", "--data", hub_});
  const std::string held = dir_.path() + "/held.note";
  CommandResult first = RunNdc({"audit", "verify", "--data", hub_, "--trusted", held, "--save", held});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("saved the latest checkpoint checked to"), std::string::npos) << first.out;
  // Said, since a lost or mistyped state file would otherwise skip the rollback check silently.
  EXPECT_NE(first.err.find("does not exist yet: taken as the first run of this routine"), std::string::npos)
      << first.err;
  CommandResult second = RunNdc({"audit", "verify", "--data", hub_, "--trusted", held, "--save", held});
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("OK: the log extends the 1 checkpoint(s) you hold"), std::string::npos) << second.out;
  EXPECT_EQ(second.err.find("first run"), std::string::npos) << second.err;
  // Without the public key (a copy made without keys/), the error says what to do.
  CommandResult keyless = RunNdc({"audit", "verify", "--data", hub_, "--pubkey", dir_.path() + "/none.pub"});
  EXPECT_EQ(keyless.exit_code, 1) << keyless.err;
  EXPECT_NE(keyless.err.find("copy keys/ from the same backup as the data, or pass --pubkey FILE"), std::string::npos)
      << keyless.err;
  // Roll the log back to its first 2 entries, head and checkpoints included.
  auto db = store::Open(pg_ ? pg_->url() : hub_ + "/ndc.audit.db");
  ASSERT_TRUE(db.ok());
  auto size = (*db)->QueryOne("SELECT size FROM audit_head WHERE id = 1");
  ASSERT_TRUE(size.ok());
  ASSERT_GT(size->Int(0), 2);
  ASSERT_TRUE((*db)->Exec("DELETE FROM audit_entries WHERE idx >= 2").ok());
  ASSERT_TRUE((*db)->Exec("DELETE FROM audit_checkpoints WHERE tree_size > 2").ok());
  ASSERT_TRUE((*db)->Exec("DELETE FROM audit_person_runs").ok());
  auto leaves = (*db)->Query("SELECT leaf_hash FROM audit_entries ORDER BY idx");
  ASSERT_TRUE(leaves.ok());
  merkle::CompactRange head;
  for (const auto& row : leaves->rows) head.Append(*merkle::HashFromBytes(row.Bytes(0)));
  store::Value p[] = {store::Blob{head.Serialize()}};
  ASSERT_TRUE((*db)->Exec("UPDATE audit_head SET size = 2, frontier = $1 WHERE id = 1", p).ok());
  EXPECT_EQ(Ndc({"audit", "verify", "--data", hub_}).substr(0, 13), "OK: 2 entries");
  std::string err = Ndc({"audit", "verify", "--data", hub_, "--trusted", held}, 1);
  EXPECT_NE(err.find("rolled back"), std::string::npos) << err;
  EXPECT_NE(err.find("[DATA_LOSS]"), std::string::npos) << err;
}

// `ndc backup` while the hub serves and audits: the copy's log verifies, the key keeps its mode,
// the copy opens as a hub, and a second backup into the same directory is refused. On
// PostgreSQL it says to use the server's tools.
TEST_P(AuditTest, ABackupTakenWhileTheHubServesVerifiesAndOpens) {
  Ndc({"agency", "create", "--data", hub_, "--id", "vss", "--name", "VSS"});
  Ndc({"audit", "checkpoint", "--data", hub_});
  const std::string copy = dir_.path() + "/backup";
  if (pg_) {
    CommandResult refused = RunNdc({"backup", copy, "--data", hub_});
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE(refused.err.find("pg_dump"), std::string::npos) << refused.err;
    EXPECT_FALSE(std::filesystem::exists(copy + "/ndc.db"));
    return;
  }
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    while (!stop) {
      Call("GET", "/v1/audit/entries?limit=5", auditor_);
      ++reads;
    }
  });
  CommandResult backup = RunNdc({"backup", copy, "--data", hub_});
  stop = true;
  reader.join();
  EXPECT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_NE(backup.out.find("the audit log verified:"), std::string::npos) << backup.out;
  EXPECT_GT(reads.load(), 0);
  const auto mode = std::filesystem::status(copy + "/keys/signing.key").permissions();
  EXPECT_EQ(mode & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  CommandResult agencies = RunNdc({"agency", "list", "--data", copy});
  EXPECT_EQ(agencies.exit_code, 0) << agencies.err;
  EXPECT_NE(agencies.out.find("vss"), std::string::npos) << agencies.out;
  EXPECT_EQ(Ndc({"audit", "verify", "--data", copy}).substr(0, 4), "OK: ");
  CommandResult again = RunNdc({"backup", copy, "--data", hub_});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("is not an empty directory: back up into a new one"), std::string::npos) << again.err;
  // A backup that fails (here: its copy cannot be checked without the public key) leaves nothing
  // that looks like a backup, and nothing a retry would refuse.
  std::filesystem::remove(copy + "/keys/signing.pub");
  const std::string second = dir_.path() + "/backup2";
  CommandResult failed = RunNdc({"backup", second, "--data", copy});
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_NE(failed.err.find("checking the copy"), std::string::npos) << failed.err;
  EXPECT_FALSE(std::filesystem::exists(second));
  EXPECT_FALSE(std::filesystem::exists(second + ".partial"));
  // A leftover of an interrupted backup is named, never removed unasked (it might hold anything).
  std::filesystem::create_directory(second + ".partial");
  CommandResult leftover = RunNdc({"backup", second, "--data", copy, "--no-verify"});
  EXPECT_NE(leftover.exit_code, 0);
  EXPECT_NE(leftover.err.find(".partial exists (an interrupted backup?)"), std::string::npos) << leftover.err;
  std::filesystem::remove(second + ".partial");
  CommandResult unchecked = RunNdc({"backup", second, "--data", copy, "--no-verify"});
  EXPECT_EQ(unchecked.exit_code, 0) << unchecked.err;
  EXPECT_NE(unchecked.out.find("not checked (--no-verify)"), std::string::npos) << unchecked.out;
}

#ifndef NDC_TEST_POSTGRES  // an embedded-store layout; on PostgreSQL backup refuses (above)
// A hub made before the audit log had a file of its own keeps the log in its data file: its
// backup is that one file (plus ndc.toml and keys/), and it verifies (a review found `ndc backup`
// failing on such a hub and leaving a half-made directory).
TEST_P(AuditTest, ABackupOfAHubWhoseLogIsInItsDataFile) {
  const std::string legacy = dir_.path() + "/legacy";
  ASSERT_EQ(RunNdc({"init", "--data", legacy}).exit_code, 0);
  ASSERT_EQ(RunNdc({"agency", "create", "--data", legacy, "--id", "vss", "--name", "VSS"}).exit_code, 0);
  ASSERT_EQ(RunNdc({"audit", "checkpoint", "--data", legacy}).exit_code, 0);
  {
    // The log's rows moved into the data file, the layout row and the audit file removed.
    auto db = store::Open(legacy + "/ndc.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    Status moved = (*db)->ExecScript("ATTACH DATABASE '" + legacy + "/ndc.audit.db' AS log; "
                                  "INSERT INTO main.audit_entries SELECT * FROM log.audit_entries; "
                                  "INSERT INTO main.audit_nodes SELECT * FROM log.audit_nodes; "
                                  "DELETE FROM main.audit_head; INSERT INTO main.audit_head SELECT * FROM log.audit_head; "
                                  "INSERT INTO main.audit_checkpoints SELECT * FROM log.audit_checkpoints; "
                                  "DELETE FROM main.settings WHERE name = 'audit_store'");
    ASSERT_TRUE(moved.ok()) << moved.ToString();
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(legacy + "/ndc.audit.db" + suffix);
  ASSERT_EQ(Ndc({"audit", "verify", "--data", legacy}).substr(0, 4), "OK: ");
  const std::string copy = dir_.path() + "/legacy-backup";
  CommandResult backup = RunNdc({"backup", copy, "--data", legacy});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_NE(backup.out.find("(holding the audit log)"), std::string::npos) << backup.out;
  EXPECT_NE(backup.out.find("the audit log verified:"), std::string::npos) << backup.out;
  EXPECT_FALSE(std::filesystem::exists(copy + "/ndc.audit.db"));
}
#endif

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, AuditTest, ::testing::Values(store::Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, AuditTest, ::testing::Values(store::Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::testing
