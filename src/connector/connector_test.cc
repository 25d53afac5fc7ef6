// Pull connectors against a real PostgreSQL source (a second test database playing the agency's),
// with the hub on SQLite and on PostgreSQL: first pulls, incremental pulls that read only the
// changed rows, snapshots that delete what the source no longer has, the source's clock capping
// date and time watermarks (at the column's precision), watermark ties across pages, secrets and
// mapping refused at add time, refused batches that keep the watermark, and the scheduler's due
// rule and claims (two schedulers on one hub).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "connector/connectors.h"
#include "connector/scheduler.h"
#include "ingest/queries.h"
#include "store/testing/test_database.h"
#include "store/testing/test_util.h"

namespace ndc::connector {
namespace {

using store::Backend;
using store::Value;

constexpr int64_t kSecond = 1000000;

constexpr char kSchema[] = R"({"id": "ho_tich", "title": "Hộ tịch", "owner": "bca",
  "classification": {"data": "core", "personal": "basic"},
  "source_key": "ma",
  "fields": [
    {"name": "ma", "column": "MA", "type": "string", "required": true},
    {"name": "ho_ten", "column": "HO_TEN", "type": "string", "required": true, "max_length": 50},
    {"name": "ngay_sinh", "column": "NGAY_SINH", "type": "date"},
    {"name": "ghi_chu", "type": "string"}]})";

// The hub on GetParam(); the agency's database always on PostgreSQL.
class ConnectorTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    NDC_ASSERT_OK_AND_ASSIGN(hub_, store::NewMigratedTestDatabase(GetParam()));
    NDC_ASSERT_OK_AND_ASSIGN(source_, store::NewTestDatabase(Backend::kPostgres));
    NDC_ASSERT_OK(source_->ExecScript(
        "CREATE SCHEMA agency; "
        "CREATE TABLE agency.people (ma TEXT PRIMARY KEY, ho_ten TEXT, ngay_sinh DATE, updated_at TIMESTAMPTZ)"));
    catalog_ = std::make_unique<catalog::Catalog>(hub_.get(), &clock_);
    NDC_ASSERT_OK(catalog_->CreateAgency({.id = "bca", .name = "Bộ Công an"}).status());
    NDC_ASSERT_OK_AND_ASSIGN(catalog::DatasetSchema schema, catalog::ParseSchemaJson(kSchema));
    NDC_ASSERT_OK(catalog_->CreateDataset(schema).status());
    ingestor_ = std::make_unique<ingest::Ingestor>(hub_.get(), catalog_.get(), &clock_);
    source_options_.env = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      return it == env_.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    connectors_ = std::make_unique<Connectors>(hub_.get(), catalog_.get(), &clock_, source_options_);
    scheduler_ = NewScheduler(hub_.get(), catalog_.get(), ingestor_.get());
  }

  std::unique_ptr<Scheduler> NewScheduler(store::Database* hub, catalog::Catalog* catalog, ingest::Ingestor* ingestor,
                                          int64_t page_rows = 3) {
    SchedulerOptions o;
    o.source = source_options_;
    o.page_rows = page_rows;
    o.lease_seconds = 600;
    o.node = "test";
    return std::make_unique<Scheduler>(hub, catalog, ingestor, &clock_, &random_, o);
  }

  // Inserts or updates a source row; `at` is the watermark, in seconds after 2026-01-01.
  void Put(const std::string& ma, const std::string& name, int at, const char* born = nullptr) {
    const std::vector<Value> p = {ma, name, born ? Value(std::string(born)) : Value(),
                                  std::string("2026-01-01 00:00:00+00")};
    NDC_ASSERT_OK(source_
                      ->Exec("INSERT INTO agency.people VALUES ($1, $2, CAST($3 AS DATE), "
                             "CAST($4 AS TIMESTAMPTZ) + make_interval(secs => " + std::to_string(at) + ")) "
                             "ON CONFLICT (ma) DO UPDATE SET ho_ten = EXCLUDED.ho_ten, "
                             "ngay_sinh = EXCLUDED.ngay_sinh, updated_at = EXCLUDED.updated_at",
                             p)
                      .status());
  }

  // From now on the source's clock reads `source_now_` (timestamptz text), set first to `at`.
  void UseSourceClock(std::string at) {
    source_now_ = std::move(at);
    source_options_.now = [this] { return source_now_; };
    scheduler_ = NewScheduler(hub_.get(), catalog_.get(), ingestor_.get());
  }

  ConnectorSpec Spec(std::string name = "bca_people") {
    ConnectorSpec s;
    s.name = std::move(name);
    s.dataset_id = "ho_tich";
    s.conninfo = source_->url();
    s.source_table = "agency.people";
    s.watermark_column = "updated_at";
    return s;
  }

  void Add(ConnectorSpec spec) { NDC_ASSERT_OK(connectors_->Add(spec).status()); }

  // A connector `name` on another source table, by its watermark column.
  void AddOn(const std::string& name, const std::string& table, const std::string& watermark) {
    ConnectorSpec spec = Spec(name);
    spec.source_table = table;
    spec.watermark_column = watermark;
    Add(spec);
  }

  RunOutcome Run(std::optional<PullMode> mode = std::nullopt, const std::string& name = "bca_people") {
    clock_.Advance(kSecond);
    Result<RunOutcome> r = scheduler_->RunNow(name, mode);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : RunOutcome{};
  }

  Connector Get(const std::string& name = "bca_people") {
    Result<Connector> c = connectors_->Get(name);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : Connector{};
  }

  // The current name of a hub record, or the error code's name.
  std::string NameOf(const std::string& key) {
    auto d = catalog_->GetDataset("ho_tich");
    if (!d.ok()) return d.status().ToString();
    auto r = ingest::GetRecord(*hub_, *d, key);
    if (!r.ok()) return std::string(StatusCodeName(r.status().code()));
    return std::get<std::string>(r->values[1]);
  }

  FakeClock clock_;
  SeededRandom random_{7};
  std::map<std::string, std::string> env_;
  SourceOptions source_options_;
  std::string source_now_;
  std::unique_ptr<store::TestDatabase> hub_, source_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<ingest::Ingestor> ingestor_;
  std::unique_ptr<Connectors> connectors_;
  std::unique_ptr<Scheduler> scheduler_;
};

TEST_P(ConnectorTest, FirstPullInsertsEveryRowAndStoresTheWatermark) {
  for (int i = 1; i <= 7; ++i) Put(fmt::format("A{}", i), fmt::format("Người {}", i), i, "1990-02-01");
  NDC_ASSERT_OK_AND_ASSIGN(AddedConnector added, connectors_->Add(Spec()));
  EXPECT_EQ(added.unmapped_fields, std::vector<std::string>{"ghi_chu"});
  EXPECT_EQ(added.connector.columns.at("ho_ten"), "ho_ten");  // from the field's column HO_TEN

  RunOutcome r = Run();
  EXPECT_EQ(r.status, RunStatus::kApplied) << r.Summary();
  ASSERT_TRUE(r.batch.has_value());
  EXPECT_EQ(r.batch->rows_read, 7);
  EXPECT_EQ(r.batch->inserted, 7);
  EXPECT_EQ(r.batch->source, "connector:bca_people");
  EXPECT_EQ(r.watermark_from, std::nullopt);
  EXPECT_EQ(r.watermark_to, "2026-01-01 00:00:07+00");
  Connector c = Get();
  EXPECT_EQ(c.last_watermark, "2026-01-01 00:00:07+00");
  EXPECT_EQ(c.last_status, "applied");
  EXPECT_EQ(c.last_batch_id, r.batch->id);
  EXPECT_EQ(c.running_until, std::nullopt);
  EXPECT_EQ(NameOf("A3"), "Người 3");
}

TEST_P(ConnectorTest, IncrementalPullReadsOnlyRowsPastTheWatermark) {
  for (int i = 1; i <= 10; ++i) Put(fmt::format("A{}", i), "Cũ", i);
  Add(Spec());
  ASSERT_EQ(Run().status, RunStatus::kApplied);
  Put("A2", "Mới", 20);
  Put("A5", "Mới", 21);
  Put("B1", "Mới", 21);

  RunOutcome r = Run();
  ASSERT_EQ(r.status, RunStatus::kApplied) << r.Summary();
  EXPECT_EQ(r.batch->rows_read, 3);  // only the changed rows are read
  EXPECT_EQ(r.batch->updated, 2);
  EXPECT_EQ(r.batch->inserted, 1);
  EXPECT_EQ(r.watermark_from, "2026-01-01 00:00:10+00");
  EXPECT_EQ(r.watermark_to, "2026-01-01 00:00:21+00");
  EXPECT_EQ(NameOf("A5"), "Mới");
  EXPECT_EQ(NameOf("A4"), "Cũ");

  RunOutcome idle = Run();
  EXPECT_EQ(idle.status, RunStatus::kNoChanges) << idle.Summary();
  EXPECT_FALSE(idle.batch.has_value());
  EXPECT_EQ(Get().last_watermark, "2026-01-01 00:00:21+00");
}

// A source value past the readers' field limit is a rejected row, as in a file: not stored, not
// kept in memory beyond its page, reported with its column.
TEST_P(ConnectorTest, AValuePastTheFieldLimitIsARejectedRow) {
  for (int i = 1; i <= 11; ++i) Put(fmt::format("A{}", i), fmt::format("Người {}", i), i);
  Put("A6", std::string(70000, 'x'), 6);
  Add(Spec());
  RunOutcome r = Run();
  ASSERT_EQ(r.status, RunStatus::kApplied) << r.Summary();
  EXPECT_EQ(r.batch->rejected, 1);
  EXPECT_EQ(r.batch->inserted, 10);
  EXPECT_EQ(NameOf("A6"), "NOT_FOUND");
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<ingest::Reject> rejects, ingest::ListRejects(*hub_, r.batch->id, 0, 10));
  ASSERT_EQ(rejects.size(), 1u);
  ASSERT_FALSE(rejects[0].errors.empty());
  EXPECT_NE(rejects[0].errors[0].reason.find("column ho_ten: value longer than 65536 bytes"), std::string::npos)
      << rejects[0].errors[0].reason;
  EXPECT_LE(rejects[0].raw.size(), 4096u + 8);
}

// In a snapshot, a row rejected for one value past the field limit still names its record by its
// key: the record is kept and the snapshot applies (it used to be refused as a keyless reject).
TEST_P(ConnectorTest, ASnapshotKeepsTheRecordOfARowWithAnOversizedValue) {
  // Eleven rows, so that one reject is under the 10 % limit.
  for (int i = 1; i <= 11; ++i) Put(fmt::format("A{}", i), fmt::format("Người {}", i), i);
  Add(Spec());
  ASSERT_EQ(Run().status, RunStatus::kApplied);
  Put("A2", std::string(70000, 'x'), 20);
  RunOutcome r = Run(PullMode::kSnapshot);
  ASSERT_EQ(r.status, RunStatus::kApplied) << r.Summary();
  EXPECT_EQ(r.batch->rejected, 1);
  EXPECT_EQ(r.batch->deleted, 0);
  EXPECT_EQ(NameOf("A2"), "Người 2");  // kept as it was, not deleted
  EXPECT_EQ(NameOf("A3"), "Người 3");
}

// One row dated decades ahead (a typo) or 'infinity' must not become the watermark: every later
// pull would then find nothing newer. It is left out until its time; the others go on.
TEST_P(ConnectorTest, AWatermarkInTheFutureDoesNotStopLaterPulls) {
  for (int i = 1; i <= 5; ++i) Put(fmt::format("A{}", i), "Tên", i);
  Put("TYPO", "Năm 2062", 36 * 365 * 86400);
  NDC_ASSERT_OK(source_->Exec("INSERT INTO agency.people VALUES ('INF', 'Vô tận', NULL, 'infinity')").status());
  Add(Spec());
  RunOutcome first = Run();
  ASSERT_EQ(first.status, RunStatus::kApplied) << first.Summary();
  EXPECT_EQ(first.batch->inserted, 5);
  EXPECT_EQ(first.watermark_to, "2026-01-01 00:00:05+00");
  EXPECT_EQ(NameOf("TYPO"), "NOT_FOUND");
  Put("A6", "Mới", 6);
  RunOutcome next = Run();
  ASSERT_EQ(next.status, RunStatus::kApplied) << next.Summary();
  EXPECT_EQ(next.batch->inserted, 1);
  EXPECT_EQ(NameOf("A6"), "Mới");
}

// A row stamped hours ahead (a source clock set wrong) waits for its time: had it become the
// watermark, every change stamped before it and committed after the pull would be skipped.
TEST_P(ConnectorTest, ARowStampedAheadDoesNotSkipEarlierChanges) {
  for (int i = 1; i <= 3; ++i) Put(fmt::format("A{}", i), "Tên", i);
  NDC_ASSERT_OK(
      source_->Exec("INSERT INTO agency.people VALUES ('AHEAD', 'Trước giờ', NULL, now() + interval '2 hours')").status());
  Add(Spec());
  RunOutcome first = Run();
  ASSERT_EQ(first.status, RunStatus::kApplied) << first.Summary();
  EXPECT_EQ(first.batch->inserted, 3);
  EXPECT_EQ(first.watermark_to, "2026-01-01 00:00:03+00");
  EXPECT_EQ(NameOf("AHEAD"), "NOT_FOUND");
  Put("A4", "Muộn", 10);  // stamped before AHEAD, committed after the pull
  RunOutcome next = Run();
  ASSERT_EQ(next.status, RunStatus::kApplied) << next.Summary();
  EXPECT_EQ(next.batch->inserted, 1);
  EXPECT_EQ(NameOf("A4"), "Muộn");
}

// A date watermark is read up to yesterday: rows dated today may still come after this pull, and
// a stored watermark of today would pass them by for good.
TEST_P(ConnectorTest, ADateWatermarkWaitsForTheDayToEnd) {
  NDC_ASSERT_OK(source_->ExecScript(
      "CREATE TABLE agency.daily (ma TEXT PRIMARY KEY, ho_ten TEXT, ngay_cap_nhat DATE); "
      "INSERT INTO agency.daily VALUES ('D1', 'Hôm kia', current_date - 2), ('D2', 'Hôm qua', current_date - 1), "
      "('D3', 'Hôm nay', current_date)"));
  AddOn("bca_daily", "agency.daily", "ngay_cap_nhat");
  RunOutcome first = Run(std::nullopt, "bca_daily");
  ASSERT_EQ(first.status, RunStatus::kApplied) << first.Summary();
  EXPECT_EQ(first.batch->inserted, 2);
  EXPECT_EQ(NameOf("D2"), "Hôm qua");
  EXPECT_EQ(NameOf("D3"), "NOT_FOUND");  // pulled once today is over
  NDC_ASSERT_OK_AND_ASSIGN(store::Row yesterday,
                           source_->QueryOne("SELECT CAST(current_date - 1 AS TEXT)"));
  EXPECT_EQ(first.watermark_to, yesterday.Str(0));
  // Another row dated today, after the pull: not passed by either.
  NDC_ASSERT_OK(source_->Exec("INSERT INTO agency.daily VALUES ('D4', 'Cũng hôm nay', current_date)").status());
  EXPECT_EQ(Run(std::nullopt, "bca_daily").status, RunStatus::kNoChanges);
  NDC_ASSERT_OK_AND_ASSIGN(store::Row pending,
                           source_->QueryOne("SELECT COUNT(*) FROM agency.daily WHERE ngay_cap_nhat > "
                                             "CAST($1 AS DATE)",
                                             std::vector<Value>{first.watermark_to.value_or("")}));
  EXPECT_EQ(pending.Int(0), 2);  // D3 and D4 are both still after the stored watermark
}

// A `timestamp` column (no time zone) may be stamped in the server's default zone or in UTC (an
// application in a container): it is read up to the earlier of the two clocks. West of UTC the
// server's local clock is the earlier: a row stamped two hours ahead of it must not become the
// watermark, or the rows its writer stamps meanwhile are skipped for good (a cap at UTC alone let
// it in; one at local time alone failed the other way for a UTC writer east of UTC).
TEST_P(ConnectorTest, ATimestampWithoutZoneIsReadUpToTheEarlierOfLocalAndUtcClocks) {
  NDC_ASSERT_OK(source_->ExecScript(
      "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), "
      "'America/Bogota'); END $$; "
      "CREATE TABLE agency.local (ma TEXT PRIMARY KEY, ho_ten TEXT, sua TIMESTAMP); "
      "INSERT INTO agency.local VALUES "
      "('L1', 'Một phút trước', (now() AT TIME ZONE 'America/Bogota') - interval '1 minute'), "
      "('L2', 'Hai giờ tới', (now() AT TIME ZONE 'America/Bogota') + interval '2 hours')"));
  AddOn("bca_local", "agency.local", "sua");
  RunOutcome first = Run(std::nullopt, "bca_local");
  ASSERT_EQ(first.status, RunStatus::kApplied) << first.Summary();
  EXPECT_EQ(first.batch->inserted, 1);
  EXPECT_EQ(NameOf("L1"), "Một phút trước");
  EXPECT_EQ(NameOf("L2"), "NOT_FOUND");  // ahead of the source's local clock: pulled in its time
  // A row its writer stamps now, after the pull: below L2, and still pulled.
  NDC_ASSERT_OK(source_->Exec("INSERT INTO agency.local VALUES ('L3', 'Bây giờ', now() AT TIME ZONE "
                              "'America/Bogota')").status());
  RunOutcome next = Run(std::nullopt, "bca_local");
  ASSERT_EQ(next.status, RunStatus::kApplied) << next.Summary();
  EXPECT_EQ(NameOf("L3"), "Bây giờ");
  // East of UTC (a Vietnamese server) UTC is the earlier clock: a row a UTC writer stamped an hour
  // ahead must not become the watermark either (a cap at the local clock alone let it in).
  NDC_ASSERT_OK(source_->ExecScript(
      "CREATE TABLE agency.utc (ma TEXT PRIMARY KEY, ho_ten TEXT, sua TIMESTAMP); "
      "INSERT INTO agency.utc VALUES ('U1', 'Giờ UTC', (now() AT TIME ZONE 'UTC') - interval '1 minute'), "
      "('U2', 'Một giờ tới', (now() AT TIME ZONE 'UTC') + interval '1 hour')"));
  NDC_ASSERT_OK(source_->ExecScript(
      "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), "
      "'Asia/Ho_Chi_Minh'); END $$"));
  AddOn("bca_utc", "agency.utc", "sua");
  RunOutcome utc = Run(std::nullopt, "bca_utc");
  ASSERT_EQ(utc.status, RunStatus::kApplied) << utc.Summary();
  EXPECT_EQ(NameOf("U1"), "Giờ UTC");
  EXPECT_EQ(NameOf("U2"), "NOT_FOUND");
}

// A timestamp(0) column (Laravel's timestamps()) holds whole seconds, rounded: a row written after a
// pull may still get the pull's own second, so that second is read once it is over. A cap at now()
// stored 10:00:00 (a row written at 09:59:59.7) at 10:00:00.3, and passed by for good the row
// written at 10:00:00.4 with that same second.
TEST_P(ConnectorTest, AWholeSecondWatermarkWaitsForTheSecondToEnd) {
  NDC_ASSERT_OK(source_->ExecScript(
      "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), 'UTC'); END $$; "
      "CREATE TABLE agency.laravel (ma TEXT PRIMARY KEY, ho_ten TEXT, updated_at TIMESTAMP(0)); "
      "INSERT INTO agency.laravel VALUES ('S1', 'Xong', '2026-03-02 09:59:58'), "
      "('S2', 'Làm tròn lên', '2026-03-02 09:59:59.7')"));  // stored as 10:00:00
  AddOn("bca_laravel", "agency.laravel", "updated_at");
  UseSourceClock("2026-03-02 10:00:00.3+00");
  RunOutcome first = Run(std::nullopt, "bca_laravel");
  ASSERT_EQ(first.status, RunStatus::kApplied) << first.Summary();
  EXPECT_EQ(first.watermark_to, "2026-03-02 09:59:58");
  EXPECT_EQ(NameOf("S2"), "NOT_FOUND");  // its second is not over
  NDC_ASSERT_OK(source_->Exec("INSERT INTO agency.laravel VALUES ('S3', 'Sau', '2026-03-02 10:00:00.4')").status());
  source_now_ = "2026-03-02 10:00:01.5+00";
  RunOutcome next = Run(std::nullopt, "bca_laravel");
  ASSERT_EQ(next.status, RunStatus::kApplied) << next.Summary();
  EXPECT_EQ(next.batch->inserted, 2);
  EXPECT_EQ(NameOf("S3"), "Sau");
}

// The same at any precision: a timestamptz(2), here declared by a domain, is read up to the last
// hundredth of a second that is over.
TEST_P(ConnectorTest, AHundredthsWatermarkWaitsForTheHundredthToEnd) {
  NDC_ASSERT_OK(source_->ExecScript(
      "CREATE DOMAIN agency.centi_stamp AS TIMESTAMPTZ(2); "
      "CREATE TABLE agency.centi (ma TEXT PRIMARY KEY, ho_ten TEXT, sua agency.centi_stamp); "
      "INSERT INTO agency.centi VALUES ('C1', 'Xong', '2026-03-02 10:00:00.33+00'), "
      "('C2', 'Làm tròn lên', '2026-03-02 10:00:00.336+00')"));  // stored as .34
  AddOn("bca_centi", "agency.centi", "sua");
  UseSourceClock("2026-03-02 10:00:00.347+00");
  RunOutcome first = Run(std::nullopt, "bca_centi");
  ASSERT_EQ(first.status, RunStatus::kApplied) << first.Summary();
  EXPECT_EQ(first.watermark_to, "2026-03-02 10:00:00.33+00");
  NDC_ASSERT_OK(source_->Exec("INSERT INTO agency.centi VALUES ('C3', 'Sau', '2026-03-02 10:00:00.341+00')").status());
  source_now_ = "2026-03-02 10:00:00.35+00";
  RunOutcome next = Run(std::nullopt, "bca_centi");
  ASSERT_EQ(next.status, RunStatus::kApplied) << next.Summary();
  EXPECT_EQ(next.batch->inserted, 2);
  EXPECT_EQ(NameOf("C3"), "Sau");
}

// A domain over a time type is capped as its base type, and a numeric watermark never becomes
// 'NaN' (which sorts above every number): either would make every later pull find nothing.
TEST_P(ConnectorTest, ADomainOrNotANumberNeverBecomesTheWatermark) {
  NDC_ASSERT_OK(source_->ExecScript(
      "CREATE DOMAIN agency.stamp AS TIMESTAMPTZ; "
      "CREATE TABLE agency.dom (ma TEXT PRIMARY KEY, ho_ten TEXT, sua agency.stamp); "
      "INSERT INTO agency.dom VALUES ('D1', 'Thường', '2026-01-01 00:00:00+00'), "
      "('TYPO', 'Năm 2062', '2062-01-01 00:00:00+00'); "
      "CREATE TABLE agency.num (ma TEXT PRIMARY KEY, ho_ten TEXT, ver NUMERIC); "
      "INSERT INTO agency.num VALUES ('N1', 'Một', 1), ('BAD', 'Không phải số', 'NaN')"));
  AddOn("bca_dom", "agency.dom", "sua");
  RunOutcome first = Run(std::nullopt, "bca_dom");
  ASSERT_EQ(first.status, RunStatus::kApplied) << first.Summary();
  EXPECT_EQ(first.watermark_to, "2026-01-01 00:00:00+00");
  NDC_ASSERT_OK(source_->Exec("INSERT INTO agency.dom VALUES ('D2', 'Sau', '2026-01-02 00:00:00+00')").status());
  RunOutcome next = Run(std::nullopt, "bca_dom");
  ASSERT_EQ(next.status, RunStatus::kApplied) << next.Summary();
  EXPECT_EQ(NameOf("D2"), "Sau");

  AddOn("bca_num", "agency.num", "ver");
  RunOutcome n1 = Run(std::nullopt, "bca_num");
  ASSERT_EQ(n1.status, RunStatus::kApplied) << n1.Summary();
  EXPECT_EQ(n1.watermark_to, "1");
  EXPECT_EQ(NameOf("BAD"), "NOT_FOUND");
  NDC_ASSERT_OK(source_->Exec("INSERT INTO agency.num VALUES ('N2', 'Hai', 2)").status());
  RunOutcome n2 = Run(std::nullopt, "bca_num");
  ASSERT_EQ(n2.status, RunStatus::kApplied) << n2.Summary();
  EXPECT_EQ(NameOf("N2"), "Hai");
}

TEST_P(ConnectorTest, SnapshotPullDeletesRecordsGoneFromTheSource) {
  for (int i = 1; i <= 6; ++i) Put(fmt::format("A{}", i), "Tên", i);
  Add(Spec());
  ASSERT_EQ(Run().status, RunStatus::kApplied);
  NDC_ASSERT_OK(source_->Exec("DELETE FROM agency.people WHERE ma IN ('A2', 'A4')").status());
  EXPECT_EQ(Run().status, RunStatus::kNoChanges);  // an incremental pull cannot see deletions

  RunOutcome r = Run(PullMode::kSnapshot);
  ASSERT_EQ(r.status, RunStatus::kApplied) << r.Summary();
  EXPECT_EQ(r.batch->mode, ingest::BatchMode::kSnapshot);
  EXPECT_EQ(r.batch->rows_read, 4);
  EXPECT_EQ(r.batch->deleted, 2);
  EXPECT_EQ(r.batch->unchanged, 4);
  EXPECT_EQ(NameOf("A2"), "NOT_FOUND");
  EXPECT_EQ(NameOf("A3"), "Tên");
  // A second identical snapshot is applied again (unique key per run), changing nothing.
  RunOutcome again = Run(PullMode::kSnapshot);
  EXPECT_EQ(again.status, RunStatus::kApplied);
  EXPECT_EQ(again.batch->unchanged, 4);
}

TEST_P(ConnectorTest, RowsSharingAWatermarkAcrossPageBoundariesAreReadOnce) {
  for (int i = 0; i < 20; ++i) Put(fmt::format("T{:02}", i), "Cùng giờ", 5);  // page size is 3
  Add(Spec());
  RunOutcome first = Run();
  ASSERT_EQ(first.status, RunStatus::kApplied) << first.Summary();
  EXPECT_EQ(first.batch->rows_read, 20);
  EXPECT_EQ(first.batch->inserted, 20);
  for (int i = 20; i < 27; ++i) Put(fmt::format("T{:02}", i), "Cùng giờ", 6);
  RunOutcome next = Run();
  ASSERT_EQ(next.status, RunStatus::kApplied) << next.Summary();
  EXPECT_EQ(next.batch->rows_read, 7);
  EXPECT_EQ(next.batch->inserted, 7);
}

TEST_P(ConnectorTest, PasswordInConninfoIsRefusedAndNothingIsStored) {
  ConnectorSpec s = Spec();
  s.conninfo = "postgresql://ndc_reader:s3cret@127.0.0.1/registry";
  Result<AddedConnector> r = connectors_->Add(s);
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("does not store secrets"), std::string::npos) << r.status().message();
  EXPECT_EQ(connectors_->Get("bca_people").status().code(), StatusCode::kNotFound);
}

TEST_P(ConnectorTest, PasswordComesFromTheNamedEnvironmentVariable) {
  ConnectorSpec s = Spec();
  s.password_env = "NDC_CONNECTOR_BCA_PASSWORD";
  Result<AddedConnector> unset = connectors_->Add(s);
  EXPECT_EQ(unset.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(unset.status().message().find("NDC_CONNECTOR_BCA_PASSWORD"), std::string::npos);
  env_["NDC_CONNECTOR_BCA_PASSWORD"] = "ignored by trust auth";
  NDC_ASSERT_OK(connectors_->Add(s).status());
  EXPECT_EQ(Get().password_env, "NDC_CONNECTOR_BCA_PASSWORD");
}

TEST_P(ConnectorTest, UnmappedRequiredFieldIsRefusedAtAdd) {
  NDC_ASSERT_OK(source_->ExecScript("CREATE TABLE agency.staff (ma TEXT, full_name TEXT, changed BIGINT)"));
  ConnectorSpec s = Spec("bca_staff");
  s.source_table = "agency.staff";
  s.watermark_column = "changed";
  Result<AddedConnector> r = connectors_->Add(s);
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("'ho_ten' (required; no column ho_ten)"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("agency.staff has columns: ma, full_name, changed"), std::string::npos);

  s.columns = {{"ho_ten", "full_name"}};
  NDC_ASSERT_OK(connectors_->Add(s).status());
  EXPECT_EQ(Get("bca_staff").columns.at("ho_ten"), "full_name");
}

TEST_P(ConnectorTest, AddChecksTheSourceTableAndWatermarkColumn) {
  ConnectorSpec missing_table = Spec();
  missing_table.source_table = "agency.nobody";
  EXPECT_EQ(connectors_->Add(missing_table).status().code(), StatusCode::kNotFound);
  ConnectorSpec bad_watermark = Spec();
  bad_watermark.watermark_column = "modified";
  EXPECT_EQ(connectors_->Add(bad_watermark).status().code(), StatusCode::kInvalidArgument);
  Add(Spec());
  EXPECT_EQ(connectors_->Add(Spec()).status().code(), StatusCode::kAlreadyExists);
}

// A watermark without an index works, but each pull reads the whole source table: add says so.
TEST_P(ConnectorTest, AddWarnsWhenNoIndexLeadsWithTheWatermark) {
  NDC_ASSERT_OK_AND_ASSIGN(AddedConnector unindexed, connectors_->Add(Spec()));
  ASSERT_EQ(unindexed.warnings.size(), 1u);
  EXPECT_NE(unindexed.warnings[0].find("no index led by the watermark column updated_at"), std::string::npos)
      << unindexed.warnings[0];
  // An index on another column first does not count; one led by the watermark does.
  NDC_ASSERT_OK(source_->ExecScript("CREATE INDEX people_name_wm ON agency.people (ho_ten, updated_at)"));
  NDC_ASSERT_OK_AND_ASSIGN(AddedConnector other, connectors_->Add(Spec("second")));
  EXPECT_EQ(other.warnings.size(), 1u);
  NDC_ASSERT_OK(source_->ExecScript("CREATE INDEX people_wm ON agency.people (updated_at, ma)"));
  NDC_ASSERT_OK_AND_ASSIGN(AddedConnector indexed, connectors_->Add(Spec("third")));
  EXPECT_TRUE(indexed.warnings.empty()) << indexed.warnings[0];
  ConnectorSpec snapshots = Spec("fourth");
  snapshots.watermark_column.clear();  // snapshot pulls only: no watermark to index
  NDC_ASSERT_OK_AND_ASSIGN(AddedConnector snapshot_only, connectors_->Add(snapshots));
  EXPECT_TRUE(snapshot_only.warnings.empty());
}

TEST_P(ConnectorTest, RefusedBatchKeepsTheWatermark) {
  for (int i = 1; i <= 4; ++i) Put(fmt::format("A{}", i), "Tên", i);
  Add(Spec());
  ASSERT_EQ(Run().status, RunStatus::kApplied);
  const std::string too_long(60, 'x');  // ho_ten has max_length 50
  for (int i = 1; i <= 3; ++i) Put(fmt::format("B{}", i), too_long, 10 + i);

  RunOutcome refused = Run();
  ASSERT_EQ(refused.status, RunStatus::kRefused) << refused.Summary();
  Connector c = Get();
  EXPECT_EQ(c.last_watermark, "2026-01-01 00:00:04+00");
  EXPECT_EQ(c.last_status, "refused");
  EXPECT_EQ(c.last_batch_id, refused.batch->id);
  EXPECT_NE(c.last_error.find("refused"), std::string::npos) << c.last_error;
  auto rejects = ingest::ListRejects(*hub_, refused.batch->id, 0, 10);
  ASSERT_TRUE(rejects.ok());
  ASSERT_EQ(rejects->size(), 3u);
  EXPECT_EQ((*rejects)[0].raw.substr(0, 20), R"({"ho_ten":"xxxxxxxxx)");

  for (int i = 1; i <= 3; ++i) Put(fmt::format("B{}", i), "Đã sửa", 20 + i);
  RunOutcome fixed = Run();
  ASSERT_EQ(fixed.status, RunStatus::kApplied) << fixed.Summary();
  EXPECT_EQ(fixed.watermark_from, "2026-01-01 00:00:04+00");  // the refused range is read again
  EXPECT_EQ(fixed.batch->inserted, 3);
  EXPECT_EQ(Get().last_error, "");
}

TEST_P(ConnectorTest, RepeatedRangeIsADuplicateThatMovesTheWatermark) {
  for (int i = 1; i <= 3; ++i) Put(fmt::format("A{}", i), "Tên", i);
  Add(Spec());
  RunOutcome first = Run();
  ASSERT_EQ(first.status, RunStatus::kApplied);
  // As if the watermark write after the batch had been lost.
  NDC_ASSERT_OK(hub_->Exec("UPDATE connectors SET last_watermark = NULL").status());
  RunOutcome again = Run();
  EXPECT_EQ(again.status, RunStatus::kDuplicate) << again.Summary();
  EXPECT_EQ(again.batch->id, first.batch->id);
  EXPECT_EQ(Get().last_watermark, "2026-01-01 00:00:03+00");
}

TEST_P(ConnectorTest, ChangedSourceTableIsAFailedPreconditionKeptAsLastError) {
  Put("A1", "Tên", 1);
  Add(Spec());
  NDC_ASSERT_OK(source_->ExecScript("ALTER TABLE agency.people RENAME COLUMN ho_ten TO ten"));
  Result<RunOutcome> r = scheduler_->RunNow("bca_people");
  ASSERT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("no longer has column(s) ho_ten"), std::string::npos) << r.status().message();
  Connector c = Get();
  EXPECT_EQ(c.last_status, "error");
  EXPECT_NE(c.last_error.find("ho_ten"), std::string::npos);
  EXPECT_EQ(c.last_watermark, std::nullopt);
  EXPECT_EQ(c.running_until, std::nullopt);  // the claim is released
}

TEST_P(ConnectorTest, IncrementalRunNeedsAWatermarkColumn) {
  ConnectorSpec s = Spec();
  s.watermark_column = "";
  Add(s);
  EXPECT_EQ(scheduler_->RunNow("bca_people", PullMode::kIncremental).status().code(),
            StatusCode::kFailedPrecondition);
  Put("A1", "Tên", 1);
  RunOutcome r = Run();  // the default mode of such a connector is snapshot
  EXPECT_EQ(r.mode, PullMode::kSnapshot);
  EXPECT_EQ(r.status, RunStatus::kApplied);
  EXPECT_EQ(scheduler_->RunNow("nobody").status().code(), StatusCode::kNotFound);
}

// Names of the connectors in `outcomes`, sorted.
std::vector<std::string> Names(const std::vector<RunOutcome>& outcomes) {
  std::vector<std::string> out;
  for (const auto& o : outcomes) out.push_back(o.connector);
  std::sort(out.begin(), out.end());
  return out;
}

TEST_P(ConnectorTest, SchedulerRunsOnlyDueConnectors) {
  Put("A1", "Tên", 1);
  ConnectorSpec every_15m = Spec("a_15m"), every_1h = Spec("b_1h"), on_demand = Spec("c_demand"),
                disabled = Spec("d_off");
  every_15m.every_seconds = 900;
  every_1h.every_seconds = 3600;
  disabled.every_seconds = 60;
  disabled.enabled = false;
  for (const auto& s : {every_15m, every_1h, on_demand, disabled}) Add(s);

  NDC_ASSERT_OK_AND_ASSIGN(std::vector<RunOutcome> t0, scheduler_->RunDue());
  EXPECT_EQ(Names(t0), (std::vector<std::string>{"a_15m", "b_1h"}));
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<RunOutcome> soon, scheduler_->RunDue());
  EXPECT_TRUE(soon.empty());
  clock_.Advance(16 * 60 * kSecond);
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<RunOutcome> t16, scheduler_->RunDue());
  EXPECT_EQ(Names(t16), (std::vector<std::string>{"a_15m"}));
  EXPECT_EQ(t16[0].status, RunStatus::kNoChanges);
  clock_.Advance(45 * 60 * kSecond);
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<RunOutcome> t61, scheduler_->RunDue());
  EXPECT_EQ(Names(t61), (std::vector<std::string>{"a_15m", "b_1h"}));
}

// `ndc serve` audits each pull's batch in RunDue's callback: it must see every outcome as soon as
// that run ends, before the next connector pulls (a crash during a later pull then cannot leave
// an applied batch unaudited; review of 2026-12-03).
TEST_P(ConnectorTest, RunDueHandsOverEachOutcomeBeforeTheNextConnectorRuns) {
  Put("A1", "Tên", 1);
  ConnectorSpec first = Spec("a_first"), second = Spec("b_second");
  first.every_seconds = second.every_seconds = 60;
  Add(first);
  Add(second);
  std::vector<std::string> seen;
  std::vector<int> ran_when_seen;
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<RunOutcome> all, scheduler_->RunDue([&](const RunOutcome& o) {
    seen.push_back(o.connector);
    int ran = 0;
    for (const char* name : {"a_first", "b_second"}) {
      Result<Connector> c = connectors_->Get(name);
      ran += c.ok() && c->last_run_at.has_value();
    }
    ran_when_seen.push_back(ran);
  }));
  ASSERT_EQ(all.size(), 2u);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"a_first", "b_second"}));
  EXPECT_EQ(ran_when_seen, (std::vector<int>{1, 2}));
}

TEST_P(ConnectorTest, ClaimHeldElsewhereBlocksRunsUntilItsLeaseExpires) {
  Put("A1", "Tên", 1);
  ConnectorSpec s = Spec();
  s.every_seconds = 60;
  Add(s);
  ConnectorStore other(hub_.get(), &clock_);
  NDC_ASSERT_OK_AND_ASSIGN(bool claimed, other.Claim("bca_people", "node2:run", 300 * kSecond));
  ASSERT_TRUE(claimed);
  clock_.Advance(120 * kSecond);  // due, but held
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<RunOutcome> none, scheduler_->RunDue());
  EXPECT_TRUE(none.empty());
  Result<RunOutcome> now = scheduler_->RunNow("bca_people");
  EXPECT_EQ(now.status().code(), StatusCode::kAborted);
  EXPECT_NE(now.status().message().find("node2:run"), std::string::npos) << now.status().message();
  EXPECT_EQ(connectors_->Remove("bca_people").code(), StatusCode::kFailedPrecondition);

  clock_.Advance(200 * kSecond);  // the holder died: its lease has expired
  NDC_ASSERT_OK_AND_ASSIGN(std::vector<RunOutcome> taken, scheduler_->RunDue());
  ASSERT_EQ(Names(taken), std::vector<std::string>{"bca_people"});
  EXPECT_EQ(taken[0].status, RunStatus::kApplied);
  ConnectorStore::Finished stale{.status = "applied", .new_watermark = "9999"};
  NDC_ASSERT_OK_AND_ASSIGN(bool late, other.Finish("bca_people", "node2:run", stale));
  EXPECT_FALSE(late);  // the expired holder cannot overwrite the newer watermark
  EXPECT_EQ(Get().last_watermark, "2026-01-01 00:00:01+00");
  NDC_EXPECT_OK(connectors_->Remove("bca_people"));
}

TEST_P(ConnectorTest, TwoSchedulersOnOneHubRunEachDueConnectorOnce) {
  for (int i = 1; i <= 5; ++i) Put(fmt::format("A{}", i), "Tên", i);
  for (int i = 0; i < 6; ++i) {
    ConnectorSpec s = Spec(fmt::format("c{}", i));
    s.every_seconds = 600;
    Add(s);
  }
  // The second node: its own store connections, catalog, ingestor and scheduler.
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::Database> hub2, store::Open(hub_->url()));
  catalog::Catalog catalog2(hub2.get(), &clock_);
  ingest::Ingestor ingestor2(hub2.get(), &catalog2, &clock_);
  SeededRandom random2(8);
  SchedulerOptions o;
  o.source = source_options_;
  o.node = "node2";
  Scheduler scheduler2(hub2.get(), &catalog2, &ingestor2, &clock_, &random2, o);

  for (int round = 0; round < 2; ++round) {
    std::vector<RunOutcome> a, b;
    std::thread t([&] { a = scheduler_->RunDue().value_or(std::vector<RunOutcome>{}); });
    b = scheduler2.RunDue().value_or(std::vector<RunOutcome>{});
    t.join();
    std::vector<RunOutcome> all = a;
    all.insert(all.end(), b.begin(), b.end());
    EXPECT_EQ(Names(all), (std::vector<std::string>{"c0", "c1", "c2", "c3", "c4", "c5"})) << "round " << round;
    for (const auto& o2 : all) EXPECT_NE(o2.status, RunStatus::kError) << o2.Summary();
    clock_.Advance(601 * kSecond);
  }
}

// Only a PostgreSQL hub renews (and so can lose) a lease during a batch: on SQLite the batch
// holds the only write lock, so no other node could take the claim meanwhile.
class ConnectorPgHubTest : public ConnectorTest {};

// A run whose lease expired mid-pull and was taken over abandons the pull at the next page:
// nothing is applied and the new holder's claim is left alone. The pull is held inside the
// source by a view whose filter waits for an advisory lock the test holds.
TEST_P(ConnectorPgHubTest, RunThatLosesItsClaimMidPullAppliesNothing) {
  for (int i = 1; i <= 5; ++i) Put(fmt::format("A{}", i), "Tên", i);
  NDC_ASSERT_OK(source_->ExecScript(
      "CREATE FUNCTION agency.gate(k TEXT) RETURNS BOOLEAN LANGUAGE plpgsql AS $$ BEGIN "
      "IF k = 'A2' THEN PERFORM pg_advisory_lock_shared(42); PERFORM pg_advisory_unlock_shared(42); END IF; "
      "RETURN TRUE; END $$; "
      "CREATE VIEW agency.people_gated AS SELECT * FROM agency.people WHERE agency.gate(ma)"));
  ConnectorSpec s = Spec("bca_gated");
  s.source_table = "agency.people_gated";
  s.watermark_column = "";  // a snapshot: the gate is met inside the cursor's first page (of 3 rows)
  Add(s);
  NDC_ASSERT_OK_AND_ASSIGN(std::unique_ptr<store::Transaction> gate, source_->Begin());
  NDC_ASSERT_OK(gate->Query("SELECT pg_advisory_xact_lock(42)").status());

  Result<RunOutcome> result = InternalError("not run");
  std::thread run([&] { result = scheduler_->RunNow("bca_gated"); });
  // Wait until the pull is blocked in the source (also shows its application_name).
  bool blocked = false;
  for (int i = 0; i < 600 && !blocked; ++i) {
    auto n = source_->QueryOne("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                               "AND application_name = 'ndc-connector-bca_gated'");
    blocked = n.ok() && n->Int(0) == 1;
    if (!blocked) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(blocked);
  clock_.Advance(601 * kSecond);  // past the lease
  ConnectorStore other(hub_.get(), &clock_);
  Result<bool> stolen = other.Claim("bca_gated", "node2:run", 600 * kSecond);
  NDC_EXPECT_OK(gate->Rollback());
  run.join();
  ASSERT_TRUE(stolen.ok() && *stolen);
  EXPECT_EQ(result.status().code(), StatusCode::kAborted) << result.status().ToString();
  EXPECT_NE(result.status().message().find("another run took it over"), std::string::npos);
  EXPECT_EQ(NameOf("A1"), "NOT_FOUND");  // the batch was rolled back
  Connector c = Get("bca_gated");
  EXPECT_EQ(c.running_by, "node2:run");
  EXPECT_EQ(c.last_watermark, std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Hubs, ConnectorTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& param_info) { return std::string(store::BackendName(param_info.param)); });
INSTANTIATE_TEST_SUITE_P(Hubs, ConnectorPgHubTest, ::testing::Values(Backend::kPostgres),
                         [](const auto& param_info) { return std::string(store::BackendName(param_info.param)); });

}  // namespace
}  // namespace ndc::connector
