// ndc batch list|show|rejects — what became of ingested batches and the rows they could not
// take (src/ingest/queries.h).
#include <fmt/format.h>

#include <iostream>

#include "api/ingest_json.h"
#include "cli/commands.h"
#include "cli/hub.h"
#include "cli/ingest_output.h"
#include "cli/table_printer.h"
#include "common/json.h"

namespace ndc::cli {
namespace {

struct BatchFlags {
  HubFlags hub;
  std::string dataset;
  int64_t id = 0;
  int64_t before = 0;
  int64_t after_line = 0;
  int limit = 0;  // 0: the subcommand's default
  bool json = false;
  bool csv = false;
};

// One RFC 4180 field: quoted when it holds a comma, quote or line break.
std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

// A raw row on one table line: line breaks shown as ⏎, cut to `max` bytes (at a UTF-8 boundary).
std::string OneLine(const std::string& raw, size_t max) {
  std::string out;
  for (char c : raw) {
    if (c == '\r') continue;
    if (c == '\n') {
      out += "⏎";
    } else {
      out.push_back(c);
    }
  }
  if (out.size() <= max) return out;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  return out.substr(0, cut) + "…";
}

std::string Seq(const ingest::BatchReport& r) {
  return r.first_seq ? fmt::format("{}..{}", *r.first_seq, *r.last_seq) : "-";
}

Status List(const BatchFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  if (!f.dataset.empty()) RETURN_IF_ERROR(hub.catalog->GetDataset(f.dataset).status());  // a typo is no empty list
  const int limit = f.limit > 0 ? f.limit : 20;
  ASSIGN_OR_RETURN(auto batches, ingest::ListBatches(*hub.db, f.dataset, f.before, limit));
  TablePrinter t(
      {"ID", "DATASET", "STATUS", "MODE", "ROWS", "ACCEPTED", "REJECTED", "EVENTS", "STARTED", "SOURCE"});
  for (const auto& b : batches) {
    t.Add({std::to_string(b.id), b.dataset_id, std::string(ingest::BatchStatusName(b.status)),
           std::string(ingest::BatchModeName(b.mode)), Thousands(b.rows_read), Thousands(b.accepted),
           Thousands(b.rejected), Seq(b), ShortTime(b.started_at), b.source});
  }
  t.Print(std::cout);
  if (static_cast<int>(batches.size()) == limit) {
    // The command for the next page, with this one's filters and hub: copied, it continues here.
    std::cout << fmt::format("(more: ndc batch list --before {}{}{}{})\n", batches.back().id,
                             f.dataset.empty() ? "" : " --dataset " + f.dataset,
                             f.limit > 0 ? " --limit " + std::to_string(f.limit) : "", HubArgs(f.hub));
  }
  return OkStatus();
}

Status Show(const BatchFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  ASSIGN_OR_RETURN(auto b, ingest::GetBatch(*hub.db, f.id));
  if (f.json) {
    std::cout << DumpJson(api::BatchReportJson(b), 2) << "\n";
    return OkStatus();
  }
  std::cout << fmt::format("Batch {} — {} {} of {} (schema version {})\n", b.id,
                           ingest::BatchStatusName(b.status), ingest::BatchModeName(b.mode), b.dataset_id,
                           b.schema_version);
  std::cout << fmt::format("  {}\n", b.message);
  std::cout << fmt::format("  source        {} ({}), submitted by {}\n", b.source,
                           ingest::FormatName(b.format), b.submitted_by);
  std::cout << fmt::format("  started       {}, took {:.1f} s\n", FormatRfc3339(b.started_at),
                           static_cast<double>(b.duration_ms()) / 1000);
  std::cout << fmt::format("  rows read     {}\n", Thousands(b.rows_read));
  std::cout << fmt::format(
      "  accepted      {} ({} inserted, {} updated, {} unchanged, {} deleted, {} stale)\n",
      Thousands(b.accepted), Thousands(b.inserted), Thousands(b.updated), Thousands(b.unchanged),
      Thousands(b.deleted), Thousands(b.stale));
  if (b.as_of) {
    std::cout << fmt::format("  as of         {}{}\n", FormatRfc3339(*b.as_of),
                             b.kept_as_newer > 0
                                 ? fmt::format(" ({} live record{} not named kept: received after it)",
                                               Thousands(b.kept_as_newer), b.kept_as_newer == 1 ? "" : "s")
                                 : "");
  }
  std::cout << fmt::format("  rejected      {}{}\n", Thousands(b.rejected),
                           b.rejected > 0 ? fmt::format(" (ndc batch rejects {}{})", b.id, HubArgs(f.hub)) : "");
  std::cout << fmt::format("  events        {}\n", Seq(b));
  std::cout << fmt::format("  idempotency   {}\n  content       sha256:{}\n", b.idempotency_key,
                           b.content_sha256);
  return OkStatus();
}

Status Rejects(const BatchFlags& f) {
  ASSIGN_OR_RETURN(Hub hub, OpenHub(f.hub));
  // The batch first, so an unknown id says so instead of printing nothing.
  ASSIGN_OR_RETURN(auto batch, ingest::GetBatch(*hub.db, f.id));
  const int64_t limit = f.limit > 0 ? f.limit : (f.csv ? INT64_MAX : 100);
  constexpr int kPage = 1000;
  std::vector<ingest::Reject> rejects;
  int64_t after = f.after_line;
  bool more = false;
  for (;;) {
    // One more than still wanted tells whether more remain.
    const int64_t remaining = limit - static_cast<int64_t>(rejects.size());
    const int64_t want = remaining >= kPage ? kPage : remaining + 1;
    ASSIGN_OR_RETURN(auto page, ingest::ListRejects(*hub.db, f.id, after, static_cast<int>(want)));
    for (auto& r : page) {
      if (static_cast<int64_t>(rejects.size()) == limit) {
        more = true;
        break;
      }
      rejects.push_back(std::move(r));
    }
    if (more || static_cast<int64_t>(page.size()) < want) break;
    after = rejects.back().line;
  }
  // Rejects carry the rows as sent (personal data): shown only once the read is audited, as over
  // HTTP (GET /v1/batches/{id}/rejects).
  if (!rejects.empty()) {
    RETURN_IF_ERROR(AuditCliRead(hub, "ingest.rejects.read", {"", batch.dataset_id, std::to_string(batch.id)}));
  }
  if (f.csv) {
    std::cout << "line,field,reason,raw\r\n";
    for (const auto& r : rejects) {
      for (const auto& e : r.errors) {
        std::cout << r.line << ',' << CsvField(e.field) << ',' << CsvField(e.reason) << ',' << CsvField(r.raw)
                  << "\r\n";
      }
    }
  } else {
    std::cout << fmt::format("Batch {} ({}, {}): {} of {} rows rejected\n", batch.id, batch.dataset_id,
                             ingest::BatchStatusName(batch.status), Thousands(batch.rejected),
                             Thousands(batch.rows_read));
    TablePrinter t({"LINE", "FIELD", "REASON", "RAW"});
    for (const auto& r : rejects) {
      for (size_t i = 0; i < r.errors.size(); ++i) {
        t.Add({i == 0 ? std::to_string(r.line) : "", r.errors[i].field.empty() ? "-" : r.errors[i].field,
               r.errors[i].reason, i == 0 ? OneLine(r.raw, 60) : ""});
      }
    }
    if (!rejects.empty()) t.Print(std::cout);
  }
  if (more) {
    std::cerr << fmt::format("(more: ndc batch rejects {} --after-line {}{}{})\n", f.id, rejects.back().line,
                             f.csv ? " --csv" : "", HubArgs(f.hub));
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

void RegisterBatch(CLI::App* app, int* exit_code) {
  auto* cmd = app->add_subcommand("batch",
                                  "Ingested batches: list them, show a report, list the rows a batch "
                                  "rejected (docs/design/ingest.md)");
  cmd->require_subcommand(1);
  auto* f = NewCommandState<BatchFlags>();

  auto* list = cmd->add_subcommand("list", "List batches, newest first");
  AddHubFlags(list, &f->hub);
  list->add_option("--dataset", f->dataset, "Only this dataset's batches");
  list->add_option("--limit", f->limit, "At most N batches (default 20)")->check(CLI::Range(1, 100000));
  list->add_option("--before", f->before, "Only batches with an id below this one (the next page)");
  list->footer("Example:\n  ndc batch list --dataset population_registry --limit 5");
  Bind(list, exit_code, [f] { return List(*f); });

  auto* show = cmd->add_subcommand("show", "Show a batch's report: status, counts, events, timing");
  AddHubFlags(show, &f->hub);
  show->add_option("id", f->id, "Batch id")->required();
  show->add_flag("--json", f->json, "The report as JSON");
  show->footer("Example:\n  ndc batch show 12 --json");
  Bind(show, exit_code, [f] { return Show(*f); });

  auto* rejects =
      cmd->add_subcommand("rejects", "The rows a batch rejected: line, field, reason and the row as sent");
  AddHubFlags(rejects, &f->hub);
  rejects->add_option("id", f->id, "Batch id")->required();
  rejects->add_option("--after-line", f->after_line, "Only rows after this input line (the next page)");
  rejects->add_option("--limit", f->limit, "At most N rows (default 100; with --csv, all)")
      ->check(CLI::PositiveNumber);
  rejects->add_flag("--csv", f->csv, "CSV with header line,field,reason,raw: one row per problem");
  rejects->footer(
      "Examples:\n"
      "  ndc batch rejects 12\n"
      "  ndc batch rejects 12 --csv > rejects-12.csv");
  Bind(rejects, exit_code, [f] { return Rejects(*f); });
}

}  // namespace ndc::cli
