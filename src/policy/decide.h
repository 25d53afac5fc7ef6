// policy/decide: the policy decision point. Given a request, the caller's agreements, the
// subject's consents and the purpose catalog, decide allow or deny, the exact fields a response
// may hold, and why. Deny unless an agreement (and, where the law asks, a consent) allows.
//
// Pure: no clock (the request carries `now`), no store, no I/O; the same inputs always give the
// same decision. Thread-safe. Rules and reasons: docs/design/policy.md.
#pragma once

#include <span>

#include "policy/agreement.h"
#include "policy/decision.h"
#include "policy/purposes.h"
#include "policy/request.h"

namespace ndc::policy {

// `agreements`: the current version of every agreement whose consumer is the caller's agency or
// "*" (others are ignored, so passing more is safe). `consents`: the subject's consents (others
// are ignored). Never fails: a denial is a Decision with allowed = false, a Reason and a message
// that names the agreement, purpose or field at fault and what to do.
Decision Decide(const Request& request, std::span<const Agreement> agreements, std::span<const Consent> consents,
                const PurposeCatalog& purposes = PurposeCatalog::Default());

// The refusal of a request that needs the person's consent and has none for this recipient and
// purpose (kConsentRequired). A record read whose person's consents refuse it for another reason
// is answered with this, that reason in `audit_detail`; so is one whose consent's use is refused
// when counted, or whose record is gone, after the decision (the API's gate).
Decision NoConsent(const Request& request);

// The fields `agreement` grants, optionally only those of `dataset`; sorted, unique.
std::vector<FieldRef> GrantedFields(const std::vector<FieldGrant>& grants, std::string_view dataset = {});

}  // namespace ndc::policy
