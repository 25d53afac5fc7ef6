#include "person/discrepancy_store.h"

#include <map>

namespace ndc::person {
namespace {

using store::Value;
using Params = std::vector<Value>;

constexpr char kColumns[] =
    "SELECT dataset_id, record_key, attribute, person_key, source_value, authoritative_value, detected_at, "
    "resolved_at FROM person_discrepancies ";

DiscrepancyRow RowToDiscrepancy(const store::Row& r) {
  return {r.Str(0), r.Str(1), r.Str(2), r.Str(3), r.Str(4), r.Str(5), r.Int(6), r.OptInt(7)};
}

}  // namespace

Result<int64_t> SyncDiscrepancies(store::Executor& db, const std::string& dataset_id, const std::string& record_key,
                                  const std::string& person_key, const std::vector<Disagreement>& current,
                                  int64_t now) {
  ASSIGN_OR_RETURN(store::ResultSet rs, db.Query(std::string(kColumns) + "WHERE dataset_id = $1 AND record_key = $2",
                                                 Params{dataset_id, record_key}));
  std::map<std::string, DiscrepancyRow> stored;
  for (const auto& r : rs.rows) {
    DiscrepancyRow d = RowToDiscrepancy(r);
    stored.emplace(d.attribute, std::move(d));
  }
  int64_t changed = 0;
  for (const auto& d : current) {
    auto it = stored.find(d.attribute);
    if (it != stored.end() && !it->second.resolved_at && it->second.person_key == person_key &&
        it->second.source_value == d.source_value && it->second.authoritative_value == d.authoritative_value) {
      stored.erase(it);
      continue;
    }
    const bool reopen = it == stored.end() || it->second.resolved_at.has_value();
    RETURN_IF_ERROR(
        db.Exec("INSERT INTO person_discrepancies (dataset_id, record_key, attribute, person_key, source_value, "
                "authoritative_value, detected_at, resolved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL) "
                "ON CONFLICT (dataset_id, record_key, attribute) DO UPDATE SET person_key = excluded.person_key, "
                "source_value = excluded.source_value, authoritative_value = excluded.authoritative_value, "
                "detected_at = CASE WHEN $8 = 1 THEN excluded.detected_at ELSE person_discrepancies.detected_at END, "
                "resolved_at = NULL",
                Params{dataset_id, record_key, d.attribute, person_key, d.source_value, d.authoritative_value, now,
                       int64_t{reopen ? 1 : 0}})
            .status());
    ++changed;
    if (it != stored.end()) stored.erase(it);
  }
  for (const auto& [attribute, d] : stored) {  // open ones that no longer disagree
    if (d.resolved_at) continue;
    RETURN_IF_ERROR(db.Exec("UPDATE person_discrepancies SET resolved_at = $1 WHERE dataset_id = $2 AND "
                            "record_key = $3 AND attribute = $4",
                            Params{now, dataset_id, record_key, attribute})
                        .status());
    ++changed;
  }
  return changed;
}

Result<std::vector<DiscrepancyRow>> ListDiscrepancies(store::Executor& db, const std::string& dataset_id,
                                                      const DiscrepancyPage& page) {
  // A row-value comparison, so that both stores start the page by seeking the index: the primary
  // key with the resolved ones, the partial index of open ones (migration 0014) without them.
  // Spelled as an OR, or with the filter as a parameter, the page scanned the dataset's rows from
  // its start (or every resolved row in between) each time.
  const char* const sql = page.include_resolved
                              ? "WHERE dataset_id = $1 AND (record_key, attribute) > ($2, $3) "
                                "ORDER BY record_key, attribute LIMIT $4"
                              : "WHERE dataset_id = $1 AND (record_key, attribute) > ($2, $3) AND resolved_at IS NULL "
                                "ORDER BY record_key, attribute LIMIT $4";
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query(std::string(kColumns) + sql,
                            Params{dataset_id, page.after_record, page.after_attribute, int64_t{page.limit}}));
  std::vector<DiscrepancyRow> out;
  for (const auto& r : rs.rows) out.push_back(RowToDiscrepancy(r));
  return out;
}

}  // namespace ndc::person
