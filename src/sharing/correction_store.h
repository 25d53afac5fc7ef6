// sharing/correction_store: correction requests — a citizen's claim that one field of a record
// about them is wrong (POST /v1/me/corrections), routed to the agency that owns the dataset, which
// lists them beside the linker's discrepancies. Table correction_requests (0007_citizen.sql).
// Design: docs/design/sharing.md, "Citizens".
//
// Functions of an Executor; thread-safe as the store is. Errors: store errors as mapped;
// kDataLoss for a corrupt row.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/result.h"
#include "store/store.h"

namespace ndc::sharing {

struct CorrectionRequest {
  std::string id;  // "cor_" + 16 random hex digits
  std::string dataset_id;
  std::string record_key;
  std::string field;
  std::string person_key;                    // whose request it is (follows merges into the survivor)
  std::optional<std::string> current_value;  // the record's value when asked (nullopt: empty)
  std::string claimed_value;
  std::string note;
  std::string status = "open";  // open | accepted | rejected
  int64_t created_at = 0;
  std::optional<int64_t> resolved_at;
  std::string answer;       // the owner's text for the person, once answered
  std::string answered_by;  // the answering agency ("operator" for an operator), once answered
  // The person the asking citizen's key is bound to, kept through merges (person_key follows
  // them): a split that undoes a merge gives the request back to it. Empty before migration 0024.
  std::string asked_by;
};

// A person has at most this many open requests (kFailedPrecondition past it): each one is work
// for an agency, and a person's list is read a page at a time but should not grow at request rate.
inline constexpr int kMaxOpenCorrectionsPerPerson = 100;
// Whether CreateCorrection refused `s` for that bound (the person's refusal), not a store error.
bool IsOpenCorrectionsBound(const Status& s);
// Stores `draft` as an open request made at `now`; assigns and returns its id. It is stored under
// the person `draft.asked_by` (else `draft.person_key`) stands for when its transaction runs: the
// end of that person's merges (sharing::TakeTurnOfSurvivor). The count of the
// person's open requests and the insert are one transaction that takes turns with the person's
// other requests (store::SerializeOn), so requests sent at once cannot pass the bound.
Result<CorrectionRequest> CreateCorrection(store::Database& db, CorrectionRequest draft, RandomSource* random,
                                           int64_t now);
// The dataset's requests, oldest first, created after `after_id`'s position (keyset on
// (created_at, id); empty: from the start; kInvalidArgument if it names no request of this
// dataset); only open
// ones unless `include_closed`.
Result<std::vector<CorrectionRequest>> ListCorrections(store::Executor& db, const std::string& dataset_id,
                                                       const std::string& after_id, int limit, bool include_closed);
// The person's own requests, newest first, a page at a time: those made before `before_id`'s
// request (empty: from the newest), at most `limit`. kInvalidArgument when `before_id` names no
// request of this person.
Result<std::vector<CorrectionRequest>> CorrectionsOfPerson(store::Executor& db, const std::string& person_key,
                                                           const std::string& before_id, int limit);

// Answers the open request `id` of `dataset_id` at `now`: accepted or rejected, with `answer` for
// the person, by `answered_by`. One conditional UPDATE, so of two answers sent at once one wins
// and the other gets kFailedPrecondition (as does any answer to an answered request); kNotFound
// when the dataset has no such request. Returns the answered request.
Result<CorrectionRequest> AnswerCorrection(store::Database& db, const std::string& dataset_id, const std::string& id,
                                           bool accepted, const std::string& answer, const std::string& answered_by,
                                           int64_t now);

// {"id", "dataset", "record", "field", "person", "current_value", "claimed_value", "note",
//  "status", "created_at", "resolved_at", "answer", "answered_by"} (times RFC 3339; absent values
// null).
nlohmann::json CorrectionJson(const CorrectionRequest& c);

}  // namespace ndc::sharing
