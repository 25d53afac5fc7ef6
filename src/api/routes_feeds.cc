// Change feeds for agencies: subscribe to the event types an agreement grants (birth, death,
// address change, identity change on the authoritative dataset; record change on any agreed
// dataset) and pull them with a cursor, at least once, with stable event ids. Each pull is
// decided again (a revoked or expired agreement stops the feed) and audited; an event carries
// only the agreement's fields. docs/design/sharing.md ("Feeds").
#include <fmt/format.h>

#include "api/audit_release.h"
#include "api/audit_text.h"
#include "api/ingest_json.h"
#include "api/json_body.h"
#include "api/query_params.h"
#include "api/service.h"
#include "common/json.h"
#include "ingest/queries.h"
#include "person/linker.h"
#include "person/person_store.h"
#include "policy/decide.h"
#include "sharing/agreement_json.h"
#include "sharing/feed.h"

namespace ndc::api {

using auth::Role;
using nlohmann::json;

namespace {

const std::set<Role> kAgency = {Role::kAgency};
constexpr int kMaxPage = 1000;

Result<std::string> AuthorityDataset(store::Executor& db) {
  ASSIGN_OR_RETURN(std::optional<std::string> v, person::GetPersonSetting(db, person::kAuthoritySetting));
  return v.value_or(person::kDefaultAuthority);
}

// The person each changed record is linked to now (records linked to nobody are left out), in
// one statement for the page. From person_links, the linkage's own record: the records' copy in
// `_person_key` is written by the linker and carried over by each new version a batch writes, so
// a batch and a link committing at once could leave it stale for a while, and a delivery audited
// under no one or the wrong person (review of 2026-12-01).
Result<std::map<std::string, std::string>> LinkedPersons(store::Executor& db, const catalog::DatasetInfo& dataset,
                                                         const std::vector<ingest::ChangeEvent>& changes) {
  std::map<std::string, std::string> out;
  if (changes.empty()) return out;
  std::vector<store::Value> keys = {dataset.schema.id};
  std::string placeholders;
  for (const auto& e : changes) {
    keys.emplace_back(e.key);
    placeholders += fmt::format("{}${}", placeholders.empty() ? "" : ", ", keys.size());
  }
  ASSIGN_OR_RETURN(store::ResultSet rs,
                   db.Query(fmt::format("SELECT record_key, person_key FROM person_links WHERE dataset_id = $1 "
                                        "AND record_key IN ({})",
                                        placeholders),
                            keys));
  for (const store::Row& row : rs.rows) out[row.Str(0)] = row.Str(1);
  return out;
}

// The policy request of a feed of `type` events under `s`'s agreement and purpose (the caller
// and the time are the caller's to set, or DecideAccess's).
policy::Request FeedRequest(const sharing::Subscription& s, const catalog::DatasetInfo& dataset, const std::string& type) {
  policy::Request req;
  req.action = policy::Action::kFeed;
  req.purpose = s.purpose;
  req.agreement_id = s.agreement_id;
  req.dataset = dataset.schema.id;
  req.dataset_personal = dataset.schema.RecordsArePersons();
  req.feed_event = type;
  return req;
}

// The fields of `values` that `allowed` names, typed by the schema.
json Reduce(const catalog::DatasetSchema& schema, const std::vector<store::Value>& values,
            const std::set<std::string>& allowed) {
  json out = json::object();
  for (size_t i = 0; i < schema.fields.size() && i < values.size(); ++i) {
    if (allowed.contains(schema.fields[i].name)) out[schema.fields[i].name] = TypedValue(schema.fields[i].type, values[i]);
  }
  return out;
}

}  // namespace

void ApiService::AddFeedRoutes() {
  router_.Add("POST", "/v1/feeds", kAgency, [this](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(json body, ParseObjectBody(ctx.request, {"agreement", "purpose", "events", "dataset"}));
    sharing::Subscription s;
    s.agency_id = ctx.principal->agency_id;
    s.created_by = "key:" + ctx.principal->key_id;
    ASSIGN_OR_RETURN(s.agreement_id, StringMember(body, "agreement", true));
    ASSIGN_OR_RETURN(s.purpose, StringMember(body, "purpose", true));
    ASSIGN_OR_RETURN(s.dataset_id, StringMember(body, "dataset", false));
    ASSIGN_OR_RETURN(std::string authority, AuthorityDataset(*deps_.db));
    if (s.dataset_id.empty()) s.dataset_id = authority;
    const json& events = body.contains("events") ? body["events"] : json();
    if (!events.is_array() || events.empty() || events.size() > 16) {
      return InvalidArgumentError("body.events: expected a list of 1 to 16 event types (birth, death, "
                                  "address_change, identity_change, record_change)");
    }
    for (size_t i = 0; i < events.size(); ++i) {
      if (!events[i].is_string() || !sharing::IsKnownFeedEvent(events[i].get<std::string>())) {
        return InvalidArgumentError(fmt::format("body.events[{}]: not an event type (birth, death, address_change, "
                                                "identity_change, record_change)",
                                                i));
      }
      std::string type = events[i].get<std::string>();
      if (sharing::IsPersonFeedEvent(type) && s.dataset_id != authority) {
        return InvalidArgumentError(fmt::format("body.events[{}]: '{}' events come from the authoritative dataset "
                                                "'{}', not '{}'",
                                                i, type, authority, AuditText(s.dataset_id)));
      }
      s.events.push_back(std::move(type));
    }
    ASSIGN_OR_RETURN(catalog::DatasetInfo dataset, deps_.catalog->GetDataset(s.dataset_id));
    // Before the decisions: an agency at its cap spends no rate and leaves no allowed entries.
    RETURN_IF_ERROR(feeds_->CheckRoom(s.agency_id));
    for (const std::string& type : s.events) {
      ASSIGN_OR_RETURN(Access access, DecideAccess(ctx, FeedRequest(s, dataset, type), "feed.subscribe",
                                                   {"", dataset.schema.id, type}));
      if (access.refusal) return std::move(*access.refusal);
    }
    // The feed starts now: past versions are not delivered (a record read refuses them to
    // anyone but the owner). Read before the insert, so a change committed meanwhile is after it.
    ASSIGN_OR_RETURN(s.start_after, ingest::LastEventSeq(*deps_.db, dataset.schema.id));
    ASSIGN_OR_RETURN(sharing::Subscription created, feeds_->Create(std::move(s)));
    RETURN_IF_ERROR(AuditChange(ctx, "feed.create", {"", created.dataset_id, created.id}, created.events,
                                created.purpose));
    return JsonResponse(DumpJson(sharing::SubscriptionToJson(created)), 201);
  });

  router_.Add("GET", "/v1/feeds", kAgency, [this](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(int limit, LimitParam(ctx.request, 100, kMaxPage));
    const std::string after = ctx.request.query.contains("after") ? ctx.request.query.at("after") : "";
    ASSIGN_OR_RETURN(auto subs, feeds_->List(ctx.principal->agency_id, after, limit));
    json items = json::array();
    for (const auto& s : subs) items.push_back(sharing::SubscriptionToJson(s));
    json next = static_cast<int>(subs.size()) == limit ? json(subs.back().id) : json(nullptr);
    return JsonResponse(DumpJson({{"feeds", std::move(items)}, {"next_after", std::move(next)}}));
  });

  router_.Add("POST", "/v1/feeds/{id}/cancel", kAgency, [this](RouteContext& ctx) -> Result<Response> {
    Result<sharing::Subscription> cancelled = feeds_->Cancel(ctx.principal->agency_id, ctx.params.at("id"));
    if (cancelled.status().code() == StatusCode::kNotFound) {  // unknown, or another agency's
      RETURN_IF_ERROR(AuditAccess(ctx, "feed.cancel", {"", "", AuditText(ctx.params.at("id"))}, {},
                                  audit::Decision::kDenied, std::string(cancelled.status().message())));
    }
    ASSIGN_OR_RETURN(sharing::Subscription s, std::move(cancelled));
    RETURN_IF_ERROR(AuditChange(ctx, "feed.cancel", {"", s.dataset_id, s.id}, s.events, s.purpose));
    return JsonResponse(DumpJson(sharing::SubscriptionToJson(s)));
  });

  router_.Add("GET", "/v1/feeds/{id}", kAgency, [this](RouteContext& ctx) -> Result<Response> {
    Result<sharing::Subscription> found = feeds_->Get(ctx.principal->agency_id, ctx.params.at("id"));
    if (found.status().code() == StatusCode::kNotFound) {  // unknown, or another agency's: a denied read
      RETURN_IF_ERROR(AuditAccess(ctx, "feed.read", {"", "", AuditText(ctx.params.at("id"))}, {},
                                  audit::Decision::kDenied, found.status().message()));
    }
    ASSIGN_OR_RETURN(sharing::Subscription s, std::move(found));
    if (s.status != "active") {
      const std::string why = fmt::format("feed '{}' was cancelled; subscribe again", s.id);
      RETURN_IF_ERROR(AuditAccess(ctx, "feed.read", {"", s.dataset_id, s.id}, {}, audit::Decision::kDenied, why));
      return FailedPreconditionError(why);
    }
    ASSIGN_OR_RETURN(std::optional<int64_t> after, IntParam(ctx.request, "after", 0, INT64_MAX));
    ASSIGN_OR_RETURN(int limit, LimitParam(ctx.request, 100, kMaxPage));
    ASSIGN_OR_RETURN(catalog::DatasetInfo dataset, deps_.catalog->GetDataset(s.dataset_id));
    ASSIGN_OR_RETURN(std::string authority, AuthorityDataset(*deps_.db));
    // Decided again on every pull, per event type: the types the agreement still allows, each
    // with its fields. None allowed: the first refusal answers. A type refused for the rate
    // refuses the whole pull: the page would move the cursor past that type's events, which a
    // later pull would then never deliver (review of 2026-11-30).
    std::map<std::string, std::set<std::string>> allowed;
    std::map<std::string, std::string> basis;  // type -> the audited legal basis it is served under
    std::optional<Response> first_refusal;
    for (const std::string& type : s.events) {
      ASSIGN_OR_RETURN(Access access, DecideAccess(ctx, FeedRequest(s, dataset, type), "feed.read",
                                                   {"", s.dataset_id, s.id + ":" + type}));
      if (access.refusal) {
        if (access.refusal->status == 429) return std::move(*access.refusal);
        if (!first_refusal) first_refusal = std::move(access.refusal);
        continue;
      }
      std::set<std::string>& fields = allowed[type];
      basis[type] = AuditedLegalBasis(access.decision);
      for (const auto& f : access.decision.fields) {
        if (f.dataset == s.dataset_id) fields.insert(f.field);
      }
    }
    if (allowed.empty()) return std::move(*first_refusal);
    // ... and each event is also decided at its own time, on the agreement's version in force
    // then (sharing::VersionInForceAt): the changes made while the agreement was suspended,
    // expired or not yet valid are skipped, not delivered once it is in force again, and an event
    // carries only the fields granted both then and now. Until 2026-12-03 a pull delivered the
    // backlog of a suspension, versions no read could have given the agency.
    ASSIGN_OR_RETURN(std::vector<sharing::StoredAgreement> agreement_versions,
                     deps_.agreements->Versions(s.agreement_id));
    ASSIGN_OR_RETURN(policy::Caller caller, CallerOf(*ctx.principal));
    // Not cached: the decision depends on the event's time (the version's validity window), not
    // only on the version (review of 2026-12-03: a cached answer delivered an event after the
    // version expired, or skipped one after it became valid, depending on the page size).
    auto fields_then = [&](const std::string& type, int64_t at) -> std::optional<std::set<std::string>> {
      const policy::Agreement* then = sharing::VersionInForceAt(agreement_versions, at);
      if (then == nullptr) return std::nullopt;
      policy::Request req = FeedRequest(s, dataset, type);
      req.caller = caller;
      req.now = at;
      const policy::Decision d = policy::Decide(req, std::span<const policy::Agreement>(then, 1), {});
      if (!d.allowed) return std::nullopt;
      std::set<std::string> granted;
      for (const auto& f : d.fields) {
        if (f.dataset == s.dataset_id && allowed.at(type).contains(f.field)) granted.insert(f.field);
      }
      return granted;
    };

    // A cursor before the subscription's start is raised to it. The page's events, their
    // versions and links are read in one snapshot: read apart, a batch committed between an
    // event's current and history reads classified the change from the wrong versions (review of
    // 2026-12-03).
    const int64_t from = std::max(after.value_or(0), s.start_after);
    std::unique_ptr<store::ReadPin> snapshot = deps_.db->PinReads();
    ASSIGN_OR_RETURN(auto changes, ingest::ListEvents(*deps_.db, s.dataset_id, from, limit));
    ASSIGN_OR_RETURN(auto persons, LinkedPersons(*deps_.db, dataset, changes));
    json items = json::array();
    for (const ingest::ChangeEvent& e : changes) {
      // The event's version and the one before it: what the change is classified from.
      ASSIGN_OR_RETURN(auto versions, ingest::ListVersions(*deps_.db, dataset, e.key, e.version - 2, 2));
      const ingest::RecordVersion* now = nullptr;
      const ingest::RecordVersion* before = nullptr;
      for (const auto& v : versions) {
        if (v.version == e.version) now = &v;
        if (v.version == e.version - 1) before = &v;
      }
      sharing::RecordChange change{e.op, before && !before->deleted ? &before->values : nullptr,
                                   now && !now->deleted ? &now->values : nullptr, e.at};
      // One audit entry per event delivered, whatever number of types it matched.
      bool delivered = false;
      std::set<std::string> delivered_fields;
      std::vector<std::string> bases;
      for (const std::string& type : sharing::ClassifyChange(dataset.schema, s.dataset_id == authority, change)) {
        if (!allowed.contains(type)) continue;
        const std::optional<std::set<std::string>> granted = fields_then(type, e.at);
        if (!granted) continue;  // not entitled when it happened
        // A record change is delivered only when it changes what the agreement grants: else an
        // update of ungranted fields alone (a diagnosis, a debt) would tell the consumer when
        // that part of a named person's record changed, with none of it shown (review of
        // 2026-12-02). Inserts and deletes are deliveries of the granted fields' own state.
        if (type == "record_change" && e.op == "update" && change.before != nullptr && change.after != nullptr &&
            Reduce(dataset.schema, *change.before, *granted) == Reduce(dataset.schema, *change.after, *granted)) {
          continue;
        }
        items.push_back({{"id", fmt::format("{}:{}:{}", s.dataset_id, e.seq, type)},
                         {"seq", e.seq},
                         {"type", type},
                         {"op", e.op},
                         {"at", FormatRfc3339(e.at)},
                         {"data", change.after ? Reduce(dataset.schema, *change.after, *granted) : json(nullptr)}});
        if (change.after) delivered_fields.insert(granted->begin(), granted->end());
        if (std::find(bases.begin(), bases.end(), basis[type]) == bases.end()) bases.push_back(basis[type]);
        delivered = true;
      }
      // The person the record is linked to now sees the delivery in their access history
      // (DOMAIN.md, rule 7); the page is answered once these entries are durable.
      if (auto person = persons.find(e.key); delivered && person != persons.end()) {
        audit::Entry entry;
        entry.action = "feed.delivered";
        entry.subject = {person->second, s.dataset_id, AuditText(e.key)};
        for (const std::string& f : delivered_fields) entry.fields.push_back(s.dataset_id + "." + f);
        entry.purpose = AuditText(s.purpose);
        entry.legal_basis = fmt::format("{}", fmt::join(bases, " | "));
        entry.decision = audit::Decision::kAllowed;
        StampAudit(ctx, entry);
        ctx.send_after.push_back(AppendAndGate(deps_.audit, std::move(entry),
                                               "the delivery could not be audited, so nothing was disclosed"));
      }
    }
    int64_t next = changes.empty() ? from : changes.back().seq;
    return JsonResponse(DumpJson({{"feed", s.id},
                                  {"events", std::move(items)},
                                  {"next_after", next},
                                  {"more", changes.size() == static_cast<size_t>(limit)}}));
  });
}

}  // namespace ndc::api
