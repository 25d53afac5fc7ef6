// ndc record get|versions and ndc events — reading what ingestion wrote: a record now or as of
// an instant, its versions, and a dataset's change events (src/ingest/queries.h). Reads of
// records are reads of personal data by the operator, so each is audited (before anything is
// printed), like the changes the other commands make.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "api/audit_text.h"
#include "api/ingest_json.h"
#include "cli/commands.h"
#include "cli/hub.h"
#include "cli/ingest_output.h"
#include "cli/key_text.h"
#include "cli/table_printer.h"
#include "cli/terminal_text.h"
#include "common/clock.h"
#include "common/instant.h"
#include "common/json.h"
#include "person/person_store.h"

namespace ndc::cli {
namespace {

struct RecordFlags {
  HubFlags hub;
  std::string dataset;
  std::string key;
  std::string as_of;
  int64_t after = 0;
  int limit = 100;
  bool json = false;
};

// The HTTP API's record JSON, with the dataset and key the URL carries there.
nlohmann::json VersionJson(const catalog::DatasetInfo& d, const ingest::RecordVersion& v) {
  nlohmann::json j = api::RecordVersionJson(d.schema, v);
  j["dataset"] = d.schema.id;
  j["key"] = v.key;
  return j;
}

std::vector<std::string> FieldNames(const catalog::DatasetSchema& schema) {
  std::vector<std::string> names;
  for (const auto& f : schema.fields) names.push_back(f.name);
  return names;
}

std::string Validity(const ingest::RecordVersion& v) {
  if (!v.valid_to) return fmt::format("valid from {} (current)", FormatRfc3339(v.valid_from));
  return fmt::format("valid from {} to {}", FormatRfc3339(v.valid_from), FormatRfc3339(*v.valid_to));
}

// The person the record is linked to ("" for none): the read is about them, in their history.
Result<std::string> LinkedPerson(Hub& hub, const std::string& dataset_id, const std::string& key) {
  ASSIGN_OR_RETURN(std::optional<person::Link> link, person::GetLink(*hub.db, dataset_id, key));
  return link ? link->person_key : std::string();
}

Status Get(const RecordFlags& f) {
  std::optional<int64_t> as_of;
  if (!f.as_of.empty()) {
    ASSIGN_OR_RETURN(as_of, ParseInstant(f.as_of));
  }
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  ASSIGN_OR_RETURN(auto dataset, hub.catalog->GetDataset(f.dataset));
  const std::string key = KeyFromArg(f.key);
  ASSIGN_OR_RETURN(std::string person, LinkedPerson(hub, f.dataset, key));
  RETURN_IF_ERROR(
      AuditCliRead(hub, "record.read", {person, f.dataset, api::AuditText(key)}, FieldNames(dataset.schema)));
  ASSIGN_OR_RETURN(auto v, ingest::GetRecord(*hub.db, dataset, key, as_of));
  if (f.json) {
    std::cout << DumpJson(VersionJson(dataset, v), 2) << "\n";
    return OkStatus();
  }
  // The key and source version are the agency's text: escaped like every stored value printed.
  std::cout << fmt::format("{} {}: version {} ({}) from batch {}{}\n", f.dataset, TerminalText(ShownKey(v.key)),
                           v.version, v.op, v.batch_id,
                           v.source_version ? fmt::format(", source version {}", TerminalText(*v.source_version))
                                            : "");
  std::cout << fmt::format("{}{}\n\n", Validity(v),
                           as_of ? fmt::format("; shown as of {}", FormatRfc3339(*as_of)) : "");
  TablePrinter t({"FIELD", "VALUE"});
  for (size_t i = 0; i < dataset.schema.fields.size() && i < v.values.size(); ++i) {
    t.Add({dataset.schema.fields[i].name, ValueText(dataset.schema.fields[i], v.values[i])});
  }
  t.Print(std::cout);
  return OkStatus();
}

Status Versions(const RecordFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  ASSIGN_OR_RETURN(auto dataset, hub.catalog->GetDataset(f.dataset));
  const std::string key = KeyFromArg(f.key);
  ASSIGN_OR_RETURN(std::string person, LinkedPerson(hub, f.dataset, key));
  RETURN_IF_ERROR(AuditCliRead(hub, "record.versions.read", {person, f.dataset, api::AuditText(key)},
                               FieldNames(dataset.schema)));
  // Read a page at a time (a record changed daily for years has thousands of versions), every
  // page in one snapshot: read apart, a batch committed meanwhile listed a version twice and
  // left out the new one (review of 2026-12-03).
  std::vector<ingest::RecordVersion> versions;
  std::unique_ptr<store::ReadPin> snapshot = hub.db->PinReads();
  for (int64_t after = 0;;) {
    constexpr int kPage = 1000;
    ASSIGN_OR_RETURN(auto page, ingest::ListVersions(*hub.db, dataset, key, after, kPage));
    if (page.empty()) break;
    after = page.back().version;
    const bool last = static_cast<int>(page.size()) < kPage;
    versions.insert(versions.end(), std::make_move_iterator(page.begin()), std::make_move_iterator(page.end()));
    if (last) break;
  }
  if (f.json) {
    for (const auto& v : versions) std::cout << DumpJson(VersionJson(dataset, v)) << "\n";
    return OkStatus();
  }
  TablePrinter t({"VERSION", "OP", "VALID FROM", "VALID TO", "BATCH", "SOURCE VERSION", "CHANGED"});
  const ingest::RecordVersion* prev = nullptr;
  for (const auto& v : versions) {
    // Which fields this version changed: what an operator asks of a history first.
    std::vector<std::string> changed;
    for (size_t i = 0; i < dataset.schema.fields.size() && i < v.values.size(); ++i) {
      const bool differs = prev == nullptr || i >= prev->values.size() || !(prev->values[i] == v.values[i]);
      if (differs && !(prev == nullptr && store::IsNull(v.values[i])))
        changed.push_back(dataset.schema.fields[i].name);
    }
    std::string changed_text = v.deleted         ? "-"
                               : prev == nullptr ? "(first version)"
                                                 : fmt::format("{}", fmt::join(changed, ", "));
    // Whole instants (microseconds): what --as-of takes to read this version (whole seconds named
    // an instant before the version began; review of 2026-11-30).
    t.Add({std::to_string(v.version), v.op, FormatRfc3339(v.valid_from),
           v.valid_to ? FormatRfc3339(*v.valid_to) : "current", std::to_string(v.batch_id),
           v.source_version.value_or(""), changed_text});
    prev = &v;
  }
  t.Print(std::cout);
  return OkStatus();
}

Status Events(const RecordFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  ASSIGN_OR_RETURN(auto dataset, hub.catalog->GetDataset(f.dataset));
  // Events carry record keys, which are often personal identifiers.
  RETURN_IF_ERROR(AuditCliRead(hub, "events.read", {"", f.dataset, ""}, {}));
  ASSIGN_OR_RETURN(auto events, ingest::ListEvents(*hub.db, f.dataset, f.after, f.limit));
  if (f.json) {
    for (const auto& e : events) std::cout << DumpJson(api::ChangeEventJson(e)) << "\n";
    return OkStatus();
  }
  TablePrinter t({"SEQ", "OP", "KEY", "VERSION", "BATCH", "AT"});
  for (const auto& e : events) {
    t.Add({std::to_string(e.seq), e.op, ShownKey(e.key), std::to_string(e.version), std::to_string(e.batch_id),
           ShortTime(e.at)});
  }
  t.Print(std::cout);
  if (static_cast<int>(events.size()) == f.limit) {
    std::cout << fmt::format("(more: ndc events {} --after {}{})\n", f.dataset, events.back().seq, HubArgs(f.hub));
  }
  return OkStatus();
}

void Bind(CLI::App* cmd, int* exit_code, std::function<Status()> fn) {
  cmd->callback([=] {
    Status s = fn();
    *exit_code = s.ok() ? 0 : ReportError(s);
  });
}

}  // namespace

void RegisterRecord(CLI::App* app, int* exit_code) {
  auto* cmd = app->add_subcommand("record",
                                  "Read a dataset's records: now, as of an instant, every version "
                                  "(each read is audited)");
  cmd->require_subcommand(1);
  auto* f = NewCommandState<RecordFlags>();

  auto* get = cmd->add_subcommand("get", "A record as it is now, or as it was at --as-of");
  AddHubFlags(get, &f->hub);
  get->add_option("dataset", f->dataset, "Dataset id")->required();
  get->add_option("key", f->key,
                  "The record's source key; a composite key's fields joined by %1F, as `ndc events` shows "
                  "it (HN%1F001)")
      ->required();
  get->add_option(
      "--as-of", f->as_of,
      "Instant: RFC 3339 (2026-01-01T08:30:00+07:00), a date (midnight UTC) or microseconds since the "
      "epoch");
  get->add_flag("--json", f->json, "The version as JSON");
  get->footer(
      "Examples:\n"
      "  ndc record get population_registry 001090012345\n"
      "  ndc record get tax 8012345678 --as-of 2026-01-15T00:00:00Z --json");
  Bind(get, exit_code, [f] { return Get(*f); });

  auto* versions =
      cmd->add_subcommand("versions", "Every version of a record, oldest first, with what each changed");
  AddHubFlags(versions, &f->hub);
  versions->add_option("dataset", f->dataset, "Dataset id")->required();
  versions->add_option("key", f->key, "The record's source key; a composite key's fields joined by %1F (HN%1F001)")
      ->required();
  versions->add_flag("--json", f->json, "One JSON object per version and line");
  versions->footer("Example:\n  ndc record versions population_registry 001090012345");
  Bind(versions, exit_code, [f] { return Versions(*f); });
}

void RegisterEvents(CLI::App* app, int* exit_code) {
  auto* f = NewCommandState<RecordFlags>();
  auto* cmd = app->add_subcommand("events",
                                  "A dataset's change events (insert, update, delete), in order, numbered "
                                  "densely from 1");
  AddHubFlags(cmd, &f->hub);
  cmd->add_option("dataset", f->dataset, "Dataset id")->required();
  cmd->add_option("--after", f->after,
                  "Only events with a sequence number above N (default 0: from the first)");
  cmd->add_option("--limit", f->limit, "At most N events")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_flag("--json", f->json, "One JSON object per event and line");
  cmd->footer(
      "Examples:\n"
      "  ndc events population_registry --limit 10\n"
      "  ndc events tax --after 1500 --json");
  Bind(cmd, exit_code, [f] { return Events(*f); });
}

}  // namespace ndc::cli
