#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "policy/agreement.h"
#include "policy/decision.h"

namespace ndc::policy {

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kReadPerson: return "read_person";
    case Action::kReadRecord: return "read_record";
    case Action::kVerify: return "verify";
    case Action::kFind: return "find";
    case Action::kFeed: return "feed";
  }
  return "unknown";
}

namespace {
constexpr int64_t kHourMicros = 3'600'000'000;
constexpr std::pair<std::string_view, int64_t> kFrequencyPeriods[] = {
    {"hour", kHourMicros}, {"day", 24 * kHourMicros}, {"week", 7 * 24 * kHourMicros},
    {"month", 30 * 24 * kHourMicros}, {"year", 365 * 24 * kHourMicros}};
}  // namespace

std::optional<int64_t> ParseFrequencyPeriod(std::string_view name) {
  for (const auto& [n, micros] : kFrequencyPeriods) {
    if (n == name) return micros;
  }
  return std::nullopt;
}

std::string FrequencyPeriodName(int64_t micros) {
  for (const auto& [n, m] : kFrequencyPeriods) {
    if (m == micros) return std::string(n);
  }
  return std::to_string(micros / 1'000'000) + " s";
}

std::string_view SharingFormName(SharingForm form) {
  switch (form) {
    case SharingForm::kDefault: return "default";
    case SharingForm::kOnRequest: return "on_request";
    case SharingForm::kOpen: return "open";
  }
  return "unknown";
}

std::string_view AgreementStatusName(AgreementStatus status) {
  switch (status) {
    case AgreementStatus::kDraft: return "draft";
    case AgreementStatus::kActive: return "active";
    case AgreementStatus::kSuspended: return "suspended";
    case AgreementStatus::kRevoked: return "revoked";
  }
  return "unknown";
}

namespace {

// The value whose name is `name`, trying every enumerator from 0 to `last`.
template <typename E, typename NameFn>
std::optional<E> ParseByName(std::string_view name, E last, NameFn name_of) {
  for (int i = 0; i <= static_cast<int>(last); ++i) {
    if (name_of(static_cast<E>(i)) == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::optional<Action> ParseAction(std::string_view name) { return ParseByName(name, Action::kFeed, ActionName); }
std::optional<SharingForm> ParseSharingForm(std::string_view name) {
  return ParseByName(name, SharingForm::kOpen, SharingFormName);
}
std::optional<AgreementStatus> ParseAgreementStatus(std::string_view name) {
  return ParseByName(name, AgreementStatus::kRevoked, AgreementStatusName);
}

std::string_view ReasonName(Reason reason) {
  switch (reason) {
    case Reason::kNone: return "allowed";
    case Reason::kRoleNotAllowed: return "role_not_allowed";
    case Reason::kNotOwnData: return "not_own_data";
    case Reason::kPurposeRequired: return "purpose_required";
    case Reason::kUnknownPurpose: return "unknown_purpose";
    case Reason::kNoAgreement: return "no_agreement";
    case Reason::kAgreementNotFound: return "agreement_not_found";
    case Reason::kAgreementNotActive: return "agreement_not_active";
    case Reason::kAgreementNotYetValid: return "agreement_not_yet_valid";
    case Reason::kAgreementExpired: return "agreement_expired";
    case Reason::kPurposeNotAllowed: return "purpose_not_allowed";
    case Reason::kActionNotAllowed: return "action_not_allowed";
    case Reason::kDatasetNotCovered: return "dataset_not_covered";
    case Reason::kFieldNotAllowed: return "field_not_allowed";
    case Reason::kFeedNotAllowed: return "feed_not_allowed";
    case Reason::kConsentRequired: return "consent_required";
    case Reason::kConsentRevoked: return "consent_revoked";
    case Reason::kConsentExpired: return "consent_expired";
    case Reason::kConsentExhausted: return "consent_exhausted";
  }
  return "unknown";
}

}  // namespace ndc::policy
