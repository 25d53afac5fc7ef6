// policy/decision: the answer of Decide — allow or deny, the exact fields, and why.
// Plain value types; thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/request.h"

namespace ndc::policy {

// Why a request was denied (kNone when allowed). Stable names (ReasonName) appear in problem+json
// bodies and audit entries; docs/design/policy.md lists them.
enum class Reason {
  kNone,
  kRoleNotAllowed,        // staff asking for a person's data, or an action the role never has
  kNotOwnData,            // a citizen asking about someone else
  kPurposeRequired,       // an agency request without a purpose
  kUnknownPurpose,        // a purpose code not in the catalog
  kNoAgreement,           // no agreement names this consumer
  kAgreementNotFound,     // the named agreement does not exist or is not the caller's
  kAgreementNotActive,    // draft, suspended or revoked
  kAgreementNotYetValid,
  kAgreementExpired,
  kPurposeNotAllowed,     // the agreements do not list this purpose
  kActionNotAllowed,      // e.g. find or verify not granted
  kDatasetNotCovered,
  kFieldNotAllowed,       // a requested field outside the agreement (or consent)
  kFeedNotAllowed,
  kConsentRequired,       // consent-based, and no consent of this person for this recipient/purpose
  kConsentRevoked,
  kConsentExpired,
  kConsentExhausted,      // max_uses reached, or the uses its frequency allows in the current window
};

std::string_view ReasonName(Reason reason);

struct Decision {
  bool allowed = false;
  Reason reason = Reason::kNone;
  std::string message;  // for people: what was wrong and what to do
  // When allowed: the fields to return, sorted, duplicates removed. A response holds exactly these.
  std::vector<FieldRef> fields;
  // A citizen reading their own data without naming fields: everything held about them.
  bool all_fields = false;
  // When allowed: the agreement served under (empty for a citizen's own data). When refused: the
  // caller's own agreement that gave it the stated purpose (active, valid, listing it) when the
  // request was refused under it for another reason (action, scope, fields, consent), so the
  // audit entry shows the refusal came under it — a covert purpose's refusal under an agreement
  // is kept out of the person's history (docs/design/sharing.md, "Covert accesses"); else empty.
  std::string agreement_id;
  int agreement_version = 0;
  std::string consent_id;   // set when a consent was needed; its use must be counted
  std::string legal_basis;  // "Decree 47/2020/NĐ-CP art. 15", "consent c-123", "data subject"
  int rate_per_minute = 0;  // from the agreement whose bucket is taken (below); 0 = the hub's default
  // The agreement whose rate bucket the request takes, when not `agreement_id`: a record read
  // under consent, served or refused for want of one (kConsentRequired), takes the first (by id)
  // of the applying agreements whose checks got as far as the consents — which the person's
  // consents do not choose. Served reads took the widest serving agreement's bucket and refusals
  // the first one's (or none, under an open agreement), so with two consent agreements an
  // emptied bucket answered keys whose person consented (429) otherwise than other keys (403)
  // (review of 2026-12-02). Empty: `agreement_id`.
  std::string rate_agreement_id;
  // When refused: what only the audit entry may say. A record read names a record, not a person,
  // so a refusal that turns on the consents of the person the record is linked to (revoked,
  // expired, used up, not covering the field) is answered as an unlinked record's is — else the
  // answer tells the caller the record is the person's who consented to it — and the refusal
  // those consents gave is kept here, e.g. "consent_revoked: consent 'con_1' was revoked by the
  // person". Empty otherwise.
  std::string audit_detail;
};

}  // namespace ndc::policy
