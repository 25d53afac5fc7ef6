#include "store/postgres/pg_copy_binary.h"

#include <gtest/gtest.h>

#include <bit>
#include <limits>

#include "store/postgres/pg_values.h"

namespace ndc::store {
namespace {

constexpr unsigned kTimestamptz = 1184;

TEST(PgDateFromIsoTest, CountsDaysFromTheYear2000) {
  EXPECT_EQ(PgDateFromIso("2000-01-01"), 0);
  EXPECT_EQ(PgDateFromIso("1999-12-31"), -1);
  EXPECT_EQ(PgDateFromIso("2000-03-01"), 60);  // 2000 is a leap year
  EXPECT_EQ(PgDateFromIso("1970-01-01"), -10957);
  EXPECT_EQ(PgDateFromIso("2024-02-29"), 8825);
  EXPECT_EQ(PgDateFromIso("0001-01-01"), -730119);
  EXPECT_EQ(PgDateFromIso("9999-12-31"), 2921939);
}

TEST(PgDateFromIsoTest, RefusesWhatIsNotACanonicalCalendarDay) {
  for (const char* bad : {"2023-02-29", "1900-02-29", "0000-01-01", "2001-13-01", "2001-00-10", "2001-04-31",
                          "2001-4-03", "2001-04-3", "20010403", "2001/04/03", "+001-04-03", " 2001-04-03",
                          "2001-04-03 ", "", "２００１-04-03"}) {
    EXPECT_FALSE(PgDateFromIso(bad).has_value()) << bad;
  }
}

// Flat rows of types.size() values.
std::optional<CopyStream> Encode(std::span<const unsigned> types, std::span<const Value> values) {
  return EncodeCopyBinary(types, BulkRows(values, types.size()));
}

TEST(EncodeCopyBinaryTest, WritesTheSignatureRowsAndTrailer) {
  const unsigned types[] = {kPgInt8, kPgText, kPgBool, kPgDate};
  const std::vector<Value> values = {int64_t{-2}, std::string("An"), int64_t{1}, std::string("2000-01-02"),
                                     Value{},     int64_t{42},       int64_t{0}, Value{}};
  std::optional<CopyStream> got = Encode(types, values);
  ASSERT_TRUE(got.has_value());
  const std::string want = std::string("PGCOPY\n\xff\r\n\0", 11) + std::string(8, '\0') +
                           // row 1: 4 fields
                           std::string("\x00\x04", 2) + std::string("\x00\x00\x00\x08", 4) +
                           std::string("\xff\xff\xff\xff\xff\xff\xff\xfe", 8) + std::string("\x00\x00\x00\x02", 4) +
                           "An" + std::string("\x00\x00\x00\x01\x01", 5) + std::string("\x00\x00\x00\x04", 4) +
                           std::string("\x00\x00\x00\x01", 4) +
                           // row 2: NULL, an integer as text, false, NULL
                           std::string("\x00\x04", 2) + std::string("\xff\xff\xff\xff", 4) +
                           std::string("\x00\x00\x00\x02", 4) + "42" + std::string("\x00\x00\x00\x01\x00", 5) +
                           std::string("\xff\xff\xff\xff", 4) +
                           // trailer
                           std::string("\xff\xff", 2);
  EXPECT_EQ(got->view(), want);
}

TEST(EncodeCopyBinaryTest, RowsInTwoPartsEncodeAsTheSameFlatRows) {
  const unsigned types[] = {kPgInt8, kPgText, kPgBool, kPgDate};
  const std::vector<Value> flat = {int64_t{7}, std::string("Lê"), int64_t{1}, std::string("2000-01-02"),
                                   Value{},    std::string(""),   int64_t{0}, Value{}};
  const std::vector<Value> heads = {int64_t{7}, Value{}};
  const std::vector<std::vector<Value>> tails = {{std::string("Lê"), int64_t{1}, std::string("2000-01-02")},
                                                 {std::string(""), int64_t{0}, Value{}}};
  std::optional<CopyStream> want = Encode(types, flat);
  std::optional<CopyStream> got = EncodeCopyBinary(types, BulkRows(heads, 1, tails));
  ASSERT_TRUE(want.has_value());
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->view(), want->view());
  // A row of the wrong width is not encoded.
  const std::vector<std::vector<Value>> short_tail = {tails[0], {std::string(""), int64_t{0}}};
  EXPECT_FALSE(EncodeCopyBinary(types, BulkRows(heads, 1, short_tail)).has_value());
}

TEST(EncodeCopyBinaryTest, LeavesToTheTextPathWhatItDoesNotConvertExactly) {
  auto one = [](unsigned type, Value v) {
    const unsigned types[] = {type};
    const Value values[] = {std::move(v)};
    return Encode(types, values).has_value();
  };
  EXPECT_TRUE(one(kPgInt8, int64_t{std::numeric_limits<int64_t>::min()}));
  EXPECT_FALSE(one(kPgInt8, std::string("12")));  // the server parses strings
  EXPECT_FALSE(one(kPgInt8, 1.0));
  EXPECT_TRUE(one(kPgInt4, int64_t{std::numeric_limits<int32_t>::min()}));
  EXPECT_FALSE(one(kPgInt4, int64_t{std::numeric_limits<int32_t>::max()} + 1));  // the server's "out of range"
  EXPECT_FALSE(one(kPgInt2, int64_t{40000}));
  EXPECT_FALSE(one(kPgBool, int64_t{2}));
  EXPECT_FALSE(one(kPgBool, std::string("true")));
  EXPECT_FALSE(one(kPgDate, std::string("03/04/2001")));
  EXPECT_FALSE(one(kPgBytea, std::string("\\x00")));  // bytea text input has its own escapes
  EXPECT_FALSE(one(kPgNumeric, std::string("1.50")));
  EXPECT_FALSE(one(kTimestamptz, std::string("2001-02-03 04:05:06+00")));
  EXPECT_FALSE(one(kPgFloat4, 1.5));
  EXPECT_TRUE(one(kPgInt4, Value{}));    // NULL fits any column it writes,
  EXPECT_FALSE(one(kPgNumeric, Value{}));  // but a column it does not write sends the call as text
  // Not whole rows, or no columns.
  const unsigned two[] = {kPgInt8, kPgInt8};
  const Value three[] = {int64_t{1}, int64_t{2}, int64_t{3}};
  EXPECT_FALSE(Encode(two, three).has_value());
  EXPECT_FALSE(Encode({}, {}).has_value());
}

TEST(EncodeCopyBinaryTest, SpellsOtherValuesInTextColumnsAsTheTextPathDoes) {
  const unsigned types[] = {kPgText, kPgText};
  const Value values[] = {2.5, Blob{std::string("\x01\xff", 2)}};
  std::optional<CopyStream> got = Encode(types, values);
  ASSERT_TRUE(got.has_value());
  const std::string real = *EncodePgParam(values[0]).text, blob = *EncodePgParam(values[1]).text;
  EXPECT_NE(got->view().find(real), std::string::npos);
  EXPECT_NE(got->view().find(blob), std::string::npos);
  EXPECT_EQ(blob, "\\x01ff");
}

TEST(EncodeCopyBinaryTest, SendsOneNaNWhateverItsBits) {
  const unsigned types[] = {kPgFloat8};
  const double odd_nan = std::bit_cast<double>(uint64_t{0xfff8000000000123});  // sign and payload set
  const Value values[] = {odd_nan};
  std::optional<CopyStream> got = Encode(types, values);
  ASSERT_TRUE(got.has_value());
  // After the 19-byte header and the 2-byte field count: the length 8, then the value.
  EXPECT_EQ(got->view().substr(21, 12), std::string("\x00\x00\x00\x08\x7f\xf8\x00\x00\x00\x00\x00\x00", 12));
}

TEST(EncodeCopyBinaryTest, KnowsWhichColumnTypesItWrites) {
  for (unsigned oid : {kPgInt8, kPgInt4, kPgInt2, kPgBool, kPgFloat8, kPgDate, kPgBytea, kPgText, kPgVarchar}) {
    EXPECT_TRUE(SupportedType(oid)) << oid;
  }
  for (unsigned oid : {kPgNumeric, kTimestamptz, kPgFloat4, 1042u /* char(n) */, 3802u /* jsonb */, 0u}) {
    EXPECT_FALSE(SupportedType(oid)) << oid;
  }
}

}  // namespace
}  // namespace ndc::store
