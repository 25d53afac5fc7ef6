#include <gtest/gtest.h>

#include "link/model.h"

namespace ndc::link {
namespace {

TEST(ModelJson, RoundTripKeepsEveryParameter) {
  Model m;
  m.prior = 0.125;
  m.em_iterations = 7;
  m.converged = true;
  m.comparisons = {{"name", {{0.9, 0.001}, {0.07, 0.01}, {0.03, 0.989}}}, {"dob", {{0.8, 0.0001}, {0.2, 0.9999}}}};
  auto back = ModelFromJson(ModelToJson(m));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->prior, m.prior);
  EXPECT_EQ(back->em_iterations, 7u);
  ASSERT_EQ(back->comparisons.size(), 2u);
  EXPECT_EQ(back->comparisons[0].name, "name");
  EXPECT_EQ(back->comparisons[0].levels[1].m, 0.07);
  EXPECT_EQ(back->comparisons[1].levels[0].u, 0.0001);
}

TEST(ModelJson, BadProbabilityNamesItsPath) {
  auto r = ModelFromJson(R"({"format": "ndc-link-model/1", "prior": 0.1,
    "comparisons": [{"name": "a", "levels": [{"m": 0.5, "u": 0.5}, {"m": 1.5, "u": 0.5}]}]})");
  EXPECT_EQ(r.status().message(), "model: comparisons[0].levels[1].m: expected a number in (0, 1]");
}

TEST(ModelJson, ModelMustFitSettings) {
  Settings s = DefaultPersonSettings();
  Model m;
  m.comparisons = {{"x", {{0.5, 0.5}, {0.5, 0.5}}}};
  EXPECT_EQ(CheckModel(s, m).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ndc::link
