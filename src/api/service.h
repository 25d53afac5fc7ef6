// ApiService: NDC's HTTP API — the routes, who may call each, and their handlers — on top of the
// catalog, the API key store, the audit log and the store. docs/api/openapi.yaml is the contract; every route
// added here must be documented there (tests/integration checks the list).
//
// Thread-safe: handlers only use thread-safe dependencies.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "api/audit_release.h"
#include "api/http.h"
#include "api/router.h"
#include "audit/audit_log.h"
#include "audit/checkpointer.h"
#include "auth/api_keys.h"
#include "catalog/catalog.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "ingest/ingestor.h"
#include "person/person_finder.h"
#include "policy/decision.h"
#include "sharing/agreement_store.h"
#include "sharing/consent_store.h"
#include "sharing/feed.h"
#include "sharing/rate_limiter.h"
#include "store/store.h"

namespace ndc::api {

// How a citizen's own requests are labelled in the audit log (their purpose and legal basis).
inline constexpr char kSubjectPurpose[] = "data_subject_access";
inline constexpr char kSubjectLegalBasis[] = "data subject (Law 91/2025)";

// Refusals without a valid key audited per minute by the whole node, as a multiple of the
// per-client budget (ServiceDeps::keyless_refusals_per_minute).
inline constexpr int kKeylessNodeBudgetFactor = 10;

struct ServiceDeps {
  store::Database* db = nullptr;
  catalog::Catalog* catalog = nullptr;
  auth::ApiKeyStore* keys = nullptr;
  MetricsRegistry* metrics = nullptr;
  Clock* clock = nullptr;
  // The audit log: every change made through the API is appended to it, and the /v1/audit routes
  // read it. The checkpointer may be null (no signing key on this node): then POST
  // /v1/audit/checkpoint answers 400 (kFailedPrecondition).
  audit::AuditLog* audit = nullptr;
  audit::Checkpointer* checkpointer = nullptr;
  // Applies batches posted to /v1/datasets/{id}/batches; null: those posts answer 500.
  ingest::Ingestor* ingestor = nullptr;
  // Where the server streams batch bodies (<data_dir>/spool; it must exist), and their limit.
  // Empty: bodies are read into memory under server.max_body_bytes (tests without a server).
  std::string spool_dir;
  uint64_t max_batch_bytes = uint64_t{16} << 30;  // ingest.max_batch_bytes
  // Data-sharing agreements (/v1/agreements); null: those routes answer 500.
  sharing::AgreementStore* agreements = nullptr;
  // Citizens' consents (/v1/me/consents; consent-based reads); null: those routes answer 500.
  sharing::ConsentStore* consents = nullptr;
  // Per-client request rates of the data endpoints (agreement rate_per_minute); null: unlimited.
  sharing::RateLimiter* rate_limiter = nullptr;
  // Requests per minute per client when an agreement names no rate (sharing.default_rate_per_minute).
  int default_rate_per_minute = 600;
  // Batches applied at once on this node (each holds a server thread until applied, waiting for
  // the store's write lock on SQLite); more get 503 with Retry-After. 0: no limit. `ndc serve`
  // sets half its server threads (at least 1), so the other half keeps serving everything else.
  int max_concurrent_batches = 0;
  // Batch bodies being uploaded (streamed to the spool directory) or applied at once; a new
  // upload past it is refused before its body, 503 with Retry-After. 0: unlimited. Each may be
  // up to ingest.max_batch_bytes on the data disk, which the store and the audit log share.
  int max_concurrent_uploads = 0;
  // Refusals of callers without a valid key audited per minute per Request::peer; past that they
  // are answered alike but only logged (server.keyless_refusals_per_minute). 0: audit all.
  int keyless_refusals_per_minute = 120;
  // ... and ten times that for all clients together.
  // GET /healthz answers 503 once one audit commit has taken this long (audit.stall_seconds).
  std::chrono::seconds audit_stall_after{10};
};

class ApiService {
 public:
  explicit ApiService(ServiceDeps deps);
  Response Handle(Request& request) const { return router_.Handle(request); }
  // See Router::Preflight: refuses unknown routes and callers before a body is read.
  std::optional<Response> Preflight(Request& request) const { return router_.Preflight(request); }
  const Router& router() const { return router_; }

 private:
  void AddSystemRoutes();
  void CollectMetrics() const;  // routes_system.cc: the audit log's and the disk's figures for /metrics
  void AddCatalogRoutes();
  void AddKeyRoutes();
  void AddAuditRoutes();
  void AddIngestRoutes();   // routes_ingest.cc: batches and their rejects
  // routes_ingest.cc — kResourceExhausted (503 with Retry-After) when `running` batches already
  // fill deps_.max_concurrent_batches.
  Status BatchCapacity(int running) const;
  void AddRecordRoutes();   // routes_records.cc: records, versions, change events
  void AddAgreementRoutes();  // routes_agreements.cc: data-sharing agreements
  void AddPersonRoutes();     // routes_persons.cc: persons, discrepancies, review queue and decisions
  void AddSharingRoutes();    // routes_sharing.cc: policy-checked data endpoints (read, verify, find, feeds)
  void AddFeedRoutes();       // routes_feeds.cc: change feed subscriptions and pulls
  void AddCitizenRoutes();    // routes_citizen.cc: /v1/me — my data, my access history, consents, corrections

  // The dataset, when the caller may submit batches to it and read what they stored: operators
  // every dataset, agency keys those their agency owns. kNotFound for an unknown dataset,
  // kPermissionDenied for another agency's.
  Result<catalog::DatasetInfo> IngestDataset(const auth::Principal& who, const std::string& dataset_id) const;
  // Appends the audit entry of a change the caller made (decision allowed) and waits until it is
  // durable. The change itself has already been committed: on failure the handler answers with
  // this error, so the caller learns the change may be unaudited.
  Status AuditChange(const RouteContext& ctx, std::string action, audit::Subject subject,
                     std::vector<std::string> fields = {}, std::string purpose = "administration");
  // The same for an entry the handler wrote itself (a citizen's consent or correction request):
  // on failure the change is logged (audit.change_unaudited, to be recorded by hand) and the error
  // carries kUnauditedChange, so the answer says the change was made and never "retry", which
  // would make it a second time.
  Status AuditMadeChange(const RouteContext& ctx, audit::Entry e);
  // Appends the audit entry of an access to data (a read that discloses it, or its denial with
  // `reason`) without waiting, and gates the response on it (`ctx.send_after`): whatever the
  // handler answers is sent only once the entry is durable, and if the append fails a 500
  // replaces it, so nothing is disclosed unaudited. Errors only if no audit log is configured.
  Status AuditAccess(RouteContext& ctx, std::string action, audit::Subject subject,
                     std::vector<std::string> fields, audit::Decision decision, std::string reason = {});
  // routes_citizen.cc — the citizen key's person (following merges since the key was issued);
  // a key bound to no person is refused with kPermissionDenied, and the refusal audited.
  Result<std::string> CitizenPerson(RouteContext& ctx);
  // Fills in the caller and request id and appends `e`, waiting until it is durable.
  Status AppendAudit(const RouteContext& ctx, audit::Entry e);
  // Fills in the caller (key, agency, role) and the request id of `e`.
  static void StampAudit(const RouteContext& ctx, audit::Entry& e);
  // access_gate.cc — an entry's legal basis for decision `d`: its basis, then "agreement <id> v<n>"
  // when an agreement served it (what CovertFromSubject looks for).
  static std::string AuditedLegalBasis(const policy::Decision& d);
  // access_gate.cc — the refusal's text when `client` is over its rate (under `agreement`, if any).
  static std::string RateLimitedMessage(const std::string& client, int rate, const std::string& agreement,
                                        int64_t retry_after_seconds);

  // access_gate.cc — the gate every data endpoint passes (docs/design/sharing.md, "Data endpoints").
  // The outcome of a data request: allowed (decision.fields is what the response may hold), or
  // the refusal to answer with (403 problem+json naming the reason, 429 with Retry-After).
  struct Access {
    policy::Decision decision;
    std::optional<Response> refusal;
  };
  // The caller as the policy sees it: agency keys by their agency's kind, citizens with their
  // person key, other roles as staff.
  Result<policy::Caller> CallerOf(const auth::Principal& who) const;
  // Builds the caller, loads its agreements and the subject's consents, calls policy::Decide,
  // applies the client's rate limit, counts a consent's use, and appends the audit entry of the
  // decision (allowed or denied, with its reason). The append is not waited for here: it is put
  // on `ctx.send_after`, so the response — whatever it is — is sent only once the entry is
  // durable, and replaced by a 500 that discloses nothing if it cannot be. An error (store)
  // means nothing may be disclosed. `work`, if set, runs only once the request is allowed (its
  // rate token taken) and before the entry is written: the work the answer needs whose outcome
  // the entry names (find: the person found, in `subject`); it is given the decision (the
  // fields granted). Its error is audited as a denial with its message, and returned.
  using AllowedWork = std::function<Status(audit::Subject* subject, const policy::Decision& decision)>;
  Result<Access> DecideAccess(RouteContext& ctx, policy::Request request, std::string action,
                              audit::Subject subject, const AllowedWork& work = nullptr);
  // The router's refusals (no key, bad or revoked key, a role the route does not allow) are
  // audited as denials too: `refusal` is sent once its entry is durable (sent anyway, and the
  // failure logged, if it cannot be). Refusals of callers without a valid key are audited at
  // most deps_.keyless_refusals_per_minute per client (Request::peer) and
  // kKeylessNodeBudgetFactor times that for all clients together, with their texts cut to 64
  // bytes; past that rate they are answered alike but only logged, so that nobody can fill the
  // log, or tie up its committer, without a key (docs/design/sharing.md).
  void AuditRefusal(const Request& request, const std::string& pattern,
                    const std::map<std::string, std::string>& params, const auth::Principal* who, const Status& why,
                    Response& refusal);

  ServiceDeps deps_;
  std::unique_ptr<sharing::FeedStore> feeds_;
  std::unique_ptr<person::PersonFinder> finder_;
  Router router_;
  std::unique_ptr<sharing::RateLimiter> anonymous_refusals_;  // AuditRefusal's, per peer address
  std::atomic<int64_t> last_flood_warning_{-10'000'000};      // MonotonicMicros
  std::atomic<int64_t> flood_refused_{0};                      // unaudited refusals since that warning
  std::atomic<int> batches_in_flight_{0};                      // routes_ingest.cc
  // Batch uploads in progress, in all and by caller (routes_ingest.cc); shared with each upload's
  // Request::hold, which gives its slot back however the request ends.
  struct UploadSlots {
    std::mutex mu;
    int total = 0;
    std::map<std::string, int> by_caller;  // "agency:<id>" or "key:<id>"
  };
  std::shared_ptr<UploadSlots> uploads_ = std::make_shared<UploadSlots>();
};

// The version string of this build ("0.1.0").
std::string_view NdcVersion();

}  // namespace ndc::api
