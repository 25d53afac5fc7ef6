#include "datagen/population.h"

#include <gtest/gtest.h>

#include "ident/ethnic_group.h"

namespace ndc::datagen {
namespace {

const Population& Pop() {
  static const Population* p = new Population(*GeneratePopulation({.persons = 20000, .seed = 3}));
  return *p;
}

// 2019 census: 24.3 % aged 0-14, 7.7 % aged 65+; the household model lands within a few points.
TEST(Population, AgePyramidHasCensusShape) {
  const auto& pop = Pop();
  const int32_t day = static_cast<int32_t>(ident::DaysSinceEpoch(pop.as_of));
  size_t young = 0, old = 0;
  for (size_t i = 0; i < pop.registered_count; ++i) {
    const int age = AgeOn(pop.persons[i], day);
    young += age < 15;
    old += age >= 65;
  }
  EXPECT_NEAR(young / 20000.0, 0.24, 0.06);
  EXPECT_NEAR(old / 20000.0, 0.08, 0.04);
}

TEST(Population, SharesOfSexEthnicityAndDeaths) {
  const auto& pop = Pop();
  size_t male = 0, kinh = 0, dead = 0;
  for (size_t i = 0; i < pop.registered_count; ++i) {
    const Person& p = pop.persons[i];
    male += p.sex == ident::Sex::kMale;
    kinh += ident::EthnicGroups()[p.ethnic].code == "01";
    dead += !p.alive();
  }
  EXPECT_NEAR(male / 20000.0, 0.5, 0.03);
  EXPECT_NEAR(kinh / 20000.0, 0.853, 0.03);
  EXPECT_GT(dead, 100u);
  EXPECT_LT(dead, 1500u);
}

TEST(Population, AbsentPeopleHaveNoPersonalId) {
  const auto& pop = Pop();
  EXPECT_EQ(pop.registered_count, 20000u);
  EXPECT_EQ(pop.persons.size(), 20400u);
  for (size_t i = pop.registered_count; i < pop.persons.size(); ++i) {
    EXPECT_FALSE(pop.persons[i].registered);
    EXPECT_EQ(pop.persons[i].personal_id, 0u);
    EXPECT_NE(pop.persons[i].social_insurance_number, 0u);
  }
}

TEST(Population, RejectsZeroPersons) {
  EXPECT_EQ(GeneratePopulation({.persons = 0}).status().message(), "persons must be at least 1");
}

TEST(Population, FormatsPersonalIdWithLeadingZeros) { EXPECT_EQ(FormatPersonalId(1090123456ULL), "001090123456"); }

}  // namespace
}  // namespace ndc::datagen
