// Hub-mode linking and the person repository from the command line: `ndc link run|config`,
// `ndc person show|split`, `ndc review list|explain|decide` and `ndc discrepancies`
// (src/person, docs/design/person-repository.md). Reads of persons, discrepancies and review
// items disclose personal data and are audited before anything is printed; decisions and
// settings are audited changes.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "api/audit_text.h"
#include "cli/commands.h"
#include "cli/hub.h"
#include "cli/ingest_output.h"
#include "cli/key_text.h"
#include "cli/table_printer.h"
#include "common/crypto.h"
#include "common/json.h"
#include "link/explain.h"
#include "person/discrepancy_store.h"
#include "person/linker.h"
#include "person/person_json.h"
#include "person/person_store.h"
#include "person/review.h"
#include "person/review_store.h"

namespace ndc::cli {
namespace {

struct PersonFlags {
  HubFlags hub;
  std::vector<std::string> datasets;
  std::string partition = "0/1";
  std::string model_file;
  std::string settings_file;
  std::string authority;
  std::string priority;
  std::string key;
  std::string dataset;
  int64_t id = 0;
  std::string decision;
  std::string reason;
  std::string status = "pending";
  std::string format = "table";
  std::string out;
  int64_t after = 0;
  int limit = 100;
  bool all = false;
  bool json = false;
};

void Bind(CLI::App* cmd, int* exit_code, std::function<Status()> fn) {
  cmd->callback([=] {
    Status s = fn();
    *exit_code = s.ok() ? 0 : ReportError(s);
  });
}

Result<link::Settings> SettingsFrom(const PersonFlags& f) {
  if (f.settings_file.empty()) return link::DefaultPersonSettings();
  return link::LoadSettingsFile(f.settings_file);
}

Result<std::optional<link::Model>> ModelFrom(const PersonFlags& f) {
  if (f.model_file.empty()) return std::optional<link::Model>();
  std::ifstream in(f.model_file, std::ios::binary);
  if (!in) return NotFoundError(fmt::format("--model {}: cannot read the file", f.model_file));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Result<link::Model> m = link::ModelFromJson(text);
  if (!m.ok()) return m.status().WithContext("--model " + f.model_file);
  return std::optional<link::Model>(*std::move(m));
}

Status Run(const PersonFlags& f) {
  ASSIGN_OR_RETURN(person::Partition partition, person::ParsePartition(f.partition));
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  person::LinkerOptions options;
  ASSIGN_OR_RETURN(options.settings, SettingsFrom(f));
  ASSIGN_OR_RETURN(options.model, ModelFrom(f));
  options.partition = partition;
  person::Linker linker(hub.db.get(), hub.catalog.get(), SystemClock(), SystemRandom(), options);
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  int64_t last_print = 0;
  auto progress = [&](const person::LinkProgressInfo& p) {
    const int64_t now = SystemClock()->MonotonicMicros();
    if (p.stage == "link" && now - last_print < (terminal ? 250000 : 5000000)) return;
    last_print = now;
    std::string line = p.stage == "link" ? fmt::format("{}: {} records linked (of at most {})", p.dataset_id,
                                                       p.records, p.pending)
                                         : fmt::format("{}: {}", p.dataset_id,
                                                       p.stage == "index" ? "loading persons" : "training the model");
    std::cerr << (terminal ? "\r\033[K" : "") << line << (terminal ? "" : "\n") << std::flush;
  };
  // Each dataset that linked records is audited as soon as it is done, as `ndc serve` does: an
  // error or a crash in a later dataset leaves no committed link unaudited (until 2026-12-03 the
  // run was audited once, after it ended well, and a failed run not at all).
  std::vector<std::string> committed;  // "dataset events from..to"
  std::vector<std::string> unaudited;  // datasets whose entry failed
  Status audit_error;
  auto each = [&](const person::DatasetLinkReport& r) {
    if (r.records == 0) return;
    committed.push_back(fmt::format("{} events {}..{}", r.dataset_id, r.from_seq, r.to_seq));
    if (Status s = AuditCliChange(hub, "link.run", {"", r.dataset_id, partition.Name()}); !s.ok()) {
      unaudited.push_back(r.dataset_id);
      audit_error = s;
    }
  };
  Result<std::vector<person::DatasetLinkReport>> run = linker.Run(f.datasets, progress, each);
  if (terminal) std::cerr << "\r\033[K" << std::flush;
  const std::string not_audited =
      unaudited.empty() ? ""
                        : fmt::format("; the audit entries of {} failed ({})", fmt::join(unaudited, ", "),
                                      audit_error.ToString());
  if (!run.ok()) {
    if (committed.empty()) return run.status();
    return run.status().WithContext(fmt::format(
        "linking stopped; what was linked before the error is committed ({}){}, and the next run goes on from there",
        fmt::join(committed, ", "), unaudited.empty() ? " and audited" : not_audited));
  }
  if (!unaudited.empty()) {
    return audit_error.WithContext(
        fmt::format("the links were made ({}) but{}", fmt::join(committed, ", "), not_audited));
  }
  // A run that linked nothing is audited once, as the operator's command.
  if (committed.empty()) RETURN_IF_ERROR(AuditCliChange(hub, "link.run", {"", "", partition.Name()}));
  std::vector<person::DatasetLinkReport>& reports = *run;
  if (f.json) {
    for (const auto& r : reports) std::cout << DumpJson(person::LinkReportJson(r)) << "\n";
    return OkStatus();
  }
  TablePrinter t({"DATASET", "EVENTS", "RECORDS", "AUTHORITY", "ID", "RULE", "SCORED", "DECIDED", "NEW", "REVIEW",
                  "UNLINKED", "MERGED", "MODEL"});
  for (const auto& r : reports) {
    t.Add({r.dataset_id, fmt::format("{}..{}", r.from_seq, r.to_seq), std::to_string(r.records),
           std::to_string(r.authority), std::to_string(r.by_id), std::to_string(r.by_rule),
           std::to_string(r.probabilistic), std::to_string(r.by_decision), std::to_string(r.new_persons),
           std::to_string(r.queued), std::to_string(r.unlinked), std::to_string(r.merged), r.model});
  }
  t.Print(std::cout);
  for (const auto& r : reports) {
    if (r.model == person::kLeftAfterOvertaken) continue;  // its row in the table says so
    if (r.busy) {
      std::cout << r.dataset_id << ": left at event " << r.to_seq
                << ": a batch held its records locked past the store's statement timeout; the datasets after it "
                   "were linked, and the next run links the rest of it\n";
    }
    if (r.overtaken) {
      std::cout << r.dataset_id << ": stopped at event " << r.to_seq
                << ": another run of this partition is linking it (the node that got there first goes on); "
                   "datasets after it are left to that run or the next\n";
    }
  }
  return OkStatus();
}

Status Config(const PersonFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  const int64_t now = SystemClock()->NowMicros();
  if (!f.authority.empty()) {
    ASSIGN_OR_RETURN(catalog::DatasetInfo d, hub.catalog->GetDataset(f.authority));
    if (d.schema.FieldForPerson("personal_id") == nullptr) {
      return InvalidArgumentError(fmt::format(
          "dataset '{}' maps no field to personal_id, so it cannot key persons; choose a registry dataset",
          f.authority));
    }
    RETURN_IF_ERROR(person::PutPersonSetting(*hub.db, person::kAuthoritySetting, f.authority, now));
    RETURN_IF_ERROR(AuditCliChange(hub, "link.config", {"", f.authority, person::kAuthoritySetting}));
  }
  if (!f.priority.empty()) {
    RETURN_IF_ERROR(person::PutPersonSetting(*hub.db, person::kPrioritySetting, f.priority, now));
    RETURN_IF_ERROR(AuditCliChange(hub, "link.config", {"", "", person::kPrioritySetting}));
  }
  ASSIGN_OR_RETURN(person::LinkPolicy policy, person::LoadLinkPolicy(*hub.db));
  std::cout << fmt::format("authority: {}\nsource priority: {}\n",
                           policy.authority.empty() ? "(none: every person is a surrogate)" : policy.authority,
                           fmt::join(policy.priority, ", "));
  return OkStatus();
}

Status Show(const PersonFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  ASSIGN_OR_RETURN(std::optional<std::string> key, person::ResolvePerson(*hub.db, f.key));
  if (!key) return NotFoundError(fmt::format("no person {}", f.key));
  RETURN_IF_ERROR(AuditCliRead(hub, "person.read", {*key, "", ""}, {"*"}));
  ASSIGN_OR_RETURN(nlohmann::json j, person::PersonJson(*hub.db, *key));
  if (f.json) {
    std::cout << DumpJson(j, 2) << "\n";
    return OkStatus();
  }
  if (*key != f.key) std::cout << fmt::format("{} was merged into {}\n", f.key, *key);
  std::cout << fmt::format("person {} ({})\n\n", *key, j["kind"].get<std::string>());
  auto str = [](const nlohmann::json& v, const char* name) {
    return v.contains(name) && v[name].is_string() ? v[name].get<std::string>() : std::string();
  };
  TablePrinter g({"ATTRIBUTE", "VALUE", "FROM DATASET", "RECORD", "UPDATED"});
  for (const auto& v : j["golden"]) {
    g.Add({str(v, "attribute"), str(v, "value"), str(v, "dataset"), ShownKey(str(v, "record")),
           str(v, "updated_at")});
  }
  g.Print(std::cout);
  std::cout << "\n";
  TablePrinter l({"DATASET", "RECORD", "METHOD", "WEIGHT", "LINKED"});
  for (const auto& v : j["links"]) {
    l.Add({str(v, "dataset"), ShownKey(str(v, "record")), str(v, "method"),
           v["weight"].is_number() ? fmt::format("{:.2f}", v["weight"].get<double>()) : "", str(v, "linked_at")});
  }
  l.Print(std::cout);
  std::cout << "\n";
  TablePrinter e({"SEQ", "EVENT", "OTHER", "DATASET", "RECORD", "DETAIL", "AT"});
  for (const auto& v : j["events"]) {
    e.Add({std::to_string(v["seq"].get<int64_t>()), str(v, "kind"), str(v, "other"), str(v, "dataset"),
           ShownKey(str(v, "record")), str(v, "detail"), str(v, "at")});
  }
  e.Print(std::cout);
  return OkStatus();
}

Status Split(const PersonFlags& f) {
  RETURN_IF_ERROR(person::CheckDecisionReason("--reason", f.reason));
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  const std::string key = KeyFromArg(f.key);
  ASSIGN_OR_RETURN(std::optional<person::Link> link, person::GetLink(*hub.db, f.dataset, key));
  if (!link) return FailedPreconditionError(fmt::format("the record of {} is not linked to a person", f.dataset));
  person::ReviewContext ctx{hub.db.get(), hub.catalog.get(), SystemClock(), SystemRandom()};
  ASSIGN_OR_RETURN(person::DecisionOutcome out,
                   person::Decide(ctx, {f.dataset, key, link->person_key, "non_match", std::nullopt, CliActor(),
                                        f.reason}));
  RETURN_IF_ERROR(AuditCliChange(hub, "person.split", {link->person_key, f.dataset, api::AuditText(key)}));
  std::cout << fmt::format("{}: the record is now person {}\n", out.outcome, out.person_key);
  return OkStatus();
}

Status Discrepancies(const PersonFlags& f) {
  if (f.format != "csv" && f.format != "json" && f.format != "table") {
    return InvalidArgumentError(fmt::format("--format {}: expected table, csv or json", f.format));
  }
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  RETURN_IF_ERROR(hub.catalog->GetDataset(f.dataset).status());
  RETURN_IF_ERROR(AuditCliRead(hub, "discrepancies.read", {"", f.dataset, ""}, {}));
  std::ofstream file;
  if (!f.out.empty()) {
    // Personal data: readable by the owner only, whatever the umask (a new file is created 0600,
    // an existing regular file narrowed; a device such as a pipe is left as it is).
    const int fd = ::open(f.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || (S_ISREG(st.st_mode) && ::fchmod(fd, 0600) != 0)) {
      if (fd >= 0) ::close(fd);
      return UnavailableError(fmt::format("--out {}: cannot create the file ({})", f.out, std::strerror(errno)));
    }
    ::close(fd);
    file.open(f.out, std::ios::binary | std::ios::trunc);
    if (!file) return UnavailableError(fmt::format("--out {}: cannot create the file", f.out));
  }
  std::ostream& out = f.out.empty() ? std::cout : file;
  person::DiscrepancyPage page{.limit = 5000, .include_resolved = f.all};
  TablePrinter t({"RECORD", "ATTRIBUTE", "VALUE", "AUTHORITATIVE", "PERSON", "DETECTED", "RESOLVED"});
  if (f.format == "csv") out << person::kDiscrepancyCsvHeader << "\n";
  int64_t n = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<person::DiscrepancyRow> rows, person::ListDiscrepancies(*hub.db, f.dataset, page));
    for (const auto& d : rows) {
      if (f.format == "csv") {
        out << person::DiscrepancyCsvLine(d) << "\n";
      } else if (f.format == "json") {
        out << DumpJson(person::DiscrepancyJson(d)) << "\n";
      } else {
        t.Add({ShownKey(d.record_key), d.attribute, d.source_value, d.authoritative_value, d.person_key,
               ShortTime(d.detected_at), d.resolved_at ? ShortTime(*d.resolved_at) : ""});
      }
    }
    n += static_cast<int64_t>(rows.size());
    if (static_cast<int>(rows.size()) < page.limit) break;
    page.after_record = rows.back().record_key;
    page.after_attribute = rows.back().attribute;
  }
  if (f.format == "table") t.Print(out);
  if (!f.out.empty()) {
    file.close();
    if (file.fail()) {
      return UnavailableError(fmt::format("--out {}: writing the file failed (disk full?); it is incomplete, "
                                          "remove it and run again",
                                          f.out));
    }
    std::cerr << fmt::format("{} discrepancies written to {}\n", n, f.out);
  }
  return OkStatus();
}

Status ReviewList(const PersonFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  if (!f.dataset.empty()) RETURN_IF_ERROR(hub.catalog->GetDataset(f.dataset).status());  // a typo is no empty list
  RETURN_IF_ERROR(AuditCliRead(hub, "review.list", {"", f.dataset, ""}, {}));
  ASSIGN_OR_RETURN(std::vector<person::ReviewItem> items,
                   person::ListReview(*hub.db, f.status == "any" ? "" : f.status, f.dataset, f.after, f.limit));
  if (f.json) {
    for (const auto& i : items) std::cout << DumpJson(person::ReviewItemJson(i)) << "\n";
    return OkStatus();
  }
  TablePrinter t({"ID", "DATASET", "RECORD", "CANDIDATE", "WEIGHT", "PROBABILITY", "STATUS", "QUEUED"});
  for (const auto& i : items) {
    t.Add({std::to_string(i.id), i.dataset_id, ShownKey(i.record_key), i.person_key, fmt::format("{:.2f}", i.weight),
           fmt::format("{:.3f}", i.probability), i.status, ShortTime(i.created_at)});
  }
  t.Print(std::cout);
  if (static_cast<int>(items.size()) == f.limit) {
    // The command for the next page, with this one's filters and hub: copied, it continues here.
    std::cout << fmt::format("(more: ndc review list --after {}{}{}{}{})\n", items.back().id,
                             f.status == "pending" ? "" : " --status " + f.status,
                             f.dataset.empty() ? "" : " --dataset " + f.dataset,
                             f.limit == 100 ? "" : " --limit " + std::to_string(f.limit), HubArgs(f.hub));
  }
  return OkStatus();
}

Status ReviewExplain(const PersonFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  ASSIGN_OR_RETURN(person::ReviewItem item, person::GetReview(*hub.db, f.id));
  RETURN_IF_ERROR(AuditCliRead(hub, "review.explain",
                               {item.person_key, item.dataset_id, api::AuditText(item.record_key)}, {"*"}));
  ASSIGN_OR_RETURN(link::Settings settings, SettingsFrom(f));
  ASSIGN_OR_RETURN(std::optional<link::Model> model, ModelFrom(f));
  person::ReviewContext ctx{hub.db.get(), hub.catalog.get(), SystemClock(), SystemRandom()};
  ASSIGN_OR_RETURN(link::Explanation e, person::ExplainReview(ctx, settings, model, f.id));
  if (!f.json) e.left_id = ShownKey(e.left_id);  // "dataset:key", a composite key as the CLI spells it
  std::cout << (f.json ? link::ExplanationToJson(e) : link::ExplanationToText(e)) << "\n";
  return OkStatus();
}

Status ReviewDecide(const PersonFlags& f) {
  // non_match is the API's spelling (POST /v1/review/{id}/decision); both are taken.
  if (f.decision != "match" && f.decision != "non-match" && f.decision != "non_match") {
    return InvalidArgumentError(fmt::format("decision '{}': expected match or non-match", f.decision));
  }
  RETURN_IF_ERROR(person::CheckDecisionReason("--reason", f.reason));
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  person::ReviewContext ctx{hub.db.get(), hub.catalog.get(), SystemClock(), SystemRandom()};
  ASSIGN_OR_RETURN(person::ReviewItem item, person::GetReview(*hub.db, f.id));
  ASSIGN_OR_RETURN(person::DecisionOutcome out, person::DecideReview(ctx, f.id, f.decision, CliActor(), f.reason));
  RETURN_IF_ERROR(
      AuditCliChange(hub, "review.decide", {item.person_key, item.dataset_id, api::AuditText(item.record_key)}));
  std::cout << fmt::format("review {}: {} — {}{}\n", f.id, f.decision, out.outcome,
                           out.person_key.empty() ? "" : " (person " + out.person_key + ")");
  return OkStatus();
}

void AddModelFlags(CLI::App* cmd, PersonFlags* f) {
  cmd->add_option("--settings", f->settings_file,
                  "Linkage settings file (.toml or .json; default: the shipped person settings)");
  cmd->add_option("--model", f->model_file,
                  "A trained model (JSON, as `ndc link files --model-out` writes) for every dataset; default: each "
                  "dataset's stored model, trained on its first run");
}

}  // namespace

void RegisterPerson(CLI::App* app, int* exit_code) {
  auto* f = NewCommandState<PersonFlags>();
  CLI::App* link = app->get_subcommand("link");

  auto* run = link->add_subcommand("run", "Link the hub's new change events to the person repository");
  AddHubFlags(run, &f->hub);
  run->add_option("datasets", f->datasets, "Datasets to link (default: all; the authoritative one goes first)");
  run->add_option("--partition", f->partition,
                  "Only records of partition i of n (hash of the personal ID, else the record key), for several "
                  "processes sharing a PostgreSQL hub")
      ->capture_default_str();
  AddModelFlags(run, f);
  run->add_flag("--json", f->json, "One JSON report per dataset and line");
  run->footer(
      "Examples:\n"
      "  ndc link run\n"
      "  ndc link run tax health_insurance --partition 0/4");
  Bind(run, exit_code, [f] { return Run(*f); });

  auto* config = link->add_subcommand("config", "Show or set the authoritative dataset and survivorship priority");
  AddHubFlags(config, &f->hub);
  config->add_option("--authority", f->authority,
                     "The dataset authoritative for identity (default: population_registry when it exists)");
  config->add_option("--priority", f->priority,
                     "Survivorship order of the other datasets, comma-separated (the authority always comes first)");
  Bind(config, exit_code, [f] { return Config(*f); });

  auto* person = app->add_subcommand("person", "The person repository: golden records, links and events");
  person->require_subcommand(1);
  auto* show = person->add_subcommand("show", "A person's golden record with provenance, linked records, events");
  AddHubFlags(show, &f->hub);
  show->add_option("key", f->key, "Person key: the personal ID, or a surrogate key S...")->required();
  show->add_flag("--json", f->json, "As JSON");
  Bind(show, exit_code, [f] { return Show(*f); });
  auto* split = person->add_subcommand("split", "Record that a linked record is NOT its person: split it off");
  AddHubFlags(split, &f->hub);
  split->add_option("dataset", f->dataset, "Dataset id")->required();
  split->add_option("key", f->key, "Record key; a composite key's fields joined by %1F (HN%1F001)")->required();
  split->add_option("--reason", f->reason, "Why (kept with the decision)")->required();
  Bind(split, exit_code, [f] { return Split(*f); });

  auto* disc = app->add_subcommand("discrepancies",
                                   "Where a dataset's linked records disagree with the authoritative source");
  AddHubFlags(disc, &f->hub);
  disc->add_option("dataset", f->dataset, "Dataset id")->required();
  disc->add_option("--format", f->format, "table, csv or json (one object per line)")->capture_default_str();
  disc->add_option("--out", f->out, "Write to this file instead of standard output");
  disc->add_flag("--all", f->all, "Include resolved discrepancies");
  disc->footer("Example:\n  ndc discrepancies tax --format csv --out tax-discrepancies.csv");
  Bind(disc, exit_code, [f] { return Discrepancies(*f); });

  auto* review = app->add_subcommand("review", "The review queue: pairs the engine could not decide");
  review->require_subcommand(1);
  auto* list = review->add_subcommand("list", "Review items, oldest first");
  AddHubFlags(list, &f->hub);
  list->add_option("--status", f->status, "pending, decided, superseded or any")
      ->check(CLI::IsMember({"pending", "decided", "superseded", "any"}))
      ->capture_default_str();
  list->add_option("--dataset", f->dataset, "Only this dataset's records");
  list->add_option("--after", f->after, "Only items with an id above N");
  list->add_option("--limit", f->limit, "At most N items")->check(CLI::Range(1, 100000))->capture_default_str();
  list->add_flag("--json", f->json, "One JSON object per item and line");
  Bind(list, exit_code, [f] { return ReviewList(*f); });
  auto* explain = review->add_subcommand("explain", "Each comparison's level and weight, and the total");
  AddHubFlags(explain, &f->hub);
  explain->add_option("id", f->id, "Review item id")->required();
  AddModelFlags(explain, f);
  explain->add_flag("--json", f->json, "As JSON");
  Bind(explain, exit_code, [f] { return ReviewExplain(*f); });
  auto* decide = review->add_subcommand("decide", "Decide an item: the decision is kept and respected by every run");
  AddHubFlags(decide, &f->hub);
  decide->add_option("id", f->id, "Review item id")->required();
  decide->add_option("decision", f->decision, "match or non-match (or non_match, as the API spells it)")->required();
  decide->add_option("--reason", f->reason, "Why (kept with the decision)")->required();
  decide->footer("Example:\n  ndc review decide 42 non-match --reason \"different mother's name on file\"");
  Bind(decide, exit_code, [f] { return ReviewDecide(*f); });
}

}  // namespace ndc::cli
