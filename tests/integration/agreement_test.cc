// Data-sharing agreements end to end, on each backend: the CLI (create, versions, status, errors)
// and HTTP (who may write and read which agreement), and the audit entries of every change.
#include <fstream>
#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/testing/test_database.h"
#include "test_support.h"

namespace ndc::testing {
namespace {

using nlohmann::json;

class AgreementTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    hub_ = dir_.path() + "/hub";
    std::string error;
    op_ = InitTestHub(GetParam(), hub_, &pg_, &error);
    ASSERT_FALSE(op_.empty()) << error;
    for (const char* id : {"bca", "vss", "gdt"}) {
      ASSERT_EQ(Ndc({"agency", "create", "--id", id, "--name", std::string("Agency ") + id}).exit_code, 0);
    }
    auto ds = Ndc({"dataset", "create", SourceDir() + "/examples/schemas/population_registry.json"});
    ASSERT_EQ(ds.exit_code, 0) << ds.err;
  }

  CommandResult Ndc(std::vector<std::string> args) {
    args.push_back("--data");
    args.push_back(hub_);
    return RunNdc(args);
  }

  std::string Example(const std::string& name) { return SourceDir() + "/examples/agreements/" + name; }

  std::string Key(const std::string& role, const std::string& agency = "") {
    std::vector<std::string> args = {"key", "create", "--role", role, "--name", role + " test", "-q"};
    if (!agency.empty()) {
      args.push_back("--agency");
      args.push_back(agency);
    }
    auto r = Ndc(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Trim(r.out);
  }

  std::string WriteFile(const std::string& name, const json& doc) {
    std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << doc.dump();
    return path;
  }

  json ExampleJson(const std::string& name) {
    std::ifstream in(Example(name));
    return json::parse(in);
  }

  TempDir dir_;
  std::string hub_;
  std::unique_ptr<store::TestDatabase> pg_;
  std::string op_;
};

TEST_P(AgreementTest, CliCreatesVersionsAndShowsThem) {
  auto created = Ndc({"agreement", "create", Example("vss-population.json")});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_NE(created.out.find("Created agreement vss-population version 1 (active, consumer vss"), std::string::npos)
      << created.out;
  auto again = Ndc({"agreement", "create", Example("vss-population.json")});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("agreement 'vss-population' already exists"), std::string::npos) << again.err;

  auto suspended = Ndc({"agreement", "suspend", "vss-population"});
  ASSERT_EQ(suspended.exit_code, 0) << suspended.err;
  EXPECT_NE(suspended.out.find("version 2 (suspended"), std::string::npos) << suspended.out;

  auto v1 = Ndc({"agreement", "show", "vss-population", "--version", "1"});
  ASSERT_EQ(v1.exit_code, 0) << v1.err;
  json doc = json::parse(v1.out);
  EXPECT_EQ(doc["status"], "active");
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["grants"]["population_registry"].size(), 6u);
  EXPECT_EQ(doc["created_by"].get<std::string>().substr(0, 4), "cli:");

  auto list = Ndc({"agreement", "list"});
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("vss-population"), std::string::npos);
  EXPECT_NE(list.out.find("suspended"), std::string::npos);
}

TEST_P(AgreementTest, CliNamesWhatIsWrong) {
  json doc = ExampleJson("vss-population.json");
  doc["grants"]["population_registry"].push_back("luong");
  auto r = Ndc({"agreement", "create", WriteFile("bad-field.json", doc)});
  EXPECT_EQ(r.exit_code, 2) << r.err;  // InvalidArgument
  EXPECT_NE(r.err.find("agreement.grants.population_registry: dataset 'population_registry' has no field 'luong'"),
            std::string::npos)
      << r.err;
  doc = ExampleJson("vss-population.json");
  doc["grants"]["population_registry"] = {"ho_ten", "ton_giao"};
  doc["legal_basis"].erase("article");
  r = Ndc({"agreement", "create", WriteFile("sensitive.json", doc)});
  EXPECT_NE(r.err.find("sensitive personal data"), std::string::npos) << r.err;
  r = Ndc({"agreement", "suspend", "nope"});
  EXPECT_NE(r.err.find("agreement 'nope' does not exist"), std::string::npos) << r.err;
}

TEST_P(AgreementTest, HttpWritesAreForOperatorsAndAgenciesReadOnlyTheirOwn) {
  std::string vss = Key("agency", "vss"), gdt = Key("agency", "gdt"), auditor = Key("auditor");
  ServerProcess server({"--data", hub_, "--threads", "2"});
  ASSERT_TRUE(server.started()) << server.output();
  auto call = [&](const std::string& method, const std::string& target, const std::string& key,
                  const std::string& body = "") {
    HttpConnection c(server.port());
    std::map<std::string, std::string> h;
    if (!key.empty()) h["Authorization"] = "Bearer " + key;
    if (!body.empty()) h["Content-Type"] = "application/json";
    return c.Request(method, target, body, h);
  };
  std::string vss_doc = ExampleJson("vss-population.json").dump();
  EXPECT_EQ(call("POST", "/v1/agreements", "", vss_doc).status, 401);
  EXPECT_EQ(call("POST", "/v1/agreements", vss, vss_doc).status, 403);
  HttpResponse created = call("POST", "/v1/agreements", op_, vss_doc);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers["location"], "/v1/agreements/vss-population");
  ASSERT_EQ(call("POST", "/v1/agreements", op_, ExampleJson("gdt-population.json").dump()).status, 201);
  EXPECT_EQ(call("POST", "/v1/agreements", op_, vss_doc).status, 409);

  json mine = json::parse(call("GET", "/v1/agreements", vss).body);
  ASSERT_EQ(mine["agreements"].size(), 1u);
  EXPECT_EQ(mine["agreements"][0]["id"], "vss-population");
  EXPECT_EQ(call("GET", "/v1/agreements/gdt-population", vss).status, 404);  // not theirs: not disclosed
  // Nor by asking for a version: another pair's agreement reads as one that does not exist.
  auto problem = [&](const std::string& target) {
    HttpResponse r = call("GET", target, vss);
    EXPECT_EQ(r.status, 404) << target;
    json j = json::parse(r.body);
    return j["detail"].get<std::string>();
  };
  EXPECT_EQ(problem("/v1/agreements/gdt-population?version=1"), "agreement 'gdt-population' does not exist");
  EXPECT_EQ(problem("/v1/agreements/gdt-population?version=7"), "agreement 'gdt-population' does not exist");
  EXPECT_EQ(problem("/v1/agreements/nobody-population?version=1"), "agreement 'nobody-population' does not exist");
  EXPECT_EQ(call("GET", "/v1/agreements/gdt-population", gdt).status, 200);
  EXPECT_EQ(json::parse(call("GET", "/v1/agreements", auditor).body)["agreements"].size(), 2u);

  HttpResponse revoked = call("POST", "/v1/agreements/gdt-population/status", op_, R"({"status": "revoked"})");
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(json::parse(revoked.body)["version"], 2);
  EXPECT_EQ(call("POST", "/v1/agreements/gdt-population/status", op_, R"({"status": "gone"})").status, 400);
  HttpResponse back = call("POST", "/v1/agreements/gdt-population/status", op_, R"({"status": "active"})");
  EXPECT_EQ(back.status, 400) << back.body;  // a revocation is final
  EXPECT_NE(back.body.find("a revocation is final"), std::string::npos) << back.body;
  json versions = json::parse(call("GET", "/v1/agreements/gdt-population/versions", auditor).body);
  ASSERT_EQ(versions["versions"].size(), 2u);
  EXPECT_EQ(versions["versions"][0]["status"], "active");
  EXPECT_EQ(versions["versions"][1]["status"], "revoked");
  json bad = ExampleJson("gdt-population.json");
  bad["id"] = "other";
  EXPECT_EQ(call("PUT", "/v1/agreements/gdt-population", op_, bad.dump()).status, 400);

  json audit = json::parse(call("GET", "/v1/audit/entries?start=0&limit=1000", auditor).body);
  std::vector<std::string> changes;
  for (const auto& e : audit["entries"]) {
    std::string action = e["action"];
    if (action.rfind("agreement.", 0) == 0) changes.push_back(action + " " + e["subject"]["record"].get<std::string>());
  }
  EXPECT_EQ(changes, (std::vector<std::string>{"agreement.create agreement/vss-population@1",
                                               "agreement.create agreement/gdt-population@1",
                                               "agreement.set_status agreement/gdt-population@2"}));
  EXPECT_EQ(server.Terminate(), 0);
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, AgreementTest, ::testing::Values(store::Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, AgreementTest, ::testing::Values(store::Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::testing
