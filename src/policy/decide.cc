#include "policy/decide.h"

#include <algorithm>
#include <optional>
#include <string>

namespace ndc::policy {
namespace {

Decision Deny(Reason reason, std::string message) {
  Decision d;
  d.reason = reason;
  d.message = std::move(message);
  return d;
}

std::string Describe(const FieldRef& f) { return f.dataset + "." + f.field; }

bool Contains(const std::vector<FieldRef>& sorted, const FieldRef& f) {
  return std::binary_search(sorted.begin(), sorted.end(), f);
}

std::vector<FieldRef> Intersect(const std::vector<FieldRef>& a, const std::vector<FieldRef>& b) {
  std::vector<FieldRef> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::vector<FieldRef> SortedUnique(std::vector<FieldRef> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// The fields a request may receive from `available` (what the agreement, or agreement and
// consent, allow): all of them when none were named; else the named ones, each of which must be
// available. Returns the first field outside `available` through *missing.
std::vector<FieldRef> Select(const Request& request, std::vector<FieldRef> available,
                             std::optional<FieldRef>* missing) {
  if (request.fields.empty()) return available;
  std::vector<FieldRef> wanted = SortedUnique(request.fields);
  for (const FieldRef& f : wanted) {
    if (!Contains(available, f)) {
      *missing = f;
      return {};
    }
  }
  return wanted;
}

// The field Select would report missing from `available`, without building the selection: the
// first (in order) of the named fields that `available` lacks.
std::optional<FieldRef> FirstMissing(const Request& request, const std::vector<FieldRef>& available) {
  const FieldRef* first = nullptr;
  for (const FieldRef& f : request.fields) {
    if (!Contains(available, f) && (first == nullptr || f < *first)) first = &f;
  }
  return first == nullptr ? std::nullopt : std::optional<FieldRef>(*first);
}

Decision DecideCitizen(const Request& request) {
  if (request.action != Action::kReadPerson && request.action != Action::kReadRecord) {
    return Deny(Reason::kRoleNotAllowed, std::string("citizens may read their own data; '") +
                                             std::string(ActionName(request.action)) + "' is for agencies");
  }
  if (request.caller.person_key.empty() || request.person_key != request.caller.person_key) {
    return Deny(Reason::kNotOwnData, "a citizen may read only their own data");
  }
  Decision d;
  d.allowed = true;
  d.fields = SortedUnique(request.fields);
  d.all_fields = request.fields.empty();
  d.legal_basis = "data subject access (Law 91/2025/QH15)";
  return d;
}

// The stages an agreement passes, in order; a denial reports the furthest stage any agreement
// reached, which is the most useful thing to tell the caller.
enum Stage { kStatus, kValidity, kPurpose, kAction, kScope, kFields, kConsent, kPassed };

struct Outcome {
  Stage stage = kStatus;
  Decision decision;  // the denial at `stage`, or the allowance when kPassed
};

std::string Named(const Agreement& a) { return "agreement '" + a.id + "' (version " + std::to_string(a.version) + ")"; }

// What open data may serve: a record read, or a record_change feed.
bool NamesNoPerson(const Request& request) {
  return request.action == Action::kReadRecord ||
         (request.action == Action::kFeed && request.feed_event == "record_change");
}

bool NeedsConsent(const Request& request, const Agreement& a) {
  return a.legal_basis.consent || request.caller.kind == CallerKind::kNonStateAgency;
}

Outcome CheckConsent(const Request& request, const Agreement& a, std::vector<FieldRef> available,
                     std::span<const Consent> consents) {
  const Decision no_consent = NoConsent(request);
  if (request.person_key.empty()) {
    // A record read names a record, linked to a person or not (or missing): the answer must not
    // tell which, so an unlinked record is refused as a person without consent is.
    if (request.action == Action::kReadRecord) return {kConsent, no_consent};
    return {kConsent, Deny(Reason::kConsentRequired, Named(a) + " rests on consent, which is given per person; '" +
                                                         std::string(ActionName(request.action)) +
                                                         "' names no person, so it cannot be served under it")};
  }
  Outcome best{kConsent, no_consent};
  // When no consent serves, the refusal names the one nearest to serving: a consent in force
  // (resting for its frequency, used up, or not covering a field) before an expired one, and that
  // before a revoked one; among equals the first (live consents come first). Until 2026-12-01 the
  // last consent looked at named the reason, often an old revoked one, and a caller whose consent
  // only had to rest was told to get a new one (review of 2026-12-01).
  enum Nearness { kNone, kRevoked, kExpired, kInForce };
  Nearness nearest = kNone;
  auto refuse = [&](Nearness n, Decision d) {
    if (n <= nearest) return;
    nearest = n;
    best.decision = std::move(d);
  };
  for (const Consent& c : consents) {
    if (c.person_key != request.person_key || c.recipient_agency != request.caller.agency_id ||
        c.purpose != request.purpose) {
      continue;
    }
    if (c.revoked_at && *c.revoked_at <= request.now) {
      refuse(kRevoked, Deny(Reason::kConsentRevoked, "consent '" + c.id + "' was revoked by the person"));
      continue;
    }
    if (request.now < c.valid_from || request.now >= c.valid_to) {
      refuse(kExpired, Deny(Reason::kConsentExpired, "consent '" + c.id + "' is not valid at this time"));
      continue;
    }
    if (c.max_uses > 0 && c.uses >= c.max_uses) {
      refuse(kInForce, Deny(Reason::kConsentExhausted,
                            "consent '" + c.id + "' allowed " + std::to_string(c.max_uses) + " uses, all made"));
      continue;
    }
    if (!c.FrequencyAllows(request.now)) {
      refuse(kInForce,
             Deny(Reason::kConsentExhausted,
                  "consent '" + c.id + "' allows " + std::to_string(c.frequency_max) + " uses per " +
                      FrequencyPeriodName(c.frequency_period) + ", all made; the next is possible " +
                      std::to_string((c.period_start + c.frequency_period - request.now + 999'999) / 1'000'000) +
                      " s from now"));
      continue;
    }
    std::vector<FieldRef> both = Intersect(available, GrantedFields(c.grants, request.action == Action::kReadRecord
                                                                                   ? request.dataset
                                                                                   : std::string_view()));
    std::optional<FieldRef> missing;
    std::vector<FieldRef> fields = Select(request, std::move(both), &missing);
    if (missing) {
      refuse(kInForce, Deny(Reason::kFieldNotAllowed,
                            "field '" + Describe(*missing) + "' is outside consent '" + c.id + "' or " + Named(a)));
      continue;
    }
    if (fields.empty()) {
      // Nothing both grant: a read under it would disclose no value, yet confirm the record and
      // its time, and spend a use of the consent (review of 2026-11-30).
      refuse(kInForce, Deny(Reason::kFieldNotAllowed,
                            "consent '" + c.id + "' covers none of the fields " + Named(a) + " grants here"));
      continue;
    }
    Outcome ok{kPassed, {}};
    ok.decision.allowed = true;
    ok.decision.fields = std::move(fields);
    ok.decision.consent_id = c.id;
    ok.decision.legal_basis = "consent " + c.id;
    return ok;
  }
  if (request.action == Action::kReadRecord && nearest != kNone) {
    // The caller named a record: which consents its person gave the caller is not for it to learn
    // from the refusal (review of 2026-12-02: a revoked or partial consent named here told a bank
    // which of the personal IDs it tried had a record in a dataset, and whose it was). The entry
    // keeps the refusal those consents gave.
    Decision specific = std::move(best.decision);
    best.decision = no_consent;
    best.decision.audit_detail = std::string(ReasonName(specific.reason)) + ": " + specific.message;
  }
  return best;
}

Outcome CheckAgreement(const Request& request, const Agreement& a, std::span<const Consent> consents) {
  if (a.status != AgreementStatus::kActive) {
    return {kStatus, Deny(Reason::kAgreementNotActive,
                          Named(a) + " is " + std::string(AgreementStatusName(a.status)) + ", not active")};
  }
  if (request.now < a.valid_from) {
    return {kValidity, Deny(Reason::kAgreementNotYetValid, Named(a) + " is not valid yet")};
  }
  if (request.now >= a.valid_to) {
    return {kValidity, Deny(Reason::kAgreementExpired, Named(a) + " has expired: renew it with the data owner")};
  }
  if (std::find(a.purposes.begin(), a.purposes.end(), request.purpose) == a.purposes.end()) {
    return {kPurpose, Deny(Reason::kPurposeNotAllowed,
                           Named(a) + " does not allow purpose '" + request.purpose + "'")};
  }
  if (std::find(a.actions.begin(), a.actions.end(), request.action) == a.actions.end()) {
    return {kAction, Deny(Reason::kActionNotAllowed,
                          Named(a) + " does not allow '" + std::string(ActionName(request.action)) + "'")};
  }
  // Open data names no person (AgreementStore::Validate refuses such an open agreement since
  // 2026-12-02; one stored before then serves none of it either).
  if (a.form == SharingForm::kOpen && !NamesNoPerson(request)) {
    return {kAction, Deny(Reason::kActionNotAllowed,
                          Named(a) + " is open data, which serves no '" +
                              std::string(request.action == Action::kFeed ? request.feed_event
                                                                          : ActionName(request.action)) +
                              "': that needs an agreement of your agency's own")};
  }
  std::string_view scope_dataset;
  if (request.action == Action::kFeed) {
    if (std::find(a.feed_events.begin(), a.feed_events.end(), request.feed_event) == a.feed_events.end()) {
      return {kScope, Deny(Reason::kFeedNotAllowed,
                           Named(a) + " does not include the feed of '" + request.feed_event + "' events")};
    }
  }
  if (request.action == Action::kReadRecord || (request.action == Action::kFeed && !request.dataset.empty())) {
    scope_dataset = request.dataset;
    bool covered = std::any_of(a.grants.begin(), a.grants.end(),
                               [&](const FieldGrant& g) { return g.dataset == request.dataset; });
    if (!covered) {
      return {kScope, Deny(Reason::kDatasetNotCovered,
                           Named(a) + " does not cover dataset '" + request.dataset + "'")};
    }
  }
  std::vector<FieldRef> available = GrantedFields(a.grants, scope_dataset);
  std::optional<FieldRef> missing;
  // Under a consent the fields are chosen with it (CheckConsent); otherwise `available` becomes
  // the answer.
  const bool needs_consent = NeedsConsent(request, a);
  std::vector<FieldRef> fields;
  if (needs_consent) {
    missing = FirstMissing(request, available);
  } else {
    fields = Select(request, std::move(available), &missing);
  }
  if (missing) {
    return {kFields, Deny(Reason::kFieldNotAllowed,
                          "field '" + Describe(*missing) + "' is not in " + Named(a))};
  }
  Outcome out;
  if (needs_consent) {
    out = CheckConsent(request, a, std::move(available), consents);
    if (!out.decision.allowed) return out;
  } else {
    out.stage = kPassed;
    out.decision.allowed = true;
    out.decision.fields = std::move(fields);
    out.decision.legal_basis = a.legal_basis.instrument +
                               (a.legal_basis.article.empty() ? "" : " " + a.legal_basis.article);
  }
  out.decision.agreement_id = a.id;
  out.decision.agreement_version = a.version;
  out.decision.rate_per_minute = a.rate_per_minute;
  return out;
}

bool Applies(const Agreement& a, const Caller& caller) {
  return a.consumer_agency == caller.agency_id || (a.consumer_agency == "*" && a.form == SharingForm::kOpen);
}

}  // namespace

Decision NoConsent(const Request& request) {
  return Deny(Reason::kConsentRequired, "no consent of this person for recipient '" + request.caller.agency_id +
                                            "' and purpose '" + request.purpose + "': ask the person to grant one");
}

std::vector<FieldRef> GrantedFields(const std::vector<FieldGrant>& grants, std::string_view dataset) {
  std::vector<FieldRef> out;
  size_t count = 0;
  for (const FieldGrant& g : grants) count += g.fields.size();
  out.reserve(count);
  for (const FieldGrant& g : grants) {
    if (!dataset.empty() && g.dataset != dataset) continue;
    for (const std::string& f : g.fields) out.push_back({g.dataset, f});
  }
  return SortedUnique(std::move(out));
}

Decision Decide(const Request& request, std::span<const Agreement> agreements, std::span<const Consent> consents,
                const PurposeCatalog& purposes) {
  switch (request.caller.kind) {
    case CallerKind::kStaff:
      return Deny(Reason::kRoleNotAllowed,
                  "operators, analysts and auditors do not read personal data through the data endpoints");
    case CallerKind::kCitizen:
      return DecideCitizen(request);
    case CallerKind::kStateAgency:
    case CallerKind::kNonStateAgency:
      break;
  }
  if (request.caller.agency_id.empty()) return Deny(Reason::kRoleNotAllowed, "the caller acts for no agency");
  if (request.purpose.empty()) {
    return Deny(Reason::kPurposeRequired, "state the purpose of the request (a purpose code of the catalog)");
  }
  if (!purposes.Contains(request.purpose)) {
    return Deny(Reason::kUnknownPurpose, "unknown purpose '" + request.purpose + "': use a code of the catalog");
  }
  // Try every applicable agreement in a fixed order; among those that allow, prefer the one that
  // gives the most fields (then the smallest id), so the answer does not depend on input order.
  std::vector<const Agreement*> candidates;
  const Agreement* passed_open = nullptr;  // an open agreement passed over for personal data
  for (const Agreement& a : agreements) {
    if (!Applies(a, request.caller)) continue;
    // An open agreement never gives a covert purpose: it serves every agency, and every read
    // under it would be hidden from the persons read. AgreementStore refuses to store one since
    // 2026-12-01; one stored before does not apply to such a request.
    if (a.consumer_agency == "*" && purposes.HiddenFromSubject(request.purpose)) continue;
    if (!request.agreement_id.empty() && a.id != request.agreement_id) continue;
    // Open data is no one's: no open agreement serves the records of a dataset that are persons'
    // (AgreementStore::Validate refuses the grant since 2026-12-02; one stored before is passed
    // over here). Passed over before its checks, so that it is never the agreement a request is
    // served or refused under: when it was refused after them, a key whose person consented to
    // the caller (served under it, being the widest) was answered otherwise than other keys.
    if (a.form == SharingForm::kOpen && request.dataset_personal && NamesNoPerson(request)) {
      if (passed_open == nullptr) passed_open = &a;
      continue;
    }
    candidates.push_back(&a);
  }
  if (candidates.empty()) {
    if (passed_open != nullptr) {
      return Deny(Reason::kActionNotAllowed,
                  Named(*passed_open) + " is open data, which serves no dataset whose records are persons', such as '" +
                      request.dataset + "': that needs an agreement of your agency's own");
    }
    if (!request.agreement_id.empty()) {
      return Deny(Reason::kAgreementNotFound,
                  "agreement '" + request.agreement_id + "' does not exist or is not agency '" +
                      request.caller.agency_id + "''s");
    }
    return Deny(Reason::kNoAgreement, "agency '" + request.caller.agency_id +
                                          "' has no data-sharing agreement: one must be concluded first");
  }
  std::sort(candidates.begin(), candidates.end(), [](const Agreement* x, const Agreement* y) { return x->id < y->id; });
  std::optional<Outcome> best_allow;
  Outcome furthest_deny;
  const Agreement* furthest_deny_agreement = nullptr;
  // The first agreement (by id) whose checks got as far as the consents (served without one, or
  // looking for one): what a record read under consent takes the rate of, served or refused
  // (Decision::rate_agreement_id). The stages before the consents do not read them, so which
  // agreement it is does not depend on them.
  const Agreement* rate_agreement = nullptr;
  bool any_deny = false;
  for (const Agreement* a : candidates) {
    Outcome o = CheckAgreement(request, *a, consents);
    if (rate_agreement == nullptr && o.stage >= kConsent) rate_agreement = a;
    if (o.decision.allowed) {
      if (!best_allow || o.decision.fields.size() > best_allow->decision.fields.size()) best_allow = std::move(o);
    } else if (!any_deny || o.stage > furthest_deny.stage) {
      furthest_deny = std::move(o);
      furthest_deny_agreement = a;
      any_deny = true;
    }
  }
  // A record read under consent, served or refused for want of one, takes `rate_agreement`'s rate.
  const auto take_consent_rate = [&](Decision& d) {
    if (request.action != Action::kReadRecord || rate_agreement == nullptr || rate_agreement->id == d.agreement_id) {
      return;
    }
    d.rate_agreement_id = rate_agreement->id;
    d.rate_per_minute = rate_agreement->rate_per_minute;
  };
  if (best_allow) {
    Decision& d = best_allow->decision;
    if (!d.consent_id.empty()) take_consent_rate(d);
    return std::move(d);
  }
  // Name the agreement the refusal came under when it gave the caller the stated purpose: the
  // caller's own (not an open one), active and valid, listing the purpose — one that got past
  // the purpose check. (Any such agreement gets further than one without the purpose, so it is
  // the furthest refusal when there is one.)
  Decision refused = std::move(furthest_deny.decision);
  if (furthest_deny.stage > kPurpose && furthest_deny_agreement != nullptr &&
      furthest_deny_agreement->consumer_agency == request.caller.agency_id) {
    refused.agreement_id = furthest_deny_agreement->id;
    refused.agreement_version = furthest_deny_agreement->version;
    // A record read refused for consent spends the rate as a served one would (the gate), at
    // the agreement's rate.
    refused.rate_per_minute = furthest_deny_agreement->rate_per_minute;
  }
  if (refused.reason == Reason::kConsentRequired) take_consent_rate(refused);
  return refused;
}

}  // namespace ndc::policy
