// The gate of the data endpoints: caller -> policy decision -> rate limit -> consent use -> audit
// entry, before any data leaves. docs/design/sharing.md ("Data endpoints").
#include <fmt/format.h>

#include <climits>

#include "api/audit_text.h"
#include "api/problem.h"
#include "api/service.h"
#include "common/json.h"
#include "common/log.h"
#include "person/person_store.h"
#include "policy/decide.h"
#include "policy/purposes.h"

namespace ndc::api {
namespace {

// "population_registry.ho_ten", or "population_registry.*" per dataset when there are too many
// to list in one audit entry (AuditFieldList). A refused request's fields are the caller's text.
std::vector<std::string> AuditFields(const std::vector<policy::FieldRef>& fields, bool all_fields) {
  if (all_fields) return {"*"};
  std::vector<std::string> names;
  names.reserve(fields.size());
  for (const auto& f : fields) {
    std::string& name = names.emplace_back();  // one allocation a name
    name.reserve(f.dataset.size() + 1 + f.field.size());
    name.append(f.dataset).append(1, '.').append(f.field);
  }
  return AuditFieldList(std::move(names));
}

// 403 (429 when rate-limited) problem+json with the stable reason name as a member.
Response Refusal(int status, std::string_view reason, const std::string& message, const Request& request) {
  return ProblemResponse(status, status == 429 ? "RESOURCE_EXHAUSTED" : "PERMISSION_DENIED",
                         status == 429 ? "Rate limit exceeded" : "Not allowed by any agreement", message,
                         request.path, request.request_id, reason);
}

}  // namespace

Result<policy::Caller> ApiService::CallerOf(const auth::Principal& who) const {
  policy::Caller caller;
  switch (who.role) {
    case auth::Role::kAgency: {
      ASSIGN_OR_RETURN(catalog::Agency agency, deps_.catalog->GetAgency(who.agency_id));
      caller.kind = agency.kind == "non_state" ? policy::CallerKind::kNonStateAgency : policy::CallerKind::kStateAgency;
      caller.agency_id = who.agency_id;
      break;
    }
    case auth::Role::kCitizen: {
      caller.kind = policy::CallerKind::kCitizen;
      // The key was bound to a person that may since have been merged into another.
      ASSIGN_OR_RETURN(std::optional<std::string> now, person::ResolvePerson(*deps_.db, who.person_key));
      caller.person_key = now.value_or(who.person_key);
      break;
    }
    default:
      caller.kind = policy::CallerKind::kStaff;
  }
  return caller;
}

std::string ApiService::AuditedLegalBasis(const policy::Decision& d) {
  if (d.agreement_id.empty()) return d.legal_basis;
  return fmt::format("{}{}agreement {} v{}", d.legal_basis, d.legal_basis.empty() ? "" : "; ", d.agreement_id,
                     d.agreement_version);
}

std::string ApiService::RateLimitedMessage(const std::string& client, int rate, const std::string& agreement,
                                           int64_t retry_after_seconds) {
  return fmt::format("client '{}' exceeded its rate of {} requests per minute{}; retry after {} s", client, rate,
                     agreement.empty() ? "" : fmt::format(" under agreement '{}'", agreement), retry_after_seconds);
}

Result<ApiService::Access> ApiService::DecideAccess(RouteContext& ctx, policy::Request request,
                                                    std::string action, audit::Subject subject,
                                                    const AllowedWork& work) {
  if (deps_.agreements == nullptr) return InternalError("data-sharing agreements are not configured");
  if (deps_.audit == nullptr) return InternalError("the audit log is not configured");
  request.now = deps_.clock->NowMicros();
  sharing::AgreementSet agreements;
  std::vector<policy::Consent> consents;
  // What the decision reads. A store error here decides nothing: the request is refused with that
  // error, and the attempt is audited like any refusal (below) before the error is answered.
  const Status looked_up = [&]() -> Status {
    ASSIGN_OR_RETURN(request.caller, CallerOf(*ctx.principal));
    if (request.caller.kind == policy::CallerKind::kStateAgency ||
        request.caller.kind == policy::CallerKind::kNonStateAgency) {
      ASSIGN_OR_RETURN(agreements,
                       deps_.agreements->ForConsumer(request.caller.agency_id, ctx.principal->access_read));
    }
    // Consents count only for non-state recipients and agreements resting on consent (policy's
    // NeedsConsent): a state agency's read under a legal mandate does not look them up.
    bool consent_matters = request.caller.kind == policy::CallerKind::kNonStateAgency;
    for (const policy::Agreement& a : agreements) consent_matters |= a.legal_basis.consent;
    if (!request.person_key.empty() && deps_.consents != nullptr && consent_matters) {
      // Only the consents given to this caller's agency count (policy::Decide matches the recipient).
      ASSIGN_OR_RETURN(consents, deps_.consents->ForDecision(request.person_key, request.caller.agency_id));
    }
    return OkStatus();
  }();

  Access out;
  policy::Decision& d = out.decision;
  if (looked_up.ok()) {
    d = policy::Decide(request, agreements, consents);
  } else {
    d.message = std::string(looked_up.message());
  }
  std::string reason = d.allowed ? "" : looked_up.ok() ? std::string(policy::ReasonName(d.reason))
                                                      : std::string(StatusCodeName(looked_up.code()));
  int http_status = 403;
  // A record read refused for want of a consent takes a token as a served one does, from the
  // same bucket (Decision::rate_agreement_id): else, once the bucket is empty, a key whose person
  // consented (allowed, then 429) would be answered otherwise than any other key (403), and the
  // refusals would cost the prober nothing (review of 2026-12-02).
  const bool consent_record_refusal = !d.allowed && request.action == policy::Action::kReadRecord &&
                                      d.reason == policy::Reason::kConsentRequired &&
                                      !(d.agreement_id.empty() && d.rate_agreement_id.empty());
  if ((d.allowed || consent_record_refusal) && deps_.rate_limiter != nullptr) {
    int rate = d.rate_per_minute > 0 ? d.rate_per_minute : deps_.default_rate_per_minute;
    // One bucket per client and agreement: each agreement's rate holds for its own requests (one
    // bucket per client let calls under a generous agreement refill a strict one's). A record
    // read under consent takes an agreement's chosen without the consents (rate_agreement_id).
    const std::string& rate_agreement = d.rate_agreement_id.empty() ? d.agreement_id : d.rate_agreement_id;
    const std::string bucket =
        rate_agreement.empty() ? ctx.principal->key_id : ctx.principal->key_id + '\x1f' + rate_agreement;
    // One token a request and bucket, however many decisions the request needs.
    sharing::RateLimiter::Verdict v{.allowed = true};
    if (!ctx.rate_buckets_taken.contains(bucket)) {
      v = deps_.rate_limiter->Acquire(bucket, rate);
      if (v.allowed) ctx.rate_buckets_taken.insert(bucket);
    }
    if (!v.allowed) {
      d.allowed = false;
      reason = "rate_limited";
      http_status = 429;
      d.message = RateLimitedMessage(ctx.principal->key_id, rate, rate_agreement,
                                     sharing::RateLimiter::RetryAfterSeconds(v));
      out.refusal = Refusal(429, reason, d.message, ctx.request);
      out.refusal->headers.emplace_back("Retry-After", std::to_string(sharing::RateLimiter::RetryAfterSeconds(v)));
    }
  }
  Status work_failed = looked_up;
  bool masked = false;  // a record read's failure answered as NoConsent (below)
  // A record read's refusal after the decision answered as Decide answers one its person's
  // consents refuse: the generic NoConsent, what was decided kept for the entry (audit_detail).
  const auto answer_as_no_consent = [&] {
    d.audit_detail = reason + ": " + d.message;
    const policy::Decision none = policy::NoConsent(request);
    reason = std::string(policy::ReasonName(none.reason));
    d.message = none.message;
  };
  int64_t consent_window = 0;  // the frequency window the use was counted in
  if (d.allowed && !d.consent_id.empty()) {
    if (deps_.consents == nullptr) return InternalError("consents are not configured");
    std::string refused_as;
    if (Status used = deps_.consents->CountUse(d.consent_id, &consent_window, &refused_as); !used.ok()) {
      d.allowed = false;
      if (used.code() != StatusCode::kFailedPrecondition) {  // a store error: audited, then answered
        reason = std::string(StatusCodeName(used.code()));
        d.message = std::string(used.message());
        work_failed = used;
      } else {
        // Revoked or expired since the decision read it (a race with the person): said as such,
        // not as used up (review of 2026-12-01). The message names the consent already.
        const policy::Reason why = refused_as == "revoked" ? policy::Reason::kConsentRevoked
                                   : refused_as == "expired" || refused_as == "not_yet_valid"
                                       ? policy::Reason::kConsentExpired
                                       : policy::Reason::kConsentExhausted;
        reason = std::string(policy::ReasonName(why));
        d.message = std::string(used.message());
        if (request.action == policy::Action::kReadRecord) answer_as_no_consent();
      }
    }
  }
  bool work_refused = false;  // the work's own refusal (PERMISSION_DENIED), not a failure
  if (d.allowed && work && work_failed.ok()) {
    work_failed = work(&subject, d);
    work_refused = work_failed.code() == StatusCode::kPermissionDenied;
    if (!work_failed.ok()) {  // nothing is disclosed: the entry says why
      d.allowed = false;
      reason = std::string(StatusCodeName(work_failed.code()));
      d.message = std::string(work_failed.message());
      // ... and the consent's use is given back: only what is sent spends it (review of
      // 2026-11-30: a read of a deleted record used up a one-read consent).
      if (!d.consent_id.empty()) {
        if (Status back = deps_.consents->ReturnUse(d.consent_id, consent_window); !back.ok()) {
          log::Warn("consent.use_not_returned", {{"consent", d.consent_id}, {"error", back.ToString()}});
        }
        // A record read under a consent that found the record deleted, or moved to another person
        // meanwhile, is answered as a record no consent covers: a 404 here, against the 403 of a
        // key no one's consent reaches, told the reader whose the record had been.
        if (request.action == policy::Action::kReadRecord &&
            (work_failed.code() == StatusCode::kNotFound || work_failed.code() == StatusCode::kAborted)) {
          answer_as_no_consent();
          masked = true;
        }
      }
    }
  }

  audit::Entry e;
  e.action = std::move(action);
  e.subject = std::move(subject);
  std::string audit_only;  // said in the entry's reason, never in the answer
  if ((http_status == 429 || !looked_up.ok() || (!d.allowed && !d.agreement_id.empty())) &&
      !e.subject.person_key.empty() && policy::PurposeCatalog::Default().HiddenFromSubject(request.purpose)) {
    // A covert request refused for its rate, refused under the agreement that gives the caller
    // the covert purpose, or left undecided by a store error (the agreement unknown: until
    // 2026-11-30 a transient error showed the person a covert interest) disclosed nothing and
    // cost the caller nothing: it stays in the
    // log, naming the person in its reason, but out of the person's history, where a flood of
    // them (hidden there) would spend a history page's scan budget and end the person's visible
    // history. Other refusals are shown to the person. The person is named in the entry only:
    // until 2026-12-01 the answer said it too, so a covert caller learned which person a record
    // key or merged key belongs to (and whether it belongs to anyone) from a refusal.
    audit_only = fmt::format(" (about person {})", e.subject.person_key);
    e.subject.person_key.clear();
  }
  e.fields = AuditFields(d.allowed ? d.fields : request.fields, d.allowed && d.all_fields);
  e.purpose = request.caller.kind == policy::CallerKind::kCitizen ? "data_subject_access" : AuditText(request.purpose);
  if (e.purpose.empty()) e.purpose = "none stated";
  e.legal_basis = AuditedLegalBasis(d);
  e.consent_ref = d.consent_id;
  e.decision = d.allowed ? audit::Decision::kAllowed : audit::Decision::kDenied;
  if (!d.allowed) {
    // What was decided, then what the caller was told instead, if anything else.
    e.reason = AuditText((d.audit_detail.empty() ? reason + ": " + d.message
                                                 : d.audit_detail + " (answered " + reason + ")") +
                         audit_only);
  }
  StampAudit(ctx, e);
  ctx.send_after.push_back(AppendAndGate(deps_.audit, std::move(e),
                                                "the decision could not be audited, so nothing was disclosed"));
  if (work_refused) {
    // The work's own refusal (find: an attribute the agreement grants no field for) is a 403
    // like the decision's, with its reason.
    out.refusal = Refusal(403, policy::ReasonName(policy::Reason::kFieldNotAllowed), d.message, ctx.request);
    return out;
  }
  if (!work_failed.ok() && !masked) return work_failed;  // answered once its entry is durable, like a refusal
  if (!d.allowed && !out.refusal) out.refusal = Refusal(http_status, reason, d.message, ctx.request);
  return out;
}

namespace {

// "203.0.113.7:51234" -> "203.0.113.7"; "[2001:db8::1]:443" -> "[2001:db8::1]".
std::string_view PeerAddress(std::string_view remote) {
  const size_t colon = remote.rfind(':');
  return colon == std::string_view::npos ? remote : remote.substr(0, colon);
}

}  // namespace

void ApiService::AuditRefusal(const Request& request, const std::string& pattern,
                              const std::map<std::string, std::string>& params, const auth::Principal* who,
                              const Status& why, Response& refusal) {
  if (deps_.audit == nullptr) return;
  if (who == nullptr && deps_.keyless_refusals_per_minute > 0) {
    // Without a valid key anyone can send these: past the rate they are refused alike, and logged
    // instead of audited.
    const std::string_view client = request.peer.empty() ? PeerAddress(request.remote) : request.peer;
    // Per client, and for the node as a whole: a caller holding many addresses (an IPv6 prefix
    // holds 65,536 /64s) multiplies a per-client budget, not the node's. "*" is no address.
    const int node_per_minute = deps_.keyless_refusals_per_minute > INT_MAX / kKeylessNodeBudgetFactor
                                    ? INT_MAX
                                    : deps_.keyless_refusals_per_minute * kKeylessNodeBudgetFactor;
    if (!anonymous_refusals_->Acquire(client, deps_.keyless_refusals_per_minute).allowed ||
        !anonymous_refusals_->Acquire("*", node_per_minute).allowed) {
      const int64_t refused = flood_refused_.fetch_add(1) + 1;
      const int64_t now = (deps_.clock ? deps_.clock : SystemClock())->MonotonicMicros();
      int64_t last = last_flood_warning_.load();
      if (now - last >= 10'000'000 && last_flood_warning_.compare_exchange_strong(last, now)) {
        flood_refused_.fetch_sub(refused);
        log::Warn("http.unauthenticated_flood", {{"client", std::string(client)},
                                                 {"refused_unaudited", refused},
                                                 {"per_minute", int64_t{deps_.keyless_refusals_per_minute}}});
      }
      return;
    }
  }
  // What a caller without a valid key wrote is kept short: it chose every byte.
  const size_t text_bytes = who != nullptr ? 1024 : 64;
  audit::Entry e;
  // "GET /v1/persons/{key}" -> "refused.get.v1.persons.key"
  e.action = "refused.";
  for (char c : request.method.substr(0, 16)) {
    if (std::isalpha(static_cast<unsigned char>(c))) e.action.push_back(static_cast<char>(std::tolower(c)));
  }
  for (char c : pattern) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      e.action.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (c == '/' && e.action.back() != '.') {
      e.action.push_back('.');
    }
  }
  if (who != nullptr) {
    e.actor = {who->key_id, who->agency_id, std::string(auth::RoleName(who->role))};
  } else {
    e.actor = {"anonymous", "", "unauthenticated"};
  }
  if (auto key = params.find("key"); key != params.end() && pattern.rfind("/v1/persons/", 0) == 0) {
    // A caller without a valid key names whatever person it likes: the auditor sees the key it
    // named, but the entry is not put in that person's access history (anyone could fill it).
    (who != nullptr ? e.subject.person_key : e.subject.record) = AuditText(key->second, text_bytes);
  }
  if (pattern.rfind("/v1/datasets/{id}", 0) == 0) {
    e.subject.dataset = AuditText(params.count("id") ? params.at("id") : "", text_bytes);
    if (auto key = params.find("key"); key != params.end()) e.subject.record = AuditText(key->second, text_bytes);
  }
  e.purpose = AuditText(request.query.contains("purpose") ? request.query.at("purpose") : "none stated", text_bytes);
  if (e.purpose.empty()) e.purpose = "none stated";
  e.decision = audit::Decision::kDenied;
  e.reason = AuditText(std::string(StatusCodeName(why.code())) + ": " + why.message(), who != nullptr ? 1024 : 256);
  e.request_id = request.request_id;
  // Sent once the entry is durable, without holding a worker meanwhile. The refusal stands
  // whether or not it could be audited; a failure goes to the server log.
  ReleaseGate appended = AppendAndGate(deps_.audit, std::move(e), "the refusal could not be audited");
  refusal.send_after = [appended = std::move(appended), path = request.path,
                        request_id = request.request_id](std::function<void(Status)> release) {
    appended([release = std::move(release), path, request_id](Status s) {
      if (!s.ok()) {
        log::Error("audit.refusal_failed", {{"path", path}, {"request_id", request_id}, {"error", s.message()}});
      }
      release(OkStatus());
    });
  };
}

}  // namespace ndc::api
