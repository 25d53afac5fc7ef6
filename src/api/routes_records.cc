// Record routes: a record now or as of an instant, its versions, and a dataset's change events.
// Roles operator and agency (its agency's datasets only). Records are personal data: every read
// that discloses one is audited (action record.read / record.history.read, subject the dataset
// and the record key) before the answer is sent, and so is a denied attempt by another agency.
// The change feed discloses record keys, so a page with events is audited too (events.read).
//
// {key} is the record's source key; a composite key is its fields joined by U+001F, sent
// percent-encoded as %1F. docs/design/ingest.md, docs/api/openapi.yaml.
#include <fmt/format.h>

#include "api/ingest_json.h"
#include "api/query_params.h"
#include "api/service.h"
#include "common/json.h"
#include "ingest/queries.h"

namespace ndc::api {

using auth::Role;
using nlohmann::json;

namespace {

const std::set<Role> kIngestRoles = {Role::kOperator, Role::kAgency};
constexpr int kMaxPage = 1000;
constexpr size_t kMaxAuditKeyBytes = 1024;

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<uint8_t>(s[i]);
    int len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (int k = 1; k < len; ++k) {
      if ((static_cast<uint8_t>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

// The key as audit text: control characters (the U+001F of composite keys), '%' and, in a key
// that is not UTF-8, every non-ASCII byte percent-encoded — the form the key takes in the URL.
std::string AuditKey(std::string_view key) {
  bool utf8 = ValidUtf8(key);
  std::string out;
  for (char ch : key) {
    auto c = static_cast<uint8_t>(ch);
    if (c < 0x20 || c == 0x7f || c == '%' || (c >= 0x80 && !utf8)) {
      out += fmt::format("%{:02X}", c);
    } else {
      out.push_back(ch);
    }
    if (out.size() >= kMaxAuditKeyBytes) break;
  }
  return out;
}

// The fields a record read discloses: all of them.
std::vector<std::string> Disclosed(const catalog::DatasetSchema& schema) {
  if (schema.fields.size() > audit::kMaxEntryFields) return {"*"};
  std::vector<std::string> names;
  for (const auto& f : schema.fields) names.push_back(f.name);
  return names;
}

}  // namespace

void ApiService::AddRecordRoutes() {
  // The dataset when the caller may read its records; a refusal by ownership is audited as denied.
  auto readable = [this](const RouteContext& ctx, const std::string& action,
                         const std::string& record) -> Result<catalog::DatasetInfo> {
    const std::string& id = ctx.params.at("id");
    Result<catalog::DatasetInfo> dataset = IngestDataset(*ctx.principal, id);
    if (dataset.status().code() == StatusCode::kPermissionDenied) {
      RETURN_IF_ERROR(AuditAccess(ctx, action, {"", id, record}, {}, audit::Decision::kDenied,
                                  dataset.status().message()));
    }
    return dataset;
  };

  router_.Add("GET", "/v1/datasets/{id}/records/{key}", kIngestRoles,
              [this, readable](RouteContext& ctx) -> Result<Response> {
                const std::string& key = ctx.params["key"];
                ASSIGN_OR_RETURN(catalog::DatasetInfo dataset, readable(ctx, "record.read", AuditKey(key)));
                ASSIGN_OR_RETURN(std::optional<int64_t> as_of, InstantParam(ctx.request, "as_of"));
                ASSIGN_OR_RETURN(ingest::RecordVersion v, ingest::GetRecord(*deps_.db, dataset, key, as_of));
                RETURN_IF_ERROR(AuditAccess(ctx, "record.read", {"", dataset.schema.id, AuditKey(key)},
                                            Disclosed(dataset.schema), audit::Decision::kAllowed));
                json j = RecordVersionJson(dataset.schema, v);
                j["dataset"] = dataset.schema.id;
                j["key"] = v.key;
                return JsonResponse(DumpJson(j));
              });

  router_.Add(
      "GET", "/v1/datasets/{id}/records/{key}/versions", kIngestRoles,
      [this, readable](RouteContext& ctx) -> Result<Response> {
        const std::string& key = ctx.params["key"];
        ASSIGN_OR_RETURN(catalog::DatasetInfo dataset, readable(ctx, "record.history.read", AuditKey(key)));
        ASSIGN_OR_RETURN(auto versions, ingest::ListVersions(*deps_.db, dataset, key));
        RETURN_IF_ERROR(AuditAccess(ctx, "record.history.read", {"", dataset.schema.id, AuditKey(key)},
                                    Disclosed(dataset.schema), audit::Decision::kAllowed));
        json items = json::array();
        for (const auto& v : versions) items.push_back(RecordVersionJson(dataset.schema, v));
        return JsonResponse(DumpJson({{"dataset", dataset.schema.id}, {"key", key}, {"versions", items}}));
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
