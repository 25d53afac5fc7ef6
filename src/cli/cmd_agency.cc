// ndc agency create|import|list
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/hub.h"
#include "cli/table_printer.h"
#include "common/clock.h"
#include "common/json.h"

namespace ndc::cli {
namespace {

struct AgencyFlags {
  HubFlags hub;
  catalog::Agency agency;
  std::string file;
};

Status Create(const AgencyFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  ASSIGN_OR_RETURN(auto a, hub.catalog->CreateAgency(f.agency));
  RETURN_IF_ERROR(AuditCliChange(hub, "agency.create", {"", "", a.id}));
  std::cout << "Created agency " << a.id << " (" << a.name << ", " << a.kind << ")\n";
  return OkStatus();
}

// Agencies from a JSON file, [{"id", "name", "kind"}] (what `ndc datagen` writes as
// agencies.json). Existing ones are left as they are, so importing twice is harmless.
Status Import(const AgencyFlags& f) {
  std::ifstream in(f.file);
  if (!in) return NotFoundError(fmt::format("cannot read agency file '{}'", f.file));
  std::stringstream text;
  text << in.rdbuf();
  Result<nlohmann::json> parsed = ParseJson(text.str());
  if (!parsed.ok()) return parsed.status().WithContext(f.file);
  nlohmann::json doc = std::move(*parsed);
  if (!doc.is_array()) return InvalidArgumentError(fmt::format("'{}' must hold a JSON array of agencies", f.file));
  std::vector<catalog::Agency> agencies;
  for (const auto& a : doc) {
    if (!a.is_object() || !a.contains("id") || !a["id"].is_string() || !a.contains("name") || !a["name"].is_string() ||
        (a.contains("kind") && !a["kind"].is_string())) {
      return InvalidArgumentError(fmt::format("'{}': each agency must be an object with string members \"id\" and "
                                              "\"name\" (and optionally \"kind\": state or non_state)",
                                              f.file));
    }
    catalog::Agency agency;
    agency.id = a["id"].get<std::string>();
    agency.name = a["name"].get<std::string>();
    if (a.contains("kind")) agency.kind = a["kind"].get<std::string>();
    agencies.push_back(std::move(agency));
  }
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  for (const auto& agency : agencies) {
    auto existing = hub.catalog->GetAgency(agency.id);
    if (existing.ok()) {
      std::cout << "Agency " << agency.id << " already exists (" << existing->name << ")\n";
      continue;
    }
    if (existing.status().code() != StatusCode::kNotFound) return existing.status();
    ASSIGN_OR_RETURN(auto created, hub.catalog->CreateAgency(agency));
    RETURN_IF_ERROR(AuditCliChange(hub, "agency.create", {"", "", created.id}));
    std::cout << "Created agency " << created.id << " (" << created.name << ", " << created.kind << ")\n";
  }
  return OkStatus();
}

Status List(const HubFlags& flags) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(flags));
  ASSIGN_OR_RETURN(auto list, hub.catalog->ListAgencies());
  TablePrinter t({"ID", "KIND", "NAME", "CREATED"});
  for (const auto& a : list) t.Add({a.id, a.kind, a.name, FormatRfc3339(a.created_at).substr(0, 19) + "Z"});
  t.Print(std::cout);
  return OkStatus();
}

}  // namespace

void RegisterAgency(CLI::App* app, int* exit_code) {
  auto* cmd = app->add_subcommand("agency", "Register and list agencies (data owners and consumers)");
  cmd->require_subcommand(1);
  auto* create = cmd->add_subcommand("create", "Register an agency");
  auto* cf = NewCommandState<AgencyFlags>();
  AddHubFlags(create, &cf->hub);
  create->add_option("--id", cf->agency.id, "Agency id: lower-case letters, digits, _ (e.g. vss)")->required();
  create->add_option("--name", cf->agency.name, "Full name, e.g. \"Bảo hiểm xã hội Việt Nam\"")->required();
  create->add_option("--kind", cf->agency.kind, "state (default) or non_state (banks, insurers: consent only)")
      ->check(CLI::IsMember({"state", "non_state"}));
  create->callback([=] {
    Status s = Create(*cf);
    *exit_code = s.ok() ? 0 : ReportError(s);
  });
  auto* import = cmd->add_subcommand("import", "Register the agencies of a JSON file, [{\"id\", \"name\", \"kind\"}] "
                                               "(ndc datagen's agencies.json); existing ones are kept as they are");
  auto* imf = NewCommandState<AgencyFlags>();
  AddHubFlags(import, &imf->hub);
  import->add_option("file", imf->file, "JSON file")->required();
  import->footer("Example:\n  ndc agency import demo-data/agencies.json");
  import->callback([=] {
    Status s = Import(*imf);
    *exit_code = s.ok() ? 0 : ReportError(s);
  });
  auto* list = cmd->add_subcommand("list", "List agencies");
  auto* lf = NewCommandState<HubFlags>();
  AddHubFlags(list, lf);
  list->callback([=] {
    Status s = List(*lf);
    *exit_code = s.ok() ? 0 : ReportError(s);
  });
}

}  // namespace ndc::cli
