#include "person/review_store.h"

#include <fmt/format.h>

namespace ndc::person {
namespace {

using store::Value;
using Params = std::vector<Value>;

constexpr char kReviewColumns[] =
    "id, dataset_id, record_key, person_key, weight, probability, status, created_at, updated_at";

ReviewItem ItemFromRow(const store::Row& r) {
  return {r.Int(0), r.Str(1), r.Str(2), r.Str(3), r.Double(4), r.Double(5), r.Str(6), r.Int(7), r.Int(8)};
}

}  // namespace

Result<int64_t> QueueReview(store::Executor& db, const ReviewItem& item, int64_t now) {
  ASSIGN_OR_RETURN(store::ResultSet existing,
                   db.Query("SELECT id FROM person_review WHERE dataset_id = $1 AND record_key = $2 AND "
                            "person_key = $3 AND status = 'pending'",
                            Params{item.dataset_id, item.record_key, item.person_key}));
  if (!existing.rows.empty()) {
    const int64_t id = existing.rows[0].Int(0);
    RETURN_IF_ERROR(db.Exec("UPDATE person_review SET weight = $1, probability = $2, updated_at = $3 WHERE id = $4",
                            Params{item.weight, item.probability, now, id})
                        .status());
    return id;
  }
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query("INSERT INTO person_review (dataset_id, record_key, person_key, weight, probability, "
                            "status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6) "
                            "RETURNING id",
                            Params{item.dataset_id, item.record_key, item.person_key, item.weight, item.probability,
                                   now}));
  return rs.rows.at(0).Int(0);
}

Result<std::vector<ReviewItem>> ListReview(store::Executor& db, const std::string& status,
                                           const std::string& dataset_id, int64_t after_id, int limit) {
  // Only the filters that are set are in the statement: SQLite plans a statement once, for any
  // parameter values, so "($1 = '' OR status = $1)" would scan by id and skip every row of other
  // statuses and datasets (millions of decided items on a national hub) to fill a page. Each form
  // below seeks an index: (status, id), (dataset_id, status, id) or (dataset_id, id) (0005, 0014).
  std::string where = "id > $1";
  Params params;
  params.reserve(4);
  params.emplace_back(after_id);
  for (const auto& [column, value] : {std::pair{"status", &status}, std::pair{"dataset_id", &dataset_id}}) {
    if (value->empty()) continue;
    params.emplace_back(*value);
    where += fmt::format(" AND {} = ${}", column, params.size());
  }
  params.emplace_back(int64_t{limit});
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query(fmt::format("SELECT {} FROM person_review WHERE {} ORDER BY id LIMIT ${}", kReviewColumns,
                                        where, params.size()),
                            params));
  std::vector<ReviewItem> out;
  for (const auto& r : rs.rows) out.push_back(ItemFromRow(r));
  return out;
}

Result<ReviewItem> GetReview(store::Executor& db, int64_t id) {
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query(fmt::format("SELECT {} FROM person_review WHERE id = $1", kReviewColumns), Params{id}));
  if (rs.rows.empty()) {
    return NotFoundError(fmt::format("no review item {}; `ndc review list` shows the pending ones", id));
  }
  return ItemFromRow(rs.rows[0]);
}

Status MarkReviewDecided(store::Executor& db, int64_t id, int64_t now) {
  ASSIGN_OR_RETURN(int64_t n, db.Exec("UPDATE person_review SET status = 'decided', updated_at = $1 WHERE id = $2 "
                                      "AND status = 'pending'",
                                      Params{now, id}));
  if (n == 1) return OkStatus();
  ASSIGN_OR_RETURN(ReviewItem item, GetReview(db, id));
  return FailedPreconditionError(fmt::format("review item {} is {}, not pending; nothing to decide", id, item.status));
}

Result<int64_t> SupersedeReviews(store::Executor& db, const std::string& dataset_id, const std::string& record_key,
                                 int64_t now) {
  return db.Exec("UPDATE person_review SET status = 'superseded', updated_at = $1 WHERE dataset_id = $2 AND "
                 "record_key = $3 AND status = 'pending'",
                 Params{now, dataset_id, record_key});
}

Status MoveReviewsToPerson(store::Executor& db, const std::string& from, const std::string& into, int64_t now) {
  RETURN_IF_ERROR(db.Exec("UPDATE person_review SET status = 'superseded', updated_at = $1 WHERE person_key = $2 "
                          "AND status = 'pending' AND EXISTS (SELECT 1 FROM person_review o WHERE o.person_key = $3 "
                          "AND o.status = 'pending' AND o.dataset_id = person_review.dataset_id AND "
                          "o.record_key = person_review.record_key)",
                          Params{now, from, into})
                      .status());
  return db
      .Exec("UPDATE person_review SET person_key = $3, updated_at = $1 WHERE person_key = $2 AND status = 'pending'",
            Params{now, from, into})
      .status();
}

Result<bool> NonMatchBetween(store::Executor& db, const std::string& members_of, const std::string& person) {
  // A decision names the person as it was then: one since merged into `person` counts as
  // `person` (before the review of 2026-11-30 it did not, and a merge could put a record into
  // the very person an operator had said it is not). The chain of merges is walked down from
  // `person` on persons.merged_into (indexed, migration 0021).
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query("WITH RECURSIVE absorbed (k) AS (SELECT CAST($2 AS TEXT) UNION "
                            "SELECT p.person_key FROM persons p JOIN absorbed a ON p.merged_into = a.k) "
                            "SELECT 1 FROM person_decisions d JOIN person_links l ON l.dataset_id = d.dataset_id "
                            "AND l.record_key = d.record_key WHERE l.person_key = $1 AND d.person_key IN "
                            "(SELECT k FROM absorbed) AND d.decision = 'non_match' LIMIT 1",
                            Params{members_of, person}));
  return !rs.rows.empty();
}

Result<bool> NonMatchEitherWay(store::Executor& db, const std::string& a, const std::string& b) {
  ASSIGN_OR_RETURN(bool one_way, NonMatchBetween(db, a, b));
  if (one_way) return true;
  return NonMatchBetween(db, b, a);
}

Status PutDecision(store::Executor& db, const Decision& d) {
  return db
      .Exec("INSERT INTO person_decisions (dataset_id, record_key, person_key, decision, review_id, decided_by, "
            "reason, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dataset_id, record_key, "
            "person_key) DO UPDATE SET decision = excluded.decision, review_id = excluded.review_id, "
            "decided_by = excluded.decided_by, reason = excluded.reason, decided_at = excluded.decided_at",
            Params{d.dataset_id, d.record_key, d.person_key, d.decision,
                   d.review_id ? Value(*d.review_id) : Value(), d.decided_by, d.reason, d.decided_at})
      .status();
}

Result<std::vector<Decision>> DecisionsFor(store::Executor& db, const std::string& dataset_id,
                                           const std::string& record_key) {
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query("SELECT dataset_id, record_key, person_key, decision, review_id, decided_by, reason, "
                            "decided_at FROM person_decisions WHERE dataset_id = $1 AND record_key = $2 "
                            "ORDER BY decided_at DESC, person_key",
                            Params{dataset_id, record_key}));
  std::vector<Decision> out;
  for (const auto& r : rs.rows) {
    out.push_back({r.Str(0), r.Str(1), r.Str(2), r.Str(3), r.OptInt(4), r.Str(5), r.Str(6), r.Int(7)});
  }
  return out;
}

}  // namespace ndc::person
