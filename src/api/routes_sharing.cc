// Data endpoints under data-sharing agreements: a person's profile (only the agreed fields, each
// with its source dataset and last update), yes/no verification of claimed attributes, and find
// by attributes through the linkage engine. Every
// request passes DecideAccess (access_gate.cc): policy decision, rate limit, consent use and the
// audit entry, before anything is disclosed. Record reads are in routes_records.cc, feeds in
// routes_feeds.cc. docs/design/sharing.md ("Data endpoints").
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <span>

#include "api/audit_text.h"
#include "api/claim_compare.h"
#include "api/ingest_json.h"
#include "api/json_body.h"
#include "api/service.h"
#include "common/json.h"
#include "common/json_writer.h"
#include "ident/date_parse.h"
#include "person/person_finder.h"
#include "person/person_json.h"
#include "person/person_store.h"
#include "policy/decide.h"
#include "text/fold.h"
#include "text/unicode.h"

namespace ndc::api {

using auth::Role;
using nlohmann::json;

namespace {

std::string Query(const Request& r, const std::string& name) {
  auto it = r.query.find(name);
  return it == r.query.end() ? "" : it->second;
}

// "population_registry.ho_ten,population_registry.ngay_sinh" -> field refs.
Result<std::vector<policy::FieldRef>> ParseFieldList(std::string_view text, std::string_view where) {
  std::vector<policy::FieldRef> out;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    size_t dot = item.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == item.size()) {
      return InvalidArgumentError(fmt::format("{}: '{}' is not <dataset>.<field>", where, AuditText(item)));
    }
    out.push_back({std::string(item.substr(0, dot)), std::string(item.substr(dot + 1))});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (out.size() > 1000) return InvalidArgumentError(fmt::format("{}: at most 1000 fields", where));
  return out;
}

// One stored value as TypedValue (api/ingest_json.h) types it.
void WriteTypedValue(JsonWriter& w, catalog::FieldType type, const store::Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) {
    type == catalog::FieldType::kBoolean ? w.Bool(*i != 0) : w.Int(*i);
  } else if (const auto* d = std::get_if<double>(&v)) {
    w.Double(*d);
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    w.String(*s);
  } else if (const auto* b = std::get_if<store::Blob>(&v)) {
    w.String(b->bytes);
  } else {
    w.Null();
  }
}

// Which of a linked record's fields a walk reads (ForEachCurrentRecord's `wanted`).
struct RecordRead {
  bool read = false;  // false: the record is skipped
  // When read: the fields to load, sorted (every other one is null in the record; names outside
  // the schema are allowed); null: every field.
  const std::vector<std::string_view>* only = nullptr;
};

// Calls `fn(link, schema, record)` for every link in `links` (from person::ResolveLinked) that
// `wanted(link)` reads (a RecordRead) and whose record is still current (not deleted since it was
// linked), with the record's schema version from the catalog's cache. How the person read and
// verify walk a person's records. Each distinct `only` is another SQL text (and prepared
// statement), so a set a caller chooses per request (verify's claims, a read's fields=) is not
// passed: every field instead.
template <typename Wanted, typename Fn>
Status ForEachCurrentRecord(store::Executor& db, catalog::Catalog& catalog,
                            const std::vector<person::LinkedRecord>& links, const Wanted& wanted, const Fn& fn) {
  for (const person::LinkedRecord& link : links) {
    const RecordRead read = wanted(link);
    if (!read.read) continue;
    ASSIGN_OR_RETURN(std::shared_ptr<const catalog::DatasetSchema> schema,
                     catalog.SchemaVersion(link.dataset_id, link.dataset_version));
    ASSIGN_OR_RETURN(std::optional<ingest::RecordVersion> v,
                     ingest::CurrentRecord(db, *schema, link.record_key, read.only));
    if (v) fn(link, schema, *v);
  }
  return OkStatus();
}

// The fields of `dataset` in `fields`, which are sorted by dataset, then field (as
// policy::Decision::fields are).
std::span<const policy::FieldRef> FieldsOf(std::span<const policy::FieldRef> fields, std::string_view dataset) {
  auto first = std::lower_bound(fields.begin(), fields.end(), dataset,
                                [](const policy::FieldRef& f, std::string_view d) { return f.dataset < d; });
  auto last = std::upper_bound(first, fields.end(), dataset,
                               [](std::string_view d, const policy::FieldRef& f) { return d < f.dataset; });
  return {first, last};
}

// Whether `field` is in `of_one_dataset` (FieldsOf's answer: sorted by field).
bool HoldsField(std::span<const policy::FieldRef> of_one_dataset, std::string_view field) {
  auto it = std::lower_bound(of_one_dataset.begin(), of_one_dataset.end(), field,
                             [](const policy::FieldRef& f, std::string_view name) { return f.field < name; });
  return it != of_one_dataset.end() && it->field == field;
}

// The person's current records in the datasets of `allowed` (all linked datasets when `all`), as
// the array member "records" of `w`'s object: each {dataset, fields: {name: value}, updated_at}
// holding only `allowed` fields of that dataset, members in name order (as DumpJson prints them).
// `allowed` is sorted by dataset, then field (policy::Decision::fields). `read_only_allowed`: load
// only the allowed fields (when `allowed` comes from an agreement or a consent, not from the
// request: see ForEachCurrentRecord).
Status WritePersonRecords(JsonWriter& w, store::Executor& db, catalog::Catalog& catalog,
                          const std::vector<person::LinkedRecord>& links, std::span<const policy::FieldRef> allowed,
                          bool all, bool read_only_allowed) {
  w.Key("records");
  w.BeginArray();
  std::vector<std::pair<std::string_view, size_t>> shown;  // (field name, index), sorted by name
  std::vector<std::string_view> only;                       // the allowed fields of one dataset, sorted
  RETURN_IF_ERROR(ForEachCurrentRecord(
      db, catalog, links,
      [&](const person::LinkedRecord& link) -> RecordRead {
        if (all) return {true, nullptr};
        const std::span<const policy::FieldRef> grant = FieldsOf(allowed, link.dataset_id);
        if (grant.empty()) return {};
        if (!read_only_allowed) return {true, nullptr};
        only.clear();
        for (const policy::FieldRef& f : grant) only.push_back(f.field);
        return {true, &only};
      },
      [&](const person::LinkedRecord& link, const std::shared_ptr<const catalog::DatasetSchema>& schema,
          const ingest::RecordVersion& v) {
        const std::span<const policy::FieldRef> grant = FieldsOf(allowed, link.dataset_id);
        shown.clear();
        for (size_t i = 0; i < schema->fields.size() && i < v.values.size(); ++i) {
          if (!all && !HoldsField(grant, schema->fields[i].name)) continue;
          shown.emplace_back(schema->fields[i].name, i);
        }
        std::sort(shown.begin(), shown.end());
        w.BeginObject();
        w.Member("dataset", link.dataset_id);
        w.Key("fields");
        w.BeginObject();
        for (const auto& [name, i] : shown) {
          w.Key(name);
          WriteTypedValue(w, schema->fields[i].type, v.values[i]);
        }
        w.EndObject();
        w.Member("updated_at", FormatRfc3339(v.valid_from));
        w.EndObject();
      }));
  w.EndArray();
  return OkStatus();
}

// Counting a consent's use (DecideAccess) is a write, which ends the request's read pin: the
// records are then read in a newer snapshot than the links were. So after a consent-based
// decision the links are read again, in that snapshot; if the person was merged away meanwhile
// the read fails (kAborted: retry) rather than mix two states of the repository.
Status RereadAfterConsentUse(store::Executor& db, const policy::Decision& d, person::ResolvedPerson& person) {
  if (d.consent_id.empty()) return OkStatus();
  ASSIGN_OR_RETURN(std::optional<person::ResolvedPerson> now, person::ResolveLinked(db, person.key));
  if (!now || now->key != person.key) {
    return AbortedError(fmt::format("person {} was merged while it was being read; retry", person.key));
  }
  person = std::move(*now);
  return OkStatus();
}

// RereadAfterConsentUse as a decision's work (ApiService::DecideAccess's `work`): a person merged while the
// consent's use was counted is a denial that gives the use back. Nothing for an unknown person.
std::function<Status(audit::Subject*, const policy::Decision&)> RereadAsWork(
    store::Executor& db, std::optional<person::ResolvedPerson>& person) {
  return [&db, &person](audit::Subject*, const policy::Decision& decided) -> Status {
    return person ? RereadAfterConsentUse(db, decided, *person) : OkStatus();
  };
}

// DecisionJson's members, written: "agreement", "consent", "legal_basis" (they sort before the
// person read's other members).
void WriteDecision(JsonWriter& w, const policy::Decision& d) {
  w.Key("agreement");
  if (d.agreement_id.empty()) {
    w.Null();
  } else {
    w.BeginObject();
    w.Member("id", d.agreement_id);
    w.Member("version", int64_t{d.agreement_version});
    w.EndObject();
  }
  w.Key("consent");
  d.consent_id.empty() ? w.Null() : w.String(d.consent_id);
  w.Member("legal_basis", d.legal_basis);
}

json DecisionJson(const policy::Decision& d) {
  json j = {{"legal_basis", d.legal_basis}};
  j["agreement"] = d.agreement_id.empty() ? json(nullptr)
                                          : json{{"id", d.agreement_id}, {"version", d.agreement_version}};
  j["consent"] = d.consent_id.empty() ? json(nullptr) : json(d.consent_id);
  return j;
}

// The attributes a find may state (the default person settings' inputs).
const std::set<std::string> kFindAttributes = {"personal_id", "old_id_number", "full_name", "surname",
                                               "middle_name", "given_name", "birth_date", "birth_year",
                                               "sex", "permanent_commune", "current_commune", "place_of_origin"};


// A find compares only what the caller's agreement lets it hold: every claimed attribute must be
// held by a granted field (a field mapped to it; name parts by a full name, the birth year by a
// birth date). Otherwise a find would answer, for an ID the caller knows, whether a birth date or
// sex it does not hold is the person's: a verify without the verify grant.
Status ClaimsWithinGrant(catalog::Catalog& catalog, const person::Attributes& claimed,
                         const policy::Decision& decision) {
  std::set<std::string> held;
  std::map<std::string, catalog::DatasetInfo> datasets;
  for (const policy::FieldRef& f : decision.fields) {
    auto it = datasets.find(f.dataset);
    if (it == datasets.end()) {
      Result<catalog::DatasetInfo> info = catalog.GetDataset(f.dataset);
      if (!info.ok()) continue;  // a dataset since removed holds nothing
      it = datasets.emplace(f.dataset, *std::move(info)).first;
    }
    for (const auto& field : it->second.schema.fields) {
      if (field.name == f.field && !field.person.empty()) held.insert(field.person);
    }
  }
  if (held.contains("full_name")) held.insert({"surname", "middle_name", "given_name"});
  if (held.contains("birth_date")) held.insert("birth_year");
  for (const auto& [attribute, value] : claimed) {
    if (held.contains(attribute)) continue;
    return PermissionDeniedError(fmt::format(
        "body.attributes.{}: agreement '{}' grants no field holding the person's {}, so a find may not compare it; "
        "leave it out, name another agreement of yours that grants one (\"agreement\" in the body), or have a "
        "field that holds it added to the agreement",
        attribute, decision.agreement_id, attribute));
  }
  return OkStatus();
}

}  // namespace

void ApiService::AddSharingRoutes() {
  // Operators read the whole repository (administration, audited); agencies under agreements;
  // citizens their own person.
  router_.AddPinned("GET", "/v1/persons/{key}", {Role::kOperator, Role::kAgency, Role::kCitizen},
              [this](RouteContext& ctx) -> Result<Response> {
                std::unique_ptr<store::ReadPin> snapshot = deps_.db->PinReads();  // one snapshot for the reads
                const std::string& raw = ctx.params.at("key");
                ASSIGN_OR_RETURN(std::optional<person::ResolvedPerson> person, person::ResolveLinked(*deps_.db, raw));
                if (ctx.principal->role == Role::kOperator) {
                  if (!person) return NotFoundError(fmt::format("no person '{}'", AuditText(raw)));
                  ASSIGN_OR_RETURN(json j, person::PersonJson(*deps_.db, person->key));
                  RETURN_IF_ERROR(
                      AuditAccess(ctx, "person.read", {person->key, "", ""}, {"*"}, audit::Decision::kAllowed));
                  return JsonResponse(DumpJson(j));
                }
                policy::Request req;
                req.action = policy::Action::kReadPerson;
                req.purpose = Query(ctx.request, "purpose");
                req.agreement_id = Query(ctx.request, "agreement");
                req.person_key = person ? person->key : raw;
                ASSIGN_OR_RETURN(req.fields, ParseFieldList(Query(ctx.request, "fields"), "query.fields"));
                ASSIGN_OR_RETURN(Access access, DecideAccess(ctx, req, "person.read", {AuditText(req.person_key), "", ""},
                                                             RereadAsWork(*deps_.db, person)));
                if (access.refusal) return std::move(*access.refusal);
                if (!person) return NotFoundError(fmt::format("no person '{}'", AuditText(raw)));
                const policy::Decision& d = access.decision;
                // Written directly, not through an nlohmann::json tree: this is the hot read.
                std::string body;
                // Most answers fit (458 bytes in api_bench). Under 1,008 bytes: glibc serves a
                // larger block as a "large" request and first consolidates every fast bin — it
                // did so on nearly every read with reserve(1024), ~1.5 µs each.
                body.reserve(960);
                JsonWriter w(&body);
                w.BeginObject();
                WriteDecision(w, d);
                w.Member("person", person->key);
                w.Member("purpose", req.purpose);
                RETURN_IF_ERROR(WritePersonRecords(w, *deps_.db, *deps_.catalog, person->records, d.fields,
                                                   d.all_fields,
                                                   /*read_only_allowed=*/req.fields.empty()));
                w.EndObject();
                return JsonResponse(std::move(body));
              });

  // Yes/no verification: for each claimed attribute, "match" or "no_match" — nothing else.
  router_.Add("POST", "/v1/verify", {Role::kAgency}, [this](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(json body, ParseObjectBody(ctx.request, {"person", "purpose", "agreement", "claims"}));
    ASSIGN_OR_RETURN(std::string raw, StringMember(body, "person", true));
    policy::Request req;
    req.action = policy::Action::kVerify;
    ASSIGN_OR_RETURN(req.purpose, StringMember(body, "purpose", false));
    ASSIGN_OR_RETURN(req.agreement_id, StringMember(body, "agreement", false));
    const json& claims = body.contains("claims") ? body["claims"] : json();
    if (!claims.is_object() || claims.empty()) {
      return InvalidArgumentError(
          "body.claims: expected an object of claimed values, e.g. {\"population_registry.ngay_sinh\": \"1990-02-01\"}");
    }
    if (claims.size() > 100) return InvalidArgumentError("body.claims: at most 100 claims per request");
    std::map<policy::FieldRef, std::string> claimed;
    for (const auto& [name, value] : claims.items()) {
      ASSIGN_OR_RETURN(auto refs, ParseFieldList(name, "body.claims"));
      if (refs.size() != 1) return InvalidArgumentError(fmt::format("body.claims: '{}' is not one field", AuditText(name)));
      if (!value.is_string()) {
        return InvalidArgumentError(fmt::format("body.claims.{}: expected a string", AuditText(name)));
      }
      claimed[refs[0]] = value.get<std::string>();
      req.fields.push_back(refs[0]);
    }
    std::unique_ptr<store::ReadPin> snapshot = deps_.db->PinReads();  // one snapshot for the reads
    ASSIGN_OR_RETURN(std::optional<person::ResolvedPerson> person, person::ResolveLinked(*deps_.db, raw));
    req.person_key = person ? person->key : raw;
    ASSIGN_OR_RETURN(Access access, DecideAccess(ctx, req, "person.verify", {AuditText(req.person_key), "", ""},
                                                 RereadAsWork(*deps_.db, person)));
    if (access.refusal) return std::move(*access.refusal);
    // The person's values of the claimed fields (an unknown person matches nothing).
    std::map<policy::FieldRef, std::vector<std::string>> held;
    std::map<std::string, std::shared_ptr<const catalog::DatasetSchema>> schemas;  // of the datasets held
    const std::vector<person::LinkedRecord> none;
    RETURN_IF_ERROR(ForEachCurrentRecord(
        *deps_.db, *deps_.catalog, person ? person->records : none,
        [&](const person::LinkedRecord& link) -> RecordRead {
          auto first = claimed.lower_bound({link.dataset_id, ""});
          return {first != claimed.end() && first->first.dataset == link.dataset_id, nullptr};
        },
        [&](const person::LinkedRecord& link, const std::shared_ptr<const catalog::DatasetSchema>& schema,
            const ingest::RecordVersion& v) {
          schemas[link.dataset_id] = schema;
          for (size_t i = 0; i < schema->fields.size() && i < v.values.size(); ++i) {
            policy::FieldRef ref{link.dataset_id, schema->fields[i].name};
            if (claimed.contains(ref)) {
              held[ref].push_back(ComparableClaim(schema->fields[i].type, store::ValueText(v.values[i])));
            }
          }
        }));
    json results = json::object();
    bool all = true;
    for (const auto& [ref, value] : claimed) {
      bool match = false;
      if (auto h = held.find(ref); h != held.end()) {
        const catalog::FieldSpec* spec = schemas.at(ref.dataset)->Field(ref.field);
        std::string want = ComparableClaim(spec ? spec->type : catalog::FieldType::kString, value);
        for (const std::string& have : h->second) match |= !have.empty() && have == want;
      }
      all &= match;
      results[ref.dataset + "." + ref.field] = match ? "match" : "no_match";
    }
    json out = {{"results", std::move(results)}, {"all_match", all}};
    out.update(DecisionJson(access.decision));
    return JsonResponse(DumpJson(out));
  });

  // Find by attributes: a person key only for a confident, unambiguous match.
  router_.Add("POST", "/v1/find", {Role::kAgency}, [this](RouteContext& ctx) -> Result<Response> {
    ASSIGN_OR_RETURN(json body, ParseObjectBody(ctx.request, {"purpose", "agreement", "attributes"}));
    policy::Request req;
    req.action = policy::Action::kFind;
    ASSIGN_OR_RETURN(req.purpose, StringMember(body, "purpose", false));
    ASSIGN_OR_RETURN(req.agreement_id, StringMember(body, "agreement", false));
    const json& attributes = body.contains("attributes") ? body["attributes"] : json();
    if (!attributes.is_object() || attributes.empty() || attributes.size() > 32) {
      return InvalidArgumentError("body.attributes: expected an object of 1 to 32 person attributes, e.g. "
                                  "{\"full_name\": \"Nguyễn Văn An\", \"birth_date\": \"1990-02-01\", \"sex\": \"male\"}");
    }
    person::Attributes claimed;
    for (const auto& [name, value] : attributes.items()) {
      if (!value.is_string() || value.get<std::string>().size() > 1024) {
        return InvalidArgumentError(fmt::format("body.attributes.{}: expected a string of at most 1024 bytes",
                                                AuditText(name)));
      }
      if (!kFindAttributes.contains(name)) {
        return InvalidArgumentError(fmt::format("body.attributes.{}: not a person attribute the engine compares "
                                                "(use {})",
                                                AuditText(name), fmt::join(kFindAttributes, ", ")));
      }
      if (value.get<std::string>().empty()) continue;
      std::string claim = value.get<std::string>();
      if (name == "birth_date") {
        // Compared as the repository stores dates: ISO text of their precision ("1942", "1942-01-15").
        Result<ident::PartialDate> date = ident::ParsePartialDate(text::TrimWhitespace(claim));
        if (!date.ok()) {
          return InvalidArgumentError(fmt::format("body.attributes.birth_date: {} (expected a date such as "
                                                  "\"1990-02-01\", \"01/02/1990\" or, when only the year is "
                                                  "known, \"1990\")",
                                                  date.status().message()));
        }
        claim = date->ToString();
      }
      claimed[name] = std::move(claim);
    }
    // The engine runs only for an allowed caller within its rate; the audited decision names the
    // person found, and a failed search is audited too.
    person::FindResult found;
    ASSIGN_OR_RETURN(Access access,
                     DecideAccess(ctx, req, "person.find", {},
                                  [&](audit::Subject* subject, const policy::Decision& decision) -> Status {
                       RETURN_IF_ERROR(ClaimsWithinGrant(*deps_.catalog, claimed, decision));
                       ASSIGN_OR_RETURN(found, finder_->Find(claimed));
                       subject->person_key = found.person_key.value_or("");
                       return OkStatus();
                     }));
    if (access.refusal) return std::move(*access.refusal);
    json out = {{"outcome", found.outcome}, {"person", found.person_key ? json(*found.person_key) : json(nullptr)}};
    if (found.person_key) out["deterministic"] = found.deterministic;
    out.update(DecisionJson(access.decision));
    return JsonResponse(DumpJson(out));
  });
}

}  // namespace ndc::api
