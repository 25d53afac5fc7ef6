// ndc agreement create|update|list|show|activate|suspend|revoke — data-sharing agreements
// (src/sharing, docs/design/sharing.md). Every change adds a version and is audited.
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/hub.h"
#include "cli/table_printer.h"
#include "common/clock.h"
#include "common/json.h"
#include "sharing/agreement_store.h"

namespace ndc::cli {
namespace {

struct AgreementFlags {
  HubFlags hub;
  std::string file;
  std::string id;
  std::string consumer;
  int version = 0;
};

Result<sharing::StoredAgreement> ReadDocument(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFoundError(fmt::format("cannot read agreement file '{}'", path));
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1 << 20)) return InvalidArgumentError(fmt::format("'{}' is larger than 1 MiB", path));
  Result<nlohmann::json> doc = ParseJson(text.str());
  if (!doc.ok()) return doc.status().WithContext(path);
  auto a = sharing::AgreementFromJson(*doc);
  if (!a.ok()) return a.status().WithContext(path);
  return a;
}

Status Audited(Hub& hub, const char* action, const sharing::StoredAgreement& a) {
  return AuditCliChange(hub, action,
                        {"", "", fmt::format("agreement/{}@{}", a.agreement.id, a.agreement.version)});
}

void PrintSummary(const char* verb, const sharing::StoredAgreement& a) {
  std::cout << fmt::format("{} agreement {} version {} ({}, consumer {}, valid {} to {})\n", verb, a.agreement.id,
                           a.agreement.version, policy::AgreementStatusName(a.agreement.status),
                           a.agreement.consumer_agency, FormatRfc3339(a.agreement.valid_from).substr(0, 10),
                           FormatRfc3339(a.agreement.valid_to).substr(0, 10));
}

Status Write(const AgreementFlags& f, bool create) {
  ASSIGN_OR_RETURN(sharing::StoredAgreement draft, ReadDocument(f.file));
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  sharing::AgreementStore& store = *hub.agreements;
  Result<sharing::StoredAgreement> stored = create ? store.Create(draft, CliActor()) : store.Update(draft, CliActor());
  if (!stored.ok()) return stored.status().WithContext(f.file);
  const sharing::StoredAgreement& a = *stored;
  RETURN_IF_ERROR(Audited(hub, create ? "agreement.create" : "agreement.update", a));
  PrintSummary(create ? "Created" : "Updated", a);
  return OkStatus();
}

Status SetStatus(const AgreementFlags& f, policy::AgreementStatus status) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  sharing::AgreementStore& store = *hub.agreements;
  ASSIGN_OR_RETURN(auto a, store.SetStatus(f.id, status, CliActor()));
  RETURN_IF_ERROR(Audited(hub, "agreement.set_status", a));
  PrintSummary("Changed", a);
  return OkStatus();
}

Status List(const AgreementFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  sharing::AgreementStore& store = *hub.agreements;
  ASSIGN_OR_RETURN(auto list, store.List(f.consumer));
  TablePrinter t({"ID", "VERSION", "CONSUMER", "STATUS", "FORM", "VALID FROM", "VALID TO", "DATASETS"});
  for (const auto& s : list) {
    const policy::Agreement& a = s.agreement;
    std::string datasets;
    for (const auto& g : a.grants) datasets += (datasets.empty() ? "" : ",") + g.dataset;
    t.Add({a.id, std::to_string(a.version), a.consumer_agency, std::string(policy::AgreementStatusName(a.status)),
           std::string(policy::SharingFormName(a.form)), FormatRfc3339(a.valid_from).substr(0, 10),
           FormatRfc3339(a.valid_to).substr(0, 10), datasets});
  }
  t.Print(std::cout);
  return OkStatus();
}

Status Show(const AgreementFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  sharing::AgreementStore& store = *hub.agreements;
  ASSIGN_OR_RETURN(auto a, store.Get(f.id, f.version > 0 ? std::optional<int>(f.version) : std::nullopt));
  std::cout << DumpJson(sharing::AgreementToJson(a), 2) << "\n";
  return OkStatus();
}

template <typename Fn>
void Bind(CLI::App* cmd, int* exit_code, Fn fn) {
  cmd->callback([=] {
    Status s = fn();
    *exit_code = s.ok() ? 0 : ReportError(s);
  });
}

}  // namespace

void RegisterAgreement(CLI::App* app, int* exit_code) {
  auto* cmd = app->add_subcommand("agreement", "Data-sharing agreements: who may read which fields, for which "
                                               "purposes, on which legal basis, until when");
  cmd->require_subcommand(1);
  cmd->footer("The agreement document is described in docs/design/sharing.md; examples/agreements/ has examples.");
  for (bool create : {true, false}) {
    auto* sub = cmd->add_subcommand(create ? "create" : "update",
                                    create ? "Conclude an agreement from a JSON document (version 1)"
                                           : "Store the next version of an agreement from a JSON document");
    auto* f = NewCommandState<AgreementFlags>();
    AddHubFlags(sub, &f->hub);
    sub->add_option("file", f->file, "Agreement document (JSON)")->required();
    Bind(sub, exit_code, [f, create] { return Write(*f, create); });
  }
  const std::pair<const char*, policy::AgreementStatus> statuses[] = {
      {"activate", policy::AgreementStatus::kActive},
      {"suspend", policy::AgreementStatus::kSuspended},
      {"revoke", policy::AgreementStatus::kRevoked}};
  for (const auto& [name, status] : statuses) {
    auto* sub = cmd->add_subcommand(name, fmt::format("Set an agreement's status to {} (a new version)",
                                                      policy::AgreementStatusName(status)));
    auto* f = NewCommandState<AgreementFlags>();
    AddHubFlags(sub, &f->hub);
    sub->add_option("id", f->id, "Agreement id")->required();
    Bind(sub, exit_code, [f, status = status] { return SetStatus(*f, status); });
  }
  auto* list = cmd->add_subcommand("list", "List agreements (current versions)");
  auto* lf = NewCommandState<AgreementFlags>();
  AddHubFlags(list, &lf->hub);
  list->add_option("--consumer", lf->consumer, "Only this consumer agency's (and open) agreements");
  Bind(list, exit_code, [lf] { return List(*lf); });
  auto* show = cmd->add_subcommand("show", "Print an agreement document (JSON)");
  auto* sf = NewCommandState<AgreementFlags>();
  AddHubFlags(show, &sf->hub);
  show->add_option("id", sf->id, "Agreement id")->required();
  show->add_option("--version", sf->version, "A past version (default: the current one)")->check(CLI::PositiveNumber);
  Bind(show, exit_code, [sf] { return Show(*sf); });
}

}  // namespace ndc::cli
