// policy/agreement: a data-sharing agreement and a citizen's consent, as the policy decision sees
// them. Plain value types; the store and the API layer build them from their tables and bodies.
// Vocabulary (forms, legal basis, retention) follows ../shared/DOMAIN.md and docs/design/policy.md.
// Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ndc::policy {

// Decree 47/2020's sharing forms: default sharing (any state body, for its functions), sharing on
// specific request (the owner approved this consumer), open data.
enum class SharingForm { kDefault, kOnRequest, kOpen };

// What a caller does with the data. Each agreement lists the actions it allows.
enum class Action { kReadPerson, kReadRecord, kVerify, kFind, kFeed };

enum class AgreementStatus { kDraft, kActive, kSuspended, kRevoked };

// The fields of one dataset an agreement or consent covers. An empty field list covers nothing
// (never "all"): minimization is explicit.
struct FieldGrant {
  std::string dataset;
  std::vector<std::string> fields;
};

struct LegalBasis {
  std::string instrument;  // "Decree 47/2020/NĐ-CP"; empty when the basis is consent
  std::string article;     // "art. 15"
  bool consent = false;    // each access also needs the person's active consent
};

// One version of an agreement. Times are Unix microseconds; valid_to is exclusive.
struct Agreement {
  std::string id;
  int version = 1;
  std::string consumer_agency;  // "*" only for the open form: any authenticated agency
  std::vector<FieldGrant> grants;
  std::vector<std::string> purposes;  // purpose codes (PurposeCatalog)
  std::vector<Action> actions;
  std::vector<std::string> feed_events;  // event types the consumer may follow (Action::kFeed)
  LegalBasis legal_basis;
  SharingForm form = SharingForm::kOnRequest;
  int retention_days = 0;    // how long the consumer may keep what it receives; 0 = not at all
  std::string deletion_duty;  // what the consumer must do at the end of retention
  int64_t valid_from = 0;
  int64_t valid_to = 0;
  int rate_per_minute = 0;  // requests per minute per client; 0 = the hub's default
  AgreementStatus status = AgreementStatus::kDraft;
};

// A consent artefact granted by a person to a (usually non-state) recipient.
struct Consent {
  std::string id;
  std::string person_key;
  std::string recipient_agency;
  std::vector<FieldGrant> grants;
  std::string purpose;
  int64_t valid_from = 0;
  int64_t valid_to = 0;  // exclusive
  std::optional<int64_t> revoked_at;
  int64_t max_uses = 0;  // 0 = no limit
  int64_t uses = 0;      // reads already made under it
  // Frequency: at most frequency_max uses in a window of frequency_period µs (0 = no limit). A
  // window opens at the first use after the last one closed (period_start); period_uses counts
  // the uses in it.
  int64_t frequency_max = 0;
  int64_t frequency_period = 0;
  int64_t period_start = 0;
  int64_t period_uses = 0;
  // Whether the frequency allows one more use at `now`.
  bool FrequencyAllows(int64_t now) const {
    return frequency_max <= 0 || now >= period_start + frequency_period || period_uses < frequency_max;
  }
};

std::string_view ActionName(Action action);
std::string_view SharingFormName(SharingForm form);
// A consent frequency's window by name: "hour", "day", "week", "month" (30 days), "year" (365
// days), in µs; nullopt for anything else. FrequencyPeriodName inverts it ("N s" for another).
std::optional<int64_t> ParseFrequencyPeriod(std::string_view name);
std::string FrequencyPeriodName(int64_t micros);
std::string_view AgreementStatusName(AgreementStatus status);
// The inverses of the names above; nullopt for anything else.
std::optional<Action> ParseAction(std::string_view name);
std::optional<SharingForm> ParseSharingForm(std::string_view name);
std::optional<AgreementStatus> ParseAgreementStatus(std::string_view name);

}  // namespace ndc::policy
