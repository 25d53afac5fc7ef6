// Incremental index: queries against a registry, rows added later, concurrent queries.
#include <thread>

#include <gtest/gtest.h>

#include "link/index.h"
#include "link/test_records.h"

namespace ndc::link {
namespace {

class IndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.em.u_sample_pairs = 50000;
    RecordTable reg(settings_), probe(settings_);
    auto people = testdata::People(300, false);
    auto noisy = testdata::People(300, true);
    for (size_t i = 0; i < 299; ++i) reg.Add("P" + std::to_string(i), people[i]);
    for (size_t i = 0; i < 300; ++i) probe.Add("Q" + std::to_string(i), noisy[i]);
    Model m = Train(settings_, probe, &reg, {}).value();
    late_ = people[299];
    probe_ = std::make_unique<RecordTable>(std::move(probe));
    index_ = Index::Build(settings_, m, std::move(reg)).value();
  }
  Settings settings_ = DefaultPersonSettings();
  AttributeValues late_;
  std::unique_ptr<RecordTable> probe_;
  std::unique_ptr<Index> index_;
};

TEST_F(IndexTest, QueryFindsTheSamePersonFirst) {
  size_t right = 0;
  for (uint32_t q = 0; q < 299; ++q) {
    auto c = index_->Query(*probe_, q, 3);
    right += !c.empty() && c[0].row == q && c[0].probability >= settings_.thresholds.match;
  }
  EXPECT_GE(right, 290u);
}

TEST_F(IndexTest, LateRecordWithMissingIdJoinsTheRightPerson) {
  EXPECT_TRUE(index_->Query(*probe_, 299, 3).empty() || index_->Query(*probe_, 299, 3)[0].row != 299);
  uint32_t row = index_->Add("P299", late_);
  EXPECT_EQ(row, 299u);
  RecordTable probe(settings_);
  AttributeValues v = late_;
  v["personal_id"] = "";
  probe.Add("late", v);
  auto c = index_->Query(probe, 0, 3);
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c[0].row, 299u);
  EXPECT_FALSE(c[0].deterministic);
}

// A mistyped birth year, no ID and no commune: only the name tokens + month and day rule can
// make the pair a candidate (every other rule needs the year, the full date or the commune).
TEST_F(IndexTest, AMistypedBirthYearStillMeetsItsPerson) {
  index_->Add("P299", late_);
  AttributeValues v = late_;
  v["personal_id"] = "";
  const std::string& dob = late_.at("birth_date");
  v["birth_date"] = std::to_string(std::stoi(dob.substr(0, 4)) + 1) + dob.substr(4);
  RecordTable probe(settings_);
  probe.Add("typo", v);
  auto c = index_->Query(probe, 0, 3);
  ASSERT_FALSE(c.empty()) << "no candidate for " << v["full_name"] << " " << v["birth_date"];
  EXPECT_EQ(c[0].row, 299u);
}

TEST_F(IndexTest, ConcurrentQueriesAndAddsAgree) {
  std::vector<std::thread> threads;
  std::atomic<size_t> hits{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t q = t; q < 299; q += 4) {
        auto c = index_->Query(*probe_, q, 1);
        hits += !c.empty() && c[0].row == q;
      }
    });
  }
  threads.emplace_back([&] { index_->Add("P299", late_); });
  for (auto& t : threads) t.join();
  EXPECT_GE(hits.load(), 290u);
  EXPECT_EQ(index_->size(), 300u);
}

}  // namespace
}  // namespace ndc::link
