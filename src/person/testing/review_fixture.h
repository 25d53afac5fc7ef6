// The review suites' hub (review_test.cc, review_turns_test.cc): PersonHubTest with the
// registry's An and Bình loaded, and the steps several review tests share.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "person/review.h"
#include "person/review_store.h"
#include "person/testing/person_fixture.h"

namespace ndc::person {

class ReviewHubTest : public PersonHubTest {
 protected:
  void SetUp() override {
    PersonHubTest::SetUp();
    Load("population_registry",
         std::string(kAnId) + ",Nguyễn Văn An,1990-02-01,Nam,X1\n" + kBinhId + ",Trần Thị Bình,1985-05-05,Nữ,X2\n");
  }
  // Queues T1 against An (same name and year, other day) and returns the item.
  ReviewItem QueueOne() {
    Load("tax", "T1,Nguyễn Văn An,1990-07-20,,M,\n");
    Link();
    Result<std::vector<ReviewItem>> items = ListReview(*db_, "pending", "", 0, 10);
    EXPECT_TRUE(items.ok() && items->size() == 1u);
    return items.ok() && !items->empty() ? items->front() : ReviewItem{};
  }
  // Loads and links T3 (Lê Văn Cường, whom no registry person matches); the surrogate it founds.
  std::string CuongSurrogate() {
    Load("tax", "T3,Lê Văn Cường,1970-03-03,,M,\n");
    Link();
    return PersonOf("tax", "T3");
  }
  // T3 and T5 found s3 and s5; an operator merges s5 into s3, then s3 into An.
  void MergeS5IntoS3IntoAn(std::string* s3, std::string* s5) {
    Load("tax", "T3,Lê Văn Cường,1970-03-03,,M,\nT5,Phạm Minh Đức,1966-06-06,,M,\n");
    Link();
    *s3 = PersonOf("tax", "T3");
    *s5 = PersonOf("tax", "T5");
    ASSERT_NE(*s3, *s5);
    for (const auto& [record, person] : {std::pair{"T5", *s3}, std::pair{"T3", std::string(kAnId)}}) {
      clock_.Advance(1'000'000);
      Result<DecisionOutcome> out = Decide(Review(), {"tax", record, person, "match", std::nullopt, "cli:op", "same"});
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      ASSERT_EQ(out->outcome, "merged");
    }
    ASSERT_EQ(PersonOf("tax", "T5"), kAnId);
  }
  // Queues An's registry record against `person`, as an authority item; returns it with its id.
  ReviewItem QueueAnAgainst(const std::string& person) {
    ReviewItem item{.dataset_id = "population_registry", .record_key = kAnId, .person_key = person,
                    .weight = 1.5, .probability = 0.9};
    Result<int64_t> id = QueueReview(*db_, item, 100);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    item.id = id.value_or(0);
    return item;
  }
};

}  // namespace ndc::person
