// ndc ingest DATASET FILE... — loads agency files (CSV or NDJSON, gzip or not) into a dataset,
// one batch per file, with progress on stderr and a summary per batch. The engine is
// src/ingest (docs/design/ingest.md); this file only wires files, progress and reports.
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "api/ingest_json.h"
#include "cli/commands.h"
#include "cli/hub.h"
#include "cli/ingest_output.h"
#include "cli/progress_printer.h"
#include "common/instant.h"
#include "common/json.h"
#include "ingest/formats/input.h"
#include "text/unicode.h"

namespace ndc::cli {
namespace {

// Exit code of a batch that was refused (too many rejects, an unsafe snapshot): nothing was
// applied, the report and rejects are kept. Distinct from the error codes of ReportError.
constexpr int kExitRefused = 4;

struct IngestFlags {
  HubFlags hub;
  std::string dataset;
  std::vector<std::string> files;
  std::string mode = "upsert";
  std::string format;
  std::string idempotency_key;
  double max_reject_share = -1;  // < 0: the hub's ingest.max_reject_percent
  std::string as_of;              // snapshot: when it was taken
  bool json = false;
  bool quiet = false;
};

std::string OsUser() {
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) return pw->pw_name;
  return "unknown";
}

std::string Label(const std::string& file) {
  return file == "-" ? "stdin" : std::filesystem::path(file).filename().string();
}

std::string Seconds(int64_t ms) { return fmt::format("{:.1f} s", static_cast<double>(ms) / 1000); }

std::string RowsPerSecond(const ingest::BatchReport& r) {
  if (r.duration_ms() <= 0) return "";
  return fmt::format(" ({} rows/s)", Thousands(r.rows_read * 1000 / r.duration_ms()));
}

// Why a batch was refused or failed: its message without the status the engine puts first
// ("refused: 2 of 3 rows ...").
std::string_view Why(const ingest::BatchReport& r) {
  const std::string_view status = ingest::BatchStatusName(r.status);
  std::string_view why = r.message;
  if (why.substr(0, status.size()) == status) why.remove_prefix(status.size());
  if (!why.empty() && why[0] == ':') why.remove_prefix(1);
  while (!why.empty() && why[0] == ' ') why.remove_prefix(1);
  return why;
}

void PrintSummary(const std::string& file, const ingest::BatchReport& r, const std::string& hub_args,
                  std::ostream& out) {
  const std::string label = Label(file);
  switch (r.status) {
    case ingest::BatchStatus::kDuplicate:
      out << fmt::format("{}: already applied as batch {} on {}; nothing changed\n", label, r.id,
                         ShortTime(r.finished_at));
      return;
    case ingest::BatchStatus::kApplied:
      out << fmt::format("{}: batch {} applied to {}: {} rows read in {}{}\n", label, r.id, r.dataset_id,
                         Thousands(r.rows_read), Seconds(r.duration_ms()), RowsPerSecond(r));
      out << fmt::format("  {} accepted: {} inserted, {} updated, {} unchanged, {} deleted, {} stale\n",
                         Thousands(r.accepted), Thousands(r.inserted), Thousands(r.updated),
                         Thousands(r.unchanged), Thousands(r.deleted), Thousands(r.stale));
      if (r.kept_as_newer > 0) {
        out << fmt::format("  {} live record{} the snapshot does not name {} kept: received after its --as-of time\n",
                           Thousands(r.kept_as_newer), r.kept_as_newer == 1 ? "" : "s",
                           r.kept_as_newer == 1 ? "was" : "were");
      }
      if (r.first_seq) {
        out << fmt::format("  change events {}..{} (ndc events {} --after {}{})\n", *r.first_seq, *r.last_seq,
                           r.dataset_id, *r.first_seq - 1, hub_args);
      }
      break;
    case ingest::BatchStatus::kRefused:
    case ingest::BatchStatus::kFailed:
      out << fmt::format("{}: batch {} {}: {}\n", label, r.id, ingest::BatchStatusName(r.status), Why(r));
      break;
  }
  if (r.rejected > 0) {
    out << fmt::format("  {} rejected: see them with `ndc batch rejects {}{}` (--csv for a file)\n",
                       Thousands(r.rejected), r.id, hub_args);
  }
}

// Applies one file as one batch. Returns the report, or the error that stopped it.
Result<ingest::BatchReport> IngestFile(Hub& hub, const IngestFlags& f, ingest::BatchMode mode,
                                       const std::string& file) {
  ingest::BatchRequest req;
  req.dataset_id = f.dataset;
  req.mode = mode;
  if (!f.format.empty()) {
    ASSIGN_OR_RETURN(req.format, ingest::ParseFormat(f.format));
  } else if (file == "-") {
    return InvalidArgumentError("reading standard input needs --format csv or --format ndjson");
  } else {
    ASSIGN_OR_RETURN(req.format, ingest::FormatForPath(file));
  }
  req.idempotency_key = f.idempotency_key;
  if (f.max_reject_share >= 0) req.max_reject_share = f.max_reject_share;
  if (!f.as_of.empty()) {
    Result<int64_t> as_of = ParseInstant(f.as_of, /*allow_date=*/false);
    if (!as_of.ok()) return as_of.status().WithContext("--as-of");
    req.as_of = *as_of;
  }
  // Shown in batch reports, to the owning agency too: a file name's control and invisible
  // formatting characters escaped.
  req.source = "cli:" + text::EscapeControlOrInvisible(Label(file));
  req.submitted_by = "cli:" + OsUser();
  ASSIGN_OR_RETURN(std::unique_ptr<ingest::ByteSource> source, ingest::OpenFileSource(file));
  const bool show_progress = !f.quiet && !f.json;
  ProgressPrinter printer(&std::cerr, ::isatty(STDERR_FILENO) == 1, SystemClock(), Label(file));
  ingest::ProgressFn progress;
  if (show_progress) progress = [&printer](const ingest::Progress& p) { printer.Update(p); };
  auto report = hub.ingestor->Ingest(req, std::move(source), progress);
  printer.Finish();
  return report;
}

int Run(const IngestFlags& f) {
  auto mode = ingest::ParseBatchMode(f.mode);
  if (!mode.ok()) return ReportError(mode.status());
  if (!f.idempotency_key.empty() && !ingest::IsValidIdempotencyKey(f.idempotency_key)) {
    return ReportError(InvalidArgumentError(fmt::format(
        "--idempotency-key must be 1 to {} visible ASCII characters (as the HTTP header)", ingest::kMaxIdempotencyKey)));
  }
  if (!f.idempotency_key.empty() && f.files.size() > 1) {
    return ReportError(InvalidArgumentError(
        "--idempotency-key names one batch, but each file is its own batch: give one FILE per command"));
  }
  auto hub = OpenHub(f.hub);
  if (!hub.ok()) return ReportError(hub.status());
  // An unknown dataset is one error, not one per file.
  if (auto d = hub->catalog->GetDataset(f.dataset); !d.ok()) return ReportError(d.status());
  if (*mode == ingest::BatchMode::kSnapshot && std::find(f.files.begin(), f.files.end(), "-") != f.files.end() &&
      !f.quiet) {
    std::cerr << "ndc: warning: a snapshot read from standard input: if the program writing it fails part-way, "
                 "its end looks like the end of the dataset and the records after it are deleted. Prefer the "
                 "file itself (a .gz file is checked for truncation).\n";
  }
  int exit_code = 0;
  for (const std::string& file : f.files) {
    auto report = IngestFile(*hub, f, *mode, file);
    if (!report.ok()) {
      // Keep going: every file is its own batch. The first error decides the exit code.
      int code = ReportError(report.status().WithContext(Label(file)));
      if (exit_code == 0 || exit_code == kExitRefused) exit_code = code;
      continue;
    }
    // A duplicate is audited too, naming the batch it repeats, as the HTTP route does: a rerun
    // after an applied batch's audit entry failed then leaves the batch in the log (review of
    // 2026-12-03: the CLI audited only applied batches).
    if (report->status == ingest::BatchStatus::kApplied || report->status == ingest::BatchStatus::kDuplicate) {
      Status audited = AuditCliChange(
          *hub, report->status == ingest::BatchStatus::kApplied ? "ingest.batch" : "ingest.batch.duplicate",
          {"", report->dataset_id, std::to_string(report->id)});
      if (!audited.ok()) {
        int code = ReportError(audited);
        if (exit_code == 0 || exit_code == kExitRefused) exit_code = code;
      }
    }
    if (report->status == ingest::BatchStatus::kRefused || report->status == ingest::BatchStatus::kFailed) {
      if (exit_code == 0) exit_code = kExitRefused;
    }
    if (f.json) {
      nlohmann::json j = api::BatchReportJson(*report);
      j["file"] = file;
      std::cout << DumpJson(j) << "\n";
    } else if (!f.quiet) {
      PrintSummary(file, *report, HubArgs(f.hub), std::cout);
    } else if (report->status == ingest::BatchStatus::kRefused ||
               report->status == ingest::BatchStatus::kFailed) {
      std::cerr << fmt::format("ndc: {}: batch {} {}: {}\n", Label(file), report->id,
                               ingest::BatchStatusName(report->status), Why(*report));
    }
    std::cout << std::flush;
  }
  return exit_code;
}

}  // namespace

void RegisterIngest(CLI::App* app, int* exit_code) {
  auto* f = NewCommandState<IngestFlags>();
  auto* cmd = app->add_subcommand(
      "ingest",
      "Load agency files into a dataset: each FILE is one batch, applied whole or not at all "
      "(docs/design/ingest.md)");
  AddHubFlags(cmd, &f->hub);
  cmd->add_option("dataset", f->dataset, "Dataset id (ndc dataset list)")->required();
  cmd->add_option("files", f->files,
                  "Files to load: .csv or .ndjson/.jsonl, optionally .gz; - for standard input")
      ->required();
  cmd->add_option(
         "--mode", f->mode,
         "upsert: insert or update (rows with _op=delete delete); delete: every row names a record to "
         "delete; snapshot: the file is the whole dataset, records it does not mention are deleted")
      ->check(CLI::IsMember({"upsert", "delete", "snapshot"}))
      ->capture_default_str();
  cmd->add_option("--format", f->format, "csv or ndjson (default: by file extension)")
      ->check(CLI::IsMember({"csv", "ndjson", "jsonl"}));
  cmd->add_option("--idempotency-key", f->idempotency_key,
                  "Key naming this batch: resending it under the key changes nothing, other content under "
                  "the key of an applied batch is refused (default: SHA-256 of the decompressed content)");
  cmd->add_option("--max-reject-share", f->max_reject_share,
                  "Largest share of rejected rows (0..1) with which the batch is still applied "
                  "(default: ingest.max_reject_percent of the hub, 10%)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--as-of", f->as_of,
                  "Snapshot only: when the snapshot was taken (RFC 3339 with its offset, e.g. "
                  "2026-12-03T08:00:00+07:00). Records NDC received or deleted after that time are neither "
                  "deleted for being absent from it nor reverted by its rows, so a late snapshot cannot undo "
                  "newer loads");
  cmd->add_flag("--json", f->json, "Print each batch report as one JSON object per line; no progress");
  cmd->add_flag("--quiet,-q", f->quiet, "No progress and no summary (refusals still go to stderr)");
  cmd->footer(
      "Examples:\n"
      "  ndc ingest population_registry population_registry.csv\n"
      "  ndc ingest health_insurance part1.csv.gz part2.csv.gz\n"
      "  ndc ingest tax changes.ndjson --idempotency-key tax-2026-01-15\n"
      "  ndc ingest education dump.csv.gz --mode snapshot   # the whole dataset: records not in it are deleted\n"
      "  ndc ingest education dump.csv.gz --mode snapshot --as-of 2026-12-03T02:00:00+07:00\n"
      "  export-tool | ndc ingest education - --format csv\n\n"
      "A snapshot should be a file, not a pipe: a producer that fails part-way looks like the\n"
      "end of standard input, and the records after that point would be deleted (a .gz file is\n"
      "checked for truncation).\n\n"
      "Exit codes: 0 every batch applied (or already applied: a resend changes nothing);\n"
      "4 a batch was refused (too many rejected rows, or a snapshot NDC cannot apply safely):\n"
      "  nothing of it was applied, see `ndc batch rejects ID`; 1 error; 2 invalid input\n"
      "  (bad flag, unreadable header, unknown format); 3 store unavailable.");
  cmd->callback([f, exit_code] { *exit_code = Run(*f); });
}

}  // namespace ndc::cli
