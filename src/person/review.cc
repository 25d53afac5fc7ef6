#include "person/review.h"

#include <fmt/format.h>

#include <cmath>

#include "common/json.h"
#include "person/attributes.h"
#include "person/linker.h"
#include "person/person_index.h"
#include "person/person_ops.h"
#include "person/person_store.h"
#include "text/unicode.h"

namespace ndc::person {
namespace {

Result<RecordState> LiveRecord(const ReviewContext& ctx, const std::string& dataset_id, const std::string& key) {
  ASSIGN_OR_RETURN(catalog::DatasetInfo dataset, ctx.catalog->GetDataset(dataset_id));
  ASSIGN_OR_RETURN(std::optional<RecordState> record, ReadRecord(*ctx.db, dataset, key));
  if (!record || record->deleted) {
    return NotFoundError(fmt::format("the record of {} was {}", dataset_id, record ? "deleted" : "never loaded"));
  }
  return *record;
}

// Applies a decision inside `tx`.
Result<DecisionOutcome> Apply(store::Transaction& tx, PersonOps& ops, const OpsContext& octx,
                              const DecisionRequest& r, const RecordState& record) {
  ASSIGN_OR_RETURN(std::optional<std::string> target, ResolvePerson(tx, r.person_key));
  if (!target) return NotFoundError(fmt::format("no person {}", r.person_key));
  ASSIGN_OR_RETURN(std::optional<Link> link, GetLink(tx, r.dataset_id, r.record_key));
  const std::optional<std::string> current = link ? std::optional(link->person_key) : std::nullopt;
  auto surrogate = [](const std::string& key) { return key[0] == 'S'; };
  if (r.decision == "match") {
    if (!current) {
      RETURN_IF_ERROR(ops.Attach(r.dataset_id, record, *target, "review", std::nullopt));
      return DecisionOutcome{"linked", *target};
    }
    if (*current == *target) return DecisionOutcome{"already linked", *target};
    if (surrogate(*current)) {
      // The whole surrogate joins the target, unless an operator declared one of its records not
      // the target: then only this record moves, and that decision stands.
      ASSIGN_OR_RETURN(bool refused, NonMatchEitherWay(tx, *current, *target));
      if (!refused) {
        RETURN_IF_ERROR(ops.Merge(*current, *target, "operator decision: " + r.reason));
        return DecisionOutcome{"merged", *target};
      }
    } else if (surrogate(*target)) {
      ASSIGN_OR_RETURN(bool refused, NonMatchEitherWay(tx, *target, *current));
      if (refused) {
        return FailedPreconditionError(fmt::format(
            "an operator declared a record of one of {} and {} not the other, so {} cannot be merged into {}: "
            "decide non-match for this item, or change that decision first",
            *target, *current, *target, *current));
      }
      RETURN_IF_ERROR(ops.Merge(*target, *current, "operator decision: " + r.reason));
      return DecisionOutcome{"merged", *current};
    }
    if (r.dataset_id == octx.authority && link->method == "authority") {
      // Between two registry persons: the record is its person's by the personal ID. (A
      // surrogate is merged above, which is what an authority item asks for.)
      return FailedPreconditionError(fmt::format(
          "the record is the authoritative record of person {} (its personal ID is that person's key), so it "
          "cannot be moved to {}; correct the record at its source, or decide the other person's records instead",
          *current, *target));
    }
    RETURN_IF_ERROR(ops.Attach(r.dataset_id, record, *target, "review", std::nullopt));
    return DecisionOutcome{"moved", *target};
  }
  if (current && *current == *target) {
    if (r.dataset_id == octx.authority) {
      return FailedPreconditionError(
          "the record is the authoritative record of this person (its personal ID is the person's key); "
          "correct the record at its source instead");
    }
    ASSIGN_OR_RETURN(std::string fresh,
                     ops.Split(r.dataset_id, r.record_key, "operator decision: " + r.reason, r.person_key));
    return DecisionOutcome{"split", fresh};
  }
  if (!current && r.dataset_id != octx.authority) {
    ASSIGN_OR_RETURN(std::string fresh, ops.NewSurrogate("operator decided the record is not " + *target));
    RETURN_IF_ERROR(ops.Attach(r.dataset_id, record, fresh, "review", std::nullopt));
    return DecisionOutcome{"new person", fresh};
  }
  return DecisionOutcome{"not linked", current.value_or("")};
}

}  // namespace

Status CheckDecisionReason(std::string_view what, std::string_view reason) {
  const size_t characters = text::CountCodePoints(reason);  // as the OpenAPI document's maxLength
  if (characters == 0 || characters > 2000 || !text::IsValidUtf8(reason)) {
    return InvalidArgumentError(fmt::format("{} is UTF-8 text of 1 to 2000 characters", what));
  }
  return text::CheckDisplayText(what, reason, U"\t\n");
}

Result<DecisionOutcome> Decide(const ReviewContext& ctx, const DecisionRequest& r) {
  if (r.decision != "match" && r.decision != "non_match") {
    return InvalidArgumentError(fmt::format("decision '{}': expected match or non-match", r.decision));
  }
  RETURN_IF_ERROR(CheckDecisionReason("a decision's reason", r.reason));
  ASSIGN_OR_RETURN(RecordState record, LiveRecord(ctx, r.dataset_id, r.record_key));
  ASSIGN_OR_RETURN(LinkPolicy policy, LoadLinkPolicy(*ctx.db));
  OpsContext octx{ctx.clock->NowMicros(), policy.authority, policy.priority, ctx.random};
  ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx, ctx.db->Begin());
  if (r.review_id) {
    // Claimed by one conditional UPDATE, before anything is read for the decision: a second
    // decision of the same item (another operator, another node) waits for this one's row lock
    // and then finds the item decided, instead of overriding it.
    RETURN_IF_ERROR(MarkReviewDecided(*tx, *r.review_id, octx.now));
  }
  RETURN_IF_ERROR(PutDecision(*tx, Decision{r.dataset_id, r.record_key, r.person_key, r.decision, r.review_id,
                                            r.decided_by, r.reason, octx.now}));
  PersonOps ops(tx.get(), &octx);
  ASSIGN_OR_RETURN(DecisionOutcome out, Apply(*tx, ops, octx, r, record));
  RETURN_IF_ERROR(tx->Commit());
  return out;
}

Result<DecisionOutcome> DecideReview(const ReviewContext& ctx, int64_t review_id, const std::string& decision,
                                     const std::string& decided_by, const std::string& reason) {
  ASSIGN_OR_RETURN(ReviewItem item, GetReview(*ctx.db, review_id));
  std::string d = decision == "non-match" ? "non_match" : decision;
  return Decide(ctx, DecisionRequest{item.dataset_id, item.record_key, item.person_key, d, review_id, decided_by,
                                     reason});
}

Result<link::Explanation> ExplainReview(const ReviewContext& ctx, const link::Settings& settings,
                                        const std::optional<link::Model>& model, int64_t review_id) {
  ASSIGN_OR_RETURN(ReviewItem item, GetReview(*ctx.db, review_id));
  link::Model m;
  if (model) {
    m = *model;
  } else {
    ASSIGN_OR_RETURN(std::optional<std::string> stored, GetPersonSetting(*ctx.db, "model:" + item.dataset_id));
    if (!stored) {
      return FailedPreconditionError(fmt::format("no stored linkage model for {}; run `ndc link run` first",
                                                 item.dataset_id));
    }
    ASSIGN_OR_RETURN(m, link::ModelFromJson(*stored));
  }
  RETURN_IF_ERROR(link::CheckModel(settings, m));
  ASSIGN_OR_RETURN(RecordState record, LiveRecord(ctx, item.dataset_id, item.record_key));
  ASSIGN_OR_RETURN(std::optional<std::string> person, ResolvePerson(*ctx.db, item.person_key));
  ASSIGN_OR_RETURN(std::vector<GoldenValue> golden, GetGolden(*ctx.db, person.value_or(item.person_key)));
  Attributes g;
  for (const auto& v : golden) g[v.attribute] = v.value;
  link::RecordTable left(settings), right(settings);
  left.Add(item.dataset_id + ":" + item.record_key, ToEngineValues(record.attributes));
  right.Add(person.value_or(item.person_key), ToEngineValues(g));
  // The person's values weigh by their frequency among the persons the link run scored against
  // (a one-row table would count each as held by everyone): the holders of the value from the
  // store (one index seek), the run's denominator from what it stored. Without a stored base (no
  // link run of the dataset since this was added), or for a value the store does not hold as such
  // (derived or joined by the table), a value weighs as the model's u: no adjustment.
  ASSIGN_OR_RETURN(std::optional<std::string> stored_base,
                   GetPersonSetting(*ctx.db, std::string(kTermFrequencySetting) + item.dataset_id));
  nlohmann::json base = nlohmann::json::object();
  if (stored_base) {
    Result<nlohmann::json> parsed = ParseJson(*stored_base);
    if (parsed.ok() && parsed->is_object()) base = std::move(*parsed);
  }
  const bool surrogates_only = base.value("_surrogates_only", false);
  for (size_t c = 0; c < settings.comparisons.size(); ++c) {
    const link::ComparisonSpec& spec = settings.comparisons[c];
    if (!spec.tf_adjust) continue;
    // The person's stored value, when the comparison reads one attribute that is stored; a value
    // the table derives (a full name from its parts) or joins has no count in the store.
    auto value = spec.attributes.size() == 1 ? g.find(spec.attributes[0]) : g.end();
    if (value != g.end() && value->second.empty()) value = g.end();
    constexpr int64_t kMax = UINT32_MAX;
    const auto present = base.find(spec.name);
    if (value == g.end() || present == base.end() || !present->is_number_integer() ||
        present->get<int64_t>() <= 0) {
      // count / present = u: log2(u / tf) = 0.
      const double u = c < m.comparisons.size() && !m.comparisons[c].levels.empty() ? m.comparisons[c].levels[0].u : 0;
      if (u > 0) right.SetValueFrequency(c, 0, 1, static_cast<uint32_t>(std::min<double>(std::round(1 / u), kMax)));
      continue;
    }
    ASSIGN_OR_RETURN(int64_t holders, GoldenValueHolders(*ctx.db, spec.attributes[0], value->second, surrogates_only));
    right.SetValueFrequency(c, 0, static_cast<uint32_t>(std::min(holders, kMax)),
                            static_cast<uint32_t>(std::min(present->get<int64_t>(), kMax)));
  }
  return link::Explain(settings, m, left, 0, right, 0);
}

}  // namespace ndc::person
