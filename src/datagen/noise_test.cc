#include "datagen/noise.h"

#include <gtest/gtest.h>

#include "text/damerau_levenshtein.h"

namespace ndc::datagen {
namespace {

TEST(Noise, TypoIsExactlyOneEdit) {
  Rng rng(3);
  for (std::string_view name : {"Nguyễn Thị Minh Khai", "TRAN VAN AN", "Lê", "Đặng"}) {
    for (int i = 0; i < 200; ++i) {
      const std::string t = Typo(name, &rng);
      EXPECT_EQ(text::DamerauLevenshteinDistance(std::string_view(t), name), 1u) << name << " -> " << t;
    }
  }
}

TEST(Noise, TypoKeepsUpperCase) {
  Rng rng(4);
  for (int i = 0; i < 200; ++i) {
    for (char c : Typo("TRAN VAN AN", &rng)) EXPECT_FALSE(c >= 'a' && c <= 'z');
  }
}

TEST(Noise, DateEdits) {
  EXPECT_EQ(SwapDayMonth({1990, 3, 11}), (ident::Date{1990, 11, 3}));
  Rng rng(5);
  for (int i = 0; i < 100; ++i) {
    const ident::Date d = ShiftYear({2000, 2, 29}, &rng);
    EXPECT_TRUE(ident::IsValidDate(d));
    const int diff = std::abs(d.year - 2000);
    EXPECT_TRUE(diff == 1 || diff == 10) << d.year;
  }
}

TEST(Noise, ReplaceIdDigitChangesOneOfTheLastSix) {
  Rng rng(6);
  const uint64_t id = 1'092'850'123'456ULL % 1'000'000'000'000ULL;
  for (int i = 0; i < 200; ++i) {
    const uint64_t w = ReplaceIdDigit(id, &rng);
    EXPECT_EQ(w / 1000000, id / 1000000);
    int changed = 0;
    for (uint64_t a = id, b = w; a || b; a /= 10, b /= 10) changed += (a % 10 != b % 10);
    EXPECT_EQ(changed, 1);
  }
}

TEST(Noise, LevelsScaleTheDefaults) {
  EXPECT_DOUBLE_EQ(RatesFor("tax", NoiseLevel::kDefault)[NoiseKind::kStaleAddress], 0.5);
  EXPECT_DOUBLE_EQ(RatesFor("tax", NoiseLevel::kHigh)[NoiseKind::kStaleAddress], 0.9);
  EXPECT_DOUBLE_EQ(RatesFor("education", NoiseLevel::kLow)[NoiseKind::kMissingId], 0.015);
  EXPECT_DOUBLE_EQ(RatesFor("education", NoiseLevel::kHigh)[NoiseKind::kMissingId], 0.06);
  EXPECT_DOUBLE_EQ(RatesFor("education", NoiseLevel::kNone)[NoiseKind::kMissingId], 0);
  for (double r : RatesFor("population_registry", NoiseLevel::kHigh).rate) EXPECT_EQ(r, 0);
}

TEST(Noise, ParsesNamesAndLevels) {
  EXPECT_EQ(*ParseNoiseKind("stale_address"), NoiseKind::kStaleAddress);
  EXPECT_EQ(ParseNoiseKind("typo").status().message(),
            "unknown noise kind 'typo' (expected missing_id, wrong_id_digit, name_typo, dropped_diacritics, "
            "swapped_name_order, day_month_swap, wrong_year, stale_address, duplicate, not_in_registry or "
            "unreported_death)");
  EXPECT_EQ(*ParseNoiseLevel("high"), NoiseLevel::kHigh);
  EXPECT_EQ(ParseNoiseLevel("max").status().message(), "unknown noise level 'max' (expected none, low, default or high)");
}

}  // namespace
}  // namespace ndc::datagen
