#include "api/claim_compare.h"

#include <gtest/gtest.h>

namespace ndc::api {
namespace {

using catalog::FieldType;

TEST(ComparableClaim, DatesCompareAtTheirPrecisionInAnySpelling) {
  EXPECT_EQ(ComparableClaim(FieldType::kDate, "05/03/1987"), "1987-03-05");
  EXPECT_EQ(ComparableClaim(FieldType::kDate, " 1987-03-05 "), "1987-03-05");
  // A partial claim is its partial date; a stored partial date ("1987", as a partial date field
  // keeps it) reads the same, and a full claim differs from it.
  EXPECT_EQ(ComparableClaim(FieldType::kDate, "00/00/1987"), "1987");
  EXPECT_EQ(ComparableClaim(FieldType::kDate, "1987"), "1987");
  EXPECT_EQ(ComparableClaim(FieldType::kDate, "00/03/1987"), "1987-03");
  EXPECT_NE(ComparableClaim(FieldType::kDate, "05/03/1987"), ComparableClaim(FieldType::kDate, "1987"));
}

TEST(ComparableClaim, TextIsNormalizedButNeverFoldedToAscii) {
  EXPECT_EQ(ComparableClaim(FieldType::kString, "  NGUYỄN   Văn An "), ComparableClaim(FieldType::kString, "nguyễn văn an"));
  EXPECT_NE(ComparableClaim(FieldType::kString, "Nguyen Van An"), ComparableClaim(FieldType::kString, "Nguyễn Văn An"));
  // "1987" in a text field is text, not a date.
  EXPECT_EQ(ComparableClaim(FieldType::kString, "00/00/1987"), "00/00/1987");
}

}  // namespace
}  // namespace ndc::api
