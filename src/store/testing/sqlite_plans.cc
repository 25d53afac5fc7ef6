#include "store/testing/sqlite_plans.h"

#include <string_view>
#include <utility>

namespace ndc::store {
namespace {

// Passes everything to `db`, keeping each Query's SQL and parameters.
class Recording : public Executor {
 public:
  explicit Recording(Database& db) : db_(db) {}
  Result<ResultSet> Query(std::string_view sql, std::span<const Value> params) override {
    seen.emplace_back(std::string(sql), std::vector<Value>(params.begin(), params.end()));
    return db_.Query(sql, params);
  }
  Result<int64_t> Exec(std::string_view sql, std::span<const Value> params) override { return db_.Exec(sql, params); }
  Status ExecScript(std::string_view sql) override { return db_.ExecScript(sql); }
  Backend backend() const override { return db_.backend(); }
  std::vector<std::pair<std::string, std::vector<Value>>> seen;

 private:
  Database& db_;
};

}  // namespace

std::string SqlitePlanProblems(Database& db, const std::function<void(Executor&)>& run,
                               const std::vector<std::string>& allowed_scans) {
  std::string problems;
  if (db.backend() != Backend::kSqlite) return "SqlitePlanProblems needs a SQLite store\n";
  Recording recording(db);
  run(recording);
  for (const auto& [sql, params] : recording.seen) {
    Result<ResultSet> plan = db.Query("EXPLAIN QUERY PLAN " + sql, params);
    if (!plan.ok()) {
      problems += sql + ": no plan: " + plan.status().ToString() + "\n";
      continue;
    }
    for (const Row& step : plan->rows) {
      const std::string detail = step.Str(3);  // id, parent, notused, detail
      // A scan through an index walks it in order and stops at the LIMIT; a scan of the table
      // itself reads all of it, and a temporary B-tree sorts everything that matched.
      const bool table_scan = detail.rfind("SCAN ", 0) == 0 && detail.find(" USING INDEX ") == std::string::npos &&
                              detail.find(" USING COVERING INDEX ") == std::string::npos;
      bool problem = table_scan || detail.find("USE TEMP B-TREE") != std::string::npos;
      for (const auto& table : allowed_scans) {
        if (detail == "SCAN " + table || detail.rfind("SCAN " + table + " ", 0) == 0) problem = false;
      }
      if (problem) problems += sql + ": " + detail + "\n";
    }
  }
  return problems;
}

}  // namespace ndc::store
