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
    ASSIGN_OR_RETURN(ResultSet at, db.Query(fmt::format("SELECT {} FROM {} WHERE id = $1 AND {} = $2",
                                                        QuoteIdentifier(page.order_column),
                                                        QuoteIdentifier(page.table),
                                                        QuoteIdentifier(page.owner_column)),
                                            at_p));
    if (at.rows.empty()) return NotFoundError(fmt::format("{}: no row '{}' in this listing", page.table, cursor));
    sql += fmt::format(" AND ({}, id) {} (${}, ${})", QuoteIdentifier(page.order_column),
                       page.newest_first ? "<" : ">", params.size() + 1, params.size() + 2);
    params.emplace_back(at.rows[0].Int(0));
    params.emplace_back(std::string(cursor));
  }
  sql += fmt::format(" ORDER BY {}{}, id{} LIMIT ${}", QuoteIdentifier(page.order_column), direction, direction,
                     params.size() + 1);
  params.emplace_back(limit);
  return db.Query(sql, params);
}

}  // namespace ndc::store
