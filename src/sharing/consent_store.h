// sharing/consent_store: consent artefacts a person grants to a (usually non-state) recipient
// agency — fields of datasets, one purpose, a validity window, an optional maximum number of uses —
// in the `consents` table (migration 0006_sharing.sql). The person lists and revokes them; the
// data endpoints read them for policy::Decide and count each read made under one.
// Design: docs/design/sharing.md, "Consents".
//
// Errors: kInvalidArgument (the document, or a recipient / dataset / field / purpose that does not
// exist, with the member at fault); kNotFound (unknown id, or another person's consent: its
// existence is not disclosed); kFailedPrecondition (revoking a revoked consent; counting a use of
// a consent that is revoked, expired or used up — the read must then be refused); store errors.
// Thread-safe (the store and catalog are).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/result.h"
#include "policy/agreement.h"
#include "policy/purposes.h"
#include "store/store.h"

namespace ndc::sharing {

// A consent with how it was given (Decree 356/2025 keeps proof of consent).
struct StoredConsent {
  policy::Consent consent;
  int64_t granted_at = 0;
  std::string channel;       // "api", "console", "counter", ...
  std::string text_version;  // the consent text the person agreed to
  std::string proof;         // e.g. the request id / key id that carried the grant
};

// The grant document a citizen posts (POST /v1/me/consents):
// {"recipient": "bank_x", "purpose": "banking.account_opening",
//  "grants": {"population_registry": ["ho_ten", "ngay_sinh"]},
//  "valid_from": "2026-01-01" (default now), "valid_to": "2026-12-31", "max_uses": 10,
//  "frequency": {"max": 2, "per": "day"} (optional; per hour, day, week, month or year),
//  "text_version": "v1" (default "v1"), "channel": "api" (default)}
// Unknown members are refused. kInvalidArgument naming the member.
Result<StoredConsent> ConsentFromJson(const nlohmann::json& doc, int64_t now);
// The consent as JSON: times as RFC 3339, and "status" (active, revoked, expired, not_yet_valid,
// used_up, resting: its frequency's uses in the open window made) as of `now`.
nlohmann::json ConsentToJson(const StoredConsent& c, int64_t now);

class ConsentStore {
 public:
  // Not owned; all must outlive the store.
  ConsentStore(store::Database* db, catalog::Catalog* catalog, Clock* clock, RandomSource* random,
               const policy::PurposeCatalog* purposes = &policy::PurposeCatalog::Default())
      : db_(db), catalog_(catalog), clock_(clock), random_(random), purposes_(purposes) {}

  // Stores a new consent of the person `person_key` stands for when the transaction runs: the end
  // of its merges (TakeTurnOfSurvivor; the draft's person_key is overwritten with it). A
  // citizen's grant passes the key's own person, so that a split giving that person back
  // meanwhile (person::GiveBackConsents) is followed too. Assigns the id ("con_" + 16 random hex
  // digits), granted_at and uses = 0. Checks against the catalog: the recipient agency, every
  // dataset and field, the purpose; valid_to > valid_from; max_uses >= 0 (kInvalidArgument
  // naming the member). kFailedPrecondition when the person already holds
  // kMaxLiveConsents consents that are neither revoked nor expired.
  static constexpr int kMaxLiveConsents = 200;
  Result<StoredConsent> Grant(const std::string& person_key, StoredConsent draft);
  // The person's consents, newest first (revoked and expired ones too: they are the person's
  // record), a page at a time: those granted before `before_id`'s (empty: from the newest), at most
  // `limit`. kInvalidArgument when `before_id` names none of the person's consents.
  Result<std::vector<StoredConsent>> ForPerson(const std::string& person_key, const std::string& before_id,
                                               int limit);
  // What policy::Decide needs for a read of `person_key` by `recipient`: that person's consents to
  // that agency in force (not revoked, not expired; Decide still checks validity and uses) and
  // the newest revoked or expired one, which names the reason of a refusal. Bounded by the cap on
  // consents in force, however many were given and withdrawn before (migration 0016).
  Result<std::vector<policy::Consent>> ForDecision(const std::string& person_key, const std::string& recipient);
  // One consent of this person (kNotFound for another person's).
  Result<StoredConsent> Get(const std::string& person_key, const std::string& id);
  // Sets revoked_at = now and returns the revoked consent. kFailedPrecondition when already
  // revoked (the first revocation time is kept); kNotFound for another person's.
  Result<StoredConsent> Revoke(const std::string& person_key, const std::string& id);
  // Counts one read made under consent `id`, atomically (UPDATE ... WHERE unrevoked, within
  // validity and uses < max_uses), so two concurrent reads cannot both take the last use.
  // kFailedPrecondition when it is no longer usable (the message says why: revoked, expired,
  // not_yet_valid, used_up); kNotFound for an unknown id.
  // `window`, if given, receives the start of the frequency window the use was counted in (for
  // ReturnUse); `refused_as`, if given, the consent's state when it was not usable ("revoked",
  // "expired", "not_yet_valid", "used_up", "resting").
  Status CountUse(const std::string& id, int64_t* window = nullptr, std::string* refused_as = nullptr);
  // Gives back the use CountUse took in `window` for a read that then disclosed nothing (the
  // record was gone, the person merged meanwhile): the person's consent is spent only by what was
  // sent. The frequency window's count too, if that window is still the current one (a use given
  // back after its window closed must not lend the next window a use, whatever the clocks of the
  // nodes that counted them).
  Status ReturnUse(const std::string& id, int64_t window);

 private:
  Status Validate(const policy::Consent& c);

  store::Database* db_;
  catalog::Catalog* catalog_;
  Clock* clock_;
  RandomSource* random_;
  const policy::PurposeCatalog* purposes_;
};

// The reads behind ConsentStore::ForPerson and ForDecision (at `now`), on any executor: the
// SQLite plan tests run them on a recording one.
Result<std::vector<StoredConsent>> ConsentsOfPerson(store::Executor& db, const std::string& person_key,
                                                    const std::string& before_id, int limit);
Result<std::vector<policy::Consent>> ConsentsForDecision(store::Executor& db, const std::string& person_key,
                                                        const std::string& recipient, int64_t now);

}  // namespace ndc::sharing
