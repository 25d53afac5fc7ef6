#include "store/internal/sql_params.h"

#include <gtest/gtest.h>

namespace ndc::store {
namespace {

TEST(ScanSql, FindsDistinctParametersInOrder) {
  EXPECT_EQ(ScanSql("SELECT $2, $1, $2 FROM t WHERE a=$10").parameters, (std::vector<int>{1, 2, 10}));
}

TEST(ScanSql, IgnoresLiteralsIdentifiersAndComments) {
  SqlShape s =
      ScanSql("SELECT '$1', \"$2\", E'\\'$3', $$ $4 $$, $tag$ $5 $tag$ -- $6\n /* $7 /* $8 */ */ FROM x$9");
  EXPECT_TRUE(s.parameters.empty());
}

TEST(ScanSql, DoubledQuotesStayInsideLiteral) {
  EXPECT_EQ(ScanSql("SELECT 'it''s $1', $2").parameters, (std::vector<int>{2}));
}

TEST(ScanSql, DetectsSeveralStatements) {
  EXPECT_FALSE(ScanSql("SELECT 1;").several_statements);
  EXPECT_FALSE(ScanSql("SELECT 1; -- done\n").several_statements);
  EXPECT_FALSE(ScanSql("SELECT ';'").several_statements);
  EXPECT_TRUE(ScanSql("SELECT 1; SELECT 2").several_statements);
}

TEST(ScanSql, EmptyMeansNoSql) {
  EXPECT_TRUE(ScanSql(" ;\n-- c\n/* c */").empty);
  EXPECT_FALSE(ScanSql("SELECT 1").empty);
}

TEST(CheckParameters, RequiresExactlyOneToK) {
  EXPECT_TRUE(CheckParameters(std::vector<int>{1, 2}, 2, "x").ok());
  EXPECT_TRUE(CheckParameters(std::vector<int>{}, 0, "x").ok());
  EXPECT_EQ(CheckParameters(std::vector<int>{1, 3}, 3, "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckParameters(std::vector<int>{1, 2}, 1, "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckParameters(std::vector<int>{1}, 2, "x").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ndc::store
