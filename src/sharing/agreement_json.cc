#include "sharing/agreement_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/clock.h"
#include "common/instant.h"

namespace ndc::sharing {
namespace {

using nlohmann::json;
using policy::Action;

const std::set<std::string, std::less<>> kMembers = {
    "id",          "title",         "consumer",       "grants", "purposes", "actions",         "feeds",
    "legal_basis", "form",          "retention_days", "deletion_duty",      "valid_from",      "valid_to",
    "rate_per_minute", "status",    "version",        "created_at",         "created_by"};

const std::set<std::string, std::less<>> kFeedEvents = {"birth", "death", "address_change", "identity_change",
                                                        "record_change"};

Status Bad(std::string_view member, std::string_view what) {
  return InvalidArgumentError(fmt::format("agreement.{}: {}", member, what));
}

// [a-z0-9] then [a-z0-9_.-], at most `max` characters.
bool IsIdentifier(std::string_view s, size_t max = 64) {
  if (s.empty() || s.size() > max) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '_' || c == '.' || c == '-'));
    if (!ok) return false;
  }
  return true;
}

Result<std::string> String(const json& doc, std::string_view key, bool required, size_t max_bytes = 1000) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) {
    if (required) return Bad(key, "is required");
    return std::string();
  }
  if (!it->is_string()) return Bad(key, "must be a string");
  const std::string& s = it->get_ref<const std::string&>();
  if (s.size() > max_bytes) return Bad(key, fmt::format("is longer than {} bytes", max_bytes));
  return s;
}

Result<std::vector<std::string>> StringList(const json& doc, std::string_view key, bool required) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) {
    if (required) return Bad(key, "is required (a non-empty list)");
    return std::vector<std::string>();
  }
  if (!it->is_array()) return Bad(key, "must be a list of strings");
  if (required && it->empty()) return Bad(key, "must not be empty");
  std::vector<std::string> out;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& v = (*it)[i];
    if (!v.is_string() || !IsIdentifier(v.get_ref<const std::string&>())) {
      return Bad(fmt::format("{}[{}]", key, i), "must be a lower-case code ([a-z0-9_.-], at most 64 characters)");
    }
    if (std::find(out.begin(), out.end(), v.get<std::string>()) != out.end()) {
      return Bad(fmt::format("{}[{}]", key, i), fmt::format("'{}' is listed twice", v.get<std::string>()));
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<int64_t> Integer(const json& doc, std::string_view key, int64_t fallback, int64_t max) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) return Bad(key, "must be an integer");
  int64_t v = it->get<int64_t>();
  if (v < 0 || v > max) return Bad(key, fmt::format("must be between 0 and {}", max));
  return v;
}

Result<int64_t> Instant(const json& doc, std::string_view key) {
  ASSIGN_OR_RETURN(std::string text, String(doc, key, true, 64));
  auto t = ParseInstant(text);
  if (!t.ok()) return Bad(key, t.status().message());
  return *t;
}

Result<std::vector<policy::FieldGrant>> Grants(const json& doc) {
  auto it = doc.find("grants");
  if (it == doc.end() || !it->is_object() || it->empty()) {
    return Bad("grants", "is required: an object {dataset: [field, ...]} naming at least one dataset");
  }
  std::vector<policy::FieldGrant> grants;
  for (const auto& [dataset, fields] : it->items()) {
    if (!IsIdentifier(dataset)) return Bad("grants", fmt::format("'{}' is not a dataset id", dataset));
    ASSIGN_OR_RETURN(std::vector<std::string> names, StringList(*it, dataset, true));
    grants.push_back({dataset, std::move(names)});
  }
  return grants;
}

Result<policy::LegalBasis> Basis(const json& doc) {
  auto it = doc.find("legal_basis");
  if (it == doc.end() || !it->is_object()) {
    return Bad("legal_basis", "is required: {\"instrument\": ..., \"article\": ...} or {\"consent\": true}");
  }
  for (const auto& [k, v] : it->items()) {
    if (k != "instrument" && k != "article" && k != "consent") {
      return Bad("legal_basis." + k, "is not a member (expected instrument, article or consent)");
    }
  }
  policy::LegalBasis b;
  ASSIGN_OR_RETURN(b.instrument, String(*it, "instrument", false, 200));
  ASSIGN_OR_RETURN(b.article, String(*it, "article", false, 200));
  if (auto c = it->find("consent"); c != it->end()) {
    if (!c->is_boolean()) return Bad("legal_basis.consent", "must be true or false");
    b.consent = c->get<bool>();
  }
  if (!b.consent && b.instrument.empty()) {
    return Bad("legal_basis", "name the legal instrument (and article) that allows the sharing, or consent: true");
  }
  return b;
}

}  // namespace

bool IsKnownFeedEvent(std::string_view name) { return kFeedEvents.count(name) > 0; }

Result<StoredAgreement> AgreementFromJson(const json& doc) {
  if (!doc.is_object()) return InvalidArgumentError("agreement: must be a JSON object");
  for (const auto& [k, v] : doc.items()) {
    if (!kMembers.count(k)) return Bad(k, "is not a member of an agreement (see docs/design/sharing.md)");
  }
  StoredAgreement out;
  policy::Agreement& a = out.agreement;
  ASSIGN_OR_RETURN(a.id, String(doc, "id", true));
  if (!IsIdentifier(a.id)) return Bad("id", "must be a lower-case code ([a-z0-9_.-], at most 64 characters)");
  ASSIGN_OR_RETURN(out.title, String(doc, "title", false, 500));
  ASSIGN_OR_RETURN(a.consumer_agency, String(doc, "consumer", true));
  ASSIGN_OR_RETURN(a.grants, Grants(doc));
  ASSIGN_OR_RETURN(a.purposes, StringList(doc, "purposes", true));
  ASSIGN_OR_RETURN(std::vector<std::string> actions, StringList(doc, "actions", true));
  for (size_t i = 0; i < actions.size(); ++i) {
    auto action = policy::ParseAction(actions[i]);
    if (!action) {
      return Bad(fmt::format("actions[{}]", i), fmt::format("unknown action '{}' (expected read_person, "
                                                            "read_record, verify, find or feed)", actions[i]));
    }
    a.actions.push_back(*action);
  }
  if (auto v = doc.find("version"); v != doc.end() && !v->is_null()) {
    if (!v->is_number_integer() || v->get<int64_t>() < 1 || v->get<int64_t>() > 1000000000) {
      return Bad("version", "must be the positive version number the document was read at");
    }
    out.read_version = static_cast<int>(v->get<int64_t>());
  }
  ASSIGN_OR_RETURN(a.feed_events, StringList(doc, "feeds", false));
  for (size_t i = 0; i < a.feed_events.size(); ++i) {
    if (!IsKnownFeedEvent(a.feed_events[i])) {
      return Bad(fmt::format("feeds[{}]", i), fmt::format("unknown event type '{}' (expected birth, death, "
                                                          "address_change, identity_change or record_change)",
                                                          a.feed_events[i]));
    }
  }
  bool feeds_allowed = std::find(a.actions.begin(), a.actions.end(), Action::kFeed) != a.actions.end();
  if (feeds_allowed == a.feed_events.empty()) {
    return Bad("feeds", "list the event types exactly when the actions include 'feed'");
  }
  ASSIGN_OR_RETURN(a.legal_basis, Basis(doc));
  ASSIGN_OR_RETURN(std::string form, String(doc, "form", false));
  if (form.empty()) form = "on_request";
  auto parsed_form = policy::ParseSharingForm(form);
  if (!parsed_form) return Bad("form", fmt::format("unknown form '{}' (expected default, on_request or open)", form));
  a.form = *parsed_form;
  if (a.consumer_agency == "*" && a.form != policy::SharingForm::kOpen) {
    return Bad("consumer", "'*' (every agency) is only for the open form");
  }
  if (a.consumer_agency != "*" && !IsIdentifier(a.consumer_agency, 40)) {
    return Bad("consumer", "must be an agency id, or '*' for open data");
  }
  ASSIGN_OR_RETURN(int64_t retention, Integer(doc, "retention_days", 0, 36500));
  a.retention_days = static_cast<int>(retention);
  ASSIGN_OR_RETURN(a.deletion_duty, String(doc, "deletion_duty", false));
  ASSIGN_OR_RETURN(a.valid_from, Instant(doc, "valid_from"));
  ASSIGN_OR_RETURN(a.valid_to, Instant(doc, "valid_to"));
  if (a.valid_to <= a.valid_from) return Bad("valid_to", "must be after valid_from");
  ASSIGN_OR_RETURN(int64_t rate, Integer(doc, "rate_per_minute", 0, 1000000));
  a.rate_per_minute = static_cast<int>(rate);
  ASSIGN_OR_RETURN(std::string status, String(doc, "status", false));
  if (status.empty()) status = "draft";
  auto parsed_status = policy::ParseAgreementStatus(status);
  if (!parsed_status) {
    return Bad("status", fmt::format("unknown status '{}' (expected draft, active, suspended or revoked)", status));
  }
  a.status = *parsed_status;
  return out;
}

json AgreementToJson(const StoredAgreement& s) {
  const policy::Agreement& a = s.agreement;
  json grants = json::object();
  for (const auto& g : a.grants) grants[g.dataset] = g.fields;
  json actions = json::array();
  for (Action x : a.actions) actions.push_back(std::string(policy::ActionName(x)));
  json basis = {{"consent", a.legal_basis.consent}};
  if (!a.legal_basis.instrument.empty()) basis["instrument"] = a.legal_basis.instrument;
  if (!a.legal_basis.article.empty()) basis["article"] = a.legal_basis.article;
  json j = {{"id", a.id},
            {"version", a.version},
            {"title", s.title},
            {"consumer", a.consumer_agency},
            {"grants", grants},
            {"purposes", a.purposes},
            {"actions", actions},
            {"feeds", a.feed_events},
            {"legal_basis", basis},
            {"form", std::string(policy::SharingFormName(a.form))},
            {"retention_days", a.retention_days},
            {"deletion_duty", a.deletion_duty},
            {"valid_from", FormatRfc3339(a.valid_from)},
            {"valid_to", FormatRfc3339(a.valid_to)},
            {"rate_per_minute", a.rate_per_minute},
            {"status", std::string(policy::AgreementStatusName(a.status))},
            {"created_at", FormatRfc3339(s.created_at)},
            {"created_by", s.created_by}};
  return j;
}

}  // namespace ndc::sharing
