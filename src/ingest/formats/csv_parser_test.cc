#include "ingest/formats/internal/csv_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "ingest/formats/testing/csv_reference.h"
#include "ingest/formats/testing/test_sources.h"

namespace ndc::ingest {
namespace {

using internal::CsvError;
using ::testing::ElementsAre;
using testing::RefCsvRecord;
using namespace std::string_literals;

constexpr size_t kWhole = 1 << 20;

// One record as a string, so gtest prints readable diffs: "L3 [a|b] 'text'" or "L3 error 2@1 'text'".
std::string Describe(const RefCsvRecord& r) {
  std::string s = "L" + std::to_string(r.line);
  if (r.error != CsvError::kNone) {
    s += " error " + std::to_string(static_cast<int>(r.error)) + "@" + std::to_string(r.error_column);
  } else {
    s += " [";
    for (size_t i = 0; i < r.fields.size(); ++i) s += (i > 0 ? "|" : "") + r.fields[i];
    s += "]";
  }
  return s + " '" + r.text + "'";
}

// Parses with internal::CsvParser, `chunk` bytes per source Read; texts cut to `raw` bytes.
std::vector<std::string> Parse(const std::string& input, size_t chunk = kWhole, size_t max_record = kWhole,
                               size_t raw = kWhole) {
  auto source = testing::Chunked(input, chunk);
  internal::CsvParser parser(source.get(), max_record, raw + 4);
  internal::CsvRecord rec;
  std::vector<std::string> out;
  for (;;) {
    auto more = parser.Next(&rec);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) return out;
    RefCsvRecord r{rec.line, {rec.fields.begin(), rec.fields.end()}, "", rec.error, rec.error_column};
    internal::SetRawText(rec.text, rec.text_bytes, raw, &r.text);
    out.push_back(Describe(r));
  }
}

std::vector<std::string> Reference(const std::string& input, size_t max_record = kWhole,
                                   size_t raw = kWhole) {
  std::vector<std::string> out;
  for (RefCsvRecord& r : testing::ReferenceParseCsv(input, max_record)) {
    std::string full = std::move(r.text);
    internal::SetRawText(full, full.size(), raw, &r.text);
    out.push_back(Describe(r));
  }
  return out;
}

TEST(CsvParser, SplitsRecordsAndFields) {
  EXPECT_THAT(Parse("a,b\nc,d\n"), ElementsAre("L1 [a|b] 'a,b'", "L2 [c|d] 'c,d'"));
}

TEST(CsvParser, AcceptsCrLfLfAndNoFinalLineEnd) {
  EXPECT_THAT(Parse("a,b\r\nc,d\ne,f"), ElementsAre("L1 [a|b] 'a,b'", "L2 [c|d] 'c,d'", "L3 [e|f] 'e,f'"));
}

TEST(CsvParser, EmptyFieldsAndTrailingComma) {
  EXPECT_THAT(Parse(",a,\n,\n"), ElementsAre("L1 [|a|] ',a,'", "L2 [|] ','"));
  EXPECT_THAT(Parse("a,"), ElementsAre("L1 [a|] 'a,'"));
}

TEST(CsvParser, QuotedFieldsWithCommasEscapesAndLineBreaks) {
  EXPECT_THAT(Parse("\"a,b\",\"say \"\"hi\"\"\",\"\"\n"),
              ElementsAre("L1 [a,b|say \"hi\"|] '\"a,b\",\"say \"\"hi\"\"\",\"\"'"));
  EXPECT_THAT(Parse("\"l1\nl2\r\nl3\",x\r\nnext\n"),
              ElementsAre("L1 [l1\nl2\r\nl3|x] '\"l1\nl2\r\nl3\",x'", "L4 [next] 'next'"));
}

TEST(CsvParser, LineNumbersStayRightAfterMultilineRecordsAndBlankLines) {
  EXPECT_THAT(Parse("h\n\n\"a\n\nb\"\n\r\nc\n"),
              ElementsAre("L1 [h] 'h'", "L3 [a\n\nb] '\"a\n\nb\"'", "L7 [c] 'c'"));
}

TEST(CsvParser, DropsBomOnlyAtTheStart) {
  EXPECT_THAT(Parse("\xEF\xBB\xBFh\n\xEF\xBB\xBFx\n"),
              ElementsAre("L1 [h] 'h'", "L2 [\xEF\xBB\xBFx] '\xEF\xBB\xBFx'"));
  EXPECT_THAT(Parse("\xEF\xBB\xBF"), ElementsAre());
  EXPECT_THAT(Parse(""), ElementsAre());
}

TEST(CsvParser, LoneCarriageReturnIsData) {
  EXPECT_THAT(Parse("a\rb,c\r\r\n"), ElementsAre("L1 [a\rb|c\r] 'a\rb,c\r'"));
}

TEST(CsvParser, NulBytesAndInvalidUtf8PassThrough) {
  EXPECT_THAT(Parse("a\0b,\xff\xfe\n"s), ElementsAre("L1 [a\0b|\xff\xfe] 'a\0b,\xff\xfe'"s));
}

TEST(CsvParser, QuoteInUnquotedFieldSkipsToTheLineEnd) {
  EXPECT_THAT(Parse("a,b\"c,\"d\ne\n"), ElementsAre("L1 error 2@1 'a,b\"c,\"d'", "L2 [e] 'e'"));
}

TEST(CsvParser, TextAfterClosingQuoteSkipsToTheLineEnd) {
  EXPECT_THAT(Parse("\"a\"b,c\n\"x\"\ry\nz\n"),
              ElementsAre("L1 error 3@0 '\"a\"b,c'", "L2 error 3@0 '\"x\"\ry'", "L3 [z] 'z'"));
}

TEST(CsvParser, UnterminatedQuoteRunsToTheEnd) {
  EXPECT_THAT(Parse("a\nb,\"c\nd\n"), ElementsAre("L1 [a] 'a'", "L2 error 4@1 'b,\"c\nd\n'"));
}

TEST(CsvParser, TooLongRecordIsSkippedToItsOwnEnd) {
  // The quoted line break belongs to the long record: the next record starts on line 3.
  std::string long_field(100, 'x');
  std::string in = "a\n\"" + long_field + "\n" + long_field + "\",b\nc\n";
  EXPECT_THAT(Parse(in, kWhole, 50, 10),
              ElementsAre("L1 [a] 'a'", "L2 error 1@0 '\"xxxxxxxxx…'", "L4 [c] 'c'"));
  // Exactly at the limit is fine, one byte over is not (CR LF not counted).
  EXPECT_THAT(Parse("abcd\r\nabcde\r\n", kWhole, 4), ElementsAre("L1 [abcd] 'abcd'", "L2 error 1@0 'abcde'"));
}

TEST(CsvParser, TooLongRecordLargerThanTheReadBuffer) {
  std::string big(internal::kReadChunk * 3 + 17, 'y');
  EXPECT_THAT(Parse("a\n" + big + "\nb\n", kWhole, 1000, 4),
              ElementsAre("L1 [a] 'a'", "L2 error 1@0 'yyyy…'", "L3 [b] 'b'"));
  auto rows = Parse("a\n" + big + "\nb\n", kWhole, big.size(), 4);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].substr(0, 8), "L2 [yyyy");
}

TEST(CsvParser, SourceErrorsEndTheRead) {
  testing::FailingSource source("a,b\nc", InternalError("disk on fire"));
  internal::CsvParser parser(&source, kWhole, 100);
  internal::CsvRecord rec;
  EXPECT_EQ(parser.Next(&rec).status(), InternalError("disk on fire"));
}

TEST(CsvParser, TinyReadsGiveTheSameRecords) {
  const std::vector<std::string> inputs = {"h1,h2\r\n\"a\"\"\",b\r\n\"multi\r\nline\",\"\"\r\n",
                                           "\xEF\xBB\xBF\"x\"\r", "a,\"b\"\"\n\"\"c\"\n,,\n",
                                           "\"a\"x\n\"\"\"\"\n\"open\n", "x\r\n\r\n\r\n\"\"\r\n"};
  for (const std::string& in : inputs) {
    auto whole = Parse(in);
    for (size_t chunk = 1; chunk <= 7; ++chunk) EXPECT_EQ(Parse(in, chunk), whole) << "chunk " << chunk;
    EXPECT_EQ(whole, Reference(in));
  }
}

// Random inputs over the bytes that matter to the grammar, against the naive reference, with
// small limits and small reads so every boundary and recovery path is taken.
TEST(CsvParser, MatchesTheReferenceOnRandomInputs) {
  const std::string alphabet = "ab,\"\n\r\r\"\n,\xEF\xBB\xBF";
  std::mt19937 rng(20250101);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string in(rng() % 48, ' ');
    for (char& c : in) c = alphabet[rng() % alphabet.size()];
    size_t max_record = 1 + rng() % 24, raw = rng() % 12, chunk = 1 + rng() % 5;
    ASSERT_EQ(Parse(in, chunk, max_record, raw), Reference(in, max_record, raw))
        << "input '" << in << "' max_record " << max_record << " chunk " << chunk;
  }
}

}  // namespace
}  // namespace ndc::ingest
