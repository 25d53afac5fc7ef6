// Ingestion from the command line, with the real `ndc` binary on each backend: CSV, NDJSON and
// gzip files, the summary and exit codes, resends, refused batches and their rejects, record
// reads now and as of an instant, versions and change events.
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_support.h"

namespace ndc::testing {
namespace {

using nlohmann::json;

constexpr char kSchema[] = R"({"id": "people", "title": "People", "owner": "gov",
  "classification": {"data": "important", "personal": "basic"},
  "source_key": "id",
  "fields": [
    {"name": "id", "column": "ID", "type": "string", "required": true},
    {"name": "name", "column": "NAME", "type": "string", "required": true, "max_length": 40},
    {"name": "birth", "column": "BIRTH", "type": "date", "format": "yyyy-mm-dd"},
    {"name": "active", "column": "ACTIVE", "type": "boolean"}]})";

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

void WriteGzip(const std::string& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

std::vector<json> JsonLines(const std::string& out) {
  std::vector<json> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(json::parse(line));
  }
  return lines;
}

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The id in "batch N <word>" of a summary, or "" when absent. Batch ids are unique and
// increasing but not dense: on PostgreSQL a batch rolled back (a resend found to be a
// duplicate, a refusal recorded anew) still used up its id.
std::string BatchId(const std::string& out, const std::string& word) {
  const size_t at = out.find("batch ");
  if (at == std::string::npos) return "";
  const size_t end = out.find(" " + word, at + 6);
  return end == std::string::npos ? "" : out.substr(at + 6, end - at - 6);
}

class IngestCliTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    hub_ = dir_.path() + "/hub";
    std::string error;
    ASSERT_FALSE(InitTestHub(GetParam(), hub_, &pg_, &error).empty()) << error;
    ASSERT_EQ(Ndc({"agency", "create", "--id", "gov", "--name", "Government"}).exit_code, 0);
    WriteFile(File("people.schema.json"), kSchema);
    CommandResult c = Ndc({"dataset", "create", File("people.schema.json")});
    ASSERT_EQ(c.exit_code, 0) << c.err;
  }

  CommandResult Ndc(std::vector<std::string> args) {
    args.push_back("--data");
    args.push_back(hub_);
    return RunNdc(args);
  }
  std::string File(const std::string& name) { return dir_.path() + "/" + name; }
  // Writes a CSV file (header added) and ingests it; returns the command's result.
  CommandResult IngestCsv(const std::string& name, const std::string& rows,
                          std::vector<std::string> flags = {}) {
    WriteFile(File(name), "ID,NAME,BIRTH,ACTIVE\n" + rows);
    std::vector<std::string> args = {"ingest", "people", File(name)};
    args.insert(args.end(), flags.begin(), flags.end());
    return Ndc(args);
  }
  json BatchJson(int id) {
    CommandResult r = Ndc({"batch", "show", std::to_string(id), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }

  TempDir dir_;
  std::string hub_;
  std::unique_ptr<store::TestDatabase> pg_;
};

TEST_P(IngestCliTest, CsvBatchPrintsSummaryAndIsAudited) {
  CommandResult r = IngestCsv("people.csv", "p1,An,1990-01-02,true\np2,Binh,,false\np3,Chi,2001-12-31,\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "people.csv: batch 1 applied to people: 3 rows read in ")) << r.out;
  EXPECT_TRUE(Has(r.out, "3 accepted: 3 inserted, 0 updated, 0 unchanged, 0 deleted, 0 stale")) << r.out;
  EXPECT_TRUE(Has(r.out, "change events 1..3")) << r.out;
  // init's key, the agency, the dataset, the batch.
  CommandResult v = Ndc({"audit", "verify"});
  EXPECT_TRUE(Has(v.out, "OK: 4 entries")) << v.out << v.err;
}

TEST_P(IngestCliTest, NdjsonAndGzipFilesAreOneBatchEach) {
  WriteFile(File("a.ndjson"),
            "{\"ID\": \"p1\", \"NAME\": \"An\", \"ACTIVE\": true}\n\n{\"ID\": \"p2\", \"NAME\": \"Binh\"}\n");
  WriteGzip(File("b.csv.gz"), "ID,NAME\np3,Chi\np1,An Nguyen\n");
  WriteGzip(File("c.jsonl.gz"), "{\"ID\": \"p4\", \"NAME\": \"Dung\", \"BIRTH\": \"1980-05-06\"}\n");
  CommandResult r =
      Ndc({"ingest", "people", File("a.ndjson"), File("b.csv.gz"), File("c.jsonl.gz"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // --json: no progress
  std::vector<json> reports = JsonLines(r.out);
  ASSERT_EQ(reports.size(), 3u) << r.out;
  EXPECT_EQ(reports[0]["format"], "ndjson");
  EXPECT_EQ(reports[0]["inserted"], 2);
  EXPECT_EQ(reports[1]["format"], "csv");
  EXPECT_EQ(reports[1]["inserted"], 1);
  EXPECT_EQ(reports[1]["updated"], 1);
  EXPECT_EQ(reports[2]["format"], "ndjson");
  EXPECT_EQ(reports[2]["file"], File("c.jsonl.gz"));
  EXPECT_EQ(reports[2]["last_seq"], 5);
  CommandResult list = Ndc({"batch", "list", "--dataset", "people"});
  EXPECT_TRUE(Has(list.out, reports[2]["id"].dump() + "   people   applied")) << list.out;
}

TEST_P(IngestCliTest, ResendIsADuplicateAndChangesNothing) {
  ASSERT_EQ(IngestCsv("people.csv", "p1,An,,\np2,Binh,,\n").exit_code, 0);
  CommandResult again = Ndc({"ingest", "people", File("people.csv")});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(Has(again.out, "people.csv: already applied as batch 1 on ")) << again.out;
  EXPECT_TRUE(Has(again.out, "nothing changed")) << again.out;
  // The resend is audited, naming the batch it repeats (as over HTTP): a rerun after the applied
  // batch's entry failed leaves the batch in the log (review of 2026-12-03).
  const std::vector<json> resent = JsonLines(Ndc({"audit", "entries", "--action", "ingest.batch.duplicate"}).out);
  ASSERT_EQ(resent.size(), 1u);
  EXPECT_EQ(resent[0]["subject"]["record"], "1") << resent[0].dump();
  CommandResult keyed = IngestCsv("other.csv", "p3,Chi,,\n", {"--idempotency-key", "k-1"});
  ASSERT_EQ(keyed.exit_code, 0) << keyed.err;
  CommandResult keyed_again = IngestCsv("other2.csv", "p3,Chi,,\n", {"--idempotency-key", "k-1", "--json"});
  EXPECT_EQ(keyed_again.exit_code, 0);
  EXPECT_EQ(json::parse(keyed_again.out)["status"], "duplicate");
  EXPECT_EQ(json::parse(keyed_again.out)["id"], std::stoi(BatchId(keyed.out, "applied")));
  // Other content under the key is another batch: refused, naming the one the key holds.
  CommandResult other = IngestCsv("other3.csv", "p4,Dung,,\n", {"--idempotency-key", "k-1"});
  EXPECT_EQ(other.exit_code, 1) << other.out << other.err;
  EXPECT_TRUE(Has(other.err, "idempotency key 'k-1' already names batch " + BatchId(keyed.out, "applied")))
      << other.err;
  EXPECT_TRUE(Has(other.err, "[ALREADY_EXISTS]")) << other.err;
  CommandResult events = Ndc({"events", "people", "--json"});
  EXPECT_EQ(JsonLines(events.out).size(), 3u) << events.out;
  EXPECT_EQ(Ndc({"record", "get", "people", "p4"}).exit_code, 1);
}

// A snapshot from standard input cannot tell a producer that failed part-way from the end of
// the dataset: the command warns (and an empty one deletes nothing).
TEST_P(IngestCliTest, ASnapshotFromStandardInputIsWarnedAbout) {
  ASSERT_EQ(IngestCsv("people.csv", "p1,An,,\n").exit_code, 0);
  CommandResult piped = Ndc({"ingest", "people", "-", "--format", "csv", "--mode", "snapshot"});
  EXPECT_NE(piped.exit_code, 0) << piped.out;
  EXPECT_TRUE(Has(piped.err, "warning: a snapshot read from standard input")) << piped.err;
  EXPECT_EQ(Ndc({"record", "get", "people", "p1"}).exit_code, 0);
  // No warning for a file.
  CommandResult file = IngestCsv("snap.csv", "p1,An,,\n", {"--mode", "snapshot"});
  EXPECT_EQ(file.exit_code, 0) << file.err;
  EXPECT_FALSE(Has(file.err, "warning")) << file.err;
}

// --as-of: a late snapshot keeps what came after it; the time is checked before anything is read.
TEST_P(IngestCliTest, ASnapshotsAsOfTimeKeepsLaterRecords) {
  ASSERT_EQ(IngestCsv("people.csv", "p1,An,,\np2,Binh,,\n").exit_code, 0);
  CommandResult late = IngestCsv("snap.csv", "p1,An,,\n", {"--mode", "snapshot", "--as-of", "2020-01-01T07:00:00+07:00"});
  EXPECT_EQ(late.exit_code, 0) << late.err;
  EXPECT_TRUE(Has(late.out, "1 live record the snapshot does not name was kept")) << late.out;
  const std::string id = BatchId(late.out, "applied");
  ASSERT_FALSE(id.empty()) << late.out;
  CommandResult show = Ndc({"batch", "show", id});
  EXPECT_TRUE(Has(show.out, "as of         2020-01-01T00:00:00.000000Z (1 live record not named kept: received after it)"))
      << show.out;
  EXPECT_EQ(BatchJson(std::stoi(id))["kept_as_newer"], 1);
  EXPECT_EQ(Ndc({"record", "get", "people", "p2"}).exit_code, 0);
  CommandResult bad = IngestCsv("snap2.csv", "p1,An,,\n", {"--mode", "snapshot", "--as-of", "last week"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_TRUE(Has(bad.err, "--as-of")) << bad.err;
  CommandResult upsert = IngestCsv("more.csv", "p3,Chi,,\n", {"--as-of", "2020-01-01T00:00:00Z"});
  EXPECT_NE(upsert.exit_code, 0);
  EXPECT_TRUE(Has(upsert.err, "as_of is the time a snapshot was taken")) << upsert.err;
  EXPECT_EQ(Ndc({"record", "get", "people", "p3"}).exit_code, 1);
}

TEST_P(IngestCliTest, RefusedBatchExitsFourAndKeepsItsRejects) {
  CommandResult r = IngestCsv("bad.csv", "p1,An,1990-01-02,true\np2,,1990-01-02,\np3,Chi,1990-02-30,\n");
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  const std::string id = BatchId(r.out, "refused");
  ASSERT_FALSE(id.empty()) << r.out;
  EXPECT_TRUE(Has(r.out, "bad.csv: batch " + id + " refused: 2 of 3 rows")) << r.out;
  // The hint names the hub it was given, so that copying it reaches the same hub.
  EXPECT_TRUE(Has(r.out, "2 rejected: see them with `ndc batch rejects " + id + " --data " + hub_ + "`")) << r.out;
  EXPECT_EQ(BatchJson(std::stoi(id))["status"], "refused");
  EXPECT_EQ(Ndc({"record", "get", "people", "p1"}).exit_code, 1);  // nothing applied

  // Every page that shows rows as sent is audited first (as over HTTP); an empty one is not.
  auto entries = [&] {
    CommandResult v = Ndc({"audit", "verify"});
    const size_t at = v.out.find("OK: ");
    return at == std::string::npos ? -1L : std::stol(v.out.substr(at + 4));
  };
  const long before = entries();
  ASSERT_GT(before, 0);
  CommandResult csv = Ndc({"batch", "rejects", id, "--csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(entries(), before + 1);
  ASSERT_EQ(Ndc({"batch", "rejects", id, "--after-line", "99"}).exit_code, 0);
  EXPECT_EQ(entries(), before + 1);
  EXPECT_EQ(csv.out.substr(0, 22), "line,field,reason,raw\r");
  EXPECT_TRUE(Has(csv.out, "\r\n3,name,")) << csv.out;
  EXPECT_TRUE(Has(csv.out, ",\"p2,,1990-01-02,\"\r\n")) << csv.out;
  EXPECT_TRUE(Has(csv.out, "\r\n4,birth,")) << csv.out;
  EXPECT_TRUE(Has(csv.out, ",\"p3,Chi,1990-02-30,\"\r\n")) << csv.out;
  CommandResult text = Ndc({"batch", "rejects", id, "--after-line", "3"});
  EXPECT_TRUE(Has(text.out, "LINE  FIELD  REASON")) << text.out;
  EXPECT_FALSE(Has(text.out, "p2,,")) << text.out;
  EXPECT_TRUE(Has(text.out, "p3,Chi,1990-02-30,")) << text.out;

  // The same file with a higher limit is applied, without its two bad rows.
  CommandResult lenient = Ndc({"ingest", "people", File("bad.csv"), "--max-reject-share", "0.9"});
  EXPECT_EQ(lenient.exit_code, 0) << lenient.err;
  EXPECT_TRUE(Has(lenient.out, "1 accepted: 1 inserted")) << lenient.out;
}

TEST_P(IngestCliTest, RecordGetAsOfVersionsAndEvents) {
  ASSERT_EQ(IngestCsv("v1.csv", "p1,An,1990-01-02,true\np2,Binh,,\n").exit_code, 0);
  ASSERT_EQ(IngestCsv("v2.csv", "p1,An Nguyen,1990-01-02,false\np2,Binh,,\n").exit_code, 0);
  ASSERT_EQ(IngestCsv("v3.csv", "p2,Binh,,\n", {"--mode", "snapshot"}).exit_code, 0);  // deletes p1

  CommandResult versions = Ndc({"record", "versions", "people", "p1", "--json"});
  ASSERT_EQ(versions.exit_code, 0) << versions.err;
  std::vector<json> v = JsonLines(versions.out);
  ASSERT_EQ(v.size(), 3u) << versions.out;
  EXPECT_EQ(v[0]["op"], "insert");
  EXPECT_EQ(v[1]["op"], "update");
  EXPECT_EQ(v[1]["fields"]["name"], "An Nguyen");
  EXPECT_EQ(v[1]["fields"]["active"], false);
  EXPECT_EQ(v[2]["op"], "delete");
  CommandResult table = Ndc({"record", "versions", "people", "p1"});
  EXPECT_TRUE(Has(table.out, "name, active")) << table.out;  // what version 2 changed
  // The table shows each version's start as --as-of takes it.
  EXPECT_TRUE(Has(table.out, v[1]["valid_from"].get<std::string>())) << table.out;

  CommandResult gone = Ndc({"record", "get", "people", "p1"});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_TRUE(Has(gone.err, "[NOT_FOUND]")) << gone.err;
  // Just before version 2 was written, p1 was still version 1.
  const std::string v2_from = v[1]["valid_from"];
  CommandResult before =
      Ndc({"record", "get", "people", "p1", "--as-of", v2_from.substr(0, 26) + "Z", "--json"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_EQ(json::parse(before.out)["version"], 2);
  CommandResult older =
      Ndc({"record", "get", "people", "p1", "--as-of", v[0]["valid_from"].get<std::string>()});
  ASSERT_EQ(older.exit_code, 0) << older.err;
  EXPECT_TRUE(Has(older.out, "people p1: version 1 (insert) from batch 1")) << older.out;
  EXPECT_TRUE(Has(older.out, "name    An\n")) << older.out;
  EXPECT_EQ(Ndc({"record", "get", "people", "p1", "--as-of", "yesterday"}).exit_code, 2);

  CommandResult events = Ndc({"events", "people", "--json"});
  std::vector<json> e = JsonLines(events.out);
  ASSERT_EQ(e.size(), 4u) << events.out;  // insert p1, insert p2, update p1, delete p1
  for (size_t i = 0; i < e.size(); ++i) EXPECT_EQ(e[i]["seq"], static_cast<int>(i + 1));
  EXPECT_EQ(e[3]["op"], "delete");
  EXPECT_EQ(e[3]["key"], "p1");
  CommandResult page = Ndc({"events", "people", "--after", "2", "--limit", "1"});
  EXPECT_TRUE(Has(page.out, "3    update  p1")) << page.out;
  EXPECT_TRUE(Has(page.out, "(more: ndc events people --after 3 --data " + hub_ + ")")) << page.out;
}

// A full page of batches ends with the command for the next one: this page's filters and hub
// included, so that copying it continues the same listing.
TEST_P(IngestCliTest, TheNextPageOfBatchesKeepsTheFiltersAndTheHub) {
  ASSERT_EQ(IngestCsv("a.csv", "p1,An,,\n").exit_code, 0);
  ASSERT_EQ(IngestCsv("b.csv", "p2,Binh,,\n").exit_code, 0);
  CommandResult page = Ndc({"batch", "list", "--dataset", "people", "--limit", "1"});
  ASSERT_EQ(page.exit_code, 0) << page.err;
  const std::string newest = BatchId(IngestCsv("c.csv", "p3,Chi,,\n").out, "applied");
  CommandResult next = Ndc({"batch", "list", "--dataset", "people", "--limit", "1", "--before", newest});
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_TRUE(Has(next.out, " --dataset people --limit 1 --data " + hub_ + ")")) << next.out;
  EXPECT_TRUE(Has(next.out, "(more: ndc batch list --before ")) << next.out;
}

TEST_P(IngestCliTest, ErrorsSayWhatToDoWithTheirExitCodes) {
  WriteFile(File("x.txt"), "ID,NAME\n");
  CommandResult ext = Ndc({"ingest", "people", File("x.txt")});
  EXPECT_EQ(ext.exit_code, 2);
  EXPECT_TRUE(Has(ext.err, "x.txt: ")) << ext.err;
  CommandResult missing = Ndc({"ingest", "people", File("absent.csv")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(Has(missing.err, "[NOT_FOUND]")) << missing.err;
  CommandResult dataset = Ndc({"ingest", "nobody", File("x.txt")});
  EXPECT_EQ(dataset.exit_code, 1);
  EXPECT_TRUE(Has(dataset.err, "dataset 'nobody' does not exist in this hub (`ndc dataset list` shows them)"))
      << dataset.err;
  // A listing filtered by a dataset that does not exist says so, rather than showing nothing.
  CommandResult batches = Ndc({"batch", "list", "--dataset", "nobody"});
  EXPECT_EQ(batches.exit_code, 1) << batches.err;
  EXPECT_TRUE(Has(batches.err, "dataset 'nobody' does not exist in this hub")) << batches.err;
  WriteFile(File("header.csv"), "ID,NAME,SURPRISE\np1,An,x\n");
  CommandResult header = Ndc({"ingest", "people", File("header.csv")});
  EXPECT_EQ(header.exit_code, 2);
  EXPECT_TRUE(Has(header.err, "SURPRISE")) << header.err;
  CommandResult two_keys = Ndc({"ingest", "people", File("a.csv"), File("b.csv"), "--idempotency-key", "k"});
  EXPECT_EQ(two_keys.exit_code, 2);
  EXPECT_EQ(Ndc({"batch", "show", "999999"}).exit_code, 1);
}

TEST_P(IngestCliTest, DeleteModeRemovesNamedRecords) {
  ASSERT_EQ(IngestCsv("people.csv", "p1,An,,\np2,Binh,,\n").exit_code, 0);
  WriteFile(File("delete.csv"), "ID\np1\np9\n");
  CommandResult r = Ndc({"ingest", "people", File("delete.csv"), "--mode", "delete"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "2 accepted: 0 inserted, 0 updated, 1 unchanged, 1 deleted, 0 stale")) << r.out;
  EXPECT_EQ(Ndc({"record", "get", "people", "p2"}).exit_code, 0);
}

// A composite key (fields joined by U+001F) is shown as HN%1F001 and read back the same way; the
// reads are audited with the key in that form (the raw U+001F is no audit text, and the reads
// used to fail "could not be audited").
TEST_P(IngestCliTest, CompositeKeysAreShownAndTypedWithPercentOneF) {
  WriteFile(File("ho.schema.json"), R"({"id": "ho", "title": "Hộ", "owner": "gov",
    "classification": {"data": "core", "personal": "basic"}, "source_key": ["tinh", "so"],
    "fields": [{"name": "tinh", "type": "string", "required": true},
               {"name": "so", "type": "string", "required": true}, {"name": "chu_ho", "type": "string"}]})");
  ASSERT_EQ(Ndc({"dataset", "create", File("ho.schema.json")}).exit_code, 0);
  WriteFile(File("ho.csv"), "tinh,so,chu_ho\nHN,001,An\nHN,002,Bình\n");
  ASSERT_EQ(Ndc({"ingest", "ho", File("ho.csv")}).exit_code, 0);
  CommandResult events = Ndc({"events", "ho"});
  ASSERT_EQ(events.exit_code, 0) << events.err;
  EXPECT_TRUE(Has(events.out, "HN%1F001")) << events.out;
  CommandResult get = Ndc({"record", "get", "ho", "HN%1F002"});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_TRUE(Has(get.out, "ho HN%1F002: version 1")) << get.out;
  EXPECT_TRUE(Has(get.out, "Bình")) << get.out;
  CommandResult versions = Ndc({"record", "versions", "ho", "HN%1F001"});
  EXPECT_EQ(versions.exit_code, 0) << versions.err;
  EXPECT_EQ(Ndc({"record", "get", "ho", "HN%1F009"}).exit_code, 1);  // no such record: NOT_FOUND
  CommandResult v = Ndc({"audit", "verify"});
  EXPECT_TRUE(Has(v.out, "OK: ")) << v.out << v.err;
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, IngestCliTest, ::testing::Values(store::Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, IngestCliTest, ::testing::Values(store::Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::testing
