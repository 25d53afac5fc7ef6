// The ingestor suites' fixture: a migrated store of either backend with the `ho_tich` dataset
// (source key `ma`, source version `phien_ban`) and an Ingestor over it, plus helpers to send
// CSV batches and read records and events back. Shared by ingestor_test.cc and
// first_load_test.cc (ingest_store_test / ingest_store_pg_test).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "ingest/formats/testing/test_sources.h"
#include "ingest/ingestor.h"
#include "ingest/queries.h"
#include "store/testing/test_database.h"
#include "store/testing/test_util.h"

namespace ndc::ingest::testing_fixture {

using store::Backend;
using store::Value;

inline constexpr char kSchema[] = R"({"id": "ho_tich", "title": "Hộ tịch", "owner": "bca",
  "classification": {"data": "core", "personal": "basic"},
  "source_key": "ma", "source_version": "phien_ban",
  "fields": [
    {"name": "ma", "column": "MA", "type": "string", "required": true},
    {"name": "ho_ten", "column": "HO_TEN", "type": "string", "required": true, "max_length": 50},
    {"name": "ngay_sinh", "column": "NGAY_SINH", "type": "date", "format": "dd/mm/yyyy"},
    {"name": "phien_ban", "column": "PHIEN_BAN", "type": "integer"}]})";

class IngestorTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    NDC_ASSERT_OK_AND_ASSIGN(db_, store::NewMigratedTestDatabase(GetParam()));
    catalog_ = std::make_unique<catalog::Catalog>(db_.get(), &clock_);
    NDC_ASSERT_OK(catalog_->CreateAgency({.id = "bca", .name = "Bộ Công an"}).status());
    NDC_ASSERT_OK_AND_ASSIGN(catalog::DatasetSchema schema, catalog::ParseSchemaJson(kSchema));
    NDC_ASSERT_OK(catalog_->CreateDataset(schema).status());
    ingestor_ = std::make_unique<Ingestor>(db_.get(), catalog_.get(), &clock_);
  }

  // Sends a CSV batch (header added) and returns its report; a store error fails the test.
  BatchReport Send(const std::string& rows, BatchMode mode = BatchMode::kUpsert, std::string key = "",
                   const std::string& header = "MA,HO_TEN,NGAY_SINH,PHIEN_BAN") {
    clock_.Advance(1000000);
    BatchRequest req;
    req.dataset_id = "ho_tich";
    req.mode = mode;
    req.idempotency_key = std::move(key);
    req.source = "test";
    req.submitted_by = "operator";
    Result<BatchReport> r = ingestor_->Ingest(req, MemorySource(header + "\n" + rows));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : BatchReport{};
  }

  // Sends `csv` (its header line included) as an upsert batch to another dataset of the test.
  BatchReport SendTo(const std::string& dataset, const std::string& csv) {
    clock_.Advance(1000000);
    BatchRequest req;
    req.dataset_id = dataset;
    req.source = "test";
    req.submitted_by = "operator";
    Result<BatchReport> r = ingestor_->Ingest(req, MemorySource(csv));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : BatchReport{};
  }

  catalog::DatasetInfo Dataset() {
    auto d = catalog_->GetDataset("ho_tich");
    EXPECT_TRUE(d.ok());
    return *d;
  }
  // The current name of a record, or the error code's name.
  std::string NameOf(const std::string& key, std::optional<int64_t> as_of = std::nullopt) {
    Result<RecordVersion> r = GetRecord(*db_, Dataset(), key, as_of);
    if (!r.ok()) return std::string(StatusCodeName(r.status().code()));
    return std::get<std::string>(r->values[1]);
  }
  std::vector<ChangeEvent> Events(int64_t after = 0) {
    auto e = ListEvents(*db_, "ho_tich", after, 1000);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? *e : std::vector<ChangeEvent>{};
  }

  FakeClock clock_;
  std::unique_ptr<store::TestDatabase> db_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<Ingestor> ingestor_;
};

}  // namespace ndc::ingest::testing_fixture
