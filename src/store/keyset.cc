#include "store/keyset.h"

#include <fmt/format.h>

namespace ndc::store {

Result<ResultSet> QueryKeysetPage(Executor& db, KeysetPage page, std::string_view cursor, int64_t limit) {
  for (std::string_view name : {page.table, page.order_column, page.owner_column}) {
    if (!IsSafeIdentifier(name)) return InvalidArgumentError(fmt::format("keyset page: '{}' is not a safe name", name));
  }
  std::string sql = std::move(page.select);
  std::vector<Value> params = std::move(page.params);
  const char* const direction = page.newest_first ? " DESC" : "";
  if (!cursor.empty()) {
    const Value at_p[] = {std::string(cursor), page.owner};
    // Names unquoted (each passed IsSafeIdentifier): SQLite would read a misspelt "name" in
    // double quotes as a string and order by a constant, where PostgreSQL fails.
    ASSIGN_OR_RETURN(ResultSet at, db.Query(fmt::format("SELECT {} FROM {} WHERE id = $1 AND {} = $2",
                                                        page.order_column, page.table, page.owner_column),
                                            at_p));
    if (at.rows.empty()) {
      return InvalidArgumentError(page.unknown_cursor.empty()
                                      ? fmt::format("no row '{}' of {} to continue from", cursor, page.table)
                                      : page.unknown_cursor);
    }
    sql += fmt::format(" AND ({}, id) {} (${}, ${})", page.order_column, page.newest_first ? "<" : ">",
                       params.size() + 1, params.size() + 2);
    params.emplace_back(at.rows[0].Int(0));
    params.emplace_back(std::string(cursor));
  }
  sql += fmt::format(" ORDER BY {}{}, id{} LIMIT ${}", page.order_column, direction, direction, params.size() + 1);
  params.emplace_back(limit);
  return db.Query(sql, params);
}

}  // namespace ndc::store
