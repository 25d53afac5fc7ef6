// The person repository end to end with the real `ndc` binary, on each backend: `ndc link run`,
// `ndc review list|explain|decide`, `ndc person show`, `ndc discrepancies` (CSV file), an
// idempotent re-run, then the HTTP routes of a real server (discrepancies for the owning agency
// only, the review queue, decisions, persons).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "store/testing/test_util.h"
#include "test_support.h"

namespace ndc::testing {
namespace {

using nlohmann::json;

constexpr char kRegistry[] = R"({"id": "population_registry", "title": "Dân cư", "owner": "bca",
  "classification": {"data": "core", "personal": "basic"}, "source_key": ["so"],
  "fields": [
    {"name": "so", "column": "SO", "type": "personal_id", "required": true, "person": "personal_id"},
    {"name": "ho_ten", "column": "HO_TEN", "type": "string", "required": true, "person": "full_name"},
    {"name": "ngay_sinh", "column": "NGAY_SINH", "type": "date", "format": "yyyy-mm-dd", "person": "birth_date"}]})";

constexpr char kTax[] = R"({"id": "tax", "title": "Thuế", "owner": "gdt",
  "classification": {"data": "important", "personal": "basic"}, "source_key": ["ma"],
  "fields": [
    {"name": "ma", "column": "MA", "type": "string", "required": true},
    {"name": "ho_ten", "column": "HO_TEN", "type": "string", "person": "full_name"},
    {"name": "ngay_sinh", "column": "NGAY_SINH", "type": "date", "format": "yyyy-mm-dd", "person": "birth_date"},
    {"name": "so_cccd", "column": "SO_CCCD", "type": "personal_id", "person": "personal_id"}]})";

// A hand-set model of the shipped settings' comparisons (docs/design/linkage.md): agreement on a
// name or a birth date weighs about 9.7 bits, the prior -10 bits.
constexpr char kModel[] = R"({"format": "ndc-link-model/1", "prior": 0.001, "comparisons": [
  {"name": "personal_id", "levels": [{"m": 0.9, "u": 0.0001}, {"m": 0.05, "u": 0.001}, {"m": 0.05, "u": 0.9989}]},
  {"name": "old_id_number", "levels": [{"m": 0.9, "u": 0.0001}, {"m": 0.05, "u": 0.001}, {"m": 0.05, "u": 0.9989}]},
  {"name": "full_name", "levels": [{"m": 0.8, "u": 0.001}, {"m": 0.05, "u": 0.001}, {"m": 0.03, "u": 0.001},
    {"m": 0.05, "u": 0.005}, {"m": 0.03, "u": 0.01}, {"m": 0.02, "u": 0.05}, {"m": 0.02, "u": 0.932}]},
  {"name": "birth_date", "levels": [{"m": 0.85, "u": 0.001}, {"m": 0.03, "u": 0.0005}, {"m": 0.03, "u": 0.002},
    {"m": 0.02, "u": 0.02}, {"m": 0.03, "u": 0.01}, {"m": 0.02, "u": 0.02}, {"m": 0.02, "u": 0.9465}]},
  {"name": "sex", "levels": [{"m": 0.98, "u": 0.5}, {"m": 0.02, "u": 0.5}]},
  {"name": "permanent_commune", "levels": [{"m": 0.7, "u": 0.01}, {"m": 0.3, "u": 0.99}]},
  {"name": "current_commune", "levels": [{"m": 0.7, "u": 0.01}, {"m": 0.3, "u": 0.99}]}]})";

constexpr char kAn[] = "001090000001";

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<json> JsonLines(const std::string& out) {
  std::vector<json> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(json::parse(line));
  }
  return lines;
}

class PersonCliTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    hub_ = dir_.path() + "/hub";
    std::string error;
    op_ = InitTestHub(GetParam(), hub_, &pg_, &error);
    ASSERT_FALSE(op_.empty()) << error;
    ASSERT_EQ(Ndc({"agency", "create", "--id", "bca", "--name", "Bộ Công an"}).exit_code, 0);
    ASSERT_EQ(Ndc({"agency", "create", "--id", "gdt", "--name", "Tổng cục Thuế"}).exit_code, 0);
    for (auto [name, schema] : {std::pair{"population_registry", kRegistry}, std::pair{"tax", kTax}}) {
      WriteFile(File(std::string(name) + ".json"), schema);
      CommandResult c = Ndc({"dataset", "create", File(std::string(name) + ".json")});
      ASSERT_EQ(c.exit_code, 0) << c.err;
    }
    // The shipped settings without term-frequency adjustment: with two persons, frequencies mean nothing.
    std::string settings = ReadFile(SourceDir() + "/examples/link/person.toml");
    for (size_t at; (at = settings.find("tf_adjust = true")) != std::string::npos;) {
      settings.replace(at, 16, "tf_adjust = false");
    }
    WriteFile(File("settings.toml"), settings);
    WriteFile(File("model.json"), kModel);
    Ingest("population_registry", "SO,HO_TEN,NGAY_SINH\n" + std::string(kAn) +
                                      ",Nguyễn Văn An,1990-02-01\n001185000002,Trần Thị Bình,1985-05-05\n");
    // T1: same ID, another name (linked by ID, a name discrepancy); T2: no ID (scored, linked);
    // T3: same name and year, another day (between the thresholds: review).
    Ingest("tax", "MA,HO_TEN,NGAY_SINH,SO_CCCD\nT1,Nguyễn Văn Ánh,1990-02-01," + std::string(kAn) +
                      "\nT2,NGUYEN VAN AN,1990-02-01,\nT3,Nguyễn Văn An,1990-07-20,\n");
  }

  CommandResult Ndc(std::vector<std::string> args) {
    args.push_back("--data");
    args.push_back(hub_);
    return RunNdc(args);
  }
  void Ingest(const std::string& dataset, const std::string& csv) {
    WriteFile(File(dataset + ".csv"), csv);
    CommandResult c = Ndc({"ingest", dataset, File(dataset + ".csv")});
    ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
  }
  CommandResult LinkRun() {
    return Ndc({"link", "run", "--settings", File("settings.toml"), "--model", File("model.json"), "--json"});
  }
  std::string File(const std::string& name) { return dir_.path() + "/" + name; }

  TempDir dir_;
  std::string hub_;
  std::string op_;
  std::unique_ptr<store::TestDatabase> pg_;
};

TEST_P(PersonCliTest, LinkReviewShowAndDiscrepanciesFromTheCommandLine) {
  CommandResult run = LinkRun();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<json> reports = JsonLines(run.out);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0]["dataset"], "population_registry");
  EXPECT_EQ(reports[0]["authority"], 2);
  EXPECT_EQ(reports[1]["by_id"], 1);
  EXPECT_EQ(reports[1]["probabilistic"], 1);
  EXPECT_EQ(reports[1]["queued"], 1);

  CommandResult list = Ndc({"review", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::vector<json> items = JsonLines(list.out);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["record"], "T3");
  EXPECT_EQ(items[0]["person"], kAn);
  const std::string id = std::to_string(items[0]["id"].get<int64_t>());

  CommandResult explain =
      Ndc({"review", "explain", id, "--settings", File("settings.toml"), "--model", File("model.json")});
  ASSERT_EQ(explain.exit_code, 0) << explain.err;
  EXPECT_NE(explain.out.find("birth_date"), std::string::npos) << explain.out;
  EXPECT_EQ(Ndc({"review", "decide", id, "maybe", "--reason", "x"}).exit_code, 2);
  CommandResult decide = Ndc({"review", "decide", id, "match", "--reason", "same person, typo in the date"});
  ASSERT_EQ(decide.exit_code, 0) << decide.err;
  EXPECT_NE(decide.out.find("linked"), std::string::npos) << decide.out;

  CommandResult show = Ndc({"person", "show", kAn, "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  json person = json::parse(show.out);
  EXPECT_EQ(person["links"].size(), 4u);  // the registry record and T1, T2, T3
  json name;
  for (const auto& g : person["golden"]) {
    if (g["attribute"] == "full_name") name = g;
  }
  EXPECT_EQ(name["value"], "Nguyễn Văn An");  // the registry's, with its provenance
  EXPECT_EQ(name["dataset"], "population_registry");
  EXPECT_EQ(name["record"], kAn);

  WriteFile(File("d.csv"), "old");  // an existing file is replaced, and narrowed to its owner
  ::chmod(File("d.csv").c_str(), 0644);
  CommandResult disc = Ndc({"discrepancies", "tax", "--format", "csv", "--out", File("d.csv")});
  ASSERT_EQ(disc.exit_code, 0) << disc.err;
  struct stat st {};
  ASSERT_EQ(::stat(File("d.csv").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "personal data: readable by the owner only";
  // A write that fails fails the command (/dev/full: every write is "no space left").
  CommandResult full = Ndc({"discrepancies", "tax", "--format", "csv", "--out", "/dev/full"});
  EXPECT_EQ(full.exit_code, 3) << full.out << full.err;  // UNAVAILABLE
  EXPECT_NE(full.err.find("writing the file failed"), std::string::npos) << full.err;
  std::string csv = ReadFile(File("d.csv"));
  EXPECT_EQ(csv.rfind("record_key,attribute,source_value,authoritative_value", 0), 0u) << csv;
  EXPECT_NE(csv.find("T1,full_name,Nguyễn Văn Ánh,Nguyễn Văn An," + std::string(kAn)), std::string::npos) << csv;
  EXPECT_NE(csv.find("T3,birth_date,1990-07-20,1990-02-01," + std::string(kAn)), std::string::npos) << csv;

  CommandResult again = LinkRun();  // nothing new: nothing changes
  ASSERT_EQ(again.exit_code, 0) << again.err;
  for (const auto& r : JsonLines(again.out)) EXPECT_EQ(r["records"], 0) << r.dump();
}

// `ndc serve` links new records on its own schedule; each link run that linked records is an
// audited change (actor serve:linking), as `ndc link run`'s is.
TEST_P(PersonCliTest, ServeLinksOnItsScheduleAndAuditsIt) {
  ServerProcess server({"--data", hub_, "--threads", "2", "--link-interval", "1"});
  ASSERT_TRUE(server.started()) << server.output();
  std::set<std::string> linked;
  for (int i = 0; i < 100 && linked.size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    HttpConnection c(server.port());
    HttpResponse r = c.Request("GET", "/v1/audit/entries?start=0&limit=1000", "", {{"Authorization", "Bearer " + op_}});
    ASSERT_EQ(r.status, 200) << r.body;
    const json page = json::parse(r.body);  // named: a temporary's member would not outlive the loop
    for (const auto& e : page["entries"]) {
      if (e["action"] == "link.run" && e["actor"]["client"] == "serve:linking") {
        EXPECT_EQ(e["actor"]["role"], "system");
        linked.insert(e["subject"]["dataset"].get<std::string>());
      }
    }
  }
  EXPECT_EQ(linked, (std::set<std::string>{"population_registry", "tax"})) << server.output();
}

TEST_P(PersonCliTest, HttpRoutesServeDiscrepanciesReviewAndPersons) {
  ASSERT_EQ(LinkRun().exit_code, 0);
  auto key = [&](const std::string& agency) {
    CommandResult r = Ndc({"key", "create", "--role", "agency", "--agency", agency, "--name", agency, "-q"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Trim(r.out);
  };
  const std::string gdt = key("gdt"), bca = key("bca");
  ServerProcess server({"--data", hub_, "--threads", "2", "--link-interval", "0"});
  ASSERT_TRUE(server.started()) << server.output();
  auto call = [&](const std::string& method, const std::string& target, const std::string& k,
                  const std::string& body = "") {
    HttpConnection c(server.port());
    std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + k}};
    if (!body.empty()) headers["Content-Type"] = "application/json";
    return c.Request(method, target, body, headers);
  };
  HttpResponse own = call("GET", "/v1/datasets/tax/discrepancies", gdt);
  ASSERT_EQ(own.status, 200) << own.body;
  json d = json::parse(own.body);
  ASSERT_EQ(d["discrepancies"].size(), 1u);
  EXPECT_EQ(d["discrepancies"][0]["attribute"], "full_name");
  // The registry's value and the person are not the owning agency's to read here (policy decides
  // those); the operator sees them.
  EXPECT_TRUE(d["discrepancies"][0]["authoritative_value"].is_null()) << own.body;
  EXPECT_TRUE(d["discrepancies"][0]["person"].is_null()) << own.body;
  HttpResponse ops = call("GET", "/v1/datasets/tax/discrepancies", op_);
  ASSERT_EQ(ops.status, 200) << ops.body;
  EXPECT_FALSE(json::parse(ops.body)["discrepancies"][0]["authoritative_value"].get<std::string>().empty());
  EXPECT_EQ(json::parse(ops.body)["discrepancies"][0]["person"], kAn);
  EXPECT_EQ(call("GET", "/v1/datasets/tax/discrepancies", bca).status, 403);
  HttpResponse csv = call("GET", "/v1/datasets/tax/discrepancies?format=csv", op_);
  EXPECT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("T1,full_name"), std::string::npos) << csv.body;

  EXPECT_EQ(call("GET", "/v1/review", gdt).status, 403);
  HttpResponse review = call("GET", "/v1/review", op_);
  ASSERT_EQ(review.status, 200) << review.body;
  json items = json::parse(review.body)["items"];
  ASSERT_EQ(items.size(), 1u);
  const std::string item = "/v1/review/" + std::to_string(items[0]["id"].get<int64_t>());
  HttpResponse one = call("GET", item, op_);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(json::parse(one.body)["record"], "T3");
  EXPECT_EQ(call("POST", item + "/decision", op_, R"({"decision": "perhaps", "reason": "x"})").status, 400);
  // The reason's error names the member it is about (a bidi override would reorder the text
  // other operators read).
  HttpResponse bidi = call("POST", item + "/decision", op_, R"({"decision": "match", "reason": "x\u202e"})");
  EXPECT_EQ(bidi.status, 400);
  EXPECT_NE(bidi.body.find("body.reason may not contain U+202E"), std::string::npos) << bidi.body;
  EXPECT_NE(call("POST", item + "/decision", op_, R"({"decision": "match", "reason": ""})").body.find(
                "body.reason is UTF-8 text of 1 to 2000 characters"),
            std::string::npos);
  HttpResponse decided = call("POST", item + "/decision", op_, R"({"decision": "non_match", "reason": "namesake"})");
  ASSERT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(json::parse(decided.body)["outcome"], "new person");
  EXPECT_EQ(call("POST", item + "/decision", op_, R"({"decision": "match", "reason": "again"})").status, 400);
  EXPECT_EQ(call("GET", "/v1/review/999999", op_).status, 404);

  HttpResponse person = call("GET", std::string("/v1/persons/") + kAn, op_);
  ASSERT_EQ(person.status, 200) << person.body;
  EXPECT_EQ(json::parse(person.body)["links"].size(), 3u);  // registry, T1, T2
  EXPECT_EQ(server.Terminate(), 0);
}

// A run that fails in a later dataset leaves the links an earlier one committed, audited (until
// 2026-12-03 `ndc link run` audited the run only after it ended well).
TEST_P(PersonCliTest, ALinkRunThatFailsPartwayAuditsWhatItCommitted) {
  {
    auto db = store::Open(pg_ ? pg_->url() : hub_ + "/ndc.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    // The store refuses the link of T2 (tax): the registry is linked first, then tax fails.
    ASSERT_TRUE((pg_ ? (*db)->ExecScript(
                           "CREATE FUNCTION refuse_t2() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                           "IF NEW.record_key = 'T2' THEN RAISE EXCEPTION 'T2 refused'; END IF; RETURN NEW; END $$; "
                           "CREATE TRIGGER refuse_t2 BEFORE INSERT ON person_links FOR EACH ROW "
                           "EXECUTE FUNCTION refuse_t2()")
                     : (*db)->ExecScript("CREATE TRIGGER refuse_t2 BEFORE INSERT ON person_links "
                                         "WHEN NEW.record_key = 'T2' BEGIN SELECT RAISE(ABORT, 'T2 refused'); END"))
                    .ok());
  }
  auto link_entries = [&] {
    CommandResult entries = Ndc({"audit", "entries", "--action", "link.run"});
    EXPECT_EQ(entries.exit_code, 0) << entries.err;
    std::vector<std::string> datasets;
    for (const json& e : JsonLines(entries.out)) datasets.push_back(e["subject"].value("dataset", ""));
    return datasets;
  };
  CommandResult failed = LinkRun();
  EXPECT_NE(failed.exit_code, 0) << failed.out;
  EXPECT_NE(failed.err.find("T2 refused"), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find("linked before the error is committed (population_registry events"), std::string::npos)
      << failed.err;
  EXPECT_NE(failed.err.find(") and audited"), std::string::npos) << failed.err;
  EXPECT_EQ(link_entries(), std::vector<std::string>{"population_registry"});
  {
    auto db = store::Open(pg_ ? pg_->url() : hub_ + "/ndc.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE((*db)->ExecScript(pg_ ? "DROP TRIGGER refuse_t2 ON person_links" : "DROP TRIGGER refuse_t2").ok());
  }
  CommandResult again = LinkRun();
  ASSERT_EQ(again.exit_code, 0) << again.err;
  std::vector<json> reports = JsonLines(again.out);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0]["records"], 0);  // the registry was linked by the failed run
  EXPECT_EQ(reports[1]["records"], 3);
  EXPECT_EQ(link_entries(), (std::vector<std::string>{"population_registry", "tax"}));
  // A run that links nothing is audited once, as the command.
  ASSERT_EQ(LinkRun().exit_code, 0);
  EXPECT_EQ(link_entries(), (std::vector<std::string>{"population_registry", "tax", ""}));
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, PersonCliTest, ::testing::Values(store::Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, PersonCliTest, ::testing::Values(store::Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::testing
