#include "ingest/internal/row_pipeline.h"

#include <gtest/gtest.h>

#include <vector>

namespace ndc::ingest {
namespace {

// `rows` rows, each with one value of `width` bytes.
class FakeReader : public RowReader {
 public:
  FakeReader(int rows, size_t width) : rows_(rows), width_(width) {}
  Result<bool> Next(InputRow* row) override {
    if (read_ == rows_) return false;
    row->line = ++read_ + 1;
    row->raw = "r";
    row->values.assign(1, std::string(width_, 'x'));
    return true;
  }
  int64_t bytes_consumed() const override { return 0; }
  int64_t bytes_total() const override { return -1; }
  std::string content_sha256() const override { return ""; }

 private:
  const int rows_;
  const size_t width_;
  int read_ = 0;
};

// The rows of each chunk, in order, and that they came in input order.
std::vector<int64_t> ChunkSizes(int rows, size_t width, size_t chunk_rows) {
  FakeReader reader(rows, width);
  RowPipeline pipeline(&reader, chunk_rows, 2, [](size_t, InputRow& row, ValidatedChunk* out) {
    ++out->rows_read;
    PendingRow p;
    p.line = row.line;
    out->rows.push_back(std::move(p));
  });
  std::vector<int64_t> sizes;
  int64_t next_line = 2;
  for (;;) {
    ValidatedChunk c = pipeline.Next();
    EXPECT_TRUE(c.status.ok()) << c.status.ToString();
    for (const PendingRow& r : c.rows) EXPECT_EQ(r.line, next_line++);
    sizes.push_back(c.rows_read);
    if (c.last) break;
  }
  return sizes;
}

TEST(RowPipelineTest, NarrowRowsAreChunkedByCount) {
  std::vector<int64_t> sizes = ChunkSizes(5000, 100, 2000);
  EXPECT_EQ(sizes, (std::vector<int64_t>{2000, 2000, 1000}));
}

// Wide rows end a chunk at about kMaxChunkBytes of text: 2,000 rows of a megabyte would be 2 GB.
TEST(RowPipelineTest, WideRowsAreChunkedByBytes) {
  const size_t width = 1 << 20;
  std::vector<int64_t> sizes = ChunkSizes(40, width, 2000);
  const int64_t per_chunk = static_cast<int64_t>(kMaxChunkBytes / width);  // the row reaching the bound ends it
  int64_t total = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    total += sizes[i];
    if (i + 1 < sizes.size()) {
      EXPECT_EQ(sizes[i], per_chunk) << i;
    }
    EXPECT_LE(sizes[i], per_chunk) << i;
  }
  EXPECT_EQ(total, 40);
}

TEST(RowPipelineTest, InputRowBytesCountsRawValuesAndOp) {
  InputRow row;
  row.raw = "abc";
  row.op = "D";
  row.values = {std::string("12345"), std::nullopt, std::string("")};
  EXPECT_EQ(InputRowBytes(row), 9u);
}

}  // namespace
}  // namespace ndc::ingest
