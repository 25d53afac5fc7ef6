// Ingestion over HTTP with the real `ndc` server on each backend: batches as CSV, NDJSON and
// gzip, duplicates and idempotency keys, refused batches and their rejects, header errors, who
// may post and read (checked before the body is read), records now / as of / their versions,
// the change feed, the ingest.max_batch_bytes limit, and a 50 MB upload that the server streams
// to disk with bounded memory.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <zlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "store/testing/test_database.h"
#include "test_support.h"

namespace ndc::testing {
namespace {

using nlohmann::json;

// Households of the Ministry of Culture ("moc"), keyed by province and household number.
constexpr char kSchema[] = R"({"id": "ho_gia_dinh", "title": "Hộ gia đình", "owner": "moc",
  "classification": {"data": "important", "personal": "basic"},
  "source_key": ["tinh", "so_ho"], "source_version": "phien_ban",
  "fields": [
    {"name": "tinh", "column": "TINH", "type": "string", "required": true},
    {"name": "so_ho", "column": "SO_HO", "type": "string", "required": true},
    {"name": "chu_ho", "column": "CHU_HO", "type": "string", "required": true},
    {"name": "so_nguoi", "column": "SO_NGUOI", "type": "integer"},
    {"name": "ho_ngheo", "column": "HO_NGHEO", "type": "boolean"},
    {"name": "thu_nhap", "column": "THU_NHAP", "type": "decimal", "scale": 2},
    {"name": "ngay_dk", "column": "NGAY_DK", "type": "date"},
    {"name": "ghi_chu", "column": "GHI_CHU", "type": "string"},
    {"name": "phien_ban", "column": "PHIEN_BAN", "type": "integer"}]})";

constexpr char kHeader[] = "TINH,SO_HO,CHU_HO,SO_NGUOI,HO_NGHEO,THU_NHAP,NGAY_DK,GHI_CHU,PHIEN_BAN\n";
constexpr char kBatches[] = "/v1/datasets/ho_gia_dinh/batches";

std::string Csv(const std::string& rows) { return kHeader + rows; }

std::string Gzip(const std::string& in) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, in.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// The pid of the `ndc serve` process whose command line names `hub` (its data directory).
pid_t ServerPid(const std::string& hub) {
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(std::string("serve") + '\0') != std::string::npos &&
        cmdline.find(std::string(hub) + '\0') != std::string::npos) {
      return static_cast<pid_t>(std::stol(name));
    }
  }
  return -1;
}

// Resident set size of a process in bytes (VmRSS), or -1.
int64_t RssBytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return -1;
}

class IngestHttpTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    hub_ = dir_.path() + "/hub";
    std::string error;
    op_ = InitTestHub(GetParam(), hub_, &pg_, &error);
    ASSERT_FALSE(op_.empty()) << error;
    // A small server.max_body_bytes: batches are held to ingest.max_batch_bytes instead.
    StartServer({{"NDC_SERVER_MAX_BODY_BYTES", "65536"}});
    for (const char* agency :
         {R"({"id":"moc","name":"Bộ Văn hóa"})", R"({"id":"gdt","name":"Tổng cục Thuế"})"}) {
      ASSERT_EQ(Call("POST", "/v1/agencies", op_, agency, {{"Content-Type", "application/json"}}).status,
                201);
    }
    HttpResponse ds = Call("POST", "/v1/datasets", op_, kSchema, {{"Content-Type", "application/json"}});
    ASSERT_EQ(ds.status, 201) << ds.body;
    moc_ = Key("agency", "moc");
    gdt_ = Key("agency", "gdt");
  }

  void StartServer(std::map<std::string, std::string> env) {
    server_.reset();
    server_ =
        std::make_unique<ServerProcess>(std::vector<std::string>{"--data", hub_, "--threads", "2"}, env);
    ASSERT_TRUE(server_->started()) << server_->output();
  }

  std::string Key(const std::string& role, const std::string& agency = "") {
    std::vector<std::string> args = {"key", "create", "--data",      hub_, "--role",
                                     role,  "--name", role + agency, "-q"};
    if (!agency.empty()) args.insert(args.end(), {"--agency", agency});
    auto r = RunNdc(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Trim(r.out);
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& key,
                    const std::string& body = "", std::map<std::string, std::string> headers = {}) {
    HttpConnection c(server_->port());
    if (!key.empty()) headers["Authorization"] = "Bearer " + key;
    return c.Request(method, target, body, headers);
  }

  // Posts a CSV batch as the operator; returns the response with its JSON body parsed into *j.
  HttpResponse Post(const std::string& body, json* j, const std::string& query = "",
                    std::map<std::string, std::string> headers = {{"Content-Type", "text/csv"}}) {
    HttpResponse r = Call("POST", kBatches + query, op_, body, std::move(headers));
    *j = json::parse(r.body, nullptr, false);
    return r;
  }

  json Get(const std::string& target, const std::string& key = "") {
    HttpResponse r = Call("GET", target, key.empty() ? op_ : key);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return json::parse(r.body, nullptr, false);
  }

  // The audit entries with `action`, oldest first.
  std::vector<json> AuditEntries(const std::string& action) {
    std::vector<json> out;
    json page = Get("/v1/audit/entries?start=0&limit=1000");
    for (const auto& e : page["entries"]) {
      if (e["action"] == action) out.push_back(e);
    }
    return out;
  }

  TempDir dir_;
  std::string hub_;
  std::unique_ptr<store::TestDatabase> pg_;  // destroyed after the server
  std::unique_ptr<ServerProcess> server_;
  std::string op_, moc_, gdt_;
};

TEST_P(IngestHttpTest, CsvBatchIsAppliedWith201AndItsReport) {
  json j;
  HttpResponse r = Post(Csv("HN,001,Nguyễn Văn An,4,false,1500000.50,2020-01-31,,1\n"
                            "HN,002,Trần Thị Bình,2,true,,,,1\n"),
                        &j);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(j["status"], "applied");
  EXPECT_EQ(j["format"], "csv");
  EXPECT_EQ(j["mode"], "upsert");
  EXPECT_EQ(j["rows_read"], 2);
  EXPECT_EQ(j["inserted"], 2);
  EXPECT_EQ(j["rejected"], 0);
  EXPECT_EQ(j["first_seq"], 1);
  EXPECT_EQ(j["last_seq"], 2);
  EXPECT_EQ(j["source"], "http");
  EXPECT_EQ(j["content_sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(r.headers["location"], j["links"]["self"]);
  EXPECT_EQ(Get(j["links"]["self"])["inserted"], 2);
  std::vector<json> audited = AuditEntries("ingest.batch");
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_EQ(audited[0]["subject"]["dataset"], "ho_gia_dinh");
  EXPECT_EQ(audited[0]["subject"]["record"], std::to_string(j["id"].get<int64_t>()));
}

TEST_P(IngestHttpTest, GzipBodyIsDecompressed) {
  json j;
  HttpResponse r = Post(Gzip(Csv("HN,001,Nguyễn Văn An,4,,,,,1\n")), &j, "",
                        {{"Content-Type", "text/csv"}, {"Content-Encoding", "gzip"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(j["inserted"], 1);
  EXPECT_EQ(Post("x", &j, "", {{"Content-Encoding", "br"}}).status, 400);
}

TEST_P(IngestHttpTest, NdjsonByContentTypeOrQuery) {
  json j;
  std::string line = R"({"TINH":"HN","SO_HO":"001","CHU_HO":"Nguyễn Văn An","SO_NGUOI":4,"PHIEN_BAN":1})";
  HttpResponse r = Post(line + "\n", &j, "", {{"Content-Type", "application/x-ndjson"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(j["format"], "ndjson");
  EXPECT_EQ(j["inserted"], 1);
  r = Post(R"({"TINH":"HN","SO_HO":"002","CHU_HO":"Lê Văn Cường"})"
           "\n",
           &j, "?format=ndjson", {});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(j["format"], "ndjson");
}

TEST_P(IngestHttpTest, ResendIsAnsweredWith200Duplicate) {
  std::string body = Csv("HN,001,Nguyễn Văn An,4,,,,,1\n");
  json first, again;
  ASSERT_EQ(Post(body, &first).status, 201);
  HttpResponse r = Post(body, &again);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(again["status"], "duplicate");
  EXPECT_EQ(again["id"], first["id"]);
  // The resend is in the audit log, naming the batch it repeats.
  std::vector<json> resent = AuditEntries("ingest.batch.duplicate");
  ASSERT_EQ(resent.size(), 1u);
  EXPECT_EQ(resent[0]["subject"]["record"], std::to_string(first["id"].get<int64_t>()));
}

// An Idempotency-Key names one body: the same body again is the duplicate (200, the original's
// report); another body under it is refused (409) and changes nothing, instead of being
// answered as the duplicate while its rows were dropped (review of 2026-11-30).
TEST_P(IngestHttpTest, IdempotencyKeyNamesOneBody) {
  json first, again;
  ASSERT_EQ(
      Post(Csv("HN,001,Nguyễn Văn An,4,,,,,1\n"), &first, "", {{"Idempotency-Key", "moc-2026-01"}}).status,
      201);
  EXPECT_EQ(first["idempotency_key"], "moc-2026-01");
  HttpResponse r = Post(Csv("HN,001,Nguyễn Văn An,4,,,,,1\n"), &again, "", {{"Idempotency-Key", "moc-2026-01"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(again["id"], first["id"]);
  r = Post(Csv("HN,001,Tên Khác,4,,,,,2\n"), &again, "", {{"Idempotency-Key", "moc-2026-01"}});
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_NE(json::parse(r.body)["detail"].get<std::string>().find("send it with a new key"), std::string::npos)
      << r.body;
  EXPECT_EQ(Get("/v1/datasets/ho_gia_dinh/records/HN%1F001")["fields"]["chu_ho"], "Nguyễn Văn An");
  EXPECT_EQ(Post("x", &again, "", {{"Idempotency-Key", std::string(201, 'k')}}).status, 400);
}

TEST_P(IngestHttpTest, RefusedBatchIs422WithReportAndRejectsArePaged) {
  json j;
  HttpResponse r = Post(Csv("HN,001,An,bốn,,,,,1\nHN,002,Bình,2,,,,,1\nHN,003,Cường,2,,,2020-02-30,,1\n"), &j,
                        "?max_reject_share=0.5");
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.headers["content-type"], "application/problem+json");
  EXPECT_EQ(j["batch"]["status"], "refused");
  EXPECT_EQ(j["batch"]["rejected"], 2);
  EXPECT_EQ(j["batch"]["inserted"], 0);
  std::string rejects = j["batch"]["links"]["rejects"];
  json page = Get(rejects + "?limit=1");
  ASSERT_EQ(page["rejects"].size(), 1u);
  EXPECT_EQ(page["rejects"][0]["line"], 2);
  EXPECT_EQ(page["rejects"][0]["errors"][0]["field"], "so_nguoi");
  EXPECT_EQ(page["next_after_line"], 2);
  json rest = Get(rejects + "?after_line=2");
  ASSERT_EQ(rest["rejects"].size(), 1u);
  EXPECT_EQ(rest["rejects"][0]["line"], 4);
  EXPECT_TRUE(rest["next_after_line"].is_null());
  EXPECT_EQ(Call("GET", "/v1/datasets/ho_gia_dinh/records/HN%1F002", op_).status, 404);
  // Another agency is refused the rows, and the refusal is audited.
  EXPECT_EQ(Call("GET", rejects, gdt_).status, 403);
  std::vector<json> reads = AuditEntries("ingest.rejects.read");
  ASSERT_FALSE(reads.empty());
  EXPECT_EQ(reads.back()["decision"], "denied");
  EXPECT_EQ(reads.back()["actor"]["agency"], "gdt");
}

TEST_P(IngestHttpTest, BadHeaderIs400NamingTheColumn) {
  json j;
  HttpResponse r = Post("TINH,SO_HO,CHU_HO,SO_NGUOII\nHN,001,An,4\n", &j);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(j["detail"].get<std::string>().find("SO_NGUOII"), std::string::npos) << r.body;
  EXPECT_EQ(Post("x", &j, "?mode=merge").status, 400);
  EXPECT_EQ(Post("x", &j, "?max_reject_share=2").status, 400);
}

TEST_P(IngestHttpTest, ASnapshotsAsOfTimeKeepsRecordsReceivedAfterIt) {
  json j;
  ASSERT_EQ(Post(Csv("HN,001,Nguyễn Văn An,4,,,,,1\nHN,002,Trần Thị Bình,2,,,,,1\n"), &j).status, 201) << j.dump();
  // Taken in 2020, applied now: both records came later, so neither is deleted for being absent.
  HttpResponse r = Post(Csv("HN,001,Nguyễn Văn An,4,,,,,1\n"), &j, "?mode=snapshot&as_of=2020-01-01T07:00:00%2B07:00");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(j["deleted"], 0) << r.body;
  EXPECT_NE(j["message"].get<std::string>().find("1 live record the snapshot does not name was kept"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(j["as_of"], "2020-01-01T00:00:00.000000Z") << r.body;  // UTC, as stored
  EXPECT_EQ(j["kept_as_newer"], 1) << r.body;
  HttpResponse stored = Call("GET", "/v1/batches/" + std::to_string(j["id"].get<int64_t>()), op_);
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(json::parse(stored.body)["kept_as_newer"], 1) << stored.body;
  EXPECT_EQ(json::parse(stored.body)["as_of"], "2020-01-01T00:00:00.000000Z") << stored.body;
  EXPECT_EQ(Call("GET", "/v1/datasets/ho_gia_dinh/records/HN%1F002", op_).status, 200);
  EXPECT_EQ(Post("x", &j, "?as_of=2020-01-01T00:00:00Z").status, 400);  // an upsert has no as_of
  EXPECT_NE(j["detail"].get<std::string>().find("mode=snapshot"), std::string::npos) << j.dump();
  EXPECT_EQ(Post("x", &j, "?mode=snapshot&as_of=yesterday").status, 400);
  EXPECT_NE(j["detail"].get<std::string>().find("as_of"), std::string::npos) << j.dump();
  EXPECT_EQ(Post(Csv("HN,001,Nguyễn Văn An,4,,,,,1\n"), &j, "?mode=snapshot&as_of=2999-01-01T00:00:00Z").status, 400);
  EXPECT_NE(j["detail"].get<std::string>().find("later than the hub's clock"), std::string::npos) << j.dump();
}

TEST_P(IngestHttpTest, UnknownDatasetIs404) {
  HttpResponse r = Call("POST", "/v1/datasets/nope/batches", op_, Csv(""));
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(Call("GET", "/v1/batches/999", op_).status, 404);
  EXPECT_EQ(Call("GET", "/v1/datasets/nope/events", op_).status, 404);
}

TEST_P(IngestHttpTest, OtherAgencyIs403BeforeTheBodyIsRead) {
  // A 100 MB body is announced and never sent: the answer cannot have waited for it.
  HttpConnection c(server_->port());
  ASSERT_TRUE(c.SendRaw(std::string("POST ") + kBatches + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                        gdt_ + "\r\nContent-Type: text/csv\r\nContent-Length: 100000000\r\n\r\n"));
  HttpResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(Call("POST", kBatches, Key("analyst"), Csv("HN,001,An,,,,,,1\n")).status, 403);
  // Both refusals are in the audit log: the role's and the dataset owner's (the route's guard).
  std::vector<json> refused = AuditEntries("refused.post.v1.datasets.id.batches");
  ASSERT_EQ(refused.size(), 2u);
  EXPECT_EQ(refused[0]["actor"]["agency"], "gdt");
  EXPECT_EQ(refused[0]["decision"], "denied");
  EXPECT_EQ(refused[1]["actor"]["role"], "analyst");
  HttpResponse own = Call("POST", kBatches, moc_, Csv("HN,001,An,,,,,,1\n"));
  ASSERT_EQ(own.status, 201) << own.body;
  EXPECT_EQ(json::parse(own.body)["submitted_by"].get<std::string>().substr(0, 4), "key:");
  EXPECT_EQ(Call("GET", "/v1/datasets/ho_gia_dinh/batches", gdt_).status, 403);
  EXPECT_EQ(Call("GET", "/v1/datasets/ho_gia_dinh/batches", moc_).status, 200);
  const std::string batch = "/v1/batches/" + std::to_string(json::parse(own.body)["id"].get<int64_t>());
  EXPECT_EQ(Call("GET", batch, gdt_).status, 403);
  // Both refusals by ownership are audited.
  std::vector<json> lists = AuditEntries("ingest.batches.read"), reports = AuditEntries("ingest.batch.read");
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0]["decision"], "denied");
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0]["actor"]["agency"], "gdt");
}

TEST_P(IngestHttpTest, NoKeyIs401) {
  HttpResponse r = Call("POST", kBatches, "", Csv("HN,001,An,,,,,,1\n"));
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(Call("GET", "/v1/datasets/ho_gia_dinh/records/HN%1F001", "").status, 401);
}

TEST_P(IngestHttpTest, ExpectContinueIsAnsweredOnlyWhenAllowed) {
  std::string body = Csv("HN,001,An,,,,,,1\n");
  HttpConnection c(server_->port());
  ASSERT_TRUE(c.SendRaw(std::string("POST ") + kBatches + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                        moc_ + "\r\nExpect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse().status, 100);
  ASSERT_TRUE(c.SendRaw(body));
  EXPECT_EQ(c.ReadResponse().status, 201);
  HttpConnection refused(server_->port());
  ASSERT_TRUE(refused.SendRaw(std::string("POST ") + kBatches +
                              " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + gdt_ +
                              "\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n"));
  EXPECT_EQ(refused.ReadResponse().status, 403);
}

TEST_P(IngestHttpTest, RecordNowAsOfAndVersionsWithTypedFields) {
  json j;
  ASSERT_EQ(Post(Csv("HN,001,Nguyễn Văn An,4,false,1500000.50,2020-01-31,,1\n"), &j).status, 201);
  ASSERT_EQ(Post(Csv("HN,001,Nguyễn Văn An,5,true,1500000.50,2020-01-31,,2\n"), &j).status, 201);
  json rec = Get("/v1/datasets/ho_gia_dinh/records/HN%1F001");
  EXPECT_EQ(rec["key"], std::string("HN\x1f"
                                    "001"));
  EXPECT_EQ(rec["version"], 2);
  EXPECT_EQ(rec["op"], "update");
  EXPECT_EQ(rec["source_version"], "2");
  EXPECT_TRUE(rec["valid_to"].is_null());
  EXPECT_EQ(rec["fields"]["so_nguoi"], 5);
  EXPECT_EQ(rec["fields"]["ho_ngheo"], true);
  EXPECT_EQ(rec["fields"]["thu_nhap"], "1500000.50");
  EXPECT_EQ(rec["fields"]["ngay_dk"], "2020-01-31");
  EXPECT_TRUE(rec["fields"]["ghi_chu"].is_null());
  json versions = Get("/v1/datasets/ho_gia_dinh/records/HN%1F001/versions");
  ASSERT_EQ(versions["versions"].size(), 2u);
  EXPECT_TRUE(versions["next_after_version"].is_null());
  // A page at a time.
  json first = Get("/v1/datasets/ho_gia_dinh/records/HN%1F001/versions?limit=1");
  ASSERT_EQ(first["versions"].size(), 1u);
  EXPECT_EQ(first["versions"][0]["version"], 1);
  EXPECT_EQ(first["next_after_version"], 1);
  json second = Get("/v1/datasets/ho_gia_dinh/records/HN%1F001/versions?limit=1&after_version=1");
  ASSERT_EQ(second["versions"].size(), 1u);
  EXPECT_EQ(second["versions"][0]["version"], 2);
  EXPECT_EQ(Call("GET", "/v1/datasets/ho_gia_dinh/records/HN%1F001/versions?limit=0", op_).status, 400);
  EXPECT_EQ(Call("GET", "/v1/datasets/ho_gia_dinh/records/HN%1F001/versions?after_version=-1", op_).status, 400);
  std::string v1_from = versions["versions"][0]["valid_from"];
  EXPECT_EQ(versions["versions"][0]["valid_to"], versions["versions"][1]["valid_from"]);
  json then = Get("/v1/datasets/ho_gia_dinh/records/HN%1F001?as_of=" + v1_from);
  EXPECT_EQ(then["version"], 1);
  EXPECT_EQ(then["fields"]["so_nguoi"], 4);
  EXPECT_EQ(Call("GET", "/v1/datasets/ho_gia_dinh/records/HN%1F001?as_of=1", op_).status, 404);
  EXPECT_EQ(Call("GET", "/v1/datasets/ho_gia_dinh/records/HN%1F001?as_of=yesterday", op_).status, 400);
  EXPECT_EQ(Call("GET", "/v1/datasets/ho_gia_dinh/records/HN%1F999", op_).status, 404);
}

TEST_P(IngestHttpTest, RecordReadsAreAuditedAndAnotherAgencysDenied) {
  json j;
  ASSERT_EQ(Post(Csv("HN,001,Nguyễn Văn An,4,,,,,1\n"), &j).status, 201);
  EXPECT_EQ(Call("GET", "/v1/datasets/ho_gia_dinh/records/HN%1F001", moc_).status, 200);
  EXPECT_EQ(Call("GET", "/v1/datasets/ho_gia_dinh/records/HN%1F001/versions", op_).status, 200);
  EXPECT_EQ(Call("GET", "/v1/datasets/ho_gia_dinh/records/HN%1F001", gdt_).status, 403);
  std::vector<json> reads = AuditEntries("record.read");
  ASSERT_EQ(reads.size(), 2u);
  EXPECT_EQ(reads[0]["subject"]["record"], "HN%1F001");
  EXPECT_EQ(reads[0]["actor"]["agency"], "moc");
  EXPECT_EQ(reads[0]["decision"], "allowed");
  EXPECT_EQ(reads[0]["fields"].size(), 9u);
  EXPECT_EQ(reads[1]["actor"]["agency"], "gdt");
  EXPECT_EQ(reads[1]["decision"], "denied");
  EXPECT_EQ(AuditEntries("record.history.read").size(), 1u);
}

TEST_P(IngestHttpTest, EventsArePagedInOrder) {
  json j;
  ASSERT_EQ(Post(Csv("HN,001,An,,,,,,1\nHN,002,Bình,,,,,,1\nHN,003,Cường,,,,,,1\n"), &j).status, 201);
  ASSERT_EQ(Post(Csv("HN,002,Bình,3,,,,,2\n"), &j).status, 201);
  json page = Get("/v1/datasets/ho_gia_dinh/events?limit=2");
  ASSERT_EQ(page["events"].size(), 2u);
  EXPECT_EQ(page["events"][0]["seq"], 1);
  EXPECT_EQ(page["events"][0]["op"], "insert");
  EXPECT_EQ(page["next_after"], 2);
  json rest = Get("/v1/datasets/ho_gia_dinh/events?after=2&limit=10", moc_);
  ASSERT_EQ(rest["events"].size(), 2u);
  EXPECT_EQ(rest["events"][1]["seq"], 4);
  EXPECT_EQ(rest["events"][1]["op"], "update");
  EXPECT_EQ(rest["events"][1]["key"], std::string("HN\x1f"
                                                  "002"));
  EXPECT_EQ(rest["events"][1]["batch_id"], j["id"]);
  EXPECT_EQ(Get("/v1/datasets/ho_gia_dinh/events?after=4")["next_after"], 4);
}

TEST_P(IngestHttpTest, DatasetBatchesAreListedNewestFirst) {
  json a, b;
  ASSERT_EQ(Post(Csv("HN,001,An,,,,,,1\n"), &a).status, 201);
  ASSERT_EQ(Post(Csv("HN,001,,,,,,,2\n"), &b, "?max_reject_share=1").status, 201);  // applied, 1 rejected
  json page = Get("/v1/datasets/ho_gia_dinh/batches?limit=1");
  ASSERT_EQ(page["batches"].size(), 1u);
  EXPECT_EQ(page["batches"][0]["id"], b["id"]);
  EXPECT_EQ(page["batches"][0]["rejected"], 1);
  json rest =
      Get("/v1/datasets/ho_gia_dinh/batches?before=" + std::to_string(page["next_before"].get<int64_t>()));
  ASSERT_EQ(rest["batches"].size(), 1u);
  EXPECT_EQ(rest["batches"][0]["id"], a["id"]);
}

// A batch holds a server thread until it is applied — on SQLite also while it waits for the
// store's write lock. With 2 server threads a node applies one batch at a time and answers a
// second at once with 503 and Retry-After (from a review: four blocked uploads froze the server,
// /healthz took 3.5 s), and everything else is still served meanwhile.
TEST_P(IngestHttpTest, ABatchBeyondHalfTheServerThreadsIs503AtOnce) {
  auto db = store::Open(pg_ ? pg_->url() : "sqlite:" + hub_ + "/ndc.db");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto tx = (*db)->Begin();
  ASSERT_TRUE(tx.ok()) << tx.status().ToString();
  ASSERT_TRUE((*tx)->Exec(pg_ ? "LOCK TABLE ingest_state IN EXCLUSIVE MODE"
                              : "UPDATE datasets SET updated_at = updated_at WHERE id = 'ho_gia_dinh'")
                  .ok());
  json first_report;
  HttpResponse first;
  std::thread held([&] { first = Post(Csv("01,H1,An,3,false,1.50,2024-01-02,,1\n"), &first_report); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the first is waiting for the lock
  const auto start = std::chrono::steady_clock::now();
  json second_report;
  HttpResponse second = Post(Csv("01,H2,Bình,2,false,1.00,2024-01-03,,1\n"), &second_report);
  HttpResponse health = Call("GET", "/healthz", "");
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(second.status, 503) << second.body;
  EXPECT_FALSE(second.headers["retry-after"].empty());
  EXPECT_EQ(second_report["code"], "RESOURCE_EXHAUSTED");
  // Refused before its body is read: with Expect: 100-continue no 100 comes, the refusal does.
  HttpConnection expect(server_->port());
  ASSERT_TRUE(expect.SendRaw(std::string("POST ") + kBatches + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + op_ +
                             "\r\nContent-Type: text/csv\r\nContent-Length: 100000000\r\nExpect: 100-continue\r\n\r\n"));
  HttpResponse before_body = expect.ReadResponse();
  EXPECT_EQ(before_body.status, 503) << before_body.body;
  EXPECT_EQ(health.status, 200);
  EXPECT_LT(took, std::chrono::milliseconds(2000));
  ASSERT_TRUE((*tx)->Rollback().ok());
  held.join();
  EXPECT_EQ(first.status, 201) << first.body;
  json again;
  EXPECT_EQ(Post(Csv("01,H2,Bình,2,false,1.00,2024-01-03,,1\n"), &again).status, 201) << again;
}

// Uploads in progress are bounded (8 per batch slot; 2 threads make 1 slot), and one caller takes
// at most half of them: bodies that never end cannot fill the data disk, nor one caller lock the
// others out. An upload past a bound is refused before its body; a slot is free again as soon as
// an upload is cut off (review of 2026-11-30: hundreds could be opened under one key).
TEST_P(IngestHttpTest, UploadsInProgressAreBounded) {
  auto head = [&](const std::string& key) {
    return std::string("POST ") + kBatches + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key +
           "\r\nContent-Type: text/csv\r\nContent-Length: 100000000\r\nExpect: 100-continue\r\n\r\n";
  };
  auto continued = [](HttpConnection& c) {  // the 100 Continue of an upload let in
    std::string got;
    char buf[512];
    while (got.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = recv(c.fd(), buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
    }
    return got.rfind("HTTP/1.1 100", 0) == 0;
  };
  auto refused = [&](const std::string& key, const std::string& why) {
    HttpConnection c(server_->port());
    EXPECT_TRUE(c.SendRaw(head(key)));
    HttpResponse r = c.ReadResponse();
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_NE(r.body.find(why), std::string::npos) << r.body;
    EXPECT_FALSE(r.headers["retry-after"].empty());
  };
  std::vector<std::unique_ptr<HttpConnection>> uploads;
  auto open = [&](const std::string& key) {
    uploads.push_back(std::make_unique<HttpConnection>(server_->port()));
    ASSERT_TRUE(uploads.back()->SendRaw(head(key)));
    ASSERT_TRUE(continued(*uploads.back())) << "upload " << uploads.size();
    ASSERT_TRUE(uploads.back()->SendRaw("TINH,SO_HO\n"));  // a body that goes on
  };
  for (int i = 0; i < 4; ++i) open(op_);
  refused(op_, "from this caller already");
  for (int i = 0; i < 4; ++i) open(moc_);
  refused(op_, "batch uploads already");
  refused(moc_, "batch uploads already");
  uploads.pop_back();  // one of moc's, cut off: its slot is free again
  bool let_in = false;
  for (int attempt = 0; attempt < 50 && !let_in; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    HttpConnection next(server_->port());
    ASSERT_TRUE(next.SendRaw(head(moc_)));
    let_in = continued(next);
  }
  EXPECT_TRUE(let_in);
  // A whole batch beside the seven still uploading takes one slot, checked before its body and
  // again before its handler (once the server has seen the upload above go).
  HttpResponse applied;
  for (int attempt = 0; attempt < 50 && applied.status != 201; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    applied = Call("POST", kBatches, moc_, Csv("HN,777,An,,,,,,1\n"), {{"Content-Type", "text/csv"}});
  }
  EXPECT_EQ(applied.status, 201) << applied.body;
  uploads.clear();
}

// An upload that trickles (a few bytes before each read timeout) is cut once a request_timeout
// window brings less than server.min_upload_bytes_per_second on average: it cannot hold an upload
// slot forever (review of 2026-12-01: one byte every 59 s kept a slot open indefinitely).
TEST_P(IngestHttpTest, AnUploadThatTricklesIsCut) {
  StartServer({{"NDC_SERVER_REQUEST_TIMEOUT_SECONDS", "1"}, {"NDC_SERVER_MIN_UPLOAD_BYTES_PER_SECOND", "1000"}});
  HttpConnection c(server_->port());
  ASSERT_TRUE(c.SendRaw(std::string("POST ") + kBatches + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + op_ +
                        "\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\nTINH,SO_HO,CHU_HO,SO_NGUOI\n"));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 12 && c.SendRaw("HN,"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  HttpResponse r = c.ReadResponse();
  EXPECT_EQ(r.status, 408) << r.body;
  EXPECT_NE(r.body.find("server.min_upload_bytes_per_second"), std::string::npos) << r.body;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(Get("/v1/datasets/ho_gia_dinh/batches")["batches"].size(), 0u);
  json j;
  EXPECT_EQ(Post(Csv("HN,001,An,,,,,,1\n"), &j).status, 201) << j;  // a batch that keeps moving is taken
}

// Spooling leaves server.spool_reserve_bytes free on the stores' file system (507 otherwise):
// a full disk would stop the audit log's commits, and every data answer with them.
TEST_P(IngestHttpTest, AnUploadThatWouldEatTheReserveIsRefused) {
  StartServer({{"NDC_SERVER_SPOOL_RESERVE_BYTES", "1125899906842624"}});  // 1 PiB: never free
  json j;
  HttpResponse r = Post(Csv("HN,001,An,,,,,,1\n"), &j);
  EXPECT_EQ(r.status, 507) << r.body;
  EXPECT_NE(r.body.find("server.spool_reserve_bytes"), std::string::npos) << r.body;
  EXPECT_EQ(Get("/v1/datasets/ho_gia_dinh/batches")["batches"].size(), 0u);
  EXPECT_TRUE(std::filesystem::is_empty(hub_ + "/spool"));
}

TEST_P(IngestHttpTest, DeleteModeFromTheQuery) {
  json j;
  ASSERT_EQ(Post(Csv("HN,001,An,,,,,,1\nHN,002,Bình,,,,,,1\n"), &j).status, 201);
  HttpResponse r = Post("TINH,SO_HO\nHN,001\n", &j, "?mode=delete");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(j["mode"], "delete");
  EXPECT_EQ(j["deleted"], 1);
  EXPECT_EQ(Call("GET", "/v1/datasets/ho_gia_dinh/records/HN%1F001", op_).status, 404);
}

TEST_P(IngestHttpTest, BodyAboveMaxBatchBytesIs413AndNothingIsStored) {
  StartServer({{"NDC_INGEST_MAX_BATCH_BYTES", "1000"}});
  std::string rows;
  while (rows.size() < 5000) rows += "HN," + std::to_string(rows.size()) + ",An,,,,,,1\n";
  json j;
  HttpResponse r = Post(Csv(rows), &j);
  ASSERT_EQ(r.status, 413) << r.body;
  EXPECT_NE(j["detail"].get<std::string>().find("ingest.max_batch_bytes"), std::string::npos) << r.body;
  // Chunked: no length up front, so the limit is met while streaming.
  HttpConnection c(server_->port());
  std::string chunked = std::string("POST ") + kBatches + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                        op_ + "\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string body = Csv(rows);
  for (size_t at = 0; at < body.size(); at += 500) {
    std::string part = body.substr(at, 500);
    std::stringstream size;
    size << std::hex << part.size();
    chunked += size.str() + "\r\n" + part + "\r\n";
  }
  ASSERT_TRUE(c.SendRaw(chunked + "0\r\n\r\n"));
  EXPECT_EQ(c.ReadResponse().status, 413);
  EXPECT_EQ(Get("/v1/datasets/ho_gia_dinh/batches")["batches"].size(), 0u);
  EXPECT_TRUE(std::filesystem::is_empty(hub_ + "/spool"));
  EXPECT_EQ(Post(Csv("HN,001,An,,,,,,1\n"), &j).status, 201);  // under the limit
}

TEST_P(IngestHttpTest, FiftyMegabyteUploadIsStreamedWithBoundedMemory) {
  pid_t pid = ServerPid(hub_);
  ASSERT_GT(pid, 0);
  json j;
  ASSERT_EQ(Post(Csv("HN,000000,An,,,,,,1\n"), &j).status, 201);  // warm up the ingest path
  const int64_t before = RssBytes(pid);
  const std::string note(480, 'x');
  const int rows = 100000;  // ~520 bytes a row: ~52 MB
  auto row = [&](int i) {
    char key[16];
    std::snprintf(key, sizeof(key), "%06d", i);
    return std::string("HN,") + key + ",Nguyễn Văn An,3,true,1000.00,2020-01-31," + note + ",2\n";
  };
  int64_t length = static_cast<int64_t>(std::string(kHeader).size());
  for (int i = 0; i < rows; ++i) length += static_cast<int64_t>(row(i).size());
  ASSERT_GT(length, 50 << 20);

  // Sampled while the body arrives (the server only spools it then) and until the answer.
  std::atomic<bool> uploading{true}, done{false};
  std::atomic<int64_t> upload_peak{before}, peak{before};
  std::thread sampler([&] {
    while (!done) {
      int64_t rss = RssBytes(pid);
      peak = std::max<int64_t>(peak, rss);
      if (uploading) upload_peak = std::max<int64_t>(upload_peak, rss);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  HttpConnection c(server_->port());
  timeval patient{600, 0};  // ingesting 100000 rows may take a while on a busy machine
  setsockopt(c.fd(), SOL_SOCKET, SO_RCVTIMEO, &patient, sizeof(patient));
  std::string out = std::string("POST ") + kBatches + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + op_ +
                    "\r\nContent-Type: text/csv\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n" +
                    kHeader;
  for (int i = 0; i < rows; ++i) {
    out += row(i);
    if (out.size() > (1 << 20) || i + 1 == rows) {
      ASSERT_TRUE(c.SendRaw(out));
      out.clear();
    }
  }
  // All but what the socket buffers hold has passed through the server by now.
  upload_peak = std::max<int64_t>(upload_peak, RssBytes(pid));
  uploading = false;
  HttpResponse r = c.ReadResponse();
  done = true;
  sampler.join();
  ASSERT_EQ(r.status, 201) << r.body;
  j = json::parse(r.body);
  EXPECT_EQ(j["rows_read"], rows);
  EXPECT_EQ(j["inserted"], rows - 1);
  EXPECT_EQ(j["updated"], 1);
  std::string growth = "RSS " + std::to_string(before >> 20) + " MiB before, peak " +
                       std::to_string(upload_peak >> 20) + " MiB while uploading, " +
                       std::to_string(peak >> 20) + " MiB while applying";
  RecordProperty("rss", growth);
  // Buffering the body would have grown the server by ~50 MB by the time the last byte was sent.
  EXPECT_LT(upload_peak - before, int64_t{16} << 20) << growth;
#ifdef NDC_TEST_POSTGRES
  EXPECT_LT(peak - before, int64_t{40} << 20) << growth;
#else
  // Applying the batch, SQLite holds the transaction's pages in its page cache (cache_size is
  // 64 MiB a connection): that is the store's memory, not the body's.
  EXPECT_LT(peak - before, int64_t{(64 + 40)} << 20) << growth;
#endif
  EXPECT_TRUE(std::filesystem::is_empty(hub_ + "/spool"));
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, IngestHttpTest, ::testing::Values(store::Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, IngestHttpTest, ::testing::Values(store::Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::testing
