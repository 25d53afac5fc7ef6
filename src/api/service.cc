#include "api/service.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "api/audit_text.h"
#include "api/problem.h"
#include "common/log.h"

namespace ndc::api {

std::string_view NdcVersion() { return "0.1.0"; }

ApiService::ApiService(ServiceDeps deps)
    : deps_(deps),
      feeds_(std::make_unique<sharing::FeedStore>(deps.db, deps.clock, SystemRandom())),
      finder_(std::make_unique<person::PersonFinder>(deps.db, deps.clock)),
      router_([keys = deps.keys](std::string_view token, std::string_view client_cert_sha256) {
        return keys->Authenticate(token, client_cert_sha256);
      }),
      anonymous_refusals_(std::make_unique<sharing::RateLimiter>(deps.clock ? deps.clock : SystemClock())) {
  router_.SetRefusalObserver([this](const Request& request, const std::string& pattern,
                                    const std::map<std::string, std::string>& params, const auth::Principal* who,
                                    const Status& why, Response& refusal) {
    AuditRefusal(request, pattern, params, who, why, refusal);
  });
  // Data reads check the key on the same snapshot as the data (one read transaction per request).
  router_.SetReadScope([db = deps.db]() -> std::shared_ptr<void> { return std::shared_ptr<store::ReadPin>(db->PinReads()); });
  AddSystemRoutes();
  AddCatalogRoutes();
  AddKeyRoutes();
  AddAuditRoutes();
  AddIngestRoutes();
  AddRecordRoutes();
  AddAgreementRoutes();
  AddPersonRoutes();
  AddSharingRoutes();
  AddFeedRoutes();
  AddCitizenRoutes();
}

Result<catalog::DatasetInfo> ApiService::IngestDataset(const auth::Principal& who,
                                                       const std::string& dataset_id) const {
  ASSIGN_OR_RETURN(catalog::DatasetInfo info, deps_.catalog->GetDataset(dataset_id));
  if (who.role == auth::Role::kOperator) return info;
  if (who.role == auth::Role::kAgency && !who.agency_id.empty() && who.agency_id == info.schema.owner) return info;
  return PermissionDeniedError(fmt::format("dataset '{}' belongs to agency '{}'; a key of {} may not use it",
                                           dataset_id, info.schema.owner,
                                           who.agency_id.empty() ? fmt::format("role '{}'", auth::RoleName(who.role))
                                                                 : fmt::format("agency '{}'", who.agency_id)));
}

Status ApiService::AppendAudit(const RouteContext& ctx, audit::Entry e) {
  if (deps_.audit == nullptr) return InternalError("the audit log is not configured");
  StampAudit(ctx, e);
  MakeLoggable(e);
  auto appended = deps_.audit->Append(std::move(e));
  return appended.status();
}

void ApiService::StampAudit(const RouteContext& ctx, audit::Entry& e) {
  e.actor = {ctx.principal->key_id, ctx.principal->agency_id, std::string(auth::RoleName(ctx.principal->role))};
  e.request_id = ctx.request.request_id;
}

Status ApiService::AuditChange(const RouteContext& ctx, std::string action, audit::Subject subject,
                               std::vector<std::string> fields, std::string purpose) {
  audit::Entry e;
  e.action = std::move(action);
  e.subject = std::move(subject);
  e.fields = std::move(fields);
  e.purpose = std::move(purpose);
  e.legal_basis = ctx.principal->role == auth::Role::kAgency ? "dataset owner" : "operator role";
  e.decision = audit::Decision::kAllowed;
  return AuditMadeChange(ctx, std::move(e));
}

Status ApiService::AuditMadeChange(const RouteContext& ctx, audit::Entry e) {
  const std::string what = e.action;
  const std::string about = fmt::format("person '{}', dataset '{}', record '{}', fields [{}], purpose '{}'",
                                        e.subject.person_key, e.subject.dataset, e.subject.record,
                                        fmt::join(e.fields, ", "), e.purpose);
  Status s = AppendAudit(ctx, std::move(e));
  if (!s.ok()) {
    // The change stands and its entry is not in the log: the operator must know exactly which
    // change that is, to record it by hand once the log can take entries again.
    log::Error("audit.change_unaudited", {{"action", what}, {"subject", about}, {"actor", ctx.principal->key_id},
                                          {"request_id", ctx.request.request_id}, {"error", s.ToString()}});
    // The caller cannot mend what the log refused (the entry is built by the server): a server
    // error, never a 400 that reads as "your request was wrong, nothing was kept".
    if (s.code() == StatusCode::kInvalidArgument) s = InternalError(std::string(s.message()));
    return s.WithContext(kUnauditedChange);
  }
  return OkStatus();
}

Status ApiService::AuditAccess(RouteContext& ctx, std::string action, audit::Subject subject,
                               std::vector<std::string> fields, audit::Decision decision, std::string reason) {
  if (deps_.audit == nullptr) return InternalError("the audit log is not configured");
  audit::Entry e;
  e.action = std::move(action);
  e.subject = std::move(subject);
  e.fields = std::move(fields);
  switch (ctx.principal->role) {
    case auth::Role::kCitizen:  // the person's own request, labelled as the citizen routes' own entries
      e.purpose = kSubjectPurpose;
      e.legal_basis = kSubjectLegalBasis;
      break;
    case auth::Role::kAgency:
      e.purpose = "data access";
      e.legal_basis = "dataset owner";
      break;
    default:
      e.purpose = "data access";
      e.legal_basis = "operator role";
  }
  e.decision = decision;
  e.reason = std::move(reason);
  StampAudit(ctx, e);
  ctx.send_after.push_back(AppendAndGate(deps_.audit, std::move(e),
                                                "the access could not be audited, so nothing was disclosed"));
  return OkStatus();
}

}  // namespace ndc::api
