// Audit log routes: for auditors and operators, issuing a checkpoint, entry ranges and single
// entries, inclusion proofs; for any caller, the latest checkpoint, consistency proofs and the
// public key. Bodies are the JSON forms of
// audit/proof_json.h; a proof and the checkpoint's `checkpoint` text are what
// `ndc audit verify-proof` checks offline. docs/design/audit-log.md, docs/api/openapi.yaml.
#include <fmt/format.h>

#include "api/service.h"
#include "audit/proof_json.h"
#include "common/crypto.h"
#include "common/json.h"

namespace ndc::api {

using auth::Role;
using nlohmann::json;

namespace {

const std::set<Role> kAuditReaders = {Role::kOperator, Role::kAuditor};
// The tree's public face — the signed checkpoint, consistency proofs between two sizes, the
// public key — holds hashes and sizes only: any caller may hold the hub to its history, a
// citizen checking that a later checkpoint extends the one given with their access history.
const std::set<Role> kTreeReaders = {Role::kOperator, Role::kAuditor, Role::kAgency, Role::kAnalyst, Role::kCitizen};
constexpr uint64_t kMaxEntriesPerPage = 1000;

// A non-negative decimal query parameter, or `fallback` when absent.
Result<std::optional<uint64_t>> UintParam(const Request& req, const std::string& name) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return std::optional<uint64_t>();
  const std::string& v = it->second;
  if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgumentError(fmt::format("query parameter {} must be a non-negative integer, got '{}'", name, v));
  }
  return std::optional<uint64_t>(std::stoull(v));
}

Status NeedLog(audit::AuditLog* log) {
  return log ? OkStatus() : InternalError("the audit log is not configured");
}

}  // namespace

void ApiService::AddAuditRoutes() {
  router_.Add("GET", "/v1/audit/checkpoint", kTreeReaders, [this](RouteContext&) -> Result<Response> {
    RETURN_IF_ERROR(NeedLog(deps_.audit));
    ASSIGN_OR_RETURN(auto latest, deps_.audit->LatestCheckpoint());
    if (!latest) return NotFoundError("no checkpoint has been signed yet; POST /v1/audit/checkpoint issues one");
    return JsonResponse(DumpJson(audit::CheckpointJson(*latest)));
  });

  router_.Add("GET", "/v1/audit/public-key", kTreeReaders, [this](RouteContext&) -> Result<Response> {
    if (deps_.checkpointer == nullptr) {
      return NotFoundError("this node holds no signing key; ask the operator for keys/signing.pub");
    }
    return JsonResponse(DumpJson({{"origin", deps_.checkpointer->origin()},
                                  {"algorithm", "ed25519"},
                                  {"public_key", Base64Encode(deps_.checkpointer->public_key())}}));
  });

  router_.Add("POST", "/v1/audit/checkpoint", kAuditReaders, [this](RouteContext&) -> Result<Response> {
    if (deps_.checkpointer == nullptr) {
      return FailedPreconditionError("this node has no checkpoint signing key (keys/signing.key)");
    }
    ASSIGN_OR_RETURN(auto c, deps_.checkpointer->Issue());
    return JsonResponse(DumpJson(audit::CheckpointJson(c)));
  });

  router_.Add("GET", "/v1/audit/entries", kAuditReaders, [this](RouteContext& ctx) -> Result<Response> {
    RETURN_IF_ERROR(NeedLog(deps_.audit));
    ASSIGN_OR_RETURN(auto start, UintParam(ctx.request, "start"));
    ASSIGN_OR_RETURN(auto limit, UintParam(ctx.request, "limit"));
    uint64_t begin = start.value_or(0);
    if (limit && *limit > kMaxEntriesPerPage) {
      return InvalidArgumentError(fmt::format("query.limit: at most {} entries per page (ask for the next page with "
                                              "start = start + limit)",
                                              kMaxEntriesPerPage));
    }
    uint64_t n = limit.value_or(100);
    ASSIGN_OR_RETURN(auto head, deps_.audit->Head());
    ASSIGN_OR_RETURN(auto rows, deps_.audit->Entries(begin, begin + n));
    json items = json::array();
    for (const auto& row : rows) {
      ASSIGN_OR_RETURN(json j, audit::EntryJson(row));
      items.push_back(std::move(j));
    }
    return JsonResponse(DumpJson({{"tree_size", head.first}, {"start", begin}, {"entries", items}}));
  });

  // {ref} is an entry index (digits) or an entry id ("aud_...").
  router_.Add("GET", "/v1/audit/entries/{ref}", kAuditReaders, [this](RouteContext& ctx) -> Result<Response> {
    RETURN_IF_ERROR(NeedLog(deps_.audit));
    const std::string& ref = ctx.params["ref"];
    uint64_t index = 0;
    if (!ref.empty() && ref.size() <= 19 && ref.find_first_not_of("0123456789") == std::string::npos) {
      index = std::stoull(ref);
    } else {
      ASSIGN_OR_RETURN(index, deps_.audit->IndexOf(ref));
    }
    ASSIGN_OR_RETURN(auto rows, deps_.audit->Entries(index, index + 1));
    if (rows.empty()) return NotFoundError(fmt::format("no audit entry {}", ref));
    ASSIGN_OR_RETURN(json j, audit::EntryJson(rows[0]));
    return JsonResponse(DumpJson(j));
  });

  // ?index=N or ?id=aud_..., and optional tree_size (default: the latest checkpoint's size, so
  // the proof verifies against GET /v1/audit/checkpoint; the log's size if none was signed).
  router_.Add("GET", "/v1/audit/proof/inclusion", kAuditReaders, [this](RouteContext& ctx) -> Result<Response> {
    RETURN_IF_ERROR(NeedLog(deps_.audit));
    ASSIGN_OR_RETURN(auto index, UintParam(ctx.request, "index"));
    ASSIGN_OR_RETURN(auto tree_size, UintParam(ctx.request, "tree_size"));
    auto id = ctx.request.query.find("id");
    if (index.has_value() == (id != ctx.request.query.end())) {
      return InvalidArgumentError("give exactly one of the query parameters index and id");
    }
    if (!index) {
      ASSIGN_OR_RETURN(index, deps_.audit->IndexOf(id->second));
    }
    if (!tree_size) {
      ASSIGN_OR_RETURN(auto latest, deps_.audit->LatestCheckpoint());
      if (latest && latest->checkpoint.size > *index) tree_size = latest->checkpoint.size;
    }
    ASSIGN_OR_RETURN(auto proof, deps_.audit->ProveInclusion(*index, tree_size));
    json j = audit::InclusionProofJson(proof);
    ASSIGN_OR_RETURN(auto cp, deps_.audit->CheckpointAt(proof.tree_size));
    if (cp) j["checkpoint"] = cp->note;
    return JsonResponse(DumpJson(j));
  });

  router_.Add("GET", "/v1/audit/proof/consistency", kTreeReaders, [this](RouteContext& ctx) -> Result<Response> {
    RETURN_IF_ERROR(NeedLog(deps_.audit));
    ASSIGN_OR_RETURN(auto first, UintParam(ctx.request, "first"));
    ASSIGN_OR_RETURN(auto second, UintParam(ctx.request, "second"));
    if (!first || !second) return InvalidArgumentError("query parameters first and second (tree sizes) are required");
    const Role role = ctx.principal->role;
    if (role != Role::kOperator && role != Role::kAuditor) {
      // Others see the signed tree only: neither the live size nor hashes of unsigned entries.
      ASSIGN_OR_RETURN(auto latest, deps_.audit->LatestCheckpoint());
      const uint64_t signed_size = latest ? latest->checkpoint.size : 0;
      if (*second > signed_size) {
        return OutOfRangeError(fmt::format("tree size {} is beyond the latest signed checkpoint ({} entries)",
                                           *second, signed_size));
      }
    }
    ASSIGN_OR_RETURN(auto hashes, deps_.audit->ProveConsistency(*first, *second));
    return JsonResponse(DumpJson(audit::ConsistencyProofJson(*first, *second, hashes)));
  });
}

}  // namespace ndc::api
