// Person repository routes: a person's golden record, a dataset's discrepancies (for the owning
// agency to correct its data), the review queue with explanations, and operators' decisions.
// Roles: discrepancies for operators and the owning agency; review for operators. The person
// read (GET /v1/persons/{key}) is in routes_sharing.cc: agencies and citizens read under policy.
// Reads that disclose personal data are audited before the answer is sent; decisions are
// audited changes. docs/design/person-repository.md, docs/api/openapi.yaml.
#include <fmt/format.h>

#include <charconv>

#include "api/audit_text.h"
#include "api/json_body.h"
#include "api/query_params.h"
#include "api/service.h"
#include "common/crypto.h"
#include "common/json.h"
#include "link/explain.h"
#include "link/settings.h"
#include "person/discrepancy_store.h"
#include "person/person_json.h"
#include "person/person_store.h"
#include "person/review.h"

namespace ndc::api {

using auth::Role;
using nlohmann::json;

namespace {

const std::set<Role> kOperator = {Role::kOperator};
const std::set<Role> kOperatorOrAgency = {Role::kOperator, Role::kAgency};
constexpr int kMaxPage = 5000;

Result<int64_t> ReviewId(const RouteContext& ctx) {
  const std::string& text = ctx.params.at("id");
  int64_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || ptr != text.data() + text.size() || id <= 0) {
    return NotFoundError(fmt::format("no review item '{}'; ids are positive integers", text));
  }
  return id;
}

std::string Query(const RouteContext& ctx, const std::string& name) {
  auto it = ctx.request.query.find(name);
  return it == ctx.request.query.end() ? "" : it->second;
}

}  // namespace

void ApiService::AddPersonRoutes() {
  router_.Add("GET", "/v1/datasets/{id}/discrepancies", kOperatorOrAgency,
              [this](RouteContext& ctx) -> Result<Response> {
                const std::string& id = ctx.params.at("id");
                Result<catalog::DatasetInfo> dataset = IngestDataset(*ctx.principal, id);
                if (dataset.status().code() == StatusCode::kPermissionDenied) {
                  RETURN_IF_ERROR(AuditAccess(ctx, "discrepancies.read", {"", id, ""}, {}, audit::Decision::kDenied,
                                              dataset.status().message()));
                }
                RETURN_IF_ERROR(dataset.status());
                ASSIGN_OR_RETURN(int limit, LimitParam(ctx.request, 1000, kMaxPage));
                const std::string format = Query(ctx, "format").empty() ? "json" : Query(ctx, "format");
                if (format != "json" && format != "csv") {
                  return InvalidArgumentError(fmt::format("format '{}': expected json or csv", format));
                }
                ASSIGN_OR_RETURN(bool all, BoolParam(ctx.request, "all", false));
                person::DiscrepancyPage page{Query(ctx, "after_record"), Query(ctx, "after_attribute"), limit, all};
                ASSIGN_OR_RETURN(auto rows, person::ListDiscrepancies(*deps_.db, id, page));
                // The owning agency learns which of its records differ, and on what; the registry's
                // value and the person key are another agency's data, disclosed only through the
                // policy (a person read or verify under an agreement). Operators see both.
                const bool operator_view = ctx.principal->role == Role::kOperator;
                if (!operator_view) {
                  for (auto& d : rows) {
                    d.authoritative_value.clear();
                    d.person_key.clear();
                  }
                }
                std::vector<std::string> disclosed = {"record_key", "attribute", "source_value"};
                if (operator_view) disclosed.insert(disclosed.end(), {"authoritative_value", "person_key"});
                RETURN_IF_ERROR(AuditAccess(ctx, "discrepancies.read", {"", id, ""}, disclosed,
                                            audit::Decision::kAllowed));
                if (format == "csv") {
                  std::string body = std::string(person::kDiscrepancyCsvHeader) + "\n";
                  for (const auto& d : rows) body += person::DiscrepancyCsvLine(d) + "\n";
                  Response r = JsonResponse(std::move(body));
                  r.content_type = "text/csv; charset=utf-8";
                  return r;
                }
                json items = json::array();
                for (const auto& d : rows) {
                  json item = person::DiscrepancyJson(d);
                  if (!operator_view) item["authoritative_value"] = item["person"] = nullptr;
                  items.push_back(std::move(item));
                }
                json next = rows.size() == static_cast<size_t>(limit)
                                ? json{{"after_record", rows.back().record_key},
                                       {"after_attribute", rows.back().attribute}}
                                : json(nullptr);
                return JsonResponse(DumpJson({{"dataset", id}, {"discrepancies", items}, {"next", next}}));
              });

  router_.Add("GET", "/v1/review", kOperator, [this](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(std::optional<int64_t> after, IntParam(ctx.request, "after", 0, INT64_MAX));
    ASSIGN_OR_RETURN(int limit, LimitParam(ctx.request, 100, kMaxPage));
    std::string status = Query(ctx, "status").empty() ? "pending" : Query(ctx, "status");
    if (status != "pending" && status != "decided" && status != "superseded" && status != "any") {
      return InvalidArgumentError(fmt::format("query.status: '{}' is not one of pending, decided, superseded, any",
                                              AuditText(status)));
    }
    if (status == "any") status.clear();
    ASSIGN_OR_RETURN(auto items,
                     person::ListReview(*deps_.db, status, Query(ctx, "dataset"), after.value_or(0), limit));
    RETURN_IF_ERROR(AuditAccess(ctx, "review.list", {"", Query(ctx, "dataset"), ""}, {"record_key", "person_key"},
                                audit::Decision::kAllowed));
    json out = json::array();
    for (const auto& i : items) out.push_back(person::ReviewItemJson(i));
    return JsonResponse(DumpJson({{"items", out}, {"next_after", items.empty() ? after.value_or(0) : items.back().id}}));
  });

  router_.Add("GET", "/v1/review/{id}", kOperator, [this](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(int64_t id, ReviewId(ctx));
    ASSIGN_OR_RETURN(person::ReviewItem item, person::GetReview(*deps_.db, id));
    person::ReviewContext rc{deps_.db, deps_.catalog, deps_.clock, SystemRandom()};
    json j = person::ReviewItemJson(item);
    Result<link::Explanation> e = person::ExplainReview(rc, link::DefaultPersonSettings(), std::nullopt, id);
    if (e.ok()) {
      ASSIGN_OR_RETURN(j["explanation"], ParseJson(link::ExplanationToJson(*e)));
    } else if (e.status().code() == StatusCode::kFailedPrecondition || e.status().code() == StatusCode::kNotFound) {
      j["explanation"] = nullptr;
      j["explanation_unavailable"] = e.status().message();
    } else {
      return e.status();
    }
    RETURN_IF_ERROR(AuditAccess(ctx, "review.explain", {item.person_key, item.dataset_id, item.record_key}, {"*"},
                                audit::Decision::kAllowed));
    return JsonResponse(DumpJson(j));
  });

  router_.Add("POST", "/v1/review/{id}/decision", kOperator, [this](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(int64_t id, ReviewId(ctx));
    ASSIGN_OR_RETURN(json body, ParseObjectBody(ctx.request, {"decision", "reason"}));
    ASSIGN_OR_RETURN(std::string decision, StringMember(body, "decision", true));
    ASSIGN_OR_RETURN(std::string reason, StringMember(body, "reason", true));
    if (decision != "match" && decision != "non_match" && decision != "non-match") {
      return InvalidArgumentError(fmt::format("body.decision: '{}' is not match or non_match", decision));
    }
    RETURN_IF_ERROR(person::CheckDecisionReason("body.reason", reason));
    ASSIGN_OR_RETURN(person::ReviewItem item, person::GetReview(*deps_.db, id));
    person::ReviewContext rc{deps_.db, deps_.catalog, deps_.clock, SystemRandom()};
    ASSIGN_OR_RETURN(person::DecisionOutcome out,
                     person::DecideReview(rc, id, decision == "non_match" ? "non-match" : decision,
                                          "key:" + ctx.principal->key_id, reason));
    RETURN_IF_ERROR(AuditChange(ctx, "review.decide", {item.person_key, item.dataset_id, item.record_key},
                                {"decision"}));
    return JsonResponse(DumpJson({{"id", id}, {"decision", decision == "match" ? "match" : "non_match"},
                                  {"outcome", out.outcome}, {"person", out.person_key}}));
  });
}

}  // namespace ndc::api
