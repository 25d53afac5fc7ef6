#include "ingest/formats/row_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include "common/crypto.h"
#include "ingest/formats/testing/read_rows.h"

namespace ndc::ingest {
namespace {

using ::testing::ElementsAre;

catalog::DatasetSchema Schema() {
  catalog::DatasetSchema s;
  s.source_key = {"id"};
  s.fields = {{.name = "id", .column = "id"}, {.name = "name", .column = "name"}};
  return s;
}

std::string Gzip(std::string_view data) {
  std::string out(compressBound(static_cast<uLong>(data.size())) + 64, '\0');
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(Format, NamesAndParsing) {
  EXPECT_EQ(FormatName(Format::kCsv), "csv");
  EXPECT_EQ(FormatName(Format::kNdjson), "ndjson");
  EXPECT_EQ(*ParseFormat("CSV"), Format::kCsv);
  EXPECT_EQ(*ParseFormat("jsonl"), Format::kNdjson);
  EXPECT_EQ(ParseFormat("xml").status(),
            InvalidArgumentError("unknown format 'xml'; expected csv, ndjson or jsonl"));
}

TEST(Format, ForPath) {
  EXPECT_EQ(*FormatForPath("/in/a.csv"), Format::kCsv);
  EXPECT_EQ(*FormatForPath("a.CSV.gz"), Format::kCsv);
  EXPECT_EQ(*FormatForPath("a.ndjson"), Format::kNdjson);
  EXPECT_EQ(*FormatForPath("a.jsonl.gz"), Format::kNdjson);
  EXPECT_EQ(FormatForPath("a.json").status(),
            InvalidArgumentError(
                "cannot tell the format of 'a.json' from its name; expected .csv, .ndjson or .jsonl "
                "(optionally .gz)"));
  EXPECT_EQ(FormatForPath("a.gz").status().code(), StatusCode::kInvalidArgument);
}

TEST(OpenRowReader, GzipIsDecompressedAndTheDigestIsOfThePlainText) {
  for (Format format : {Format::kCsv, Format::kNdjson}) {
    std::string plain =
        format == Format::kCsv ? "id,name\n1,A\n2,B\n" : "{\"id\":\"1\",\"name\":\"A\"}\n{\"id\":\"2\"}\n";
    std::string gz = Gzip(plain);
    auto reader = OpenRowReader(format, MemorySource(gz), Schema());
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    InputRow row;
    int rows = 0;
    while (*(*reader)->Next(&row)) ++rows;
    EXPECT_EQ(rows, 2);
    EXPECT_EQ((*reader)->content_sha256(), HexEncode(Sha256(plain)));
    EXPECT_EQ((*reader)->bytes_consumed(), static_cast<int64_t>(gz.size()));
    EXPECT_EQ((*reader)->bytes_total(), static_cast<int64_t>(gz.size()));
  }
}

TEST(OpenRowReader, CorruptGzipEndsTheRead) {
  std::string gz = Gzip("id,name\n" + std::string(200000, 'x') + "\n");
  auto reader = OpenRowReader(Format::kCsv, MemorySource(gz.substr(0, gz.size() / 2)), Schema());
  if (reader.ok()) {  // the header may come out before the cut is reached
    InputRow row;
    Result<bool> more = true;
    while (more.ok() && *more) more = (*reader)->Next(&row);
    EXPECT_EQ(more.status().code(), StatusCode::kInvalidArgument);
  } else {
    EXPECT_EQ(reader.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_THAT(testing::ReadRows(Format::kCsv, gz.substr(0, gz.size() / 2), Schema()).status().message(),
              ::testing::StartsWith("gzip: truncated input at byte "));
}

TEST(OpenRowReader, SourceErrorsEndTheRead) {
  auto reader = OpenRowReader(
      Format::kNdjson,
      std::make_unique<testing::FailingSource>("{\"id\":\"1\"}\n{", UnavailableError("peer gone")), Schema());
  ASSERT_TRUE(reader.ok());
  InputRow row;
  EXPECT_EQ((*reader)->Next(&row).status(), UnavailableError("peer gone"));
}

TEST(OpenRowReader, ProgressCountsInputBytes) {
  std::string csv = "id,name\n";
  for (int i = 0; i < 50000; ++i) csv += std::to_string(i) + ",name\n";
  auto reader = OpenRowReader(Format::kCsv, MemorySource(csv), Schema());
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->bytes_total(), static_cast<int64_t>(csv.size()));
  EXPECT_GT((*reader)->bytes_consumed(), 0);
  InputRow row;
  while (*(*reader)->Next(&row)) {
  }
  EXPECT_EQ((*reader)->bytes_consumed(), static_cast<int64_t>(csv.size()));
  EXPECT_EQ((*reader)->content_sha256(), HexEncode(Sha256(csv)));
}

}  // namespace
}  // namespace ndc::ingest
