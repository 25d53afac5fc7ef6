// ndc connector add|list|run|remove — pull connectors (docs/design/connector.md).
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/hub.h"
#include "cli/table_printer.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "connector/connectors.h"
#include "connector/scheduler.h"

namespace ndc::cli {
namespace {

struct ConnectorFlags {
  HubFlags hub;
  connector::ConnectorSpec spec;
  std::string table, every = "0";
  std::vector<std::string> maps;
  bool snapshot = false;
};

std::string Time(const std::optional<int64_t>& micros) {
  return micros ? FormatRfc3339(*micros).substr(0, 19) + "Z" : "";
}

// The first `n` bytes of UTF-8 text, not cutting a character, with "…" if cut.
std::string Cut(const std::string& text, size_t n) {
  if (text.size() <= n) return text;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n) + "…";
}

Status Add(const ConnectorFlags& f) {
  connector::ConnectorSpec spec = f.spec;
  spec.source_table = f.table;
  ASSIGN_OR_RETURN(spec.every_seconds, connector::ParseInterval(f.every));
  for (const std::string& m : f.maps) {
    size_t eq = m.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == m.size()) {
      return InvalidArgumentError(fmt::format("--map '{}': expected FIELD=COLUMN", m));
    }
    spec.columns[m.substr(0, eq)] = m.substr(eq + 1);
  }
  // Checked before the hub is opened: a refused secret must never reach the store or its log.
  RETURN_IF_ERROR(connector::CheckSpec(spec));
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  connector::Connectors connectors(hub.db.get(), hub.catalog.get(), SystemClock());
  ASSIGN_OR_RETURN(connector::AddedConnector added, connectors.Add(spec));
  RETURN_IF_ERROR(AuditCliChange(hub, "connector.add", {"", added.connector.dataset_id, added.connector.name}));
  const connector::Connector& c = added.connector;
  std::vector<std::string> mapping;
  for (const auto& [field, column] : c.columns) mapping.push_back(fmt::format("{}<-{}", field, column));
  std::cout << fmt::format("Added connector {}: {} ({}) -> dataset {}\n", c.name, c.QualifiedTable(), added.source,
                           c.dataset_id)
            << fmt::format("  pulls: {}, {}\n",
                           c.watermark_column.empty() ? "snapshots only"
                                                      : "incremental by " + c.watermark_column + " (or --snapshot)",
                           c.every_seconds > 0 ? "every " + connector::FormatInterval(c.every_seconds)
                                               : "on demand (ndc connector run " + c.name + ")")
            << fmt::format("  columns: {}\n", fmt::join(mapping, ", "));
  if (!added.unmapped_fields.empty()) {
    std::cout << fmt::format("  not pulled (no source column; map with --map FIELD=COLUMN): {}\n",
                             fmt::join(added.unmapped_fields, ", "));
  }
  if (!c.password_env.empty()) {
    std::cout << fmt::format("  password: from ${} on every node that runs it\n", c.password_env);
  }
  for (const auto& warning : added.warnings) std::cout << "  warning: " << warning << "\n";
  return OkStatus();
}

Status List(const HubFlags& flags) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(flags));
  connector::Connectors connectors(hub.db.get(), hub.catalog.get(), SystemClock());
  ASSIGN_OR_RETURN(auto list, connectors.List());
  TablePrinter t({"NAME", "DATASET", "SOURCE TABLE", "WATERMARK", "EVERY", "ENABLED", "LAST RUN", "STATUS",
                  "LAST WATERMARK", "LAST ERROR"});
  for (const auto& c : list) {
    std::string status = c.last_status;
    if (c.running_until && *c.running_until > SystemClock()->NowMicros()) status = "running";
    t.Add({c.name, c.dataset_id, c.QualifiedTable(), c.watermark_column.empty() ? "-" : c.watermark_column,
           connector::FormatInterval(c.every_seconds), c.enabled ? "yes" : "no", Time(c.last_run_at), status,
           c.last_watermark.value_or(""), Cut(c.last_error, 60)});
  }
  t.Print(std::cout);
  return OkStatus();
}

Status Run(const ConnectorFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  ASSIGN_OR_RETURN(connector::Connector c,
                   connector::Connectors(hub.db.get(), hub.catalog.get(), SystemClock()).Get(f.spec.name));
  connector::Scheduler scheduler(hub.db.get(), hub.catalog.get(), hub.ingestor.get(), SystemClock(), SystemRandom());
  std::optional<connector::PullMode> mode;
  if (f.snapshot) mode = connector::PullMode::kSnapshot;
  Result<connector::RunOutcome> outcome = scheduler.RunNow(f.spec.name, mode);
  if (!outcome.ok()) return outcome.status();
  const connector::RunOutcome& o = *outcome;
  RETURN_IF_ERROR(AuditCliChange(hub, "connector.run", {"", c.dataset_id, c.name}));
  std::cout << o.Summary() << (o.batch ? fmt::format(" ({} ms)", o.batch->duration_ms()) : "") << "\n";
  if (o.batch && o.batch->rejected > 0) {
    std::cout << fmt::format("  {} rejected rows are kept with batch {} (line = row number in the pull)\n",
                             o.batch->rejected, o.batch->id);
  }
  if (o.status == connector::RunStatus::kRefused || o.status == connector::RunStatus::kFailed) {
    return FailedPreconditionError(fmt::format("connector {}: batch {} was {}; the watermark was not moved",
                                               o.connector, o.batch ? o.batch->id : 0,
                                               connector::RunStatusName(o.status)));
  }
  return OkStatus();
}

Status Remove(const ConnectorFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  connector::Connectors connectors(hub.db.get(), hub.catalog.get(), SystemClock());
  ASSIGN_OR_RETURN(connector::Connector c, connectors.Get(f.spec.name));
  RETURN_IF_ERROR(connectors.Remove(f.spec.name));
  RETURN_IF_ERROR(AuditCliChange(hub, "connector.remove", {"", c.dataset_id, c.name}));
  std::cout << fmt::format("Removed connector {} (dataset {} keeps its records)\n", c.name, c.dataset_id);
  return OkStatus();
}

}  // namespace

void RegisterConnector(CLI::App* app, int* exit_code) {
  auto* cmd = app->add_subcommand("connector", "Pull datasets from agencies' PostgreSQL tables "
                                               "(docs/design/connector.md)");
  cmd->require_subcommand(1);
  auto* f = NewCommandState<ConnectorFlags>();
  auto bind = [exit_code](CLI::App* c, std::function<Status()> fn) {
    c->callback([=] {
      Status s = fn();
      *exit_code = s.ok() ? 0 : ReportError(s);
    });
  };

  auto* add = cmd->add_subcommand("add", "Add a connector; checks the source table and the column mapping now");
  AddHubFlags(add, &f->hub);
  add->add_option("name", f->spec.name, "Connector name: lower-case letters, digits, _ (e.g. bca_people)")->required();
  add->add_option("--dataset", f->spec.dataset_id, "Dataset the rows go to")->required();
  add->add_option("--conninfo", f->spec.conninfo,
                  "The agency's database, WITHOUT a password: postgresql://user@host:port/db or key=value")
      ->required();
  add->add_option("--table", f->table, "Source table or view: schema.table (lower-case)")->required();
  add->add_option("--watermark", f->spec.watermark_column,
                  "Column that grows whenever a row changes (updated_at, a version number); without it only "
                  "snapshot pulls");
  add->add_option("--map", f->maps, "FIELD=COLUMN for a field whose source column is named differently (repeat)");
  add->add_option("--password-env", f->spec.password_env,
                  "Environment variable holding the password on the nodes that pull (else ~/.pgpass)");
  add->add_option("--every", f->every, "Pull interval: 90s, 15m, 2h, 1d; 0 (default) = on demand only");
  bind(add, [f] { return Add(*f); });

  auto* list = cmd->add_subcommand("list", "List connectors with their last run");
  AddHubFlags(list, &f->hub);
  bind(list, [f] { return List(f->hub); });

  auto* run = cmd->add_subcommand("run", "Pull now (incremental past the watermark, or --snapshot) and apply it");
  AddHubFlags(run, &f->hub);
  run->add_option("name", f->spec.name, "Connector name")->required();
  run->add_flag("--snapshot", f->snapshot, "Pull the whole table; records absent from it are deleted");
  bind(run, [f] { return Run(*f); });

  auto* remove = cmd->add_subcommand("remove", "Remove a connector (the dataset and its records stay)");
  AddHubFlags(remove, &f->hub);
  remove->add_option("name", f->spec.name, "Connector name")->required();
  bind(remove, [f] { return Remove(*f); });
}

}  // namespace ndc::cli
