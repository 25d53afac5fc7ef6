// sharing/agreement_store: data-sharing agreements in the store (migration 0006_sharing.sql),
// versioned: every change adds a version and the current one is what requests are decided on.
// Checks an agreement against the catalog before storing it. Design: docs/design/sharing.md.
//
// Errors: kInvalidArgument (the document, or a dataset / field / purpose / agency that does not
// exist, or personal data in an open agreement, with the member at fault); kAlreadyExists
// (Create of an existing id); kNotFound (unknown id or version); store errors as mapped.
// Thread-safe (the store and catalog are). Stored versions are immutable, so ForConsumer keeps
// the parsed versions it has read; it also keeps each consumer's current set, guarded by the
// access generation (auth/access_generation.h), which every stored version changes: a new,
// suspended or revoked version is what the next request on any node is decided on. A revoked
// API key changes it too, so it also empties this cache.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "auth/access_generation.h"
#include "auth/principal.h"
#include "catalog/catalog.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/result.h"
#include "policy/purposes.h"
#include "sharing/agreement_json.h"
#include "store/store.h"

namespace ndc::sharing {

// A consumer's current agreements as ForConsumer found them: shared with the store's cache, so a
// request reads them without copying. Immutable; converts to what policy::Decide takes.
class AgreementSet {
 public:
  AgreementSet() = default;
  explicit AgreementSet(std::shared_ptr<const std::vector<policy::Agreement>> agreements)
      : agreements_(std::move(agreements)) {}
  size_t size() const { return agreements_ ? agreements_->size() : 0; }
  bool empty() const { return size() == 0; }
  const policy::Agreement& operator[](size_t i) const { return span()[i]; }  // i < size()
  // Views into the set: valid while this AgreementSet (or a copy) lives, so not from a temporary.
  std::span<const policy::Agreement> span() const& {
    return agreements_ ? std::span<const policy::Agreement>(*agreements_) : std::span<const policy::Agreement>();
  }
  std::span<const policy::Agreement> span() const&& = delete;
  operator std::span<const policy::Agreement>() const& { return span(); }  // NOLINT: a view, like vector's
  operator std::span<const policy::Agreement>() const&& = delete;
  auto begin() const& { return span().begin(); }
  auto end() const& { return span().end(); }

 private:
  std::shared_ptr<const std::vector<policy::Agreement>> agreements_;
};

class AgreementStore {
 public:
  // Not owned; all must outlive the store.
  // `random` draws the access generation's new values (auth/access_generation.h).
  AgreementStore(store::Database* db, catalog::Catalog* catalog, Clock* clock,
                 const policy::PurposeCatalog* purposes = &policy::PurposeCatalog::Default(),
                 RandomSource* random = SystemRandom())
      : db_(db), catalog_(catalog), clock_(clock), purposes_(purposes), random_(random) {}

  // Stores version 1 of a new agreement. `actor` is recorded as created_by.
  Result<StoredAgreement> Create(StoredAgreement draft, const std::string& actor);
  // Stores the next version of an existing agreement (same id; the consumer may not change:
  // conclude a new agreement for another consumer). With draft.read_version (the document's
  // `version`), kFailedPrecondition if the agreement is at another version now: a change made
  // meanwhile (a suspension, a narrowing) is not undone by a document read before it.
  Result<StoredAgreement> Update(StoredAgreement draft, const std::string& actor);
  // The next version with only the status changed (activate, suspend, revoke): the newest
  // version's body with the new status. A version stored meanwhile (another operator, another
  // node) is not undone: the change is made again on top of it.
  Result<StoredAgreement> SetStatus(const std::string& id, policy::AgreementStatus status, const std::string& actor);

  // The current version, or the given one.
  Result<StoredAgreement> Get(const std::string& id, std::optional<int> version = std::nullopt);
  Result<std::vector<StoredAgreement>> Versions(const std::string& id);
  // Current versions, by id; only the consumer's (and open ones) when `consumer` is given.
  Result<std::vector<StoredAgreement>> List(const std::string& consumer = "");
  // What Decide needs for a caller: the current version of every agreement whose consumer is
  // `agency` or "*", by id. One read of the access generation; while it is unchanged the set
  // comes from memory, else one query for the current version numbers (versions already parsed
  // once are not read or parsed again). `read`, when given, is a value of the marker read
  // earlier (auth::Principal::access_read): if this thread is still in the store snapshot it was
  // read in, it stands for the marker (the same read would return it); otherwise it is ignored
  // and the marker is read.
  Result<AgreementSet> ForConsumer(const std::string& agency,
                                   const std::optional<auth::AccessRead>& read = std::nullopt);

 private:
  Status Validate(const policy::Agreement& a);
  // ForConsumer's set from the store, read after the access generation was `generation`.
  Result<AgreementSet> ReadForConsumer(const std::string& agency, int64_t generation);
  // Stores the next version. Versions of one agreement are stored one at a time
  // (store::SerializeOn). With `new_status`, the draft's id alone counts: the version is the
  // current one's body with that status, read in the same turn.
  Result<StoredAgreement> Insert(StoredAgreement draft, const std::string& actor, bool create,
                                 std::optional<policy::AgreementStatus> new_status = std::nullopt);

  store::Database* db_;
  catalog::Catalog* catalog_;
  Clock* clock_;
  const policy::PurposeCatalog* purposes_;
  RandomSource* random_;
  std::mutex cache_mu_;
  // Parsed agreement versions by (id, version); guarded by cache_mu_.
  std::map<std::pair<std::string, int>, std::shared_ptr<const policy::Agreement>> parsed_;
  // Each consumer's current agreements at the access generation consumers_state_ holds; guarded
  // by cache_mu_.
  auth::AccessCacheState consumers_state_;
  auth::AccessCacheCounters counters_{"agreements"};
  std::map<std::string, AgreementSet> consumers_;
};

}  // namespace ndc::sharing
