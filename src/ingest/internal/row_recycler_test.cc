#include "ingest/internal/row_recycler.h"

#include <gtest/gtest.h>

namespace ndc::ingest {
namespace {

using store::Value;

TEST(RowRecyclerTest, GivesBackWhatWasReturnedWithItsValues) {
  RowRecycler recycler(8);
  RowRecycler::Rows written = {{std::string(100, 'a'), int64_t{1}}, {std::string(100, 'b'), Value{}}};
  const char* buffer = std::get<std::string>(written[1][0]).data();
  recycler.Return(&written);
  EXPECT_TRUE(written.empty());
  RowRecycler::Rows got;
  EXPECT_EQ(recycler.Take(1, &got), 1u);
  ASSERT_EQ(got.size(), 1u);
  // The vector comes back as it was written, its string's buffer included (what Validate reuses).
  EXPECT_EQ(std::get<std::string>(got[0][0]).data(), buffer);
  EXPECT_EQ(recycler.Take(5, &got), 1u);
  EXPECT_EQ(got.size(), 2u);
  EXPECT_EQ(recycler.Take(5, &got), 0u);
}

TEST(RowRecyclerTest, KeepsNoMoreThanItsCapacity) {
  RowRecycler recycler(3);
  RowRecycler::Rows written(5, std::vector<Value>{int64_t{1}});
  recycler.Return(&written);
  EXPECT_TRUE(written.empty());  // the two it could not keep were freed
  RowRecycler::Rows more(2, std::vector<Value>{int64_t{2}});
  recycler.Return(&more);  // full: all freed
  RowRecycler::Rows got;
  EXPECT_EQ(recycler.Take(10, &got), 3u);
  for (const auto& row : got) EXPECT_EQ(row, std::vector<Value>{int64_t{1}});
}

TEST(RowRecyclerTest, LetsRowsWithLargeStringsGo) {
  RowRecycler recycler(8);
  RowRecycler::Rows written = {{std::string(RowRecycler::kMaxKeptBytes + 1, 'x')}, {std::string(10, 'y')}};
  recycler.Return(&written);
  RowRecycler::Rows got;
  EXPECT_EQ(recycler.Take(5, &got), 1u);
  EXPECT_EQ(got[0], std::vector<Value>{std::string(10, 'y')});
}

}  // namespace
}  // namespace ndc::ingest
