// API keys: creation, authentication, listing and revocation, stored in the `api_keys` table.
//
// A key is shown once, at creation, as the token "ndc_<id>_<secret>": <id> is 12 hex digits
// (public, the row's primary key), <secret> is 32 random bytes in unpadded base64url. Only
// SHA-256(secret) is stored: the secret has 256 bits of entropy, so a fast hash is enough to
// make a stolen table useless (as for GitHub tokens), and verification is constant-time.
// See docs/design/api-keys.md.
//
// A citizen key is bound to one person (api_keys.person_key, migration 0007_citizen.sql): the
// /v1/me routes serve that person's data only. Other roles have no person.
//
// Any key may also be bound to a client certificate (api_keys.cert_sha256, migration
// 0011_key_certificates.sql): it is then accepted only on a mutual-TLS connection whose verified
// client certificate has that SHA-256 fingerprint, so a leaked token alone is useless.
//
// Errors: Authenticate() returns kUnauthenticated for a malformed, unknown or revoked token, and
// for a bound key presented without its certificate (with a message that says which, never
// echoing the secret). Create() returns kInvalidArgument for an
// empty name, an agency role without an agency, an agency for another role, a citizen role
// without a person or a person for another role; kNotFound for an unknown agency or a person key
// not in the persons table (callers resolve merged keys first: person::ResolvePerson).
// Revoke() returns kNotFound for an unknown id.
//
// Every key row Authenticate reads (whether the secret then matches or not) is kept in memory,
// guarded by the access generation (auth/access_generation.h): Revoke gives it a new value in
// its transaction (also when the key was revoked before), any change of value or a minute's age
// empties the cache, and Authenticate reads the value first, so a revocation is refused on the
// next request on every node. Unknown ids are not cached; past 10,000 keys the cache starts over.
// A new agreement version changes the value too, so it also empties this cache.
// Thread-safe (the store is; the cache has its own lock).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/access_generation.h"
#include "auth/principal.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/result.h"
#include "store/store.h"

namespace ndc::auth {

struct ApiKeyInfo {
  std::string id;
  std::string name;
  Role role = Role::kCitizen;
  std::string agency_id;
  std::string person_key;  // citizen keys only
  std::string cert_sha256;  // bound client certificate (64 lower-case hex digits), or empty
  int64_t created_at = 0;
  std::optional<int64_t> revoked_at;
};

// A page of the key list: keys in (created_at, id) order after `after_id` (empty: from the
// first), optionally of one role and/or one agency.
struct KeyListing {
  std::optional<Role> role;
  std::string agency_id;
  std::string after_id;
  int limit = 100;
};

struct NewApiKey {
  ApiKeyInfo info;
  std::string token;  // shown once; never stored
};

class ApiKeyStore {
 public:
  // All pointers must outlive the store.
  ApiKeyStore(store::Database* db, Clock* clock, RandomSource* random) : db_(db), clock_(clock), random_(random) {}

  // `agency_id` is required for (and only for) kAgency, `person_key` for (and only for) kCitizen.
  // `cert_sha256` (any role) binds the key to a client certificate (NormalizeCertificateSha256
  // forms accepted; kInvalidArgument otherwise).
  Result<NewApiKey> Create(const std::string& name, Role role, const std::string& agency_id = "",
                           const std::string& person_key = "", const std::string& cert_sha256 = "");
  // `client_cert_sha256`: the fingerprint of the verified client certificate of the connection
  // the token came on (HttpServer, mutual TLS), empty if none.
  Result<Principal> Authenticate(std::string_view token, std::string_view client_cert_sha256 = {});
  Status Revoke(const std::string& id);
  // One page (a national hub holds a citizen key per person: never all at once). kInvalidArgument
  // if `after_id` names no key.
  Result<std::vector<ApiKeyInfo>> List(const KeyListing& page);  // ListKeys on the store

 private:
  struct Known {
    ApiKeyInfo info;
    std::string secret_hash;  // SHA-256 of the secret
  };
  // The key `id` as stored, from the cache when it holds it at `generation`.
  Result<std::shared_ptr<const Known>> Lookup(const std::string& id, int64_t generation);

  store::Database* db_;
  Clock* clock_;
  RandomSource* random_;
  std::mutex cache_mu_;
  AccessCacheState cache_state_;                                // guarded by cache_mu_
  AccessCacheCounters counters_{"api_keys"};
  std::map<std::string, std::shared_ptr<const Known>> cache_;  // by id; guarded by cache_mu_
};

// One page of the key list, read through `db` (ApiKeyStore::List; tests check its plans).
Result<std::vector<ApiKeyInfo>> ListKeys(store::Executor& db, const KeyListing& page);

}  // namespace ndc::auth
