// person/review: operators' decisions on pairs and the explanation of a queued pair.
//
// Decide() stores the decision (person_decisions) and applies it at once, in one transaction:
//   match      the record joins the person: linked if it was waiting; if it belongs to another
//              person, the surrogate of the two is merged into the other (a `merged` event), or,
//              when both are registry persons, the record moves;
//   non_match  if the record is linked to that person it is split off to a new surrogate (a
//              `split` event on both); a waiting record founds a new surrogate.
// Every later linker run respects the decision (record_linker.h). Design:
// docs/design/person-repository.md ("Review").
//
// Thread-safe as the store is. Errors: kNotFound (unknown item, dataset or record),
// kFailedPrecondition (an item that is not pending; splitting an authoritative record from its
// own person; no model to explain with), kInvalidArgument (a bad decision), store errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/result.h"
#include "link/explain.h"
#include "link/model.h"
#include "link/settings.h"
#include "person/review_store.h"
#include "store/store.h"

namespace ndc::person {

struct DecisionRequest {
  std::string dataset_id;
  std::string record_key;
  std::string person_key;
  std::string decision;  // match | non_match
  std::optional<int64_t> review_id;
  std::string decided_by;  // "cli:<user>", "key:<id>"
  std::string reason;
};

struct DecisionOutcome {
  std::string outcome;     // linked | merged | moved | already linked | split | new person | not linked
  std::string person_key;  // where the record is now ("" if unlinked)
};

struct ReviewContext {
  store::Database* db = nullptr;
  catalog::Catalog* catalog = nullptr;
  Clock* clock = nullptr;
  RandomSource* random = nullptr;
};

// A decision's reason is kept with it and in both persons' event histories, read by other
// operators: UTF-8 text of 1 to 2,000 characters without control or invisible formatting
// characters (tab and line feed allowed). kInvalidArgument naming `what` (e.g. "body.reason",
// "--reason") and what is wrong. Decide() checks it too (as "a decision's reason").
Status CheckDecisionReason(std::string_view what, std::string_view reason);

// Decides a pending review item (its dataset, record and candidate person).
Result<DecisionOutcome> DecideReview(const ReviewContext& ctx, int64_t review_id, const std::string& decision,
                                     const std::string& decided_by, const std::string& reason);
// Decides any pair, e.g. "not a match" on an existing link.
Result<DecisionOutcome> Decide(const ReviewContext& ctx, const DecisionRequest& request);

// Why the item's record and person score what they do: the record's current attributes against
// the person's golden record under the dataset's model (`model` when given, else the stored one).
Result<link::Explanation> ExplainReview(const ReviewContext& ctx, const link::Settings& settings,
                                        const std::optional<link::Model>& model, int64_t review_id);

}  // namespace ndc::person
