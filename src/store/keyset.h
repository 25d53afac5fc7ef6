// store/keyset: one page of a listing in (order column, id) order that continues from a row
// named by its id. A keyset page seeks an index on (filter columns..., order column, id) however
// deep the page is, where OFFSET would step over every row before it. docs/design/store.md,
// "Statements that stay bounded at national scale".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/store.h"

namespace ndc::store {

struct KeysetPage {
  // "SELECT … FROM <table> WHERE …": the listing's rows, filtered with $1..$n of `params`; no
  // ORDER BY and no LIMIT (the page adds them, and its cursor's parameters after `params`).
  std::string select;
  std::vector<Value> params;
  // Where the cursor row is looked up; safe identifiers (IsSafeIdentifier). The table has a TEXT
  // `id` column, unique, and `order_column` is a BIGINT: (order_column, id) orders the listing.
  std::string_view table;
  std::string_view order_column;
  // The cursor must be a row of the same listing: `owner_column` = `owner` (checked with the id).
  std::string_view owner_column;
  Value owner;
  // Newest first: (order_column, id) descending, the page continues before the cursor.
  bool newest_first = false;
  // The kInvalidArgument message when `table` has no row with the cursor's id and owner: which
  // query parameter was wrong and where a good one comes from.
  std::string unknown_cursor;
};

// The rows of `page` after the row whose id is `cursor` (newest first: before it), at most
// `limit`; from the start of the listing when `cursor` is empty. kInvalidArgument with
// `page.unknown_cursor` when the cursor names no row of the listing.
Result<ResultSet> QueryKeysetPage(Executor& db, KeysetPage page, std::string_view cursor, int64_t limit);

}  // namespace ndc::store
