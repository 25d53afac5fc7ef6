#include "auth/api_keys.h"

#include <fmt/format.h>

#include "auth/access_generation.h"
#include "common/certificate.h"
#include "text/unicode.h"

namespace ndc::auth {
namespace {

using store::Value;

constexpr size_t kIdHexLen = 12;

// The refusal of an unknown key id and of a wrong secret alike: which one it was would tell a
// prober which ids exist.
std::string NotAKey(const std::string& id) { return "API key " + id + " is unknown or its secret is wrong"; }
constexpr size_t kSecretBytes = 32;

ApiKeyInfo FromRow(const store::Row& row) {
  ApiKeyInfo k;
  k.id = row.Str(0);
  k.name = row.Str(1);
  k.role = ParseRole(row.Str(2)).value_or(Role::kCitizen);
  k.agency_id = row.IsNull(3) ? "" : row.Str(3);
  k.created_at = row.Int(4);
  if (!row.IsNull(5)) k.revoked_at = row.Int(5);
  k.person_key = row.IsNull(6) ? "" : row.Str(6);
  k.cert_sha256 = row.IsNull(7) ? "" : row.Str(7);
  return k;
}

}  // namespace

Result<NewApiKey> ApiKeyStore::Create(const std::string& name, Role role, const std::string& agency_id,
                                      const std::string& person_key, const std::string& cert_sha256) {
  std::string cert;
  if (!cert_sha256.empty()) {
    ASSIGN_OR_RETURN(cert, NormalizeCertificateSha256(cert_sha256));
  }
  if (name.empty()) return InvalidArgumentError("an API key needs a name saying who or what uses it");
  if (name.size() > 200) return InvalidArgumentError("an API key name has at most 200 bytes");
  if (!text::IsValidUtf8(name)) return InvalidArgumentError("an API key name must be valid UTF-8");
  RETURN_IF_ERROR(text::CheckDisplayText("an API key name", name));
  if (role == Role::kAgency && agency_id.empty()) {
    return InvalidArgumentError("an agency key needs the agency it acts for (--agency)");
  }
  if (role != Role::kAgency && !agency_id.empty()) {
    return InvalidArgumentError(fmt::format("only agency keys belong to an agency; a {} key cannot", RoleName(role)));
  }
  if (role == Role::kCitizen && person_key.empty()) {
    return InvalidArgumentError("a citizen key acts for one person: give the person's key (--person)");
  }
  if (role != Role::kCitizen && !person_key.empty()) {
    return InvalidArgumentError(
        fmt::format("only citizen keys belong to a person; a {} key cannot (drop --person)", RoleName(role)));
  }
  if (!person_key.empty()) {
    Value p[] = {person_key};
    auto r = db_->QueryOne("SELECT person_key FROM persons WHERE person_key = $1", p);
    if (!r.ok()) {
      if (r.status().code() == StatusCode::kNotFound) {
        return NotFoundError(fmt::format("person '{}' is not in the person repository (ndc link run links "
                                         "records to persons)", person_key));
      }
      return r.status();
    }
  }
  if (!agency_id.empty()) {
    Value p[] = {agency_id};
    auto r = db_->QueryOne("SELECT id FROM agencies WHERE id = $1", p);
    if (!r.ok()) {
      if (r.status().code() == StatusCode::kNotFound) return NotFoundError(fmt::format("agency '{}' does not exist", agency_id));
      return r.status();
    }
  }
  NewApiKey out;
  out.info.id = HexEncode(random_->Bytes(kIdHexLen / 2));
  out.info.name = name;
  out.info.role = role;
  out.info.agency_id = agency_id;
  out.info.person_key = person_key;
  out.info.cert_sha256 = cert;
  out.info.created_at = clock_->NowMicros();
  std::string secret = Base64UrlEncode(random_->Bytes(kSecretBytes));
  out.token = "ndc_" + out.info.id + "_" + secret;
  Value params[] = {out.info.id, name, std::string(RoleName(role)),
                    agency_id.empty() ? Value{} : Value{agency_id}, store::Blob{Sha256(secret)},
                    out.info.created_at, person_key.empty() ? Value{} : Value{person_key},
                    cert.empty() ? Value{} : Value{cert}};
  auto ins = db_->Exec("INSERT INTO api_keys (id, name, role, agency_id, secret_hash, created_at, person_key, "
                       "cert_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                       params);
  if (!ins.ok()) return ins.status().WithContext("storing the new API key");
  return out;
}

Result<std::shared_ptr<const ApiKeyStore::Known>> ApiKeyStore::Lookup(const std::string& id, int64_t generation) {
  {
    std::lock_guard lock(cache_mu_);
    if (cache_state_.Valid(generation, clock_->MonotonicMicros())) {
      if (auto it = cache_.find(id); it != cache_.end()) {
        counters_.hits->Inc();
        return it->second;
      }
    }
  }
  counters_.misses->Inc();
  Value p[] = {id};
  auto row = db_->QueryOne(
      "SELECT id, name, role, agency_id, created_at, revoked_at, person_key, cert_sha256, secret_hash "
      "FROM api_keys WHERE id = $1",
      p);
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) return UnauthenticatedError(NotAKey(id));
    return row.status();
  }
  const auto* stored = std::get_if<store::Blob>(&(*row)[8]);
  auto known = std::make_shared<Known>(Known{FromRow(*row), stored == nullptr ? "" : stored->bytes});
  // Read at `generation` (the marker first, then the row): cached under that value only.
  std::lock_guard lock(cache_mu_);
  if (cache_state_.Reset(generation, clock_->MonotonicMicros()) || cache_.size() >= 10000) cache_.clear();
  cache_[id] = known;
  return std::shared_ptr<const Known>(std::move(known));
}

Result<Principal> ApiKeyStore::Authenticate(std::string_view token, std::string_view client_cert_sha256) {
  // ndc_<12 hex>_<secret>
  if (token.size() < 4 + kIdHexLen + 2 || token.substr(0, 4) != "ndc_" || token[4 + kIdHexLen] != '_') {
    return UnauthenticatedError("malformed API key: expected a token of the form ndc_<id>_<secret>");
  }
  std::string id(token.substr(4, kIdHexLen));
  std::string_view secret = token.substr(4 + kIdHexLen + 1);
  ASSIGN_OR_RETURN(int64_t generation, ReadAccessGeneration(*db_));
  // In a read pin, the value stands for the marker for the rest of this snapshot.
  std::optional<AccessRead> read;
  if (const uint64_t snapshot = db_->ReadSnapshot(); snapshot != 0) read = AccessRead{generation, snapshot};
  ASSIGN_OR_RETURN(std::shared_ptr<const Known> key, Lookup(id, generation));
  if (key->secret_hash.empty() || !ConstantTimeEquals(Sha256(secret), key->secret_hash)) {
    return UnauthenticatedError(NotAKey(id));
  }
  const ApiKeyInfo& info = key->info;
  if (info.revoked_at) return UnauthenticatedError("API key " + id + " was revoked");
  if (!info.cert_sha256.empty()) {
    if (client_cert_sha256.empty()) {
      return UnauthenticatedError("API key " + id +
                                  " is bound to a client certificate: call over mutual TLS presenting that certificate");
    }
    if (!ConstantTimeEquals(info.cert_sha256, client_cert_sha256)) {
      return UnauthenticatedError("API key " + id + " is bound to another client certificate than the one presented");
    }
  }
  return Principal{info.id, info.name, info.role, info.agency_id, info.person_key, read};
}

Status ApiKeyStore::Revoke(const std::string& id) {
  // The revocation and the access generation's new value commit together: no node's cache can
  // accept the key once the revocation is visible. A key revoked before gets a new value too, so
  // revoking again is a way to make every node read the key's row afresh.
  ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx, db_->Begin());
  Value p[] = {clock_->NowMicros(), id};
  ASSIGN_OR_RETURN(int64_t n, tx->Exec("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", p));
  if (n == 0) {
    Value q[] = {id};
    auto exists = tx->QueryOne("SELECT id FROM api_keys WHERE id = $1", q);
    if (!exists.ok()) {
      return exists.status().code() == StatusCode::kNotFound ? NotFoundError("API key " + id + " does not exist")
                                                              : exists.status();
    }
  }
  RETURN_IF_ERROR(BumpAccessGeneration(*tx, random_));
  return tx->Commit();
}

Result<std::vector<ApiKeyInfo>> ApiKeyStore::List(const KeyListing& page) { return ListKeys(*db_, page); }

Result<std::vector<ApiKeyInfo>> ListKeys(store::Executor& db, const KeyListing& page) {
  // The WHERE holds only the filters given, and the page continues with a row value: each form
  // seeks one of the (…, created_at, id) indexes of migration 0014 (see store.md, "Statements
  // that stay bounded at national scale").
  std::vector<std::string> where;
  std::vector<Value> params;
  params.reserve(5);
  if (page.role) {
    params.emplace_back(std::string(RoleName(*page.role)));
    where.push_back(fmt::format("role = ${}", params.size()));
  }
  if (!page.agency_id.empty()) {
    params.emplace_back(page.agency_id);
    where.push_back(fmt::format("agency_id = ${}", params.size()));
  }
  if (!page.after_id.empty()) {
    ASSIGN_OR_RETURN(store::ResultSet after, db.Query("SELECT created_at FROM api_keys WHERE id = $1",
                                                        std::vector<Value>(1, Value(page.after_id))));
    if (after.rows.empty()) {
      return InvalidArgumentError(fmt::format("after: there is no key {} to continue after", page.after_id));
    }
    params.emplace_back(after.rows[0].Int(0));
    params.emplace_back(page.after_id);
    where.push_back(fmt::format("(created_at, id) > (${}, ${})", params.size() - 1, params.size()));
  }
  params.emplace_back(int64_t{page.limit});
  ASSIGN_OR_RETURN(auto rs, db.Query(fmt::format("SELECT id, name, role, agency_id, created_at, revoked_at, person_key, "
                                                   "cert_sha256 FROM api_keys {}{} ORDER BY created_at, id LIMIT ${}",
                                                   where.empty() ? "" : "WHERE ", fmt::join(where, " AND "),
                                                   params.size()),
                                       params));
  std::vector<ApiKeyInfo> out;
  for (const auto& row : rs.rows) out.push_back(FromRow(row));
  return out;
}

}  // namespace ndc::auth
