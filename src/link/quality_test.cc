// Linkage quality against known truth: every agency dataset of a small generated population
// linked to the registry with the shipped person settings, and FEBRL 4 with its shipped settings.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "datagen/generator.h"
#include "link/settings.h"
#include "link/testing/quality.h"

namespace ndc::link {
namespace {

class DatagenQuality : public ::testing::TestWithParam<const char*> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(::testing::TempDir() + "/link_quality_" + std::to_string(::getpid()));
    std::filesystem::remove_all(*dir_);
    datagen::GeneratorOptions o;
    o.persons = 3000;
    o.seed = 11;
    auto s = datagen::Generate(o, *dir_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    auto r = testing::LoadDatagenDataset(DefaultPersonSettings(), *dir_, "population_registry");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    registry_ = new RecordTable(std::move(r).value());
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete registry_;
    delete dir_;
  }
  static std::string* dir_;
  static RecordTable* registry_;
};
std::string* DatagenQuality::dir_ = nullptr;
RecordTable* DatagenQuality::registry_ = nullptr;

TEST_P(DatagenQuality, F1AgainstRegistryIsAbove0995) {
  auto q = testing::EvaluateDatagen(DefaultPersonSettings(), *dir_, GetParam(), *registry_, 2);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_GT(q->true_pairs, 50u);
  EXPECT_GE(q->f1, 0.995) << "precision " << q->precision << " recall " << q->recall << " found " << q->found
                          << " correct " << q->correct << " true " << q->true_pairs;
}

INSTANTIATE_TEST_SUITE_P(Datasets, DatagenQuality,
                         ::testing::Values("social_insurance", "health_insurance", "education", "civil_servants", "tax"));

TEST(Febrl4Quality, ShippedSettingsReachF1Above09) {
  auto s = LoadSettingsFile(std::string(NDC_EXAMPLES_DIR) + "/febrl4.toml");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto q = testing::EvaluateFebrl4(*s, NDC_FEBRL_DIR, 2);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->true_pairs, 5000u);
  EXPECT_GE(q->f1, 0.9) << "precision " << q->precision << " recall " << q->recall;
}

}  // namespace
}  // namespace ndc::link
