// Citizen routes (/v1/me): a person's own data, who accessed it, their consents and correction
// requests — for citizen keys, which are bound to one person (auth::Principal::person_key).
// Every read is audited before the answer (purpose data_subject_access); grants, revocations
// and corrections are audited as changes. Accesses whose purpose is hidden from the subject
// (policy::Purpose::hidden_from_subject) are left out of the history; they stay in the log.
// The owning agency reads correction requests at GET /v1/datasets/{id}/corrections.
// docs/design/sharing.md ("Citizens", "Consents"), docs/api/openapi.yaml (tag citizen).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "api/audit_text.h"
#include "api/ingest_json.h"
#include "api/json_body.h"
#include "api/problem.h"
#include "api/query_params.h"
#include "api/service.h"
#include "audit/entry_codec.h"
#include "audit/merkle/hash.h"
#include "audit/proof_json.h"
#include "common/json.h"
#include "ingest/queries.h"
#include "person/person_json.h"
#include "person/person_store.h"
#include "policy/purposes.h"
#include "sharing/correction_store.h"
#include "text/unicode.h"

namespace ndc::api {

using auth::Role;
using nlohmann::json;

namespace {

const std::set<Role> kCitizen = {Role::kCitizen};

// Whether `s` refuses the request for what it asked (its text, or the state it meets), as
// opposed to the store failing to answer (kUnavailable, kAborted, kInternal, ...). The store maps
// some of its own failures to refusal codes (a read-only file is kFailedPrecondition, a full disk
// kResourceExhausted): those carry the driver's text, which a refusal never leads with — the rule
// ProblemFromStatus applies (review of 2026-12-02: such a failure was audited as the person's
// refused request, its driver text in their history).
bool IsRefusal(const Status& s) {
  if (CarriesDriverText(s)) return false;
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kPermissionDenied:
    case StatusCode::kResourceExhausted:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kOutOfRange:
      return true;
    default:
      return false;
  }
}
constexpr int kMaxHistoryPage = 200;
// A record key in an entry's subject: whole (a request's key may have 1,024 characters, up to
// 4 KiB), within the entry's text bound (AuditText may pass its bound by 2 bytes).
constexpr size_t kRecordAuditBytes = audit::kMaxEntryText - 2;
// A run of this many hidden entries in a row ends a person's visible history (sharing.md): a page
// scans past at most this many after each entry it shows, so one request reads at most
// (limit + 1) × this many indexed entries, however many hidden accesses the person has.
constexpr int kMaxHiddenRun = 2000;

// True when the law keeps this access from the person: its purpose is covert
// (PurposeCatalog::HiddenFromSubject) *and* an agreement gave the calling agency that purpose.
// DecideAccess names the agreement in the legal basis (AuditedLegalBasis) exactly when the
// policy matched one (a covert read refused for its rate is not indexed under the person at
// all). A covert purpose merely stated — without a key, or by an agency no agreement allows
// it — is shown: otherwise anyone could bury a person's real accesses under forged covert ones
// (docs/design/sharing.md).
// A person's history covers at most this many persons merged into them.
constexpr size_t kMaxAbsorbedKeys = 64;

// The entries about any of `keys` with an index below `before`, newest first, at most `limit`:
// each key's own newest `limit`, merged. Fewer than `limit` only when there are no more.
Result<std::vector<audit::StoredEntry>> EntriesForPersons(audit::AuditLog& log, const std::vector<std::string>& keys,
                                                         uint64_t before, int limit) {
  if (keys.size() == 1) return log.EntriesForPerson(keys[0], before, limit);
  std::vector<audit::StoredEntry> all;
  for (const std::string& key : keys) {
    ASSIGN_OR_RETURN(std::vector<audit::StoredEntry> rows, log.EntriesForPerson(key, before, limit));
    for (auto& r : rows) all.push_back(std::move(r));
  }
  std::sort(all.begin(), all.end(), [](const audit::StoredEntry& a, const audit::StoredEntry& b) {
    return a.index > b.index;
  });
  if (all.size() > static_cast<size_t>(limit)) all.resize(static_cast<size_t>(limit));
  return all;
}

bool CovertFromSubject(const audit::Entry& e) {
  return e.actor.role == "agency" && e.legal_basis.find("agreement ") != std::string::npos &&
         policy::PurposeCatalog::Default().HiddenFromSubject(e.purpose);
}


constexpr std::u32string_view kLines = U"\t\n";
// A record key: a composite one joins its parts with U+001F (catalog::kKeySeparator), as /v1/me
// shows it (until 2026-12-02 such a record could not be named, so a person holding two records
// of a composite-key dataset could ask no correction of it).
constexpr std::u32string_view kRecordKey = U"\x1f";

// Printable text of at most `max` characters (JSON parsing already refused invalid UTF-8), with
// no control or invisible formatting characters but those `allowed`.
Result<std::string> CleanText(const json& body, const std::string& member, bool required, size_t max,
                              std::u32string_view allowed = {}) {
  ASSIGN_OR_RETURN(std::string s, StringMember(body, member, required));
  if (required && s.empty()) return InvalidArgumentError(fmt::format("body.{}: must not be empty", member));
  // Characters (code points), as the OpenAPI document's maxLength counts them: a Vietnamese text
  // takes two or three bytes a letter (until 2026-12-02 this counted bytes).
  const size_t characters = text::CountCodePoints(s);
  if (characters > max) return InvalidArgumentError(fmt::format("body.{}: at most {} characters", member, max));
  // Read by the owning agency's staff and shown back to the person: no controls or invisible
  // formatting characters (a U+202E turns the text around it).
  RETURN_IF_ERROR(text::CheckDisplayText("body." + member, s, allowed));
  return s;
}

// The person a refusal made inside a grant's or request's transaction concerns: the one the key's
// own person `bound` leads to now — a merge or a split may have committed while the transaction
// waited for its turn (sharing::TakeTurnOfSurvivor), so that the bound it met was another
// person's than `before`, resolved when the request came in. `before` if that cannot be read.
std::string PersonNow(store::Executor& db, const std::string& bound, const std::string& before) {
  Result<std::optional<std::string>> now = person::ResolvePerson(db, bound);
  return now.ok() && now->has_value() ? **now : before;
}

// One history item: who (agency and role; a client id only for agency clients and the
// person's own key), when, what, why, which fields, the decision.
json AccessJson(const audit::Entry& e, const std::string& own_key) {
  json who = {{"agency", e.actor.agency.empty() ? json(nullptr) : json(e.actor.agency)}, {"role", e.actor.role}};
  if (e.actor.role == "agency" || e.actor.client == own_key) who["client"] = e.actor.client;
  return {{"index", e.index},
          {"id", e.id},
          {"time", FormatRfc3339(e.time_micros)},
          {"who", std::move(who)},
          {"action", e.action},
          {"purpose", e.purpose},
          {"legal_basis", e.legal_basis},
          {"consent", e.consent_ref.empty() ? json(nullptr) : json(e.consent_ref)},
          {"fields", e.fields},
          {"decision", std::string(audit::DecisionName(e.decision))},
          {"reason", e.reason.empty() ? json(nullptr) : json(e.reason)}};
}

}  // namespace

Result<std::string> ApiService::CitizenPerson(RouteContext& ctx) {
  const std::string& bound = ctx.principal->person_key;
  if (bound.empty()) {
    std::string why = "this citizen key is bound to no person: ask the operator for a key created with --person "
                      "<your person key>";
    RETURN_IF_ERROR(AuditAccess(ctx, "citizen.unbound_key", {}, {}, audit::Decision::kDenied, why));
    return PermissionDeniedError(why);
  }
  if (deps_.rate_limiter != nullptr) {
    // A citizen's own requests have the default rate too: one history page may build 200 proofs.
    sharing::RateLimiter::Verdict v = deps_.rate_limiter->Acquire(ctx.principal->key_id, deps_.default_rate_per_minute);
    if (!v.allowed) {
      const int64_t retry_after = sharing::RateLimiter::RetryAfterSeconds(v);
      std::string why = RateLimitedMessage(ctx.principal->key_id, deps_.default_rate_per_minute, "", retry_after);
      RETURN_IF_ERROR(AuditAccess(ctx, "citizen.rate_limited", {bound, "", ""}, {}, audit::Decision::kDenied, why));
      // Only now: a refusal that could not be audited is the server's failure, not a 429.
      ctx.retry_after_seconds = retry_after;
      return ResourceExhaustedError(why);
    }
  }
  ASSIGN_OR_RETURN(std::optional<std::string> key, person::ResolvePerson(*deps_.db, bound));
  if (!key) return NotFoundError(fmt::format("person '{}' of this key is no longer in the person repository", bound));
  return *key;
}

void ApiService::AddCitizenRoutes() {
  // The entry of the person's own read or change of their data.
  auto own_entry = [](std::string action, audit::Subject subject, std::vector<std::string> fields,
                      std::string consent_ref) {
    audit::Entry e;
    e.action = std::move(action);
    e.subject = std::move(subject);
    e.fields = std::move(fields);
    e.purpose = kSubjectPurpose;
    e.legal_basis = kSubjectLegalBasis;
    e.consent_ref = std::move(consent_ref);
    e.decision = audit::Decision::kAllowed;
    return e;
  };
  // Audits the person's own read of their data before the answer is sent.
  auto audit_own = [this, own_entry](const RouteContext& ctx, std::string action, audit::Subject subject,
                                     std::vector<std::string> fields, std::string consent_ref = {}) -> Status {
    Status s = AppendAudit(ctx, own_entry(std::move(action), std::move(subject), std::move(fields),
                                          std::move(consent_ref)));
    return s.ok() ? s : s.WithContext("the request could not be audited, so nothing was disclosed");
  };
  // Audits a change the person made (a consent granted or revoked, a correction requested): it is
  // already committed, so a failed entry must not be answered as "nothing was kept, retry" — the
  // retry would grant a second consent (review of 2026-12-01).
  auto audit_own_change = [this, own_entry](const RouteContext& ctx, std::string action, audit::Subject subject,
                                            std::vector<std::string> fields, std::string consent_ref = {}) -> Status {
    return AuditMadeChange(ctx, own_entry(std::move(action), std::move(subject), std::move(fields),
                                          std::move(consent_ref)));
  };
  auto need_consents = [this]() -> Status {
    return deps_.consents ? OkStatus() : InternalError("consents are not configured on this node");
  };

  router_.Add("GET", "/v1/me", kCitizen, [this, audit_own](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(std::string me, CitizenPerson(ctx));
    ASSIGN_OR_RETURN(json j, person::PersonJson(*deps_.db, me));
    ASSIGN_OR_RETURN(std::vector<person::Link> links, person::LinksOf(*deps_.db, me));
    json records = json::array();
    for (const person::Link& link : links) {
      ASSIGN_OR_RETURN(catalog::DatasetInfo info, deps_.catalog->GetDataset(link.dataset_id));
      json r = {{"dataset", link.dataset_id}, {"dataset_title", info.schema.title}, {"record", link.record_key},
                {"owner", info.schema.owner}, {"linked_by", link.method}};
      Result<ingest::RecordVersion> v = ingest::GetRecord(*deps_.db, info, link.record_key);
      if (v.status().code() == StatusCode::kNotFound) {
        r["deleted"] = true;  // the owner deleted it since it was linked
      } else {
        RETURN_IF_ERROR(v.status());
        r["deleted"] = false;
        r["updated_at"] = FormatRfc3339(v->valid_from);
        r["version"] = v->version;
        r["fields"] = RecordVersionJson(info.schema, *v)["fields"];
      }
      records.push_back(std::move(r));
    }
    j["records"] = std::move(records);
    // The person's events also name other persons (a merge, a record moved to someone else or
    // split off, in `other` and in the operator's `detail`) and records no longer theirs: other
    // people's keys, often their personal ID numbers. A citizen sees what happened, when, and
    // which of their own records it concerned (review of 2026-12-01).
    std::set<std::pair<std::string, std::string>> own;
    for (const person::Link& link : links) own.emplace(link.dataset_id, link.record_key);
    for (json& ev : j["events"]) {
      ev.erase("other");
      ev.erase("detail");
      if (ev.contains("record") &&
          !own.contains({ev.value("dataset", std::string()), ev["record"].get<std::string>()})) {
        ev.erase("record");
      }
    }
    RETURN_IF_ERROR(audit_own(ctx, "me.read", {me, "", ""}, {"*"}));
    return JsonResponse(DumpJson(j));
  });

  router_.Add("GET", "/v1/me/access", kCitizen, [this, audit_own](RouteContext& ctx) -> Result<Response> {
    if (deps_.audit == nullptr) return InternalError("the audit log is not configured");
    ASSIGN_OR_RETURN(std::string me, CitizenPerson(ctx));
    ASSIGN_OR_RETURN(std::optional<int64_t> before, IntParam(ctx.request, "before", 0, INT64_MAX));
    ASSIGN_OR_RETURN(int limit, LimitParam(ctx.request, 50, kMaxHistoryPage));
    // The accesses to the persons merged into this one are theirs too: the history is of every key.
    std::vector<std::string> keys = {me};
    ASSIGN_OR_RETURN(std::vector<std::string> absorbed, person::AbsorbedPersons(*deps_.db, me, kMaxAbsorbedKeys));
    keys.insert(keys.end(), absorbed.begin(), absorbed.end());
    if (before) {
      // Only a position this history gives (an entry about the person that it shows, as every
      // next_before is) may start a page: with any number allowed, a person could bisect for
      // where a run of 2,000 hidden entries ends their history, and learn it exists (review of
      // 2026-12-01). The same answer for every other number: it tells nothing about the entry.
      ASSIGN_OR_RETURN(std::vector<audit::StoredEntry> at,
                       deps_.audit->Entries(static_cast<uint64_t>(*before), static_cast<uint64_t>(*before) + 1));
      bool shown = false;
      if (at.size() == 1) {
        Result<audit::Entry> e = audit::DecodeEntry(at[0].bytes);
        shown = e.ok() && std::find(keys.begin(), keys.end(), e->subject.person_key) != keys.end() &&
                !CovertFromSubject(*e);
      }
      if (!shown) {
        return InvalidArgumentError(fmt::format("query.before: {} is not a position in your history; give the "
                                                "next_before of the previous page, or leave it out to start from "
                                                "the newest",
                                                *before));
      }
    }
    ASSIGN_OR_RETURN(std::optional<audit::StoredCheckpoint> checkpoint, deps_.audit->LatestCheckpoint());
    const uint64_t signed_size = checkpoint ? checkpoint->checkpoint.size : 0;
    // Pages through the person index, skipping hidden entries, until `limit` visible ones, then
    // looks on for one more visible entry: `next_before` (the last visible index) is given only
    // when there is one, so neither the cursor nor an empty last page reveals hidden entries.
    uint64_t cursor = before ? static_cast<uint64_t>(*before) : UINT64_MAX;
    std::optional<uint64_t> last_shown;
    json items = json::array();
    int hidden_run = 0;  // hidden entries scanned since the last one shown (or the page's start)
    bool exhausted = false;
    bool more = false;
    std::vector<audit::StoredEntry> proved;  // the shown entries a checkpoint covers
    std::vector<size_t> proved_items;        // their places in `items`
    // Read in batches of at least 200, so that a small page past many hidden entries costs a few
    // index reads, not one per entry.
    const int batch = std::max(limit, kMaxHistoryPage);
    // The bound is a run of hidden entries, not a page's total: with a total, whether a run of
    // 1,800 hidden entries ended the history depended on `limit` (200 shown first, then the run,
    // spent a 2,000-entry page; a page of one did not), and walks at two limits measured the run
    // (review of 2026-12-01).
    while (!more && !exhausted && hidden_run < kMaxHiddenRun) {
      ASSIGN_OR_RETURN(std::vector<audit::StoredEntry> rows, EntriesForPersons(*deps_.audit, keys, cursor, batch));
      exhausted = static_cast<int>(rows.size()) < batch;
      for (const audit::StoredEntry& row : rows) {
        if (hidden_run == kMaxHiddenRun) break;  // the run ends the history here, whatever lies beyond
        cursor = row.index;
        // What the page shows must be what the tree holds: the bytes hash to the leaf that the
        // proof proves, and record the index they are stored at (a proof sent without the bytes
        // would otherwise vouch for whatever the row says).
        if (merkle::HashLeaf(row.bytes) != row.leaf_hash) {
          return DataLossError(fmt::format("audit entry {} does not hash to its leaf: the log was altered (run `ndc "
                                           "audit verify`)",
                                           row.index));
        }
        ASSIGN_OR_RETURN(audit::Entry e, audit::DecodeEntry(row.bytes));
        // ... and the id stored beside them, which the proof names (review of 2026-12-03: the
        // page showed the column's id, outside the tree, in place of the entry's own).
        if (e.index != row.index || e.id != row.id) {
          return DataLossError(fmt::format("audit entry {} records index {} and id '{}': the log was altered (run "
                                           "`ndc audit verify`)",
                                           row.index, e.index, AuditText(e.id)));
        }
        // The index column is outside the tree: check it.
        if (std::find(keys.begin(), keys.end(), e.subject.person_key) == keys.end()) {
          return DataLossError(fmt::format("audit entry {} is indexed under person {}{} but is about another "
                                           "person: the person index was altered (run `ndc audit verify`)",
                                           row.index, me, keys.size() > 1 ? " or a person merged into it" : ""));
        }
        if (CovertFromSubject(e)) {
          ++hidden_run;
          continue;
        }
        hidden_run = 0;
        if (static_cast<int>(items.size()) == limit) {
          more = true;
          break;
        }
        json item = AccessJson(e, ctx.principal->key_id);
        if (row.index < signed_size) {
          proved.push_back(row);  // proofs below, all at once
          proved_items.push_back(items.size());
        } else {
          item["proof"] = nullptr;
          item["proof_status"] = "not yet in a checkpoint";
        }
        items.push_back(std::move(item));
        last_shown = row.index;
      }
    }
    // The page's proofs share one head read and one read of their nodes.
    ASSIGN_OR_RETURN(std::vector<audit::InclusionProofData> proofs,
                     deps_.audit->ProveInclusions(std::move(proved), signed_size));
    for (size_t i = 0; i < proofs.size(); ++i) {
      json& item = items[proved_items[i]];
      item["proof"] = audit::InclusionProofJson(proofs[i]);
      // The encoded entry names the actor's key and the request id: where AccessJson does not
      // show the client (anyone but an agency or the caller), the proof carries the leaf hash only.
      // (Left out, not null: a proof file's "entry", when present, must be the entry's bytes.)
      if (!item["who"].contains("client")) item["proof"].erase("entry");
    }
    // A run of kMaxHiddenRun hidden entries ends the history there (sharing.md).
    RETURN_IF_ERROR(audit_own(ctx, "me.access.read", {me, "", ""}, {"audit_entries"}));
    json out = {{"person", me},
                {"accesses", std::move(items)},
                {"checkpoint", checkpoint ? json(checkpoint->note) : json(nullptr)},
                {"tree_size", signed_size},
                {"next_before", more ? json(*last_shown) : json(nullptr)}};
    return JsonResponse(DumpJson(out));
  });

  router_.Add("GET", "/v1/me/consents", kCitizen, [this, audit_own, need_consents](RouteContext& ctx) -> Result<Response> {
    RETURN_IF_ERROR(need_consents());
    ASSIGN_OR_RETURN(std::string me, CitizenPerson(ctx));
    ASSIGN_OR_RETURN(int limit, LimitParam(ctx.request, 100, kMaxHistoryPage));
    const std::string before = ctx.request.query.contains("before") ? ctx.request.query.at("before") : "";
    ASSIGN_OR_RETURN(auto list, deps_.consents->ForPerson(me, before, limit));
    const int64_t now = deps_.clock->NowMicros();
    json items = json::array();
    for (const auto& c : list) items.push_back(sharing::ConsentToJson(c, now));
    json next = static_cast<int>(list.size()) == limit ? json(list.back().consent.id) : json(nullptr);
    RETURN_IF_ERROR(audit_own(ctx, "consent.list", {me, "", ""}, {"consents"}));
    return JsonResponse(DumpJson({{"consents", std::move(items)}, {"next_before", std::move(next)}}));
  });

  router_.Add("POST", "/v1/me/consents", kCitizen, [this, audit_own_change, need_consents](RouteContext& ctx) -> Result<Response> {
    RETURN_IF_ERROR(need_consents());
    ASSIGN_OR_RETURN(std::string me, CitizenPerson(ctx));
    // A refusal (a malformed body; an unknown recipient, dataset, field or purpose; the bound on
    // the person's consents) is audited as the person's denied grant, as a refused correction
    // request is (review of 2026-12-02: none was). A store failure is the server's error.
    Result<sharing::StoredConsent> granted = [&]() -> Result<sharing::StoredConsent> {
      ASSIGN_OR_RETURN(json body, ParseObjectBody(ctx.request, {"recipient", "purpose", "grants", "valid_from", "valid_to",
                                                                "max_uses", "frequency", "text_version", "channel"}));
      ASSIGN_OR_RETURN(sharing::StoredConsent draft, sharing::ConsentFromJson(body, deps_.clock->NowMicros()));
      draft.proof = fmt::format("key {} request {}", ctx.principal->key_id, ctx.request.request_id);
      // From the key's own person, not `me`: a split giving that person back meanwhile is followed.
      return deps_.consents->Grant(ctx.principal->person_key, std::move(draft));
    }();
    if (!granted.ok() && IsRefusal(granted.status())) {
      // Under the person whose bound refused it, when a split or merge moved the key meanwhile.
      RETURN_IF_ERROR(AuditAccess(ctx, "consent.grant", {PersonNow(*deps_.db, ctx.principal->person_key, me), "", ""},
                                  {}, audit::Decision::kDenied, std::string(granted.status().message())));
    }
    ASSIGN_OR_RETURN(sharing::StoredConsent c, std::move(granted));
    std::vector<std::string> fields;
    for (const auto& g : c.consent.grants) {
      for (const auto& f : g.fields) fields.push_back(g.dataset + "." + f);
    }
    // More than an entry lists (256) are collapsed to dataset.* by the append (MakeLoggable).
    RETURN_IF_ERROR(audit_own_change(ctx, "consent.grant", {c.consent.person_key, "", c.consent.id},
                                     std::move(fields), c.consent.id));
    Response r = JsonResponse(DumpJson(sharing::ConsentToJson(c, deps_.clock->NowMicros())), 201);
    r.headers.emplace_back("Location", "/v1/me/consents/" + c.consent.id);
    return r;
  });

  router_.Add("GET", "/v1/me/consents/{id}", kCitizen,
              [this, audit_own, need_consents](RouteContext& ctx) -> Result<Response> {
                RETURN_IF_ERROR(need_consents());
                ASSIGN_OR_RETURN(std::string me, CitizenPerson(ctx));
                auto found = deps_.consents->Get(me, ctx.params.at("id"));
                if (found.status().code() == StatusCode::kNotFound && IsRefusal(found.status())) {  // unknown, or another person's
                  RETURN_IF_ERROR(AuditAccess(ctx, "consent.read", {me, "", AuditText(ctx.params.at("id"))}, {},
                                              audit::Decision::kDenied, std::string(found.status().message())));
                }
                ASSIGN_OR_RETURN(auto c, std::move(found));
                RETURN_IF_ERROR(audit_own(ctx, "consent.read", {me, "", c.consent.id}, {"consents"}, c.consent.id));
                return JsonResponse(DumpJson(sharing::ConsentToJson(c, deps_.clock->NowMicros())));
              });

  router_.Add("POST", "/v1/me/consents/{id}/revoke", kCitizen,
              [this, audit_own_change, need_consents](RouteContext& ctx) -> Result<Response> {
                RETURN_IF_ERROR(need_consents());
                ASSIGN_OR_RETURN(std::string me, CitizenPerson(ctx));
                auto revoked = deps_.consents->Revoke(me, ctx.params.at("id"));
                // Unknown, another person's, or already revoked (audited since 2026-12-02).
                if ((revoked.status().code() == StatusCode::kNotFound ||
                     revoked.status().code() == StatusCode::kFailedPrecondition) &&
                    IsRefusal(revoked.status())) {
                  RETURN_IF_ERROR(AuditAccess(ctx, "consent.revoke", {me, "", AuditText(ctx.params.at("id"))}, {},
                                              audit::Decision::kDenied, std::string(revoked.status().message())));
                }
                ASSIGN_OR_RETURN(auto c, std::move(revoked));
                RETURN_IF_ERROR(audit_own_change(ctx, "consent.revoke", {me, "", c.consent.id}, {}, c.consent.id));
                return JsonResponse(DumpJson(sharing::ConsentToJson(c, deps_.clock->NowMicros())));
              });

  router_.Add("POST", "/v1/me/corrections", kCitizen, [this, audit_own_change](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(std::string me, CitizenPerson(ctx));
    sharing::CorrectionRequest req;
    // A refusal (a malformed body, an unknown dataset or field, a record not the person's, the
    // bound on open requests) is audited as the person's denied request, as a consent's is
    // (review of 2026-12-01: none was).
    auto refuse = [&](const Status& why, const std::string& person) -> Status {
      std::vector<std::string> fields;
      if (!req.field.empty()) fields.push_back(AuditText(req.field));
      // The reason as it is: its request texts are AuditText already, and the log's own
      // MakeLoggable escapes what it would refuse (AuditText here escaped their '%' twice).
      RETURN_IF_ERROR(AuditAccess(ctx, "correction.request",
                                  {person, AuditText(req.dataset_id), AuditText(req.record_key, kRecordAuditBytes)},
                                  std::move(fields), audit::Decision::kDenied, std::string(why.message())));
      return why;
    };
    // What the store failed at (reading the catalog or the links, writing the request) is the
    // server's error, answered as such and not recorded as the person's refusal.
    Status store_failed;
    auto store_error = [&store_failed](Status s) {
      store_failed = s;
      return s;
    };
    Result<catalog::DatasetInfo> checked = [&]() -> Result<catalog::DatasetInfo> {
      ASSIGN_OR_RETURN(json body,
                       ParseObjectBody(ctx.request, {"dataset", "record", "field", "claimed_value", "note"}));
      ASSIGN_OR_RETURN(req.dataset_id, CleanText(body, "dataset", true, 64));
      ASSIGN_OR_RETURN(req.record_key, CleanText(body, "record", false, 1024, kRecordKey));
      ASSIGN_OR_RETURN(req.field, CleanText(body, "field", true, 64));
      ASSIGN_OR_RETURN(req.claimed_value, CleanText(body, "claimed_value", true, 1000));
      ASSIGN_OR_RETURN(req.note, CleanText(body, "note", false, 2000, kLines));
      auto info = deps_.catalog->GetDataset(req.dataset_id);
      if (info.status().code() == StatusCode::kNotFound) {
        return NotFoundError(fmt::format("body.dataset: no dataset '{}'", AuditText(req.dataset_id)));
      }
      if (!info.ok()) return store_error(info.status());
      if (info->schema.Field(req.field) == nullptr) {
        return InvalidArgumentError(fmt::format("body.field: dataset '{}' has no field '{}'", req.dataset_id,
                                                AuditText(req.field)));
      }
      Result<std::vector<person::Link>> links = person::LinksOf(*deps_.db, me);
      if (!links.ok()) return store_error(links.status());
      std::vector<std::string> mine;
      for (const auto& l : *links) {
        if (l.dataset_id == req.dataset_id) mine.push_back(l.record_key);
      }
      if (req.record_key.empty()) {
        if (mine.empty()) return NotFoundError(fmt::format("none of your records is in dataset '{}'", req.dataset_id));
        if (mine.size() > 1) {
          return InvalidArgumentError(fmt::format("body.record: you have {} records in dataset '{}'; name the one to "
                                                  "correct (GET /v1/me lists them)", mine.size(), req.dataset_id));
        }
        req.record_key = mine[0];
      } else if (std::find(mine.begin(), mine.end(), req.record_key) == mine.end()) {
        return NotFoundError(fmt::format("body.record: no record '{}' of dataset '{}' is linked to you",
                                         AuditText(req.record_key), req.dataset_id));
      }
      return *std::move(info);
    }();
    if (!checked.ok()) return store_failed.ok() ? refuse(checked.status(), me) : checked.status();
    const catalog::DatasetInfo& info = *checked;
    req.person_key = me;
    req.asked_by = ctx.principal->person_key;  // the key's own person, kept through merges
    Result<ingest::RecordVersion> v = ingest::GetRecord(*deps_.db, info, req.record_key);
    if (v.ok()) {
      for (size_t i = 0; i < info.schema.fields.size() && i < v->values.size(); ++i) {
        if (info.schema.fields[i].name == req.field && !store::IsNull(v->values[i])) {
          req.current_value = store::ValueText(v->values[i]);
        }
      }
    } else if (v.status().code() != StatusCode::kNotFound) {
      return v.status();
    }
    Result<sharing::CorrectionRequest> created =
        sharing::CreateCorrection(*deps_.db, req, SystemRandom(), deps_.clock->NowMicros());
    if (!created.ok()) {
      // The bound is met inside the request's transaction: the person it was counted on is the
      // one the key leads to now (a split or merge may have committed while it waited).
      return sharing::IsOpenCorrectionsBound(created.status())
                 ? refuse(created.status(), PersonNow(*deps_.db, ctx.principal->person_key, me))
                 : created.status();
    }
    const sharing::CorrectionRequest& c = *created;
    RETURN_IF_ERROR(audit_own_change(ctx, "correction.request",
                                     {c.person_key, c.dataset_id, AuditText(c.record_key, kRecordAuditBytes)},
                                     {c.field}));
    json j = sharing::CorrectionJson(c);
    j["owner"] = info.schema.owner;
    return JsonResponse(DumpJson(j), 201);
  });

  router_.Add("GET", "/v1/me/corrections", kCitizen, [this, audit_own](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(std::string me, CitizenPerson(ctx));
    ASSIGN_OR_RETURN(int limit, LimitParam(ctx.request, 100, kMaxHistoryPage));
    const std::string before = ctx.request.query.contains("before") ? ctx.request.query.at("before") : "";
    ASSIGN_OR_RETURN(auto list, sharing::CorrectionsOfPerson(*deps_.db, me, before, limit));
    json items = json::array();
    for (const auto& c : list) items.push_back(sharing::CorrectionJson(c));
    json next = static_cast<int>(list.size()) == limit ? json(list.back().id) : json(nullptr);
    RETURN_IF_ERROR(audit_own(ctx, "correction.list", {me, "", ""}, {"corrections"}));
    return JsonResponse(DumpJson({{"corrections", std::move(items)}, {"next_before", std::move(next)}}));
  });

  // The owning agency's inbox of correction requests (and operators').
  router_.Add("GET", "/v1/datasets/{id}/corrections", {Role::kOperator, Role::kAgency},
              [this](RouteContext& ctx) -> Result<Response> {
                const std::string& id = ctx.params.at("id");
                Result<catalog::DatasetInfo> dataset = IngestDataset(*ctx.principal, id);
                if (dataset.status().code() == StatusCode::kPermissionDenied) {
                  RETURN_IF_ERROR(AuditAccess(ctx, "corrections.read", {"", id, ""}, {}, audit::Decision::kDenied,
                                              dataset.status().message()));
                }
                RETURN_IF_ERROR(dataset.status());
                ASSIGN_OR_RETURN(int limit, LimitParam(ctx.request, 1000, 5000));
                auto after = ctx.request.query.find("after");
                ASSIGN_OR_RETURN(bool all, BoolParam(ctx.request, "all", false));
                ASSIGN_OR_RETURN(auto rows, sharing::ListCorrections(
                                                *deps_.db, id, after == ctx.request.query.end() ? "" : after->second,
                                                limit, all));
                // The hub's person key is another agency's data (the registry's): the owning agency
                // gets its record, field and values, as with discrepancies; operators get the person too.
                const bool operator_view = ctx.principal->role == Role::kOperator;
                std::vector<std::string> disclosed = {"record", "field", "current_value", "claimed_value", "note"};
                if (operator_view) disclosed.push_back("person");
                RETURN_IF_ERROR(AuditAccess(ctx, "corrections.read", {"", id, ""}, disclosed, audit::Decision::kAllowed));
                json items = json::array();
                for (auto& c : rows) {
                  if (!operator_view) c.person_key.clear();
                  items.push_back(sharing::CorrectionJson(c));
                }
                json next = rows.size() == static_cast<size_t>(limit) ? json(rows.back().id) : json(nullptr);
                return JsonResponse(DumpJson({{"dataset", id}, {"corrections", std::move(items)}, {"next_after", next}}));
              });

  // The owner's answer to a request: accepted or rejected, with a text for the person. Final.
  router_.Add("POST", "/v1/datasets/{id}/corrections/{cid}/answer", {Role::kOperator, Role::kAgency},
              [this](RouteContext& ctx) -> Result<Response> {
                const std::string& id = ctx.params.at("id");
                const std::string& cid = ctx.params.at("cid");
                Result<catalog::DatasetInfo> dataset = IngestDataset(*ctx.principal, id);
                if (dataset.status().code() == StatusCode::kPermissionDenied) {
                  RETURN_IF_ERROR(AuditAccess(ctx, "correction.answer", {"", id, AuditText(cid)}, {},
                                              audit::Decision::kDenied, dataset.status().message()));
                }
                RETURN_IF_ERROR(dataset.status());
                ASSIGN_OR_RETURN(json body, ParseObjectBody(ctx.request, {"decision", "answer"}));
                ASSIGN_OR_RETURN(std::string decision, StringMember(body, "decision", true));
                if (decision != "accepted" && decision != "rejected") {
                  return InvalidArgumentError(
                      fmt::format("body.decision: '{}' is not accepted or rejected", AuditText(decision)));
                }
                ASSIGN_OR_RETURN(std::string answer, CleanText(body, "answer", true, 2000, kLines));
                const std::string by =
                    ctx.principal->role == Role::kOperator ? std::string("operator") : ctx.principal->agency_id;
                ASSIGN_OR_RETURN(sharing::CorrectionRequest c,
                                 sharing::AnswerCorrection(*deps_.db, id, cid, decision == "accepted", answer, by,
                                                           deps_.clock->NowMicros()));
                RETURN_IF_ERROR(AuditChange(ctx, "correction.answer", {c.person_key, id, AuditText(c.record_key, kRecordAuditBytes)},
                                            {"status", "answer"}));
                if (ctx.principal->role != Role::kOperator) c.person_key.clear();  // as in the inbox
                return JsonResponse(DumpJson(sharing::CorrectionJson(c)));
              });
}

}  // namespace ndc::api
