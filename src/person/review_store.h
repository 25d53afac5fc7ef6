// person/review_store: the review queue (pairs between the thresholds) and operators' decisions
// on (record, person) pairs, as functions of an Executor. Design:
// docs/design/person-repository.md ("Review"). Thread-safe as the store is.
// Errors: kNotFound for an unknown review item; store errors as mapped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/store.h"

namespace ndc::person {

struct ReviewItem {
  int64_t id = 0;
  std::string dataset_id;
  std::string record_key;
  std::string person_key;  // the candidate person
  double weight = 0;
  double probability = 0;
  std::string status;  // pending | decided | superseded
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// Queues a pending item; returns its id. An item pending for the same record and person is
// updated (weight, probability) instead of duplicated.
Result<int64_t> QueueReview(store::Executor& db, const ReviewItem& item, int64_t now);
// Items with id > after_id in id order; `status` empty: any; `dataset_id` empty: any.
Result<std::vector<ReviewItem>> ListReview(store::Executor& db, const std::string& status,
                                           const std::string& dataset_id, int64_t after_id, int limit);
Result<ReviewItem> GetReview(store::Executor& db, int64_t id);
// Marks a pending item decided, in one conditional statement: kFailedPrecondition when it is not
// pending (any more). Two decisions of one item at once — two operators, two nodes — cannot both
// pass: the second waits for the first's row lock, then finds it decided.
Status MarkReviewDecided(store::Executor& db, int64_t id, int64_t now);
// Marks the record's pending items superseded (the record changed or was deleted); returns how many.
Result<int64_t> SupersedeReviews(store::Executor& db, const std::string& dataset_id, const std::string& record_key,
                                 int64_t now);

// The person `from` was merged into `into`: its pending items name `into` from now on (their
// records wait, unlinked, for a decision about the person that absorbed `from`); one whose record
// already has a pending item naming `into` is superseded instead of doubled.
Status MoveReviewsToPerson(store::Executor& db, const std::string& from, const std::string& into, int64_t now);

struct Decision {
  std::string dataset_id;
  std::string record_key;
  std::string person_key;
  std::string decision;  // match | non_match
  std::optional<int64_t> review_id;
  std::string decided_by;
  std::string reason;
  int64_t decided_at = 0;
};

// Whether an operator declared some record now linked to `members_of` a non-match with `person`
// (so merging `members_of` into `person` would undo that decision).
Result<bool> NonMatchBetween(store::Executor& db, const std::string& members_of, const std::string& person);
// Whether merging `a` and `b` (either into the other) would contradict a non-match: a record of
// either declared not the other (or not a person since merged into it).
Result<bool> NonMatchEitherWay(store::Executor& db, const std::string& a, const std::string& b);

// Stores (or replaces: an operator may change their mind) the decision on a pair.
Status PutDecision(store::Executor& db, const Decision& d);
// The decisions on a record, newest first.
Result<std::vector<Decision>> DecisionsFor(store::Executor& db, const std::string& dataset_id,
                                           const std::string& record_key);

}  // namespace ndc::person
