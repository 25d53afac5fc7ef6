// Conformance: QueryKeysetPage — pages in (order column, id) order, both directions, ties in the
// order column, and cursors that are not rows of the listing.
#include <string>
#include <vector>

#include "store/keyset.h"
#include "store/testing/conformance.h"

namespace ndc::store {
namespace {

// Rows: owner "a" has ids a00..a09 at times 10,10,10,11,11,12,13,13,13,14 (ties on purpose);
// owner "b" has b00..b02 interleaved with them.
void CreateRows(Database& db) {
  NDC_ASSERT_OK(db.ExecScript("CREATE TABLE items (id TEXT PRIMARY KEY, owner TEXT NOT NULL, at BIGINT NOT NULL)"));
  const int64_t times[] = {10, 10, 10, 11, 11, 12, 13, 13, 13, 14};
  for (int i = 0; i < 10; ++i) {
    // Inserted in an order unlike the listing's, so a page cannot follow the rowid.
    const int j = (i * 7) % 10;
    const Value p[] = {"a0" + std::to_string(j), std::string("a"), times[j]};
    NDC_ASSERT_OK(db.Exec("INSERT INTO items (id, owner, at) VALUES ($1, $2, $3)", p).status());
  }
  for (int i = 0; i < 3; ++i) {
    const Value p[] = {"b0" + std::to_string(i), std::string("b"), int64_t{10 + 2 * i}};
    NDC_ASSERT_OK(db.Exec("INSERT INTO items (id, owner, at) VALUES ($1, $2, $3)", p).status());
  }
}

KeysetPage Listing(const std::string& owner, bool newest_first) {
  return {.select = "SELECT id FROM items WHERE owner = $1",
          .params = {owner},
          .table = "items",
          .order_column = "at",
          .owner_column = "owner",
          .owner = owner,
          .newest_first = newest_first};
}

// Every id of `owner`'s listing, read `size` rows a page.
std::vector<std::string> ReadAll(Database& db, const std::string& owner, bool newest_first, int size) {
  std::vector<std::string> out;
  std::string cursor;
  for (int pages = 0; pages < 20; ++pages) {
    Result<ResultSet> rs = QueryKeysetPage(db, Listing(owner, newest_first), cursor, size);
    EXPECT_TRUE(rs.ok()) << rs.status().ToString();
    if (!rs.ok()) break;
    for (const Row& r : rs->rows) out.push_back(r.Str(0));
    if (static_cast<int>(rs->rows.size()) < size) break;
    cursor = rs->rows.back().Str(0);
  }
  return out;
}

TEST_P(StoreConformanceTest, KeysetPagesGiveEveryRowOnceInOrderEitherWay) {
  CreateRows(*db_);
  const std::vector<std::string> oldest_first = {"a00", "a01", "a02", "a03", "a04",
                                                 "a05", "a06", "a07", "a08", "a09"};
  const std::vector<std::string> newest_first(oldest_first.rbegin(), oldest_first.rend());
  for (int size : {1, 2, 3, 10, 11}) {
    EXPECT_EQ(ReadAll(*db_, "a", false, size), oldest_first) << "pages of " << size;
    EXPECT_EQ(ReadAll(*db_, "a", true, size), newest_first) << "pages of " << size;
  }
  EXPECT_EQ(ReadAll(*db_, "b", false, 2), (std::vector<std::string>{"b00", "b01", "b02"}));
}

TEST_P(StoreConformanceTest, AKeysetCursorMustBeARowOfTheListing) {
  CreateRows(*db_);
  KeysetPage unknown = Listing("a", false);
  unknown.unknown_cursor = "after: owner a has no such item";
  Result<ResultSet> nope = QueryKeysetPage(*db_, unknown, "nope", 5);
  EXPECT_EQ(nope.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(nope.status().message(), "after: owner a has no such item");
  EXPECT_EQ(QueryKeysetPage(*db_, Listing("a", false), "b01", 5).status().code(), StatusCode::kInvalidArgument)
      << "another owner's row is not a cursor";
  KeysetPage hostile = Listing("a", false);
  hostile.order_column = "at; DROP TABLE items";
  EXPECT_EQ(QueryKeysetPage(*db_, hostile, "a01", 5).status().code(), StatusCode::kInvalidArgument);
  NDC_ASSERT_OK_AND_ASSIGN(Row n, db_->QueryOne("SELECT COUNT(*) FROM items"));
  EXPECT_EQ(n.Int(0), 13);
}

}  // namespace
}  // namespace ndc::store
