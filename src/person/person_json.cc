#include "person/person_json.h"

#include <fmt/format.h>

#include "common/clock.h"
#include "person/person_store.h"

namespace ndc::person {
namespace {

using nlohmann::json;

std::string Csv(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

json LinkReportJson(const DatasetLinkReport& r) {
  json j{{"dataset", r.dataset_id},   {"from_seq", r.from_seq},       {"to_seq", r.to_seq},
              {"records", r.records},      {"authority", r.authority},     {"by_id", r.by_id},
              {"by_rule", r.by_rule},      {"probabilistic", r.probabilistic}, {"by_decision", r.by_decision},
              {"new_persons", r.new_persons}, {"queued", r.queued},         {"unlinked", r.unlinked},
              {"merged", r.merged},        {"model", r.model},             {"overtaken", r.overtaken},
              {"busy", r.busy}};
  if (!r.failed.empty()) j["failed"] = r.failed;
  return j;
}

json ReviewItemJson(const ReviewItem& i) {
  return json{{"id", i.id},
              {"dataset", i.dataset_id},
              {"record", i.record_key},
              {"person", i.person_key},
              {"weight", i.weight},
              {"probability", i.probability},
              {"status", i.status},
              {"created_at", FormatRfc3339(i.created_at)},
              {"updated_at", FormatRfc3339(i.updated_at)}};
}

json DiscrepancyJson(const DiscrepancyRow& d) {
  return json{{"dataset", d.dataset_id},
              {"record", d.record_key},
              {"attribute", d.attribute},
              {"person", d.person_key},
              {"source_value", d.source_value},
              {"authoritative_value", d.authoritative_value},
              {"detected_at", FormatRfc3339(d.detected_at)},
              {"resolved_at", d.resolved_at ? json(FormatRfc3339(*d.resolved_at)) : json(nullptr)}};
}

std::string DiscrepancyCsvLine(const DiscrepancyRow& d) {
  return fmt::format("{},{},{},{},{},{},{}", Csv(d.record_key), d.attribute, Csv(d.source_value),
                     Csv(d.authoritative_value), d.person_key, FormatRfc3339(d.detected_at),
                     d.resolved_at ? FormatRfc3339(*d.resolved_at) : "");
}

Result<json> PersonJson(store::Executor& db, const std::string& person_key) {
  ASSIGN_OR_RETURN(std::optional<Person> p, GetPerson(db, person_key));
  if (!p) return NotFoundError(fmt::format("no person {}", person_key));
  json j{{"key", p->key}, {"kind", p->kind}, {"status", p->status}};
  if (p->merged_into) j["merged_into"] = *p->merged_into;
  ASSIGN_OR_RETURN(std::vector<GoldenValue> golden, GetGolden(db, person_key));
  j["golden"] = json::array();
  for (const auto& g : golden) {
    j["golden"].push_back({{"attribute", g.attribute}, {"value", g.value}, {"dataset", g.dataset_id},
                           {"record", g.record_key}, {"updated_at", FormatRfc3339(g.source_updated_at)}});
  }
  ASSIGN_OR_RETURN(std::vector<Link> links, LinksOf(db, person_key));
  j["links"] = json::array();
  for (const auto& l : links) {
    j["links"].push_back({{"dataset", l.dataset_id}, {"record", l.record_key}, {"method", l.method},
                          {"weight", l.weight ? json(*l.weight) : json(nullptr)},
                          {"linked_at", FormatRfc3339(l.linked_at)}});
  }
  ASSIGN_OR_RETURN(std::vector<PersonEvent> events, ListPersonEvents(db, person_key, 0, 1000));
  j["events"] = json::array();
  for (const auto& e : events) {
    json ev{{"seq", e.seq}, {"kind", e.kind}, {"detail", e.detail}, {"at", FormatRfc3339(e.at)}};
    if (e.other_person_key) ev["other"] = *e.other_person_key;
    if (e.dataset_id) ev["dataset"] = *e.dataset_id;
    if (e.record_key) ev["record"] = *e.record_key;
    j["events"].push_back(std::move(ev));
  }
  return j;
}

}  // namespace ndc::person
