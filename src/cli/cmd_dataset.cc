// ndc dataset create|update|list|show
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/hub.h"
#include "cli/table_printer.h"
#include "common/clock.h"

namespace ndc::cli {
namespace {

struct DatasetFlags {
  HubFlags hub;
  std::string schema_file;
  std::string id;
  int version = 0;
};

Status Create(const DatasetFlags& f) {
  ASSIGN_OR_RETURN(auto schema, catalog::ParseSchemaFile(f.schema_file));
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  ASSIGN_OR_RETURN(auto info, hub.catalog->CreateDataset(schema));
  RETURN_IF_ERROR(AuditCliChange(hub, "dataset.create", {"", info.schema.id, ""}));
  std::cout << fmt::format("Created dataset {} (version {}, {} fields, owner {}); records go to table {}\n",
                           info.schema.id, info.version, info.schema.fields.size(), info.schema.owner,
                           info.record_table);
  return OkStatus();
}

Status Update(const DatasetFlags& f) {
  ASSIGN_OR_RETURN(auto schema, catalog::ParseSchemaFile(f.schema_file));
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  ASSIGN_OR_RETURN(auto up, hub.catalog->UpdateSchema(schema));
  if (up.changed) RETURN_IF_ERROR(AuditCliChange(hub, "dataset.update_schema", {"", schema.id, ""}, up.added_fields));
  if (!up.changed) {
    std::cout << fmt::format("Dataset {} is unchanged (still version {})\n", schema.id, up.dataset.version);
  } else {
    std::cout << fmt::format("Dataset {} is now version {}{}\n", schema.id, up.dataset.version,
                             up.added_fields.empty() ? "" : fmt::format("; added fields: {}", fmt::join(up.added_fields, ", ")));
  }
  return OkStatus();
}

Status List(const HubFlags& flags) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(flags));
  ASSIGN_OR_RETURN(auto list, hub.catalog->ListDatasets());
  TablePrinter t({"ID", "OWNER", "VERSION", "FIELDS", "DATA", "PERSONAL", "TITLE"});
  for (const auto& d : list) {
    t.Add({d.schema.id, d.schema.owner, std::to_string(d.current_version), std::to_string(d.schema.fields.size()),
           std::string(catalog::DataClassName(*d.schema.classification.data)),
           std::string(catalog::PersonalClassName(*d.schema.classification.personal)), d.schema.title});
  }
  t.Print(std::cout);
  return OkStatus();
}

Status Show(const DatasetFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  std::optional<int> version;
  if (f.version > 0) version = f.version;
  ASSIGN_OR_RETURN(auto d, hub.catalog->GetDataset(f.id, version));
  std::cout << fmt::format("{} — {}\nowner {} · version {} of {} · tables {}, {}\n\n", d.schema.id, d.schema.title,
                           d.schema.owner, d.version, d.current_version, d.record_table, d.history_table);
  TablePrinter t({"FIELD", "TYPE", "REQ", "PERSON", "CLASS", "COLUMN"});
  for (const auto& fs : d.schema.fields) {
    t.Add({fs.name, std::string(catalog::FieldTypeName(fs.type)), fs.required ? "yes" : "", fs.person,
           fmt::format("{}/{}", catalog::DataClassName(d.schema.EffectiveDataClass(fs)),
                       catalog::PersonalClassName(d.schema.EffectivePersonalClass(fs))),
           fs.column});
  }
  t.Print(std::cout);
  std::cout << "\nSchema (JSON):\n" << catalog::SchemaToJson(d.schema) << "\n";
  return OkStatus();
}

void Bind(CLI::App* cmd, int* exit_code, std::function<Status()> fn) {
  cmd->callback([=] {
    Status s = fn();
    *exit_code = s.ok() ? 0 : ReportError(s);
  });
}

}  // namespace

void RegisterDataset(CLI::App* app, int* exit_code) {
  auto* cmd = app->add_subcommand("dataset", "Declare, evolve and inspect datasets (docs/design/dataset-schema.md)");
  cmd->require_subcommand(1);
  auto* f = NewCommandState<DatasetFlags>();

  auto* create = cmd->add_subcommand("create", "Register a dataset from a schema file (.json or .toml)");
  AddHubFlags(create, &f->hub);
  create->add_option("schema", f->schema_file, "Schema file")->required()->check(CLI::ExistingFile);
  Bind(create, exit_code, [f] { return Create(*f); });

  auto* update = cmd->add_subcommand("update", "New schema version: add optional fields, change titles, "
                                               "classification or validators; incompatible changes are refused");
  AddHubFlags(update, &f->hub);
  update->add_option("schema", f->schema_file, "Schema file")->required()->check(CLI::ExistingFile);
  Bind(update, exit_code, [f] { return Update(*f); });

  auto* list = cmd->add_subcommand("list", "List datasets");
  AddHubFlags(list, &f->hub);
  Bind(list, exit_code, [f] { return List(f->hub); });

  auto* show = cmd->add_subcommand("show", "Show a dataset's fields and schema");
  AddHubFlags(show, &f->hub);
  show->add_option("id", f->id, "Dataset id")->required();
  show->add_option("--version", f->version, "Schema version (default: current)");
  Bind(show, exit_code, [f] { return Show(*f); });
}

}  // namespace ndc::cli
