#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ingest/formats/row_reader.h"
#include "ingest/formats/testing/read_rows.h"

namespace ndc::ingest {
namespace {

using catalog::FieldType;
using ::testing::ElementsAre;
using namespace std::string_literals;

constexpr char kExpected[] =
    "expected columns (* = required): so_dinh_danh*, Họ tên*, ngay_sinh, phien_ban, GHI_CHU";

catalog::DatasetSchema People() {
  catalog::DatasetSchema s;
  s.id = "people";
  s.source_key = {"so_dinh_danh"};
  s.source_version = "phien_ban";
  s.fields = {
      {.name = "so_dinh_danh", .column = "so_dinh_danh"},  // required as the source key
      {.name = "ho_ten", .column = "Họ tên", .required = true},
      {.name = "ngay_sinh", .column = "ngay_sinh", .type = FieldType::kDate},
      {.name = "phien_ban", .column = "phien_ban", .type = FieldType::kInteger},
      {.name = "ghi_chu", .column = "GHI_CHU"},
  };
  return s;
}

Result<std::vector<std::string>> Csv(std::string input, ReaderOptions options = {}, size_t chunk = 1 << 20,
                                     bool with_raw = false) {
  return testing::ReadRows(Format::kCsv, std::move(input), People(), options, chunk, with_raw);
}

Status HeaderError(std::string input, ReaderOptions options = {}) {
  return Csv(std::move(input), options).status();
}

TEST(CsvReader, MapsColumnsToSchemaOrder) {
  auto rows = Csv("GHI_CHU,Họ tên,so_dinh_danh\nx,Lê A,001\n,Trần B,002\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_THAT(*rows, ElementsAre("L2 [001|Lê A|-|-|x]", "L3 [002|Trần B|-|-|-]"));
}

TEST(CsvReader, HeaderNamesAreNfcTrimmedThenMatchColumnThenName) {
  // NFD "Họ tên" with spaces around it; "ghi_chu" is the field's name, its column is GHI_CHU.
  auto rows = Csv(" Ho\xCC\xA3 te\xCC\x82n \t,so_dinh_danh,ghi_chu\nA,1,z\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_THAT(*rows, ElementsAre("L2 [1|A|-|-|z]"));
}

TEST(CsvReader, ColumnMatchBeatsNameMatch) {
  catalog::DatasetSchema s;
  s.fields = {{.name = "a", .column = "b"}, {.name = "b", .column = "c"}};
  auto rows = testing::ReadRows(Format::kCsv, "b\n1\n", s);
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(*rows, ElementsAre("L2 [1|-]"));
}

TEST(CsvReader, OpColumnGoesToOp) {
  auto rows = Csv("so_dinh_danh,Họ tên,_op\n1,A,D\n2,B,\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(*rows, ElementsAre("L2 [1|A|-|-|-] op=D", "L3 [2|B|-|-|-]"));
}

TEST(CsvReader, EmptyInputNeedsAHeader) {
  EXPECT_EQ(HeaderError(""),
            InvalidArgumentError(std::string("empty input: expected a header row; ") + kExpected));
  EXPECT_EQ(HeaderError("\xEF\xBB\xBF\r\n\n").code(), StatusCode::kInvalidArgument);
}

TEST(CsvReader, UnknownColumnIsNamedWithWhatIsExpected) {
  EXPECT_EQ(HeaderError("so_dinh_danh,Họ tên,tuoi\n"),
            InvalidArgumentError(std::string("header: unknown column 'tuoi' (column 3); ") + kExpected));
}

TEST(CsvReader, DuplicateColumnsAreRefused) {
  EXPECT_EQ(HeaderError("so_dinh_danh,Họ tên,so_dinh_danh\n"),
            InvalidArgumentError(std::string("header: duplicate column 'so_dinh_danh' (columns 1 and 3); ") +
                                 kExpected));
  EXPECT_EQ(HeaderError("so_dinh_danh,Họ tên,ho_ten\n"),
            InvalidArgumentError(
                std::string("header: columns 'Họ tên' (column 2) and 'ho_ten' (column 3) both name "
                            "field 'ho_ten'; ") +
                kExpected));
  EXPECT_EQ(
      HeaderError("so_dinh_danh,Họ tên,_op,_op\n"),
      InvalidArgumentError(std::string("header: duplicate column '_op' (columns 3 and 4); ") + kExpected));
  // Found by the fuzzer: two spellings of the operation column (the second one trimmed) once read
  // past the field table.
  EXPECT_EQ(HeaderError("so_dinh_danh,Họ tên,_op, _op\n"),
            InvalidArgumentError(std::string("header: columns '_op' (column 3) and ' _op' (column 4) both name "
                                             "field '_op'; ") +
                                 kExpected));
}

TEST(CsvReader, MissingRequiredColumnsAreListed) {
  EXPECT_EQ(HeaderError("ngay_sinh\n"),
            InvalidArgumentError(std::string("header: missing required columns 'so_dinh_danh', 'Họ tên'; ") +
                                 kExpected));
  EXPECT_EQ(
      HeaderError("Họ tên,tuoi\n"),
      InvalidArgumentError(std::string("header: unknown column 'tuoi' (column 2); missing required column "
                                       "'so_dinh_danh'; ") +
                           kExpected));
}

TEST(CsvReader, KeysOnlyNeedsOnlyTheSourceKey) {
  ReaderOptions keys{.keys_only = true};
  auto rows = Csv("so_dinh_danh,phien_ban\n1,7\n", keys);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_THAT(*rows, ElementsAre("L2 [1|-|-|7|-]"));
  EXPECT_TRUE(Csv("so_dinh_danh\n1\n", keys).ok());
  EXPECT_EQ(
      HeaderError("Họ tên\n", keys),
      InvalidArgumentError("header: missing required column 'so_dinh_danh'; expected columns (* = required): "
                           "so_dinh_danh*, Họ tên, ngay_sinh, phien_ban, GHI_CHU"));
}

TEST(CsvReader, BadHeaderRecordIsRefused) {
  EXPECT_EQ(
      HeaderError("so_dinh_danh,Họ\"tên\n"),
      InvalidArgumentError("header (line 1): column 2: quote inside an unquoted value (quote the whole value "
                           "and double the quotes in it)"));
  ReaderOptions small{.limits = {.max_record_bytes = 10}};
  EXPECT_EQ(HeaderError("so_dinh_danh,Họ tên\n", small),
            InvalidArgumentError("header (line 1): record longer than 10 bytes (max_record_bytes)"));
}

TEST(CsvReader, HostileHeaderIsQuotedSafely) {
  EXPECT_EQ(HeaderError(std::string("so_dinh_danh,Họ tên,\xff\x01") + std::string(100, 'z') + "\n").message(),
            std::string("header: unknown column '\xEF\xBF\xBD?") + std::string(62, 'z') + "…' (column 3); " +
                kExpected);
}

TEST(CsvReader, LongExpectedListIsCut) {
  catalog::DatasetSchema s;
  for (int i = 0; i < 40; ++i)
    s.fields.push_back({.name = "f" + std::to_string(i), .column = "f" + std::to_string(i)});
  auto st = testing::ReadRows(Format::kCsv, "nope\n", s).status();
  EXPECT_THAT(st.message(), ::testing::EndsWith("f28, f29, … (10 more)"));
}

TEST(CsvReader, WrongColumnCountIsARowError) {
  auto rows = Csv("so_dinh_danh,Họ tên\n1,A,extra\n2\n3,C\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(*rows, ElementsAre("L2 error(): expected 2 columns, got 3",
                                 "L3 error(): expected 2 columns, got 1", "L4 [3|C|-|-|-]"));
}

TEST(CsvReader, QuotingErrorsNameTheFieldAndReadingResumes) {
  auto rows = Csv("so_dinh_danh,Họ tên\n1,\"A\"x\n2,B\"\n3,\"C\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(
      *rows,
      ElementsAre("L2 error(ho_ten): column 'Họ tên': text after the closing quote",
                  "L3 error(ho_ten): column 'Họ tên': quote inside an unquoted value (quote the whole value "
                  "and double the quotes in it)",
                  "L4 error(ho_ten): column 'Họ tên': quoted value not closed before the end of the input"));
}

// A quote left open across lines would swallow every later line into one rejected row, the rows
// after it missing without a reject each: the read fails, naming the line and column. Open on
// the last line only, it stays one reject (above).
TEST(CsvReader, AQuoteLeftOpenAcrossLinesFailsTheRead) {
  auto rows = Csv("so_dinh_danh,Họ tên\n1,A\n2,\"Nguyễn Văn B\n3,C\n4,D\n");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(rows.status().message().find("line 3: a quoted value in column 'Họ tên' is never closed"),
            std::string_view::npos)
      << rows.status().ToString();
  // The same when the rest of the input is longer than a record may be (skipped as too long).
  ReaderOptions small;
  small.limits.max_record_bytes = 24;  // the header is 21 bytes
  auto long_rows = Csv("so_dinh_danh,Họ tên\n1,A\n2,\"B\n" + std::string(100, 'x') + "\n3,C\n", small);
  ASSERT_FALSE(long_rows.ok());
  EXPECT_NE(long_rows.status().message().find("line 3: a quoted value is never closed"), std::string_view::npos)
      << long_rows.status().ToString();
  // A too-long quoted value that is closed is one reject, and reading goes on.
  auto closed = Csv("so_dinh_danh,Họ tên\n1,\"B\n" + std::string(100, 'x') + "\"\n3,C\n", small);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->size(), 2u);
}

TEST(CsvReader, QuotingErrorBeyondTheHeaderColumns) {
  auto rows = Csv("so_dinh_danh,Họ tên\n1,A,\"x\"y\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(*rows,
              ElementsAre("L2 error(): column 3 (beyond the 2 in the header): text after the closing quote"));
}

TEST(CsvReader, FieldOverTheLimitNamesTheField) {
  ReaderOptions opt{.limits = {.max_field_bytes = 12}};  // the header's longest name has 12
  auto rows = Csv("so_dinh_danh,Họ tên\n1,ABCDEFGHIJKLM\n2,ABCDEFGHIJKL\n", opt);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_THAT(*rows,
              ElementsAre("L2 error(ho_ten): column 'Họ tên': value longer than 12 bytes (max_field_bytes)",
                          "L3 [2|ABCDEFGHIJKL|-|-|-]"));
  EXPECT_EQ(
      HeaderError("so_dinh_danh,Họ tên\n", {.limits = {.max_field_bytes = 11}}),
      InvalidArgumentError(std::string("header: column 1 is longer than 11 bytes; missing required column "
                                       "'so_dinh_danh'; ") +
                           kExpected));
}

TEST(CsvReader, RecordOverTheLimitIsSkippedAndLinesStayRight) {
  ReaderOptions opt{.limits = {.max_record_bytes = 30, .max_raw_bytes = 8}};
  auto rows = Csv("so_dinh_danh,Họ tên\n1,\"" + std::string(40, 'x') + "\ny\"\n2,B\n", opt, 1 << 20, true);
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(*rows,
              ElementsAre("L2 error(): record longer than 30 bytes (max_record_bytes) raw='1,\"xxxxx…'",
                          "L4 [2|B|-|-|-] raw='2,B'"));
}

TEST(CsvReader, RawIsTheRecordTextCutOnACharacterBoundary) {
  ReaderOptions opt{.limits = {.max_raw_bytes = 6}};
  auto rows = Csv("so_dinh_danh,Họ tên\r\n1,Lê\r\n2,\"a\nb\"\r\n", opt, 1 << 20, true);
  ASSERT_TRUE(rows.ok());
  // "2,Lê..." would cut "ê" (2 bytes) in half at 6; a multi-line record keeps its line break.
  EXPECT_THAT(*rows, ElementsAre("L2 [1|Lê|-|-|-] raw='1,Lê'", "L3 [2|a\nb|-|-|-] raw='2,\"a\nb…'"));
  auto cut = Csv("so_dinh_danh,Họ tên\n1,Lêêê\n", opt, 1 << 20, true);
  EXPECT_THAT(*cut, ElementsAre("L2 [1|Lêêê|-|-|-] raw='1,Lê…'"));
}

TEST(CsvReader, ReusedRowHasNoStaleValues) {
  auto reader = OpenRowReader(
      Format::kCsv, MemorySource("so_dinh_danh,Họ tên,GHI_CHU,_op\n1,A,long note here!!,D\n2,B,,\n"),
      People());
  ASSERT_TRUE(reader.ok());
  InputRow row;
  ASSERT_TRUE(*(*reader)->Next(&row));
  ASSERT_TRUE(*(*reader)->Next(&row));
  EXPECT_EQ(testing::Show(row), "L3 [2|B|-|-|-]");
  EXPECT_FALSE(*(*reader)->Next(&row));
}

TEST(CsvReader, NulBytesAndInvalidUtf8ArePassedToTheValidator) {
  auto rows = Csv("so_dinh_danh,Họ tên\n1\0,\xC3\x28\n"s);
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(*rows, ElementsAre("L2 [1\0|\xC3\x28|-|-|-]"s));
}

TEST(CsvReader, VeryLongLineIsOneErrorRow) {
  std::string huge(3 << 20, 'q');  // bigger than max_record_bytes and the read buffer
  auto rows = Csv("so_dinh_danh,Họ tên\n" + huge + "\n2,B\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(*rows, ElementsAre("L2 error(): record longer than 1048576 bytes (max_record_bytes)",
                                 "L3 [2|B|-|-|-]"));
}

TEST(CsvReader, TinyReadsGiveTheSameRows) {
  std::string in =
      "\xEF\xBB\xBF\"so_dinh_danh\",Họ tên,_op\r\n1,\"Lê "
      "\"\"Bé\"\"\",U\r\n\r\n2,\"dòng\r\nhai\",\r\n3,x\"y,D\r\n4,,\r\n";
  auto whole = Csv(in, {}, 1 << 20, true);
  ASSERT_TRUE(whole.ok());
  ASSERT_EQ(whole->size(), 4u);
  for (size_t chunk = 1; chunk <= 5; ++chunk) EXPECT_EQ(*Csv(in, {}, chunk, true), *whole) << chunk;
}

}  // namespace
}  // namespace ndc::ingest
