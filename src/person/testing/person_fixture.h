// A hub with a registry dataset (the authority) and a tax dataset on either store, records
// loaded through the real ingestor, and the linker with a fixed model — for the person suites
// (linker_test.cc, review_test.cc), run on SQLite and PostgreSQL.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "ingest/ingestor.h"
#include "link/model.h"
#include "link/settings.h"
#include "person/linker.h"
#include "person/review.h"
#include "store/testing/test_database.h"

namespace ndc::person {

// Personal IDs whose structure agrees with the people below (province 001).
inline constexpr char kAnId[] = "001090000001";    // Nguyễn Văn An, male, 1990-02-01
inline constexpr char kBinhId[] = "001185000002";  // Trần Thị Bình, female, 1985-05-05

// The shipped person settings without term-frequency adjustment, so weights do not depend on
// how few records a test has.
link::Settings TestSettings();
// A hand-set model for TestSettings(): agreement on a name or a birth date weighs about 9.7
// bits, the prior -10 bits; see the .cc for every m and u.
link::Model TestModel();

class PersonHubTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override;

  // Loads CSV rows (header added) into "population_registry" (SO,HO_TEN,NGAY_SINH,GIOI_TINH,XA)
  // or "tax" (MA,HO_TEN,NGAY_SINH,SO_CCCD,GIOI_TINH,DIEN_THOAI); `mode` upsert or delete.
  void Load(const std::string& dataset, const std::string& rows,
            ingest::BatchMode mode = ingest::BatchMode::kUpsert);
  // Runs the linker on every dataset; fails the test on an error.
  std::vector<DatasetLinkReport> Link() { return Link(TestSettings()); }
  // A run with other settings (the model is TestModel(), whose comparisons they must have).
  std::vector<DatasetLinkReport> Link(const link::Settings& settings);
  DatasetLinkReport LinkReport(const std::string& dataset);
  // The person a record is linked to ("" if none), from person_links; checks _person_key agrees.
  std::string PersonOf(const std::string& dataset, const std::string& key);
  // Event kinds of a person, in order ("created linked merged ...").
  std::string EventKinds(const std::string& person);
  std::map<std::string, std::string> Golden(const std::string& person);
  int64_t Count(const std::string& sql);
  ReviewContext Review() { return {db_.get(), catalog_.get(), &clock_, &random_}; }

  FakeClock clock_;
  SeededRandom random_{7};
  std::unique_ptr<store::TestDatabase> db_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<ingest::Ingestor> ingestor_;
};

}  // namespace ndc::person
