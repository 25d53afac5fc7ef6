#include "sharing/consent_store.h"

#include <fmt/format.h>

#include <set>

#include "common/instant.h"
#include "common/json.h"
#include "sharing/surviving_person.h"
#include "store/keyset.h"

namespace ndc::sharing {
namespace {

using nlohmann::json;
using store::Row;
using store::Value;

const std::set<std::string, std::less<>> kMembers = {"recipient", "purpose",      "grants",  "valid_from", "valid_to",
                                                      "max_uses",  "frequency", "text_version", "channel"};

Status Bad(std::string_view member, std::string_view what) {
  return InvalidArgumentError(fmt::format("consent.{}: {}", member, what));
}

// A code: [a-z0-9] then [a-z0-9_.-], 1..64 characters (agency, dataset, field and purpose ids).
bool IsCode(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '_' || c == '.' || c == '-')))) {
      return false;
    }
  }
  return true;
}

// An optional string member of at most `max` bytes, printable ASCII codes only when `code`.
Result<std::string> Text(const json& doc, std::string_view key, bool required, bool code, std::string fallback = {}) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) {
    if (required) return Bad(key, "is required");
    return fallback;
  }
  if (!it->is_string()) return Bad(key, "must be a string");
  const std::string& s = it->get_ref<const std::string&>();
  if (code && !IsCode(s)) return Bad(key, fmt::format("'{}' is not a lower-case code ([a-z0-9_.-], 1-64)", s));
  if (!code && (s.empty() || s.size() > 64 || s.find_first_not_of(
                    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-") != std::string::npos)) {
    return Bad(key, "must be 1-64 letters, digits or _.:-");
  }
  return s;
}

Result<std::vector<policy::FieldGrant>> GrantsFromJson(const json& grants, std::string_view member) {
  if (!grants.is_object() || grants.empty()) {
    return Bad(member, "is required: an object {dataset: [field, ...]} naming at least one dataset");
  }
  std::vector<policy::FieldGrant> out;
  for (const auto& [dataset, fields] : grants.items()) {
    if (!IsCode(dataset)) return Bad(member, fmt::format("'{}' is not a dataset id", dataset));
    if (!fields.is_array() || fields.empty() || fields.size() > 256) {
      return Bad(fmt::format("{}.{}", member, dataset), "must be a list of 1 to 256 field names");
    }
    policy::FieldGrant g{dataset, {}};
    std::set<std::string> seen;
    for (const json& f : fields) {
      if (!f.is_string() || !IsCode(f.get_ref<const std::string&>())) {
        return Bad(fmt::format("{}.{}", member, dataset), "field names are lower-case codes");
      }
      if (!seen.insert(f.get<std::string>()).second) {
        return Bad(fmt::format("{}.{}", member, dataset), fmt::format("'{}' is listed twice", f.get<std::string>()));
      }
      g.fields.push_back(f.get<std::string>());
    }
    out.push_back(std::move(g));
  }
  return out;
}

Result<int64_t> When(const json& doc, std::string_view key, std::optional<int64_t> fallback) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) {
    if (!fallback) return Bad(key, "is required (RFC 3339 or a date)");
    return *fallback;
  }
  if (!it->is_string() || it->get_ref<const std::string&>().size() > 64) {
    return Bad(key, "must be an RFC 3339 time or a date");
  }
  auto t = ParseInstant(it->get<std::string>());
  if (!t.ok()) return Bad(key, t.status().message());
  return *t;
}

json GrantsToJson(const std::vector<policy::FieldGrant>& grants) {
  json out = json::object();
  for (const auto& g : grants) out[g.dataset] = g.fields;
  return out;
}

std::string_view StatusOf(const policy::Consent& c, int64_t now) {
  if (c.revoked_at) return "revoked";
  if (now < c.valid_from) return "not_yet_valid";
  if (now >= c.valid_to) return "expired";
  if (c.max_uses > 0 && c.uses >= c.max_uses) return "used_up";
  if (!c.FrequencyAllows(now)) return "resting";  // its uses for this window are made
  return "active";
}

constexpr std::string_view kSelect =
    "SELECT id, person_key, recipient_agency, purpose, grants, valid_from, valid_to, max_uses, uses, granted_at, "
    "revoked_at, channel, text_version, proof, frequency_max, frequency_period, period_start, period_uses FROM "
    "consents ";

Result<StoredConsent> FromRow(const Row& row) {
  StoredConsent s;
  policy::Consent& c = s.consent;
  c.id = row.Str(0);
  c.person_key = row.Str(1);
  c.recipient_agency = row.Str(2);
  c.purpose = row.Str(3);
  auto grants_doc = ParseJson(row.Str(4));
  if (!grants_doc.ok()) return DataLossError(fmt::format("consent {}: stored grants are not JSON", c.id));
  auto grants = GrantsFromJson(*grants_doc, "grants");
  if (!grants.ok()) return DataLossError(fmt::format("consent {}: stored grants: {}", c.id, grants.status().message()));
  c.grants = std::move(*grants);
  c.valid_from = row.Int(5);
  c.valid_to = row.Int(6);
  c.max_uses = row.Int(7);
  c.uses = row.Int(8);
  s.granted_at = row.Int(9);
  c.revoked_at = row.OptInt(10);
  s.channel = row.Str(11);
  s.text_version = row.Str(12);
  s.proof = row.Str(13);
  c.frequency_max = row.Int(14);
  c.frequency_period = row.Int(15);
  c.period_start = row.Int(16);
  c.period_uses = row.Int(17);
  return s;
}

}  // namespace

Result<StoredConsent> ConsentFromJson(const json& doc, int64_t now) {
  if (!doc.is_object()) return InvalidArgumentError("consent: must be a JSON object");
  for (const auto& [k, v] : doc.items()) {
    if (!kMembers.count(k)) {
      return Bad(k, "is not a member of a consent (allowed: recipient, purpose, grants, valid_from, valid_to, "
                    "max_uses, frequency, text_version, channel)");
    }
  }
  StoredConsent out;
  policy::Consent& c = out.consent;
  ASSIGN_OR_RETURN(c.recipient_agency, Text(doc, "recipient", true, true));
  ASSIGN_OR_RETURN(c.purpose, Text(doc, "purpose", true, true));
  auto grants = doc.find("grants");
  if (grants == doc.end()) return Bad("grants", "is required: an object {dataset: [field, ...]}");
  ASSIGN_OR_RETURN(c.grants, GrantsFromJson(*grants, "grants"));
  ASSIGN_OR_RETURN(c.valid_from, When(doc, "valid_from", now));
  ASSIGN_OR_RETURN(c.valid_to, When(doc, "valid_to", std::nullopt));
  if (c.valid_to <= c.valid_from) return Bad("valid_to", "must be after valid_from");
  if (auto m = doc.find("max_uses"); m != doc.end() && !m->is_null()) {
    if (!m->is_number_integer() || m->get<int64_t>() < 0 || m->get<int64_t>() > 1000000000) {
      return Bad("max_uses", "must be an integer from 0 (no limit) to 1000000000");
    }
    c.max_uses = m->get<int64_t>();
  }
  if (auto f = doc.find("frequency"); f != doc.end() && !f->is_null()) {
    constexpr char kShape[] =
        "must be {\"max\": uses (1 to 1000000), \"per\": \"hour\", \"day\", \"week\", \"month\" or \"year\"}";
    if (!f->is_object() || f->size() != 2 || !f->contains("max") || !f->contains("per")) return Bad("frequency", kShape);
    const json& max = (*f)["max"];
    const json& per = (*f)["per"];
    if (!max.is_number_integer() || max.get<int64_t>() < 1 || max.get<int64_t>() > 1000000 || !per.is_string()) {
      return Bad("frequency", kShape);
    }
    std::optional<int64_t> period = policy::ParseFrequencyPeriod(per.get<std::string>());
    if (!period) return Bad("frequency.per", kShape);
    c.frequency_max = max.get<int64_t>();
    c.frequency_period = *period;
  }
  ASSIGN_OR_RETURN(out.text_version, Text(doc, "text_version", false, false, "v1"));
  ASSIGN_OR_RETURN(out.channel, Text(doc, "channel", false, false, "api"));
  return out;
}

json ConsentToJson(const StoredConsent& s, int64_t now) {
  const policy::Consent& c = s.consent;
  return {{"id", c.id},
          {"person", c.person_key},
          {"recipient", c.recipient_agency},
          {"purpose", c.purpose},
          {"grants", GrantsToJson(c.grants)},
          {"valid_from", FormatRfc3339(c.valid_from)},
          {"valid_to", FormatRfc3339(c.valid_to)},
          {"max_uses", c.max_uses},
          {"uses", c.uses},
          {"frequency", c.frequency_max > 0 ? json{{"max", c.frequency_max},
                                                   {"per", policy::FrequencyPeriodName(c.frequency_period)},
                                                   {"window_uses", now < c.period_start + c.frequency_period
                                                                       ? c.period_uses
                                                                       : int64_t{0}}}
                                            : json(nullptr)},
          {"granted_at", FormatRfc3339(s.granted_at)},
          {"revoked_at", c.revoked_at ? json(FormatRfc3339(*c.revoked_at)) : json(nullptr)},
          {"channel", s.channel},
          {"text_version", s.text_version},
          {"status", std::string(StatusOf(c, now))}};
}

Status ConsentStore::Validate(const policy::Consent& c) {
  if (auto agency = catalog_->GetAgency(c.recipient_agency); !agency.ok()) {
    if (agency.status().code() != StatusCode::kNotFound) return agency.status();
    return Bad("recipient", fmt::format("agency '{}' does not exist", c.recipient_agency));
  }
  if (!purposes_->Contains(c.purpose)) {
    return Bad("purpose", fmt::format("unknown purpose '{}': use a code of the purpose catalog "
                                      "(docs/design/policy.md)", c.purpose));
  }
  for (const policy::FieldGrant& g : c.grants) {
    auto info = catalog_->GetDataset(g.dataset);
    if (!info.ok()) {
      if (info.status().code() != StatusCode::kNotFound) return info.status();
      return Bad("grants", fmt::format("dataset '{}' does not exist", g.dataset));
    }
    for (const std::string& f : g.fields) {
      if (info->schema.Field(f) == nullptr) {
        return Bad("grants." + g.dataset, fmt::format("dataset '{}' has no field '{}'", g.dataset, f));
      }
    }
  }
  if (c.valid_to <= c.valid_from) return Bad("valid_to", "must be after valid_from");
  if (c.max_uses < 0) return Bad("max_uses", "must not be negative (0 means no limit)");
  if (c.frequency_max < 0 || (c.frequency_max > 0 && c.frequency_period <= 0)) {
    return Bad("frequency", "needs a positive number of uses and a period");
  }
  return OkStatus();
}

Result<StoredConsent> ConsentStore::Grant(const std::string& person_key, StoredConsent draft) {
  policy::Consent& c = draft.consent;
  c.person_key = person_key;
  if (person_key.empty()) return InvalidArgumentError("a consent is granted by a person: the person key is empty");
  RETURN_IF_ERROR(Validate(c));
  // Every decision about this person by a recipient reads that recipient's consents: a person
  // cannot make them grow without bound. The count and the insert are one transaction that
  // takes turns with the person's other grants, so grants sent at once cannot pass the bound.
  ASSIGN_OR_RETURN(auto tx, db_->Begin());
  // Merged since the caller resolved the key: the consent belongs to the survivor, as the
  // person's others now do (and takes the survivor's turn for its bound).
  ASSIGN_OR_RETURN(c.person_key, TakeTurnOfSurvivor(*tx, "consents.live:", person_key));
  const Value live_p[] = {c.person_key, clock_->NowMicros(), int64_t{kMaxLiveConsents}};
  ASSIGN_OR_RETURN(auto live, tx->Query("SELECT COUNT(*) FROM (SELECT 1 FROM consents WHERE person_key = $1 AND "
                                        "revoked_at IS NULL AND valid_to > $2 LIMIT $3) l",
                                        live_p));
  if (!live.rows.empty() && live.rows[0].Int(0) >= kMaxLiveConsents) {
    return FailedPreconditionError(fmt::format("you already hold {} consents in force, the most one person may: "
                                               "revoke one you no longer need, then grant this one",
                                               kMaxLiveConsents));
  }
  c.id = "con_" + HexEncode(random_->Bytes(8));
  c.uses = 0;
  c.period_start = 0;
  c.period_uses = 0;
  c.revoked_at.reset();
  draft.granted_at = clock_->NowMicros();
  const Value row[] = {c.id,          c.person_key, c.recipient_agency,  c.purpose,       DumpJson(GrantsToJson(c.grants)),
                       c.valid_from,  c.valid_to,   c.max_uses,          draft.granted_at, draft.channel,
                       draft.text_version, draft.proof, c.frequency_max, c.frequency_period};
  auto ins = tx->Exec("INSERT INTO consents (id, person_key, recipient_agency, purpose, grants, valid_from, valid_to, "
                      "max_uses, uses, granted_at, channel, text_version, proof, frequency_max, frequency_period) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12, $13, $14)",
                      row);
  if (!ins.ok()) return ins.status().WithContext("storing the consent");
  if (Status s = tx->Commit(); !s.ok()) return s.WithContext("storing the consent");
  return draft;
}

Result<std::vector<StoredConsent>> ConsentsOfPerson(store::Executor& db, const std::string& person_key,
                                                    const std::string& before_id, int limit) {
  // Keyset on (person_key, granted_at, id) (migration 0016), newest first.
  Result<store::ResultSet> rs = store::QueryKeysetPage(db,
                                                       {.select = std::string(kSelect) + "WHERE person_key = $1",
                                                        .params = {person_key},
                                                        .table = "consents",
                                                        .order_column = "granted_at",
                                                        .owner_column = "person_key",
                                                        .owner = person_key,
                                                        .newest_first = true,
                                                        .unknown_cursor = fmt::format(
                                                            "query.before: you have no consent '{}' (use the "
                                                            "previous page's next_before)",
                                                            before_id)},
                                                       before_id, limit);
  if (!rs.ok()) return rs.status();
  std::vector<StoredConsent> out;
  for (const Row& r : rs->rows) {
    ASSIGN_OR_RETURN(StoredConsent s, FromRow(r));
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<policy::Consent>> ConsentsForDecision(store::Executor& db, const std::string& person_key,
                                                        const std::string& recipient, int64_t now) {
  // The consents in force (at most ConsentStore::kMaxLiveConsents of the person's) and the newest other one, which
  // names why a refused decision is refused (revoked, expired); never every consent ever given.
  const Value live_p[] = {person_key, recipient, now, int64_t{ConsentStore::kMaxLiveConsents}};
  ASSIGN_OR_RETURN(auto live, db.Query(std::string(kSelect) + "WHERE person_key = $1 AND recipient_agency = $2 "
                                                                "AND revoked_at IS NULL AND valid_to > $3 "
                                                                "ORDER BY granted_at DESC, id LIMIT $4",
                                         live_p));
  const Value past_p[] = {person_key, recipient, now};
  ASSIGN_OR_RETURN(auto past, db.Query(std::string(kSelect) + "WHERE person_key = $1 AND recipient_agency = $2 "
                                                                "AND (revoked_at IS NOT NULL OR valid_to <= $3) "
                                                                "ORDER BY granted_at DESC, id DESC LIMIT 1",
                                         past_p));
  std::vector<policy::Consent> out;
  for (const store::ResultSet* rs : {&live, &past}) {
    for (const Row& r : rs->rows) {
      ASSIGN_OR_RETURN(StoredConsent s, FromRow(r));
      out.push_back(std::move(s.consent));
    }
  }
  return out;
}

Result<std::vector<StoredConsent>> ConsentStore::ForPerson(const std::string& person_key,
                                                           const std::string& before_id, int limit) {
  return ConsentsOfPerson(*db_, person_key, before_id, limit);
}

Result<std::vector<policy::Consent>> ConsentStore::ForDecision(const std::string& person_key,
                                                               const std::string& recipient) {
  return ConsentsForDecision(*db_, person_key, recipient, clock_->NowMicros());
}

Result<StoredConsent> ConsentStore::Get(const std::string& person_key, const std::string& id) {
  const Value p[] = {id, person_key};
  auto rs = db_->Query(std::string(kSelect) + "WHERE id = $1 AND person_key = $2", p);
  if (!rs.ok()) return rs.status();
  if (rs->rows.empty()) return NotFoundError(fmt::format("you have no consent '{}'", id));
  return FromRow(rs->rows[0]);
}

Result<StoredConsent> ConsentStore::Revoke(const std::string& person_key, const std::string& id) {
  // The revocation and the read of what it revoked are one transaction: a read that failed after
  // a revocation committed answered an error for a change made, and the retry then met "already
  // revoked" (review of 2026-12-02).
  const Value p[] = {clock_->NowMicros(), id, person_key};
  ASSIGN_OR_RETURN(auto tx, db_->Begin());
  ASSIGN_OR_RETURN(int64_t n, tx->Exec("UPDATE consents SET revoked_at = $1 WHERE id = $2 AND person_key = $3 "
                                       "AND revoked_at IS NULL",
                                       p));
  const Value q[] = {id, person_key};
  ASSIGN_OR_RETURN(store::ResultSet rs, tx->Query(std::string(kSelect) + "WHERE id = $1 AND person_key = $2", q));
  if (rs.rows.empty()) return NotFoundError(fmt::format("you have no consent '{}'", id));
  ASSIGN_OR_RETURN(StoredConsent s, FromRow(rs.rows[0]));
  if (n == 0) {
    return FailedPreconditionError(fmt::format("consent '{}' was already revoked at {}", id,
                                               FormatRfc3339(s.consent.revoked_at.value_or(0))));
  }
  RETURN_IF_ERROR(tx->Commit());
  return s;
}

Status ConsentStore::CountUse(const std::string& id, int64_t* window, std::string* refused_as) {
  const int64_t now = clock_->NowMicros();
  const Value p[] = {id, now};
  // One statement: the row lock (PostgreSQL) or the write lock (SQLite) makes check-and-increment
  // atomic, so concurrent reads never take more than max_uses, nor more than the frequency allows
  // in a window (a use after the window closed opens the next one).
  ASSIGN_OR_RETURN(
      store::ResultSet counted,
      db_->Query("UPDATE consents SET uses = uses + 1, "
                 "period_uses = CASE WHEN $2 >= period_start + frequency_period THEN 1 ELSE period_uses + 1 END, "
                 "period_start = CASE WHEN $2 >= period_start + frequency_period THEN $2 ELSE period_start END "
                 "WHERE id = $1 AND revoked_at IS NULL AND valid_from <= $2 AND valid_to > $2 AND "
                 "(max_uses = 0 OR uses < max_uses) AND "
                 "(frequency_max = 0 OR $2 >= period_start + frequency_period OR period_uses < frequency_max) "
                 "RETURNING period_start",
                 p));
  if (counted.rows.size() == 1) {
    if (window != nullptr) *window = counted.rows[0].Int(0);
    return OkStatus();
  }
  const Value q[] = {id};
  auto rs = db_->Query(std::string(kSelect) + "WHERE id = $1", q);
  if (!rs.ok()) return rs.status();
  if (rs->rows.empty()) return NotFoundError(fmt::format("no consent '{}'", id));
  ASSIGN_OR_RETURN(StoredConsent s, FromRow(rs->rows[0]));
  const policy::Consent& c = s.consent;
  if (refused_as != nullptr) *refused_as = StatusOf(c, now);
  if (StatusOf(c, now) == "resting") {
    return FailedPreconditionError(
        fmt::format("consent '{}' allows {} uses per {}, all made; the next is possible at {}", id, c.frequency_max,
                    policy::FrequencyPeriodName(c.frequency_period), FormatRfc3339(c.period_start + c.frequency_period)));
  }
  return FailedPreconditionError(fmt::format("consent '{}' cannot be used: it is {}", id, StatusOf(c, now)));
}

Status ConsentStore::ReturnUse(const std::string& id, int64_t window) {
  const Value p[] = {id, window};
  return db_->Exec("UPDATE consents SET uses = uses - 1, "
                   "period_uses = CASE WHEN period_uses > 0 AND period_start = $2 THEN period_uses - 1 "
                   "ELSE period_uses END "
                   "WHERE id = $1 AND uses > 0",
                   p)
      .status();
}

}  // namespace ndc::sharing
