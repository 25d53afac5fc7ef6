// ndc agency create|list
#include <iostream>

#include "cli/commands.h"
#include "cli/hub.h"
#include "cli/table_printer.h"
#include "common/clock.h"

namespace ndc::cli {
namespace {

struct AgencyFlags {
  HubFlags hub;
  catalog::Agency agency;
};

Status Create(const AgencyFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  ASSIGN_OR_RETURN(auto a, hub.catalog->CreateAgency(f.agency));
  RETURN_IF_ERROR(AuditCliChange(hub, "agency.create", {"", "", a.id}));
  std::cout << "Created agency " << a.id << " (" << a.name << ", " << a.kind << ")\n";
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
  auto* list = cmd->add_subcommand("list", "List agencies");
  auto* lf = NewCommandState<HubFlags>();
  AddHubFlags(list, lf);
  list->callback([=] {
    Status s = List(*lf);
    *exit_code = s.ok() ? 0 : ReportError(s);
  });
}

}  // namespace ndc::cli
