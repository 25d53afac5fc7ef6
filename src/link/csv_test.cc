#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "link/internal/csv.h"

namespace ndc::link::internal {
namespace {

std::vector<std::vector<std::string>> ReadAll(std::string text, char delim = ',') {
  auto r = CsvReader::FromString(std::move(text), "t.csv", delim);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string_view> f;
  while (r->Next(&f).value()) rows.emplace_back(f.begin(), f.end());
  return rows;
}

TEST(Csv, QuotesEscapesAndCrlf) {
  auto rows = ReadAll("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n1,\"two\nlines\"\r\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"x, y", "say \"hi\""}));
  EXPECT_EQ(rows[1][1], "two\nlines");
}

TEST(Csv, CommaSpaceSeparatorIsTrimmed) {
  auto rows = ReadAll("rec_id, given_name\nrec-1-org, michaela\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"rec-1-org", "michaela"}));
}

TEST(Csv, UnterminatedQuoteNamesTheLine) {
  auto r = CsvReader::FromString("a\n1\n\"oops\n", "t.csv", ',');
  ASSERT_TRUE(r.ok());
  std::vector<std::string_view> f;
  ASSERT_TRUE(r->Next(&f).value());
  auto next = r->Next(&f);
  EXPECT_EQ(next.status().message(), "t.csv:3: unterminated quoted field");
}

TEST(Csv, EmptyFileIsAnError) {
  EXPECT_EQ(CsvReader::FromString("", "t.csv", ',').status().message(),
            "t.csv: the file is empty (a header row is required)");
}

}  // namespace
}  // namespace ndc::link::internal

namespace ndc::link::internal {
namespace {

// Every record of `text` read through Split(parts) chunks, in order.
std::vector<std::vector<std::string>> ReadChunked(std::string text, size_t parts) {
  auto r = CsvReader::FromString(std::move(text), "t.csv", ',');
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  auto ranges = r->Split(parts);
  EXPECT_TRUE(ranges.ok()) << ranges.status().ToString();
  EXPECT_LE(ranges->size(), parts);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string_view> f;
  for (const auto& range : *ranges) {
    CsvReader chunk = r->Chunk(range);
    while (chunk.Next(&f).value()) rows.emplace_back(f.begin(), f.end());
  }
  return rows;
}

TEST(CsvSplit, ChunksYieldTheRecordsOfTheWholeFile) {
  const std::string texts[] = {
      "a,b\n1,x\n2,y\n3,z\n4,w\n5,v\n6,u",                                  // no final line break
      "\xEF\xBB\xBF" "a,b\r\n1,x\r\n\r\n2,y\r\n3,z\r\n4,w\r\n",            // BOM, CRLF, blank line
      "a,b\n1,\"long\nquoted\nfield, with \"\"commas\"\"\"\n2,\"y\n\"\n3,z\n4,\"w,\n\n\"\n",
      "a,b\n1,x\n",                                                        // fewer rows than parts
      "a,b\n"};
  for (const std::string& text : texts) {
    for (size_t parts : {1, 2, 3, 4, 8, 64}) {
      EXPECT_EQ(ReadChunked(text, parts), ReadAll(text)) << "parts " << parts << " of: " << text;
    }
  }
}

TEST(CsvSplit, UnterminatedQuoteNamesTheLineLikeNext) {
  auto r = CsvReader::FromString("a\n1\n2\n\"oops\n3\n", "t.csv", ',');
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Split(2).status().message(), "t.csv:4: unterminated quoted field");
}

TEST(CsvSplit, ErrorLineCountsQuotedLineBreaks) {
  // The quote on line 5 opens a field that runs to the end: the error is found by Split.
  auto r = CsvReader::FromString("a\n\"1\n2\"\n3\n4,\"x\n", "t.csv", ',');
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Split(3).status().message(), "t.csv:5: unterminated quoted field");
}

}  // namespace
}  // namespace ndc::link::internal
