#include "sharing/correction_store.h"

#include <fmt/format.h>

#include "common/clock.h"
#include "sharing/surviving_person.h"
#include "store/keyset.h"

namespace ndc::sharing {
namespace {

using store::Value;
using Params = std::vector<Value>;

// How the bound's refusal begins (IsOpenCorrectionsBound); no store error's text does.
constexpr std::string_view kOpenBoundPrefix = "you have";

constexpr char kSelect[] =
    "SELECT id, dataset_id, record_key, field, person_key, current_value, claimed_value, note, status, created_at, "
    "resolved_at, answer, answered_by, asked_by FROM correction_requests ";

CorrectionRequest FromRow(const store::Row& r) {
  return {r.Str(0),    r.Str(1),  r.Str(2),    r.Str(3),  r.Str(4),
          r.OptStr(5), r.Str(6),  r.Str(7),    r.Str(8),  r.Int(9),
          r.OptInt(10), r.IsNull(11) ? "" : r.Str(11), r.IsNull(12) ? "" : r.Str(12), r.IsNull(13) ? "" : r.Str(13)};
}

std::vector<CorrectionRequest> FromRows(const store::ResultSet& rs) {
  std::vector<CorrectionRequest> out;
  out.reserve(rs.rows.size());
  for (const auto& r : rs.rows) out.push_back(FromRow(r));
  return out;
}

}  // namespace

bool IsOpenCorrectionsBound(const Status& s) {
  return s.code() == StatusCode::kFailedPrecondition && s.message().starts_with(kOpenBoundPrefix);
}

Result<CorrectionRequest> CreateCorrection(store::Database& db, CorrectionRequest draft, RandomSource* random,
                                           int64_t now) {
  ASSIGN_OR_RETURN(auto tx, db.Begin());
  // Merged since the caller resolved the key: the request belongs to the survivor, as the
  // person's others now do (and takes the survivor's turn for its bound). The way there starts
  // at the asking key's own person, taking each turn on it: a split giving that person back
  // (person::GiveBackCorrections) holds its turn, and the request then finds it active again
  // (review of 2026-12-02: from the survivor, it took no turn the split held and stayed there).
  ASSIGN_OR_RETURN(draft.person_key, TakeTurnOfSurvivor(*tx, "corrections.open:",
                                                        draft.asked_by.empty() ? draft.person_key : draft.asked_by));
  ASSIGN_OR_RETURN(store::ResultSet open,
                   tx->Query("SELECT COUNT(*) FROM (SELECT 1 FROM correction_requests WHERE person_key = $1 AND "
                             "status = 'open' LIMIT $2) o",
                             Params{draft.person_key, int64_t{kMaxOpenCorrectionsPerPerson}}));
  if (!open.rows.empty() && open.rows[0].Int(0) >= kMaxOpenCorrectionsPerPerson) {
    return FailedPreconditionError(fmt::format("{} {} open correction requests, the most one person may: wait until "
                                               "the owning agencies answer some of them",
                                               kOpenBoundPrefix, kMaxOpenCorrectionsPerPerson));
  }
  draft.id = "cor_" + HexEncode(random->Bytes(8));
  draft.status = "open";
  draft.created_at = now;
  draft.resolved_at.reset();
  auto n = tx->Exec("INSERT INTO correction_requests (id, dataset_id, record_key, field, person_key, current_value, "
                    "claimed_value, note, status, created_at, asked_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                    "'open', $9, $10)",
                    Params{draft.id, draft.dataset_id, draft.record_key, draft.field, draft.person_key,
                           draft.current_value ? Value{*draft.current_value} : Value{}, draft.claimed_value,
                           draft.note, now, draft.asked_by.empty() ? Value{} : Value{draft.asked_by}});
  if (!n.ok()) return n.status().WithContext("storing the correction request");
  if (Status s = tx->Commit(); !s.ok()) return s.WithContext("storing the correction request");
  return draft;
}

Result<std::vector<CorrectionRequest>> ListCorrections(store::Executor& db, const std::string& dataset_id,
                                                       const std::string& after_id, int limit, bool include_closed) {
  // Keyset on (dataset_id, created_at, id). Each filter is in the statement only when it applies
  // (SQLite plans a statement once for any parameter values), so a page seeks the open ones'
  // partial index without closed requests (migration 0014) instead of scanning the dataset's.
  store::KeysetPage page{.select = std::string(kSelect) + "WHERE dataset_id = $1",
                         .params = {dataset_id},
                         .table = "correction_requests",
                         .order_column = "created_at",
                         .owner_column = "dataset_id",
                         .owner = dataset_id,
                         .unknown_cursor = fmt::format(
                             "after: dataset '{}' has no correction request '{}' to continue after", dataset_id,
                             after_id)};
  if (!include_closed) page.select += " AND status = 'open'";
  ASSIGN_OR_RETURN(store::ResultSet rs, store::QueryKeysetPage(db, std::move(page), after_id, limit));
  return FromRows(rs);
}

Result<std::vector<CorrectionRequest>> CorrectionsOfPerson(store::Executor& db, const std::string& person_key,
                                                           const std::string& before_id, int limit) {
  // Keyset on (person_key, created_at, id) (migration 0015), newest first.
  Result<store::ResultSet> rs = store::QueryKeysetPage(db,
                                                       {.select = std::string(kSelect) + "WHERE person_key = $1",
                                                        .params = {person_key},
                                                        .table = "correction_requests",
                                                        .order_column = "created_at",
                                                        .owner_column = "person_key",
                                                        .owner = person_key,
                                                        .newest_first = true,
                                                        .unknown_cursor = fmt::format(
                                                            "query.before: you have no correction request '{}' "
                                                            "(use the previous page's next_before)",
                                                            before_id)},
                                                       before_id, limit);
  if (!rs.ok()) return rs.status();
  return FromRows(*rs);
}

Result<CorrectionRequest> AnswerCorrection(store::Database& db, const std::string& dataset_id, const std::string& id,
                                           bool accepted, const std::string& answer, const std::string& answered_by,
                                           int64_t now) {
  ASSIGN_OR_RETURN(auto tx, db.Begin());
  ASSIGN_OR_RETURN(int64_t changed,
                   tx->Exec("UPDATE correction_requests SET status = $1, resolved_at = $2, answer = $3, answered_by = "
                            "$4 WHERE id = $5 AND dataset_id = $6 AND status = 'open'",
                            Params{std::string(accepted ? "accepted" : "rejected"), now, answer, answered_by, id,
                                   dataset_id}));
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   tx->Query(std::string(kSelect) + "WHERE id = $1 AND dataset_id = $2", Params{id, dataset_id}));
  if (rs.rows.empty()) {
    return NotFoundError(fmt::format("dataset '{}' has no correction request '{}'", dataset_id, id));
  }
  CorrectionRequest c = FromRow(rs.rows[0]);
  if (changed == 0) {
    return FailedPreconditionError(fmt::format("correction request '{}' was already answered ({}); an answer is final",
                                               id, c.status));
  }
  if (Status s = tx->Commit(); !s.ok()) return s.WithContext("storing the answer to the correction request");
  return c;
}

nlohmann::json CorrectionJson(const CorrectionRequest& c) {
  using nlohmann::json;
  return {{"id", c.id},
          {"dataset", c.dataset_id},
          {"record", c.record_key},
          {"field", c.field},
          {"person", c.person_key.empty() ? json(nullptr) : json(c.person_key)},  // empty: not disclosed
          {"current_value", c.current_value ? json(*c.current_value) : json(nullptr)},
          {"claimed_value", c.claimed_value},
          {"note", c.note},
          {"status", c.status},
          {"created_at", FormatRfc3339(c.created_at)},
          {"resolved_at", c.resolved_at ? json(FormatRfc3339(*c.resolved_at)) : json(nullptr)},
          {"answer", c.status == "open" ? json(nullptr) : json(c.answer)},
          {"answered_by", c.answered_by.empty() ? json(nullptr) : json(c.answered_by)}};
}

}  // namespace ndc::sharing
