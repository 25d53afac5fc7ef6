// The real `ndc` server on a free port, on each store backend: health, authentication, roles,
// limits, problem+json, the catalog over HTTP, metrics, and graceful shutdown.
#include <signal.h>
#include <poll.h>
#include <sys/socket.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/testing/test_database.h"
#include "store/testing/test_util.h"
#include "test_support.h"

namespace ndc::testing {
namespace {

using nlohmann::json;


std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ServerTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    hub_ = dir_.path() + "/hub";
    std::string error;
    op_ = InitTestHub(GetParam(), hub_, &pg_, &error);
    ASSERT_FALSE(op_.empty()) << error;
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--data", hub_, "--threads", "2"},
        std::map<std::string, std::string>{{"NDC_SERVER_MAX_BODY_BYTES", "65536"},
                                           {"NDC_SERVER_MAX_HEADER_BYTES", "2048"},
                                           {"NDC_SERVER_SHUTDOWN_GRACE_SECONDS", "10"},
                                           {"NDC_AUDIT_STALL_SECONDS", "1"}});
    ASSERT_TRUE(server_->started()) << server_->output();
  }

  std::string Key(const std::string& role, const std::string& agency = "") {
    std::vector<std::string> args = {"key", "create", "--data", hub_, "--role", role, "--name", role + " test", "-q"};
    if (!agency.empty()) {
      args.push_back("--agency");
      args.push_back(agency);
    }
    auto r = RunNdc(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Trim(r.out);
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& key = "",
                    const std::string& body = "", const std::string& content_type = "application/json") {
    HttpConnection c(server_->port());
    std::map<std::string, std::string> h;
    if (!key.empty()) h["Authorization"] = "Bearer " + key;
    if (!body.empty()) h["Content-Type"] = content_type;
    return c.Request(method, target, body, h);
  }

  TempDir dir_;
  std::string hub_;
  std::unique_ptr<store::TestDatabase> pg_;  // destroyed after the server
  std::unique_ptr<ServerProcess> server_;
  std::string op_;
};

void ExpectProblem(const HttpResponse& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.headers.at("content-type"), "application/problem+json");
  json j = json::parse(r.body);
  EXPECT_EQ(j["status"], status);
  EXPECT_EQ(j["code"], code);
  EXPECT_TRUE(j["type"].is_string());
  EXPECT_TRUE(j["title"].is_string());
  EXPECT_FALSE(j["detail"].get<std::string>().empty());
}

TEST_P(ServerTest, HealthNeedsNoKey) {
  HttpResponse r = Call("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["store"], "ok");
  EXPECT_FALSE(r.headers["x-request-id"].empty());
}

// Every data response waits for its audit entry, so a node whose audit log cannot commit is not
// ready: /healthz says so (503) once one commit has run audit.stall_seconds (1 s here), and is
// 200 again when the log writes. The log is held by a transaction that locks its head row (on
// SQLite, the audit file's write lock).
TEST_P(ServerTest, HealthIs503WhileTheAuditLogCannotCommit) {
  HttpResponse before = Call("GET", "/healthz");
  ASSERT_EQ(before.status, 200);
  EXPECT_EQ(json::parse(before.body)["audit"], "ok");
  auto db = store::Open(pg_ ? pg_->url() : hub_ + "/ndc.audit.db");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto tx = (*db)->Begin();
  ASSERT_TRUE(tx.ok()) << tx.status().ToString();
  ASSERT_TRUE((*tx)->Exec("UPDATE audit_head SET updated_at = updated_at WHERE id = 1").ok());
  // A change is committed, then waits for its audit entry.
  HttpResponse created;
  std::thread change([&] { created = Call("POST", "/v1/agencies", op_, R"({"id":"held","name":"Held"})"); });
  HttpResponse during;
  for (int i = 0; i < 100; ++i) {  // the stall shows after 1 s
    during = Call("GET", "/healthz");
    if (during.status != 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(during.status, 503) << during.body;
  EXPECT_EQ(json::parse(during.body), json::parse(R"({"status":"unavailable","store":"ok","audit":"stalled"})"));
  ASSERT_TRUE((*tx)->Rollback().ok());
  change.join();
  EXPECT_EQ(created.status, 201) << created.body;
  HttpResponse after = Call("GET", "/healthz");
  EXPECT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(json::parse(after.body)["audit"], "ok");
}

// A client that opens connections and sends nothing, or sends its header a byte at a time, holds
// a slot for server.header_timeout_seconds (1 here), not the 75 s keep-alive idle time; a
// kept-alive connection may still idle longer than that between requests. One address holds at
// most server.max_connections_per_address (4 here) of the slots.
TEST_P(ServerTest, SilentAndSlowClientsAreCutOffAndOneAddressCannotTakeEverySlot) {
  ServerProcess strict({"--data", hub_, "--threads", "2"}, {{"NDC_SERVER_HEADER_TIMEOUT_SECONDS", "1"},
                                                            {"NDC_SERVER_MAX_CONNECTIONS_PER_ADDRESS", "4"}});
  ASSERT_TRUE(strict.started()) << strict.output();
  using std::chrono::milliseconds;
  {
    HttpConnection silent(strict.port());
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(ClosedWithin(silent.fd(), milliseconds(5000)));
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_GE(took, milliseconds(900));
    EXPECT_LT(took, milliseconds(4000));
  }
  {
    HttpConnection slow(strict.port());
    ASSERT_TRUE(slow.SendRaw("GET /hea"));
    std::this_thread::sleep_for(milliseconds(500));
    ASSERT_TRUE(slow.SendRaw("l"));
    EXPECT_TRUE(ClosedWithin(slow.fd(), milliseconds(4000)));
  }
  HttpConnection kept(strict.port());
  EXPECT_EQ(kept.Request("GET", "/healthz").status, 200);
  std::this_thread::sleep_for(milliseconds(1500));
  EXPECT_EQ(kept.Request("GET", "/healthz").status, 200);  // idle 1.5 s between requests: fine
  std::vector<std::unique_ptr<HttpConnection>> held;
  for (int i = 0; i < 3; ++i) {  // with `kept`, the address's 4
    held.push_back(std::make_unique<HttpConnection>(strict.port()));
    EXPECT_EQ(held.back()->Request("GET", "/healthz").status, 200);
  }
  HttpConnection fifth(strict.port());
  EXPECT_TRUE(ClosedWithin(fifth.fd(), milliseconds(3000)));
  EXPECT_EQ(kept.Request("GET", "/healthz").status, 200);  // the four are still served
  held.pop_back();
  HttpResponse again;
  for (int i = 0; i < 40 && again.status != 200; ++i) {  // once the server has seen the close
    std::this_thread::sleep_for(milliseconds(50));
    HttpConnection next(strict.port());
    again = next.Request("GET", "/healthz");
  }
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(strict.Terminate(), 0);
  EXPECT_NE(strict.output().find("http.connections_capped"), std::string::npos) << strict.output();
  EXPECT_NE(strict.output().find("server.max_connections_per_address"), std::string::npos);
}

TEST_P(ServerTest, MissingKeyIs401Problem) {
  HttpResponse r = Call("GET", "/v1/version");
  ExpectProblem(r, 401, "UNAUTHENTICATED");
  EXPECT_EQ(r.headers["www-authenticate"], "Bearer realm=\"ndc\"");
}

TEST_P(ServerTest, WrongSecretIs401) {
  std::string forged = op_.substr(0, op_.size() - 4) + "AAAA";
  ExpectProblem(Call("GET", "/v1/version", forged), 401, "UNAUTHENTICATED");
}

TEST_P(ServerTest, OperatorKeySeesVersionAndBackend) {
  HttpResponse r = Call("GET", "/v1/version", op_);
  ASSERT_EQ(r.status, 200) << r.body;
  json j = json::parse(r.body);
  EXPECT_EQ(j["store"], GetParam() == store::Backend::kPostgres ? "postgresql" : "sqlite");
  EXPECT_EQ(j["caller"]["role"], "operator");
  EXPECT_GE(j["schema_version"].get<int>(), 1);
}

TEST_P(ServerTest, WrongRoleIs403) {
  // (Citizen keys need a person in the repository: citizen_test covers them.)
  HttpResponse r = Call("POST", "/v1/agencies", Key("analyst"), R"({"id":"x","name":"X"})");
  ExpectProblem(r, 403, "PERMISSION_DENIED");
  EXPECT_EQ(json::parse(r.body)["detail"], "role 'analyst' may not call POST /v1/agencies (allowed: operator)");
}

TEST_P(ServerTest, RevokedKeyStopsWorking) {
  std::string auditor = Key("auditor");
  ASSERT_EQ(Call("GET", "/metrics", auditor).status, 200);
  std::string id = auditor.substr(4, 12);
  EXPECT_EQ(Call("DELETE", "/v1/keys/" + id, op_).status, 204);
  HttpResponse r = Call("GET", "/metrics", auditor);
  ExpectProblem(r, 401, "UNAUTHENTICATED");
  EXPECT_EQ(json::parse(r.body)["detail"], "API key " + id + " was revoked");
}

TEST_P(ServerTest, OversizedBodyIs413) {
  HttpResponse r = Call("POST", "/v1/agencies", op_, std::string(70000, 'x'));
  ExpectProblem(r, 413, "RESOURCE_EXHAUSTED");
  EXPECT_NE(json::parse(r.body)["detail"].get<std::string>().find("65536 bytes"), std::string::npos);
}

TEST_P(ServerTest, OversizedHeaderIs431) {
  HttpConnection c(server_->port());
  HttpResponse r = c.Request("GET", "/healthz", "", {{"X-Filler", std::string(4000, 'a')}});
  ExpectProblem(r, 431, "RESOURCE_EXHAUSTED");
}

TEST_P(ServerTest, GarbageRequestIs400) {
  HttpConnection c(server_->port());
  ASSERT_TRUE(c.SendRaw("NOT HTTP AT ALL\r\n\r\n"));
  HttpResponse r = c.ReadResponse();
  ExpectProblem(r, 400, "INVALID_ARGUMENT");
}

TEST_P(ServerTest, UnknownPathIs404AndWrongMethod405) {
  ExpectProblem(Call("GET", "/v1/nothing-here", op_), 404, "NOT_FOUND");
  HttpResponse r = Call("PATCH", "/v1/agencies", op_);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "POST, GET");
}

TEST_P(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  HttpConnection c(server_->port());
  for (int i = 0; i < 20; ++i) {
    HttpResponse r = c.Request("GET", "/v1/version", "", {{"Authorization", "Bearer " + op_}});
    ASSERT_EQ(r.status, 200) << "request " << i;
    EXPECT_FALSE(r.closed);
  }
}

TEST_P(ServerTest, HostileAgencyNameIsStoredVerbatim) {
  std::string name = "Bộ Y tế'); DROP TABLE agencies;-- \"<script>";
  json body = {{"id", "moh"}, {"name", name}};
  ASSERT_EQ(Call("POST", "/v1/agencies", op_, body.dump()).status, 201);
  HttpResponse r = Call("GET", "/v1/agencies/moh", op_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["name"], name);
  ExpectProblem(Call("POST", "/v1/agencies", op_, std::string("{\"id\":\"bad\",\"name\":\"\xff\"}")), 400,
                "INVALID_ARGUMENT");
  ExpectProblem(Call("POST", "/v1/agencies", op_, R"({"id":"moh","name":"Again"})"), 409, "ALREADY_EXISTS");
  HttpResponse unknown = Call("POST", "/v1/agencies", op_, R"({"id":"x","name":"X","nmae":"typo"})");
  ExpectProblem(unknown, 400, "INVALID_ARGUMENT");
  EXPECT_EQ(json::parse(unknown.body)["detail"], "body: unknown field 'nmae' (allowed: id, kind, name)");
}

TEST_P(ServerTest, DatasetLifecycleOverHttp) {
  ASSERT_EQ(Call("POST", "/v1/agencies", op_, R"({"id":"vss","name":"Bảo hiểm xã hội Việt Nam"})").status, 201);
  std::string schema = ReadFile(SourceDir() + "/examples/schemas/social_insurance.json");
  HttpResponse created = Call("POST", "/v1/datasets", op_, schema);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers["location"], "/v1/datasets/social_insurance");
  EXPECT_EQ(json::parse(created.body)["record_table"], "ds_social_insurance");

  HttpResponse list = Call("GET", "/v1/datasets", Key("agency", "vss"));
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(json::parse(list.body)["datasets"][0]["id"], "social_insurance");

  json next = json::parse(schema);
  next["fields"].push_back({{"name", "nghe_nghiep"}, {"type", "string"}});
  HttpResponse updated = Call("PUT", "/v1/datasets/social_insurance/schema", op_, next.dump());
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(json::parse(updated.body)["version"], 2);
  EXPECT_EQ(json::parse(updated.body)["added_fields"][0], "nghe_nghiep");
  EXPECT_EQ(json::parse(Call("GET", "/v1/datasets/social_insurance?version=1", op_).body)["schema"]["fields"].size(),
            9u);

  next["fields"].erase(1);  // drop so_cccd: incompatible
  HttpResponse refused = Call("PUT", "/v1/datasets/social_insurance/schema", op_, next.dump());
  ExpectProblem(refused, 400, "FAILED_PRECONDITION");
  EXPECT_NE(json::parse(refused.body)["detail"].get<std::string>().find("field 'so_cccd' was removed"),
            std::string::npos);
}

TEST_P(ServerTest, BadSchemaOverHttpNamesThePath) {
  ASSERT_EQ(Call("POST", "/v1/agencies", op_, R"({"id":"moet","name":"MOET"})").status, 201);
  HttpResponse r = Call("POST", "/v1/datasets", op_,
                        R"({"id":"hs","title":"t","owner":"moet","classification":{"data":"other","personal":"basic"},
                            "source_key":"ma","fields":[{"name":"ma","type":"text","required":true}]})");
  ExpectProblem(r, 400, "INVALID_ARGUMENT");
  EXPECT_EQ(json::parse(r.body)["detail"].get<std::string>().rfind("fields[0].type: unknown type 'text'", 0), 0u);
  std::string toml = ReadFile(SourceDir() + "/examples/schemas/education.toml");
  EXPECT_EQ(Call("POST", "/v1/datasets", op_, toml, "application/toml").status, 201);
}

TEST_P(ServerTest, MetricsCountRequestsByRoute) {
  Call("GET", "/healthz");
  HttpResponse r = Call("GET", "/metrics", op_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("ndc_http_requests_total{code=\"200\",method=\"GET\",route=\"/healthz\"}"), std::string::npos)
      << r.body;
}

// The audit log's commits and the data directory's free space, read at scrape time.
TEST_P(ServerTest, MetricsCountAuditCommitsAndFreeSpace) {
  auto value = [](const std::string& text, const std::string& series) -> int64_t {
    size_t at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stoll(text.substr(at + series.size() + 2));
  };
  std::string before = Call("GET", "/metrics", op_).body;
  const int64_t entries = value(before, "ndc_audit_entries_total");
  ASSERT_GE(entries, 0) << before;
  ASSERT_EQ(Call("POST", "/v1/agencies", op_, R"({"id":"counted","name":"Counted"})").status, 201);
  std::string after = Call("GET", "/metrics", op_).body;
  EXPECT_EQ(value(after, "ndc_audit_entries_total"), entries + 1) << after;  // the change's entry
  EXPECT_GE(value(after, "ndc_audit_commits_total"), 1);
  EXPECT_EQ(value(after, "ndc_audit_failed_entries_total"), 0);
  EXPECT_EQ(value(after, "ndc_audit_commit_running_milliseconds"), 0);  // idle between requests
  EXPECT_GT(value(after, "ndc_data_dir_available_bytes"), 0) << after;
  // What no signed checkpoint covers yet, the gauge an alert watches (it grows without bound on
  // a hub restored without keys/): the change's entry at least, none once a checkpoint is signed.
  EXPECT_GE(value(after, "ndc_audit_log_entries"), entries + 1) << after;
  EXPECT_GE(value(after, "ndc_audit_unsigned_entries"), 1) << after;
  EXPECT_GE(value(after, "ndc_audit_checkpoint_age_seconds"), 0) << after;
  HttpResponse signed_now = Call("POST", "/v1/audit/checkpoint", Key("auditor"));
  ASSERT_EQ(signed_now.status, 200) << signed_now.body;
  const int64_t size = json::parse(signed_now.body)["tree_size"].get<int64_t>();
  std::string later = Call("GET", "/metrics", op_).body;
  EXPECT_EQ(value(later, "ndc_audit_unsigned_entries"), value(later, "ndc_audit_log_entries") - size) << later;
  EXPECT_LE(value(later, "ndc_audit_unsigned_entries"), 2) << later;  // the checkpoint request's own entry
}

// HEAD is served where nothing is decided or audited (public routes), and listed in their
// Allow; a credentialed route refuses it (405, Allow: GET) rather than record a disclosure, and
// spend a consent's use, for a body never sent (review of 2026-11-30).
TEST_P(ServerTest, HeadIsOnlyForPublicRoutes) {
  HttpConnection c(server_->port());
  HttpResponse options = c.Request("OPTIONS", "/healthz");
  EXPECT_EQ(options.status, 405);
  EXPECT_EQ(options.headers["allow"], "GET, HEAD");
  HttpResponse head = c.Request("HEAD", "/v1/datasets", "", {{"Authorization", "Bearer " + op_}});
  EXPECT_EQ(head.status, 405);
  EXPECT_EQ(head.headers["allow"], "POST, GET");
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(c.Request("GET", "/v1/datasets", "", {{"Authorization", "Bearer " + op_}}).status, 200);
}

TEST_P(ServerTest, HeadSendsGetsLengthWithoutBody) {
  HttpConnection c(server_->port());
  HttpResponse get = c.Request("GET", "/healthz");
  HttpResponse head = c.Request("HEAD", "/healthz");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-length"], std::to_string(get.body.size()));
  EXPECT_TRUE(head.body.empty());
  HttpResponse again = c.Request("GET", "/healthz");  // no stray body bytes before it
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, get.body);
  // ReadResponse reads Content-Length bytes: for HEAD none follow, so check the next response
  // on the same connection is intact instead.
  HttpConnection c2(server_->port());
  ASSERT_TRUE(c2.SendRaw("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string raw;
  char buf[4096];
  while (raw.find("\"status\":\"ok\"") == std::string::npos) {
    ssize_t n = recv(c2.fd(), buf, sizeof(buf), 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(raw.find("HTTP/1.1 200"), 0u);
  EXPECT_NE(raw.find("HTTP/1.1 200", 10), std::string::npos) << raw;  // the GET answer follows at once
  EXPECT_EQ(raw.find("{"), raw.rfind("{"));                            // exactly one body: the GET's
}

TEST_P(ServerTest, NoContentHasNoLength) {
  std::string id = Key("auditor").substr(4, 12);
  HttpResponse r = Call("DELETE", "/v1/keys/" + id, op_);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.headers.count("content-length"), 0u);
}

TEST_P(ServerTest, UnauthenticatedUploadIsRefusedBeforeItsBody) {
  HttpConnection c(server_->port());
  // Announce 60 kB but send none of it: the 401 must come from the header alone.
  ASSERT_TRUE(c.SendRaw("POST /v1/agencies HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Content-Length: 60000\r\n\r\n"));
  HttpResponse r = c.ReadResponse();
  ExpectProblem(r, 401, "UNAUTHENTICATED");
  EXPECT_TRUE(r.closed);
}

TEST_P(ServerTest, EncodedSlashAndEmptySegmentsDoNotAliasRoutes) {
  ExpectProblem(Call("GET", "/v1/agencies%2Fx", op_), 400, "INVALID_ARGUMENT");
  ExpectProblem(Call("GET", "//v1/agencies", op_), 404, "NOT_FOUND");
  ExpectProblem(Call("GET", "/v1/agencies/", op_), 404, "NOT_FOUND");
}

TEST_P(ServerTest, HostileSchemasGetCleanErrors) {
  std::string deep_toml;
  for (int i = 0; i < 20000; ++i) deep_toml += "a.";  // 40 kB, under the test limit of 64 kB
  deep_toml += "a = 1\n";
  HttpResponse toml = Call("POST", "/v1/datasets", op_, deep_toml, "application/toml");
  ExpectProblem(toml, 400, "INVALID_ARGUMENT");
  EXPECT_EQ(json::parse(toml.body)["detail"], "schema TOML: line 1: key nested deeper than 16 levels");
  ExpectProblem(Call("POST", "/v1/datasets", op_, std::string(60000, '[')), 400, "INVALID_ARGUMENT");
  ExpectProblem(Call("POST", "/v1/agencies", op_, R"({"id": 1e400, "name": "x"})"), 400, "INVALID_ARGUMENT");
  EXPECT_EQ(Call("GET", "/healthz").status, 200);  // still up
}

TEST_P(ServerTest, SigtermLetsInFlightRequestFinishAndClosesIdle) {
  HttpConnection idle(server_->port());
  ASSERT_EQ(idle.Request("GET", "/healthz").status, 200);  // now idle on keep-alive

  std::string body = R"({"id":"late","name":"Arrives during shutdown"})";
  HttpConnection busy(server_->port());
  ASSERT_TRUE(busy.SendRaw("POST /v1/agencies HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           "Authorization: Bearer " + op_ + "\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\n\r\n" + body.substr(0, 10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the header arrive
  server_->Signal(SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(busy.SendRaw(body.substr(10)));
  HttpResponse r = busy.ReadResponse();
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(idle.ReadResponse().status, 0);  // closed by the server, no response
  EXPECT_EQ(server_->WaitExit(15000), 0);
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, ServerTest, ::testing::Values(store::Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, ServerTest, ::testing::Values(store::Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::testing
