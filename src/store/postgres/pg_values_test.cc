#include "store/postgres/pg_values.h"

#include <gtest/gtest.h>

#include <limits>

#include "store/testing/test_util.h"

namespace ndc::store {
namespace {

using S = std::string;

TEST(EncodePgParam, UsesTextFormsAndTypesBytea) {
  EXPECT_EQ(EncodePgParam(Value()).text, std::nullopt);
  EXPECT_EQ(EncodePgParam(Value(std::numeric_limits<int64_t>::min())).text, "-9223372036854775808");
  EXPECT_EQ(EncodePgParam(Value(0.1)).text, "0.1");
  EXPECT_EQ(EncodePgParam(Value(-std::numeric_limits<double>::infinity())).text, "-Infinity");
  EXPECT_EQ(EncodePgParam(Value(S("x"))).type_oid, 0u);
  PgParam blob = EncodePgParam(Value(Blob{S("\x00\xab", 2)}));
  EXPECT_EQ(blob.text, "\\x00ab");
  EXPECT_EQ(blob.type_oid, kPgBytea);
}

TEST(DecodePgCell, MapsTypesByOid) {
  EXPECT_EQ(*DecodePgCell(kPgInt2, "-5"), Value(int64_t{-5}));
  EXPECT_EQ(*DecodePgCell(kPgInt8, "9223372036854775807"), Value(std::numeric_limits<int64_t>::max()));
  EXPECT_EQ(*DecodePgCell(kPgFloat8, "1e+300"), Value(1e300));
  EXPECT_EQ(*DecodePgCell(kPgFloat8, "Infinity"), Value(std::numeric_limits<double>::infinity()));
  EXPECT_EQ(*DecodePgCell(kPgBool, "t"), Value(int64_t{1}));
  EXPECT_EQ(*DecodePgCell(kPgBool, "f"), Value(int64_t{0}));
  EXPECT_EQ(*DecodePgCell(kPgBytea, "\\x00ff"), Value(Blob{S("\x00\xff", 2)}));
  EXPECT_EQ(*DecodePgCell(kPgBytea, "\\x"), Value(Blob{}));
  EXPECT_EQ(*DecodePgCell(kPgNumeric, "1.50"), Value(S("1.50")));
  EXPECT_EQ(*DecodePgCell(1082 /* date */, "2024-02-29"), Value(S("2024-02-29")));
}

TEST(DecodePgCell, MalformedTextIsInternal) {
  EXPECT_EQ(DecodePgCell(kPgInt4, "x").status().code(), StatusCode::kInternal);
  EXPECT_EQ(DecodePgCell(kPgBytea, "\\x0").status().code(), StatusCode::kInternal);
  EXPECT_EQ(DecodePgCell(kPgBytea, "\\000").status().code(), StatusCode::kInternal);
  EXPECT_EQ(DecodePgCell(kPgBool, "yes").status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace ndc::store
