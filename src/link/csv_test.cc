#include <gtest/gtest.h>

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
