// Record routes: a record now or as of an instant, its versions, and a dataset's change events.
// Roles operator and agency (its agency's datasets only). Records are personal data: every read
// that discloses one is audited (action record.read / record.history.read, subject the dataset
// and the record key) before the answer is sent, and so is a denied attempt by another agency.
// The change feed discloses record keys, so a page with events is audited too (events.read).
//
// {key} is the record's source key; a composite key is its fields joined by U+001F, sent
// percent-encoded as %1F. docs/design/ingest.md, docs/api/openapi.yaml.
#include <fmt/format.h>

#include "api/audit_text.h"
#include "api/ingest_json.h"
#include "api/query_params.h"
#include "api/service.h"
#include "common/json.h"
#include "common/clock.h"
#include "ingest/queries.h"
#include "person/person_store.h"

namespace ndc::api {

using auth::Role;
using nlohmann::json;

namespace {

const std::set<Role> kIngestRoles = {Role::kOperator, Role::kAgency};
constexpr int kMaxPage = 1000;
// The fields a record read discloses: all of them.
std::vector<std::string> Disclosed(const catalog::DatasetSchema& schema) {
  if (schema.fields.size() > audit::kMaxEntryFields) return {"*"};
  std::vector<std::string> names;
  for (const auto& f : schema.fields) names.push_back(f.name);
  return names;
}

// The person a record is linked to ("" for none): an owner's or operator's read of the record is
// an access about that person, shown in their history (DOMAIN.md rule 7; until 2026-12-01 such
// reads were audited about no person, so an operator's read of a record and its past versions
// never showed to the person).
Result<std::string> LinkedPerson(store::Executor& db, const std::string& dataset_id, const std::string& key) {
  ASSIGN_OR_RETURN(std::optional<person::Link> link, person::GetLink(db, dataset_id, key));
  return link ? link->person_key : std::string();
}

}  // namespace

void ApiService::AddRecordRoutes() {
  // The dataset when the caller may read its records; a refusal by ownership is audited as denied.
  auto readable = [this](RouteContext& ctx, const std::string& action,
                         const std::string& record) -> Result<catalog::DatasetInfo> {
    const std::string& id = ctx.params.at("id");
    Result<catalog::DatasetInfo> dataset = IngestDataset(*ctx.principal, id);
    if (dataset.status().code() == StatusCode::kPermissionDenied) {
      RETURN_IF_ERROR(AuditAccess(ctx, action, {"", id, record}, {}, audit::Decision::kDenied,
                                  dataset.status().message()));
    }
    return dataset;
  };

  router_.AddPinned("GET", "/v1/datasets/{id}/records/{key}", {Role::kOperator, Role::kAgency, Role::kCitizen},
              [this](RouteContext& ctx) -> Result<Response> {
                std::unique_ptr<store::ReadPin> snapshot = deps_.db->PinReads();  // one snapshot for the reads
                const std::string& key = ctx.params["key"];
                ASSIGN_OR_RETURN(catalog::DatasetInfo dataset, deps_.catalog->GetDataset(ctx.params.at("id")));
                ASSIGN_OR_RETURN(std::optional<int64_t> as_of, InstantParam(ctx.request, "as_of"));
                const auth::Principal& who = *ctx.principal;
                bool owner = who.role == Role::kOperator ||
                             (who.role == Role::kAgency && who.agency_id == dataset.schema.owner);
                if (owner) {
                  ASSIGN_OR_RETURN(ingest::RecordVersion v, ingest::GetRecord(*deps_.db, dataset, key, as_of));
                  // About the person the record is linked to: it shows in their access history.
                  ASSIGN_OR_RETURN(std::string person, LinkedPerson(*deps_.db, dataset.schema.id, key));
                  RETURN_IF_ERROR(AuditAccess(ctx, "record.read", {person, dataset.schema.id, AuditText(key)},
                                              Disclosed(dataset.schema), audit::Decision::kAllowed));
                  json j = RecordVersionJson(dataset.schema, v);
                  j["dataset"] = dataset.schema.id;
                  j["key"] = v.key;
                  return JsonResponse(DumpJson(j));
                }
                // Another agency (or a citizen): only under an agreement (or as the data subject),
                // only the agreed fields, never past versions.
                if (as_of) {
                  // A refusal to disclose, not a malformed request: 403, audited as denied.
                  std::string why = "as_of: past versions are read only by the owning agency and operators";
                  RETURN_IF_ERROR(AuditAccess(ctx, "record.read", {"", dataset.schema.id, AuditText(key)}, {},
                                              audit::Decision::kDenied, why));
                  return PermissionDeniedError(why);
                }
                ASSIGN_OR_RETURN(std::optional<person::Link> link, person::GetLink(*deps_.db, dataset.schema.id, key));
                policy::Request req;
                req.action = policy::Action::kReadRecord;
                req.dataset = dataset.schema.id;
                req.dataset_personal = dataset.schema.RecordsArePersons();
                req.purpose = ctx.request.query.contains("purpose") ? ctx.request.query.at("purpose") : "";
                req.agreement_id = ctx.request.query.contains("agreement") ? ctx.request.query.at("agreement") : "";
                if (link) req.person_key = link->person_key;
                // Counting a consent's use is a write, which ends the read snapshot: the record must
                // still be the consenting person's in the snapshot it is read in. Checked as the
                // decision's work, so a record re-linked meanwhile is audited as a denial.
                // The record is read as the decision's work too: a record deleted (or never there)
                // is a denial that disclosed nothing — audited so, and spending no consent use —
                // told in the words of any unknown key (a non-owner learns nothing of its history).
                std::optional<ingest::RecordVersion> read;
                auto still_linked = [&](audit::Subject*, const policy::Decision& d) -> Status {
                  if (!d.consent_id.empty()) {
                    ASSIGN_OR_RETURN(std::optional<person::Link> now,
                                     person::GetLink(*deps_.db, dataset.schema.id, key));
                    if (!now || now->person_key != req.person_key) {
                      return AbortedError(fmt::format("record {} was linked to another person while it was being "
                                                      "read; retry",
                                                      AuditText(key)));
                    }
                  }
                  Result<ingest::RecordVersion> v = ingest::GetRecord(*deps_.db, dataset, key);
                  if (v.status().code() == StatusCode::kNotFound) {
                    return NotFoundError(fmt::format("no record with that key in dataset '{}'", dataset.schema.id));
                  }
                  RETURN_IF_ERROR(v.status());
                  read = std::move(*v);
                  return OkStatus();
                };
                ASSIGN_OR_RETURN(Access access, DecideAccess(ctx, req, "record.read",
                                                             {req.person_key, dataset.schema.id, AuditText(key)},
                                                             still_linked));
                if (access.refusal) return std::move(*access.refusal);
                if (!read) return InternalError("the record read was allowed but not made");
                const ingest::RecordVersion& v = *read;
                std::set<std::string> allowed;
                for (const auto& f : access.decision.fields) {
                  if (f.dataset == dataset.schema.id) allowed.insert(f.field);
                }
                json fields = json::object();
                for (size_t i = 0; i < dataset.schema.fields.size() && i < v.values.size(); ++i) {
                  const auto& f = dataset.schema.fields[i];
                  if (access.decision.all_fields || allowed.contains(f.name)) fields[f.name] = TypedValue(f.type, v.values[i]);
                }
                json j = {{"dataset", dataset.schema.id}, {"updated_at", FormatRfc3339(v.valid_from)},
                          {"fields", std::move(fields)}, {"legal_basis", access.decision.legal_basis}};
                j["agreement"] = access.decision.agreement_id.empty()
                                     ? json(nullptr)
                                     : json{{"id", access.decision.agreement_id},
                                            {"version", access.decision.agreement_version}};
                return JsonResponse(DumpJson(j));
              });

  router_.Add(
      "GET", "/v1/datasets/{id}/records/{key}/versions", kIngestRoles,
      [this, readable](RouteContext& ctx) -> Result<Response> {
        const std::string& key = ctx.params["key"];
        ASSIGN_OR_RETURN(catalog::DatasetInfo dataset, readable(ctx, "record.history.read", AuditText(key)));
        ASSIGN_OR_RETURN(std::optional<int64_t> after, IntParam(ctx.request, "after_version", 0, INT64_MAX));
        // One snapshot: an ingest between the current version and the history could repeat one.
        std::unique_ptr<store::ReadPin> snapshot = deps_.db->PinReads();
        ASSIGN_OR_RETURN(int limit, LimitParam(ctx.request, 100, kMaxPage));
        ASSIGN_OR_RETURN(auto versions, ingest::ListVersions(*deps_.db, dataset, key, after.value_or(0), limit));
        ASSIGN_OR_RETURN(std::string person, LinkedPerson(*deps_.db, dataset.schema.id, key));
        RETURN_IF_ERROR(AuditAccess(ctx, "record.history.read", {person, dataset.schema.id, AuditText(key)},
                                    Disclosed(dataset.schema), audit::Decision::kAllowed));
        json items = json::array();
        for (const auto& v : versions) items.push_back(RecordVersionJson(dataset.schema, v));
        json next = static_cast<int>(versions.size()) == limit ? json(versions.back().version) : json(nullptr);
        return JsonResponse(DumpJson({{"dataset", dataset.schema.id},
                                      {"key", key},
                                      {"versions", items},
                                      {"next_after_version", std::move(next)}}));
      });

  router_.Add("GET", "/v1/datasets/{id}/events", kIngestRoles,
              [this, readable](RouteContext& ctx) -> Result<Response> {
                ASSIGN_OR_RETURN(catalog::DatasetInfo dataset, readable(ctx, "events.read", ""));
                ASSIGN_OR_RETURN(std::optional<int64_t> after, IntParam(ctx.request, "after", 0, INT64_MAX));
                ASSIGN_OR_RETURN(int limit, LimitParam(ctx.request, 100, kMaxPage));
                ASSIGN_OR_RETURN(auto events,
                                 ingest::ListEvents(*deps_.db, dataset.schema.id, after.value_or(0), limit));
                if (!events.empty()) {
                  RETURN_IF_ERROR(AuditAccess(ctx, "events.read", {"", dataset.schema.id, ""}, {"key"},
                                              audit::Decision::kAllowed));
                }
                json items = json::array();
                for (const auto& e : events) items.push_back(ChangeEventJson(e));
                int64_t next = events.empty() ? after.value_or(0) : events.back().seq;
                return JsonResponse(DumpJson(
                    {{"dataset", dataset.schema.id}, {"events", std::move(items)}, {"next_after", next}}));
              });
}

}  // namespace ndc::api
