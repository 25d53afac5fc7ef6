#include "connector/scheduler.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "common/log.h"
#include "connector/pull_reader.h"

namespace ndc::connector {
namespace {

constexpr int64_t kMicros = 1000000;

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == '\0') return "node";
  return buf;
}

RunStatus FromBatch(ingest::BatchStatus s) {
  switch (s) {
    case ingest::BatchStatus::kApplied: return RunStatus::kApplied;
    case ingest::BatchStatus::kDuplicate: return RunStatus::kDuplicate;
    case ingest::BatchStatus::kRefused: return RunStatus::kRefused;
    case ingest::BatchStatus::kFailed: return RunStatus::kFailed;
  }
  return RunStatus::kFailed;
}

// The configured columns the source table no longer has.
std::vector<std::string> MissingColumns(const Connector& c, const std::vector<std::string>& have) {
  std::vector<std::string> missing;
  auto check = [&](const std::string& col) {
    if (std::find(have.begin(), have.end(), col) == have.end() &&
        std::find(missing.begin(), missing.end(), col) == missing.end()) {
      missing.push_back(col);
    }
  };
  for (const auto& [field, column] : c.columns) check(column);
  if (!c.watermark_column.empty()) check(c.watermark_column);
  return missing;
}

}  // namespace

Scheduler::Scheduler(store::Database* hub, catalog::Catalog* catalog, ingest::Ingestor* ingestor, Clock* clock,
                     RandomSource* random, SchedulerOptions options)
    : hub_(hub),
      catalog_(catalog),
      ingestor_(ingestor),
      clock_(clock),
      random_(random),
      options_(std::move(options)),
      store_(hub, clock) {
  if (options_.node.empty()) options_.node = HostName();
  options_.page_rows = std::max<int64_t>(options_.page_rows, 1);
  options_.lease_seconds = std::max<int64_t>(options_.lease_seconds, 1);
}

std::string Scheduler::NewToken() {
  std::lock_guard lock(random_mu_);
  return fmt::format("{}:{}", options_.node, HexEncode(random_->Bytes(8)));
}

Result<std::vector<RunOutcome>> Scheduler::RunDue(const std::function<void(const RunOutcome&)>& each) {
  ASSIGN_OR_RETURN(std::vector<Connector> all, store_.List());
  std::vector<RunOutcome> outcomes;
  for (const Connector& c : all) {
    // A cheap look first; the claim below decides, atomically, on the current row.
    const int64_t now = clock_->NowMicros();
    if (!c.enabled || c.every_seconds <= 0) continue;
    if (c.last_run_at && *c.last_run_at > now - c.every_seconds * kMicros) continue;
    if (c.running_until && *c.running_until > now) continue;
    const std::string token = NewToken();
    Result<bool> claimed = store_.ClaimDue(c.name, token, options_.lease_seconds * kMicros);
    if (!claimed.ok()) {
      RunOutcome out;
      out.connector = c.name;
      out.mode = c.DefaultMode();
      out.error = claimed.status().WithContext("claiming the connector");
      outcomes.push_back(std::move(out));
      if (each) each(outcomes.back());
      continue;
    }
    if (!*claimed) continue;  // another node or thread got there first, or it changed
    outcomes.push_back(RunClaimed(c.name, c.DefaultMode(), token));
    if (each) each(outcomes.back());
  }
  return outcomes;
}

Result<RunOutcome> Scheduler::RunNow(const std::string& name, std::optional<PullMode> mode) {
  ASSIGN_OR_RETURN(Connector c, store_.Get(name));
  const PullMode m = mode.value_or(c.DefaultMode());
  if (m == PullMode::kIncremental && c.watermark_column.empty()) {
    return FailedPreconditionError(fmt::format(
        "connector {} has no watermark column, so it can only pull snapshots (run it with --snapshot)", name));
  }
  const std::string token = NewToken();
  ASSIGN_OR_RETURN(bool claimed, store_.Claim(name, token, options_.lease_seconds * kMicros));
  if (!claimed) {
    ASSIGN_OR_RETURN(Connector now, store_.Get(name));
    return AbortedError(fmt::format("connector {} is being run by {} (lease until {}); try again when it ends", name,
                                    now.running_by, FormatRfc3339(now.running_until.value_or(0))));
  }
  RunOutcome out = RunClaimed(name, m, token);
  if (out.status == RunStatus::kError) return out.error;
  return out;
}

RunOutcome Scheduler::RunClaimed(const std::string& name, PullMode mode, const std::string& token) {
  const int64_t claimed_at = clock_->NowMicros();
  RunOutcome out;
  out.connector = name;
  out.mode = mode;
  // Read again under the claim: a listing taken before it may predate another run's watermark.
  Result<Connector> c = store_.Get(name);
  Status pulled = c.ok() ? Pull(*c, token, claimed_at, &out) : c.status();
  ConnectorStore::Finished f;
  if (!pulled.ok()) {
    out.status = RunStatus::kError;
    out.error = pulled.WithContext(fmt::format("connector {}", name));
    f.error = out.error.message();
  } else if (out.status == RunStatus::kApplied || out.status == RunStatus::kDuplicate) {
    f.new_watermark = out.watermark_to;
  } else if (out.batch && (out.status == RunStatus::kRefused || out.status == RunStatus::kFailed)) {
    f.error = out.batch->message;
  }
  if (out.batch && out.batch->id > 0) f.batch_id = out.batch->id;
  f.status = std::string(RunStatusName(out.status));
  Result<bool> finished = store_.Finish(name, token, f);
  log::Write(out.status == RunStatus::kError ? log::Level::kWarn : log::Level::kInfo, "connector.run",
             {{"connector", name},
              {"mode", PullModeName(mode)},
              {"status", RunStatusName(out.status)},
              {"batch", out.batch ? out.batch->id : int64_t{0}},
              {"rows", out.batch ? out.batch->rows_read : int64_t{0}},
              {"watermark", out.watermark_to.value_or("")},
              {"error", f.error}});
  if (!finished.ok()) {
    // A committed batch stays; the next run repeats the range and is answered duplicate.
    log::Warn("connector.finish_failed", {{"connector", name}, {"error", finished.status().ToString()}});
  } else if (!*finished) {
    log::Warn("connector.claim_lost", {{"connector", name}, {"status", RunStatusName(out.status)}});
  }
  return out;
}

Status Scheduler::Pull(const Connector& c, const std::string& token, int64_t claimed_at, RunOutcome* out) {
  const PullMode mode = out->mode;
  ASSIGN_OR_RETURN(catalog::DatasetInfo dataset, catalog_->GetDataset(c.dataset_id));
  ASSIGN_OR_RETURN(std::unique_ptr<PgSource> source, PgSource::Open(c, options_.source));
  // What the source's read transaction sees is at most as new as this: the snapshot's as_of.
  const int64_t read_from = clock_->NowMicros();
  RETURN_IF_ERROR(source->Begin());
  ASSIGN_OR_RETURN(std::vector<std::string> columns, source->Columns(c.source_schema, c.source_table));
  if (std::vector<std::string> missing = MissingColumns(c, columns); !missing.empty()) {
    return FailedPreconditionError(fmt::format(
        "source table {} no longer has column(s) {}; remove the connector and add it again with a new mapping",
        c.QualifiedTable(), fmt::join(missing, ", ")));
  }
  if (mode == PullMode::kIncremental) out->watermark_from = c.last_watermark;
  if (!c.watermark_column.empty()) {
    ASSIGN_OR_RETURN(out->watermark_to, source->MaxValue(c.source_schema, c.source_table, c.watermark_column,
                                                         out->watermark_from));
  }
  if (mode == PullMode::kIncremental && !out->watermark_to) {
    out->status = RunStatus::kNoChanges;
    return OkStatus();
  }
  // Values are cut at the source just past the field limit: a 20 MB value (a rejected row anyway)
  // never reaches this node whole (a review measured 888 MB resident for 20 such rows).
  PullQuery query = BuildPullQuery(c, dataset.schema, mode, out->watermark_from, out->watermark_to,
                                   ingestor_->options().limits.max_field_bytes + 1);
  RETURN_IF_ERROR(source->OpenCursor(query.sql, query.params));

  ingest::BatchRequest request;
  request.dataset_id = c.dataset_id;
  request.mode = mode == PullMode::kSnapshot ? ingest::BatchMode::kSnapshot : ingest::BatchMode::kUpsert;
  // The raw text of a rejected row is a JSON object of its source columns (PullReader).
  request.format = ingest::Format::kNdjson;
  request.idempotency_key =
      mode == PullMode::kSnapshot
          ? fmt::format("connector:{}:snapshot:{}", c.name, token)
          : fmt::format("connector:{}:{}:{}..{}", c.name, c.created_at, out->watermark_from.value_or(""),
                        *out->watermark_to);
  request.key_binds_content = false;  // a range read again may hold other rows
  // A snapshot pull deletes no record NDC received after the source was read (pushed over HTTP
  // meanwhile, say): the source's transaction could not show it.
  if (mode == PullMode::kSnapshot) request.as_of = read_from;
  request.source = "connector:" + c.name;
  request.submitted_by = "connector:" + c.name;

  // Renew the claim between pages, at most every third of the lease (PostgreSQL hubs only).
  const int64_t lease = options_.lease_seconds * kMicros;
  int64_t renewed_at = claimed_at;
  auto renew = [&]() -> Status {
    if (hub_->backend() != store::Backend::kPostgres || clock_->NowMicros() - renewed_at < lease / 3) return OkStatus();
    ASSIGN_OR_RETURN(bool held, store_.Renew(c.name, token, lease));
    if (!held) {
      return AbortedError("the connector's claim expired and another run took it over; this pull is abandoned");
    }
    renewed_at = clock_->NowMicros();
    return OkStatus();
  };
  RETURN_IF_ERROR(renew());  // connecting and MAX may have taken a while
  PullReader reader(source.get(), &query, options_.page_rows, renew, ingestor_->options().limits);
  ASSIGN_OR_RETURN(ingest::BatchReport report, ingestor_->IngestRows(request, &reader));
  out->status = FromBatch(report.status);
  out->batch = std::move(report);
  return OkStatus();
}

}  // namespace ndc::connector
