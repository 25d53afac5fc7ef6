#include "sharing/agreement_store.h"

#include <algorithm>

#include <fmt/format.h>

#include "auth/access_generation.h"
#include "common/json.h"
#include "text/unicode.h"

namespace ndc::sharing {
namespace {

using store::Row;
using store::Value;

Status Bad(std::string_view member, std::string_view what) {
  return InvalidArgumentError(fmt::format("agreement.{}: {}", member, what));
}

Result<StoredAgreement> FromRow(const Row& row) {
  // Columns: version, body, created_at, created_by.
  ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(row.Str(1)));
  auto parsed = AgreementFromJson(doc);
  if (!parsed.ok()) return DataLossError("stored agreement is unreadable: " + parsed.status().message());
  parsed->agreement.version = static_cast<int>(row.Int(0));
  parsed->created_at = row.Int(2);
  parsed->created_by = row.Str(3);
  return std::move(*parsed);
}

constexpr std::string_view kSelect =
    "SELECT v.version, v.body, v.created_at, v.created_by FROM agreement_versions v ";

// The current version of `id`, or the given one, read through `db`.
Result<StoredAgreement> ReadVersion(store::Executor& db, const std::string& id, std::optional<int> version) {
  std::vector<Value> params = {id};
  std::string sql(kSelect);
  if (version) {
    sql += "WHERE v.id = $1 AND v.version = $2";
    params.push_back(int64_t{*version});
  } else {
    sql += "JOIN agreements a ON a.id = v.id AND a.current_version = v.version WHERE v.id = $1";
  }
  auto row = db.QueryOne(sql, params);
  if (!row.ok() && row.status().code() == StatusCode::kNotFound) {
    return NotFoundError(version ? fmt::format("agreement '{}' has no version {}", id, *version)
                                 : fmt::format("agreement '{}' does not exist", id));
  }
  if (!row.ok()) return row.status();
  return FromRow(*row);
}

// The texts people read (the console, `ndc agreements`, the consumer's copy) hold no control or
// invisible formatting characters. Checked when a version is stored, and then only the texts new
// against the version it follows (`was`; null for a new agreement), never when one is read: a
// version stored before 2026-12-02 stays readable and can be amended in its other texts, and a
// status change keeps its body as it is.
Status CheckTexts(const StoredAgreement& s, const StoredAgreement* was) {
  const policy::Agreement& a = s.agreement;
  const auto check = [&](std::string_view what, const std::string& now, const std::string* before,
                         std::u32string_view allowed = {}) {
    return before != nullptr && *before == now ? OkStatus() : text::CheckDisplayText(what, now, allowed);
  };
  const policy::Agreement* b = was == nullptr ? nullptr : &was->agreement;
  RETURN_IF_ERROR(check("agreement.title", s.title, was ? &was->title : nullptr));
  RETURN_IF_ERROR(check("agreement.deletion_duty", a.deletion_duty, b ? &b->deletion_duty : nullptr, U"\t\n"));
  RETURN_IF_ERROR(check("agreement.legal_basis.instrument", a.legal_basis.instrument,
                        b ? &b->legal_basis.instrument : nullptr));
  RETURN_IF_ERROR(check("agreement.legal_basis.article", a.legal_basis.article, b ? &b->legal_basis.article : nullptr));
  return OkStatus();
}

}  // namespace

Status AgreementStore::Validate(const policy::Agreement& a) {
  if (a.consumer_agency != "*") {
    auto agency = catalog_->GetAgency(a.consumer_agency);
    if (!agency.ok()) {
      if (agency.status().code() == StatusCode::kNotFound) {
        return Bad("consumer", fmt::format("agency '{}' does not exist: register it first", a.consumer_agency));
      }
      return agency.status();
    }
  }
  for (size_t i = 0; i < a.purposes.size(); ++i) {
    if (!purposes_->Contains(a.purposes[i])) {
      return Bad(fmt::format("purposes[{}]", i), fmt::format("unknown purpose '{}': use a code of the purpose "
                                                             "catalog (docs/design/policy.md)", a.purposes[i]));
    }
  }
  // An open agreement serves every agency: a covert purpose there would hide every state body's
  // reads under it from the persons read (review of 2026-12-01). Covert access is given to a
  // named agency, by an agreement of its own.
  if (a.consumer_agency == "*" || a.form == policy::SharingForm::kOpen) {
    for (size_t i = 0; i < a.purposes.size(); ++i) {
      if (purposes_->HiddenFromSubject(a.purposes[i])) {
        return Bad(fmt::format("purposes[{}]", i),
                   fmt::format("'{}' is a covert purpose, hidden from the persons read: it is given to a named "
                               "agency by an agreement of its own, never in open data",
                               a.purposes[i]));
      }
    }
  }
  // Open data is no one's data: an open agreement serves no action that names a person (a read,
  // verify or find of a person; a person's events) and only datasets whose records are no one's —
  // a record of a personal dataset read by its key tells of that person even through a field that
  // is not personal by itself (review of 2026-12-02: an open grant of a register's commune code
  // served every agency that register's members, person by person).
  if (a.form == policy::SharingForm::kOpen) {
    for (size_t i = 0; i < a.actions.size(); ++i) {
      if (a.actions[i] != policy::Action::kReadRecord && a.actions[i] != policy::Action::kFeed) {
        return Bad(fmt::format("actions[{}]", i),
                   fmt::format("open data serves record reads and record-change feeds of datasets that hold no "
                               "personal data, never '{}': use default or on_request for a named agency",
                               policy::ActionName(a.actions[i])));
      }
    }
    for (size_t i = 0; i < a.feed_events.size(); ++i) {
      if (a.feed_events[i] != "record_change") {
        return Bad(fmt::format("feeds[{}]", i),
                   fmt::format("'{}' is an event of a person: open data follows record_change only",
                               a.feed_events[i]));
      }
    }
  }
  bool personal = false, sensitive = false;
  for (const policy::FieldGrant& g : a.grants) {
    auto info = catalog_->GetDataset(g.dataset);
    if (!info.ok()) {
      if (info.status().code() == StatusCode::kNotFound) {
        return Bad("grants", fmt::format("dataset '{}' does not exist", g.dataset));
      }
      return info.status();
    }
    for (const std::string& f : g.fields) {
      const catalog::FieldSpec* spec = info->schema.Field(f);
      if (spec == nullptr) {
        return Bad("grants." + g.dataset, fmt::format("dataset '{}' has no field '{}'", g.dataset, f));
      }
      catalog::PersonalClass pc = info->schema.EffectivePersonalClass(*spec);
      personal |= pc != catalog::PersonalClass::kNone;
      sensitive |= pc == catalog::PersonalClass::kSensitive;
    }
    if (a.form == policy::SharingForm::kOpen && info->schema.RecordsArePersons()) {
      const catalog::PersonalClass whole =
          info->schema.classification.personal.value_or(catalog::PersonalClass::kNone);
      if (whole != catalog::PersonalClass::kNone) {
        return Bad("grants." + g.dataset,
                   fmt::format("dataset '{}' holds personal data (classification.personal {}): its records are "
                               "persons', so no field of it is open data; use default or on_request",
                               g.dataset, catalog::PersonalClassName(whole)));
      }
      const catalog::FieldSpec* mapped = info->schema.FirstPersonMappedField();
      return Bad("grants." + g.dataset,
                 fmt::format("dataset '{}' maps its field '{}' to the person attribute '{}': its records are "
                             "linked to persons, so no field of it is open data; use default or on_request",
                             g.dataset, mapped->name, mapped->person));
    }
  }
  if (personal && a.form == policy::SharingForm::kOpen) {
    return Bad("form", "open data may not include personal data fields (Decree 356/2025); use default or on_request");
  }
  if (sensitive && !a.legal_basis.consent && a.legal_basis.article.empty()) {
    return Bad("legal_basis.article", "sensitive personal data (Decree 356/2025 art. 4) is shared only under a "
                                      "named article of law or with consent");
  }
  return OkStatus();
}

Result<StoredAgreement> AgreementStore::Insert(StoredAgreement draft, const std::string& actor, bool create,
                                               std::optional<policy::AgreementStatus> new_status) {
  if (!new_status) {
    if (create) RETURN_IF_ERROR(CheckTexts(draft, nullptr));  // a change: against its head, below
    RETURN_IF_ERROR(Validate(draft.agreement));
  }
  ASSIGN_OR_RETURN(auto tx, db_->Begin());
  // One version at a time: the head read below is then the one this version follows (two at
  // once both read version n and collided on n + 1), and a status change is made on the newest
  // body (read after another version was stored, not before it, which would undo it).
  RETURN_IF_ERROR(store::SerializeOn(*tx, "agreement:" + draft.agreement.id));
  if (new_status) {
    ASSIGN_OR_RETURN(draft, ReadVersion(*tx, draft.agreement.id, std::nullopt));
    // Suspending or revoking is never refused: a change in the catalog since the body was
    // stored must not keep an agreement in force. Activating checks the body against today's
    // catalog and rules, as storing it did. (Validate reads the catalog through db_: a caller
    // holding a read pin would begin a snapshot older than this commit; no route that sets a
    // status is pinned.)
    draft.agreement.status = *new_status;
    if (*new_status == policy::AgreementStatus::kActive) RETURN_IF_ERROR(Validate(draft.agreement));
  }
  policy::Agreement& a = draft.agreement;
  const Value id[] = {a.id};
  auto head = tx->Query("SELECT current_version, consumer_agency FROM agreements WHERE id = $1", id);
  if (!head.ok()) return head.status();
  if (create && !head->rows.empty()) {
    return AlreadyExistsError(fmt::format("agreement '{}' already exists: change it with a new version", a.id));
  }
  if (!create && head->rows.empty()) return NotFoundError(fmt::format("agreement '{}' does not exist", a.id));
  if (!create) {
    // A revocation is final: no version follows it, so a revoked agreement is never in force
    // again by an update or an activation (review of 2026-11-30, left until 2026-12-01). Sharing
    // with that consumer again needs a new agreement, with its own id and history.
    const Value current[] = {a.id, head->rows[0].Int(0)};
    ASSIGN_OR_RETURN(store::ResultSet was,
                     tx->Query("SELECT status FROM agreement_versions WHERE id = $1 AND version = $2", current));
    if (!was.rows.empty() && was.rows[0].Str(0) == policy::AgreementStatusName(policy::AgreementStatus::kRevoked)) {
      return FailedPreconditionError(fmt::format(
          "agreement '{}' was revoked at version {}, and a revocation is final: conclude a new agreement (another "
          "id) to share with this consumer again",
          a.id, head->rows[0].Int(0)));
    }
    if (!new_status) {
      ASSIGN_OR_RETURN(StoredAgreement head_version, ReadVersion(*tx, a.id, std::nullopt));
      RETURN_IF_ERROR(CheckTexts(draft, &head_version));
    }
  }
  if (!create && !new_status && draft.read_version && head->rows[0].Int(0) != *draft.read_version) {
    return FailedPreconditionError(fmt::format("agreement '{}' is at version {}, and this document was read at "
                                               "version {}: read the current version, make the change on it and "
                                               "send it again (a change made meanwhile is not undone)",
                                               a.id, head->rows[0].Int(0), *draft.read_version));
  }
  if (!create && head->rows[0].Str(1) != a.consumer_agency) {
    return Bad("consumer", fmt::format("agreement '{}' is with '{}'; conclude a new agreement for another consumer",
                                       a.id, head->rows[0].Str(1)));
  }
  a.version = create ? 1 : static_cast<int>(head->rows[0].Int(0)) + 1;
  draft.created_at = clock_->NowMicros();
  draft.created_by = actor;
  const Value row[] = {a.id,
                       int64_t{a.version},
                       a.consumer_agency,
                       std::string(policy::AgreementStatusName(a.status)),
                       a.valid_from,
                       a.valid_to,
                       DumpJson(AgreementToJson(draft)),
                       draft.created_at,
                       actor};
  RETURN_IF_ERROR(tx->Exec("INSERT INTO agreement_versions (id, version, consumer_agency, status, valid_from, "
                           "valid_to, body, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                           row)
                      .status());
  const Value h[] = {a.id, int64_t{a.version}, a.consumer_agency};
  RETURN_IF_ERROR(tx->Exec("INSERT INTO agreements (id, current_version, consumer_agency) VALUES ($1, $2, $3) "
                           "ON CONFLICT (id) DO UPDATE SET current_version = excluded.current_version",
                           h)
                      .status());
  // Every node's cached agreements give way to this version on their next request.
  RETURN_IF_ERROR(auth::BumpAccessGeneration(*tx, random_));
  RETURN_IF_ERROR(tx->Commit());
  return draft;
}

Result<StoredAgreement> AgreementStore::Create(StoredAgreement draft, const std::string& actor) {
  return Insert(std::move(draft), actor, true);
}

Result<StoredAgreement> AgreementStore::Update(StoredAgreement draft, const std::string& actor) {
  return Insert(std::move(draft), actor, false);
}

Result<StoredAgreement> AgreementStore::SetStatus(const std::string& id, policy::AgreementStatus status,
                                                  const std::string& actor) {
  StoredAgreement draft;
  draft.agreement.id = id;
  return Insert(std::move(draft), actor, false, status);
}

Result<StoredAgreement> AgreementStore::Get(const std::string& id, std::optional<int> version) {
  return ReadVersion(*db_, id, version);
}

Result<std::vector<StoredAgreement>> AgreementStore::Versions(const std::string& id) {
  const Value p[] = {id};
  ASSIGN_OR_RETURN(auto rs, db_->Query(std::string(kSelect) + "WHERE v.id = $1 ORDER BY v.version", p));
  if (rs.rows.empty()) return NotFoundError(fmt::format("agreement '{}' does not exist", id));
  std::vector<StoredAgreement> out;
  for (const Row& r : rs.rows) {
    ASSIGN_OR_RETURN(StoredAgreement a, FromRow(r));
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::vector<StoredAgreement>> AgreementStore::List(const std::string& consumer) {
  std::string sql = std::string(kSelect) + "JOIN agreements a ON a.id = v.id AND a.current_version = v.version ";
  std::vector<Value> params;
  if (!consumer.empty()) {
    sql += "WHERE a.consumer_agency IN ($1, '*') ";
    params.push_back(consumer);
  }
  sql += "ORDER BY v.id";
  ASSIGN_OR_RETURN(auto rs, db_->Query(sql, params));
  std::vector<StoredAgreement> out;
  for (const Row& r : rs.rows) {
    ASSIGN_OR_RETURN(StoredAgreement a, FromRow(r));
    out.push_back(std::move(a));
  }
  return out;
}

Result<AgreementSet> AgreementStore::ForConsumer(const std::string& agency,
                                                 const std::optional<auth::AccessRead>& read) {
  // The marker first, then the rows it guards (auth/access_generation.h); a value read in this
  // very snapshot is what reading it again would give.
  std::optional<int64_t> generation;
  if (read && read->snapshot != 0 && db_->ReadSnapshot() == read->snapshot) generation = read->generation;
  if (!generation) {
    ASSIGN_OR_RETURN(generation, auth::ReadAccessGeneration(*db_));
  }
  {
    std::lock_guard lock(cache_mu_);
    if (consumers_state_.Valid(*generation, clock_->MonotonicMicros())) {
      if (auto it = consumers_.find(agency); it != consumers_.end()) {
        counters_.hits->Inc();
        return it->second;
      }
    }
  }
  counters_.misses->Inc();
  return ReadForConsumer(agency, *generation);
}

Result<AgreementSet> AgreementStore::ReadForConsumer(const std::string& agency, int64_t generation) {
  const Value p[] = {agency};
  // Two index probes and a sort here rather than `IN ($1, '*') ORDER BY id`, for which SQLite
  // builds a temporary B-tree for the IN list and another for the sort.
  ASSIGN_OR_RETURN(auto rs, db_->Query("SELECT id, current_version FROM agreements WHERE consumer_agency = $1 "
                                       "UNION ALL "
                                       "SELECT id, current_version FROM agreements WHERE consumer_agency = '*' "
                                       "AND $1 <> '*'",
                                       p));
  std::sort(rs.rows.begin(), rs.rows.end(), [](const Row& a, const Row& b) { return a.Str(0) < b.Str(0); });
  auto agreements = std::make_shared<std::vector<policy::Agreement>>();
  agreements->reserve(rs.rows.size());
  for (const Row& r : rs.rows) {
    std::pair<std::string, int> key(r.Str(0), static_cast<int>(r.Int(1)));
    std::shared_ptr<const policy::Agreement> parsed;
    {
      std::lock_guard lock(cache_mu_);
      if (auto it = parsed_.find(key); it != parsed_.end()) parsed = it->second;
    }
    if (parsed == nullptr) {
      ASSIGN_OR_RETURN(StoredAgreement stored, Get(key.first, key.second));
      parsed = std::make_shared<const policy::Agreement>(std::move(stored.agreement));
      std::lock_guard lock(cache_mu_);
      if (parsed_.size() >= 4096) parsed_.clear();  // bounded: starts over past 4,096 versions
      parsed_.emplace(key, parsed);
    }
    agreements->push_back(*parsed);  // once per fill, not per request
  }
  AgreementSet out(std::move(agreements));
  // Read at `generation` (the marker first, then the rows): cached under that value only.
  std::lock_guard lock(cache_mu_);
  if (consumers_state_.Reset(generation, clock_->MonotonicMicros()) || consumers_.size() >= 4096) consumers_.clear();
  consumers_[agency] = out;
  return out;
}

}  // namespace ndc::sharing
