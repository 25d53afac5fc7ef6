#include "ingest/ingestor.h"

#include <fmt/format.h>

#include "catalog/record_validator.h"
#include "ingest/internal/batch_table.h"
#include "ingest/internal/chunk_applier.h"
#include "ingest/internal/chunk_key_set.h"
#include "ingest/internal/reject_spool.h"
#include "ingest/internal/row_hash.h"
#include "ingest/internal/row_pipeline.h"
#include "ingest/internal/row_recycler.h"

namespace ndc::ingest {
namespace {

// How far this node's clock may be behind the dataset's last batch: further, the batch is refused
// rather than dated after it (one batch stamped years ahead would otherwise date every later one).
constexpr int64_t kMaxClockLag = int64_t{10} * 60 * 1000000;

// The operation of one row: its `_op` value, else the batch's mode.
std::optional<RowOp> ParseRowOp(std::string_view op, BatchMode mode) {
  if (mode == BatchMode::kDelete) return RowOp::kDelete;
  std::string lower;
  for (char c : op) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  if (lower.empty() || lower == "upsert" || lower == "insert" || lower == "update" || lower == "i" || lower == "u") {
    return RowOp::kUpsert;
  }
  if (lower == "delete" || lower == "d") return RowOp::kDelete;
  return std::nullopt;
}

// The schema reduced to the source key and source version: what a delete row must carry.
catalog::DatasetSchema KeySchema(const catalog::DatasetSchema& schema, std::vector<size_t>* indices) {
  catalog::DatasetSchema keys = schema;
  keys.fields.clear();
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    const auto& f = schema.fields[i];
    bool in_key = f.name == schema.source_version;
    for (const auto& k : schema.source_key) in_key = in_key || k == f.name;
    if (!in_key) continue;
    keys.fields.push_back(f);
    indices->push_back(i);
  }
  return keys;
}

std::string Percent(double share) { return fmt::format("{:.1f}%", share * 100); }

// One batch being applied: the state of Ingestor::Run.
class BatchRun {
 public:
  BatchRun(store::Database* db, Clock* clock, const IngestorOptions& options, const BatchRequest& request,
           const catalog::DatasetInfo& dataset, size_t hashed_fields, RowReader* rows, const ProgressFn& progress)
      : db_(db), clock_(clock), options_(options), request_(request), dataset_(dataset),
        hashed_fields_(hashed_fields), rows_(rows), progress_(progress) {
    for (size_t i = 0; i < dataset.schema.fields.size(); ++i) {
      if (dataset.schema.fields[i].type == catalog::FieldType::kDecimal) decimal_fields_.push_back(i);
    }
  }

  Result<BatchReport> Execute();

 private:
  // Scratch of one validating thread, reused per row.
  struct Scratch {
    std::vector<std::optional<std::string_view>> raw;
    catalog::ValidatedRecord validated;
    std::vector<catalog::FieldError> field_errors;
    RowRecycler::Rows spare;  // written rows' value vectors, taken from recycler_ to fill again
  };

  Status Prepare();
  // Reads and validates on other threads (row_pipeline.h) while this one applies, in input order.
  Status ReadAndApply(ChunkApplier& applier);
  // Validates one row into `work` (a validating thread; uses only `scratch` and const state).
  void HandleRow(Scratch& scratch, InputRow& row, ValidatedChunk* work) const;
  Status Consume(ValidatedChunk& work, std::vector<PendingRow>* chunk, ChunkKeySet* chunk_keys,
                 ChunkApplier& applier);
  static void Reject(const InputRow& row, std::vector<FieldProblem> errors, ValidatedChunk* work);
  // Validates only the row's source-key (and source-version) fields, into scratch.validated and
  // scratch.field_errors: a delete row, or the key of a rejected one.
  bool ValidateKeys(Scratch& scratch, const InputRow& row) const;
  // The key of a row that failed validation, when its key fields are readable (snapshot mode).
  std::optional<std::string> KeyOf(Scratch& scratch, const InputRow& row) const;
  bool IsKeyField(const std::string& name) const;
  // OK when `original` (the applied batch holding this request's key) has this batch's content
  // digest (report_.content_sha256, once read) and mode; else kAlreadyExists naming it.
  Status CheckKeyNamesThisContent(const BatchReport& original) const;
  // Stores a refused or failed batch (its own transaction) and returns the report.
  Result<BatchReport> RecordUnapplied(BatchStatus status, std::string message);
  // "" when every reject is stored, else says how many are (IngestorOptions::max_stored_rejects).
  std::string KeptNote() const {
    return report_.rejected > spool_->count()
               ? fmt::format(" (only the first {} rejects are kept)", spool_->count())
               : std::string();
  }
  void ReportProgress(bool done);

  store::Database* db_;
  Clock* clock_;
  const IngestorOptions& options_;
  const BatchRequest& request_;
  const catalog::DatasetInfo& dataset_;
  const size_t hashed_fields_;  // RowHash's: the first schema version's field count
  std::vector<size_t> decimal_fields_;  // RowHash's: positions of the decimal fields
  RowReader* rows_;
  const ProgressFn& progress_;

  std::unique_ptr<catalog::RecordValidator> validator_, key_validator_;
  std::vector<size_t> key_indices_;  // schema field index of each key-schema field
  int version_field_ = -1;           // schema index of the source_version field
  int version_in_keys_ = -1;         // its index in the key schema
  std::unique_ptr<RejectSpool> spool_;
  BatchReport report_;
  // Written rows' value vectors, back to the validating threads (HandleRow takes, the applier's
  // writer returns): about as many as a load has in flight.
  mutable RowRecycler recycler_{32768};
  std::vector<std::string> protected_keys_;  // snapshot: keys of rejected rows not yet marked seen
  static constexpr size_t kProtectedKeysHeld = 10000;
  int64_t unkeyed_rejects_ = 0;              // snapshot: rejected rows without a readable key
  size_t chunk_bytes_ = 0;                   // text held by the chunk being filled (Consume)
  int64_t accepted_upserts_ = 0;             // accepted rows that are not deletes
  int64_t bytes_consumed_ = 0, bytes_total_ = -1;
};

Status BatchRun::Prepare() {
  const auto& schema = dataset_.schema;
  if (request_.as_of) {
    if (request_.mode != BatchMode::kSnapshot) {
      return InvalidArgumentError(fmt::format(
          "as_of is the time a snapshot was taken; this is a{} {} batch: send it without as_of, or as a snapshot",
          request_.mode == BatchMode::kUpsert ? "n" : "", BatchModeName(request_.mode)));
    }
    if (*request_.as_of < kEarliestAsOfMicros) {
      return InvalidArgumentError(fmt::format(
          "as_of {} is before 2000: a time in seconds or milliseconds read as microseconds? Give it as RFC 3339 "
          "with its offset, e.g. 2026-12-03T08:00:00+07:00",
          FormatRfc3339(*request_.as_of)));
    }
    if (const int64_t now = clock_->NowMicros(); *request_.as_of > now + kAsOfLeewayMicros) {
      return InvalidArgumentError(fmt::format(
          "as_of {} is later than the hub's clock ({}): give the time the snapshot was taken, with its UTC offset "
          "(a local time written with Z is hours off, e.g. 2026-12-03T08:00:00+07:00)",
          FormatRfc3339(*request_.as_of), FormatRfc3339(now)));
    }
  }
  // The hub's clock decides "today" for personal IDs (a birth year after it is refused).
  ASSIGN_OR_RETURN(validator_, catalog::RecordValidator::Create(schema, {.clock = clock_}));
  ASSIGN_OR_RETURN(key_validator_,
                   catalog::RecordValidator::Create(KeySchema(schema, &key_indices_), {.clock = clock_}));
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    if (schema.fields[i].name == schema.source_version) version_field_ = static_cast<int>(i);
  }
  for (size_t j = 0; j < key_indices_.size(); ++j) {
    if (static_cast<int>(key_indices_[j]) == version_field_) version_in_keys_ = static_cast<int>(j);
  }
  ASSIGN_OR_RETURN(spool_, RejectSpool::Create());
  report_.dataset_id = schema.id;
  report_.schema_version = dataset_.version;
  report_.mode = request_.mode;
  report_.as_of = request_.as_of;
  report_.format = request_.format;
  report_.source = request_.source;
  report_.submitted_by = request_.submitted_by;
  report_.started_at = clock_->NowMicros();
  return OkStatus();
}

void BatchRun::Reject(const InputRow& row, std::vector<FieldProblem> errors, ValidatedChunk* work) {
  work->rejects.push_back(ingest::Reject{row.line, std::move(errors), row.raw});
}

bool BatchRun::ValidateKeys(Scratch& scratch, const InputRow& row) const {
  scratch.raw.clear();
  for (size_t i : key_indices_) {
    scratch.raw.push_back(row.values[i] ? std::optional<std::string_view>(*row.values[i]) : std::nullopt);
  }
  scratch.field_errors.clear();
  return key_validator_->Validate(scratch.raw, &scratch.validated, &scratch.field_errors);
}

bool BatchRun::IsKeyField(const std::string& name) const {
  for (size_t i : key_indices_) {
    if (dataset_.schema.fields[i].name == name) return true;
  }
  return false;
}

std::optional<std::string> BatchRun::KeyOf(Scratch& scratch, const InputRow& row) const {
  if (!row.error.empty() || row.values.size() != dataset_.schema.fields.size()) return std::nullopt;
  if (!ValidateKeys(scratch, row)) return std::nullopt;
  return scratch.validated.source_key;
}

void BatchRun::HandleRow(Scratch& scratch, InputRow& row, ValidatedChunk* work) const {
  ++work->rows_read;
  const bool snapshot = request_.mode == BatchMode::kSnapshot;
  auto protect = [&] {
    if (!snapshot) return;
    if (auto key = KeyOf(scratch, row)) work->protected_keys.push_back(*key); else ++work->unkeyed_rejects;
  };
  if (!row.error.empty()) {
    if (snapshot) {
      // A row the reader refused for one field (a value past the field limit) that is not part of
      // the key still names its record by its key fields: that record is kept by the snapshot,
      // as any rejected row with a readable key is, instead of refusing the whole batch.
      std::optional<std::string> key;
      if (row.key_values_read && !row.error_field.empty() && !IsKeyField(row.error_field) &&
          row.values.size() == dataset_.schema.fields.size() && ValidateKeys(scratch, row)) {
        key = scratch.validated.source_key;
      }
      if (key) work->protected_keys.push_back(*key); else ++work->unkeyed_rejects;
    }
    return Reject(row, {FieldProblem{row.error_field, row.error}}, work);
  }
  std::optional<RowOp> op = ParseRowOp(row.op, request_.mode);
  if (!op) {
    protect();
    return Reject(row,
                  {FieldProblem{std::string(kOpColumn),
                                fmt::format("unknown operation '{}' (expected upsert, insert, update, delete, I, U or D)",
                                            row.op.substr(0, 20))}},
                  work);
  }
  bool valid;
  catalog::ValidatedRecord& validated = scratch.validated;
  if (*op == RowOp::kDelete) {
    valid = ValidateKeys(scratch, row);
  } else {
    scratch.raw.clear();
    scratch.field_errors.clear();
    for (const auto& v : row.values) scratch.raw.push_back(v ? std::optional<std::string_view>(*v) : std::nullopt);
    if (validated.values.empty()) {  // the last one went with its row: fill a written row's again
      if (scratch.spare.empty()) recycler_.Take(256, &scratch.spare);
      if (!scratch.spare.empty()) {
        validated.values = std::move(scratch.spare.back());
        scratch.spare.pop_back();
      }
    }
    valid = validator_->Validate(scratch.raw, &validated, &scratch.field_errors);
  }
  if (!valid) {
    std::vector<FieldProblem> problems;
    for (auto& e : scratch.field_errors) problems.push_back(FieldProblem{std::move(e.field), std::move(e.message)});
    protect();
    return Reject(row, std::move(problems), work);
  }
  PendingRow p;
  p.line = row.line;
  p.op = *op;
  p.key = std::move(validated.source_key);  // Validate clears it for the next row
  // The source version, where the validated values hold it (the key schema for a delete row).
  const int version_index = *op == RowOp::kDelete ? version_in_keys_ : version_field_;
  if (version_index >= 0) {
    const store::Value& v = validated.values[static_cast<size_t>(version_index)];
    if (!store::IsNull(v)) p.source_version = store::ValueText(v);
  }
  p.bytes = p.key.size();
  if (*op == RowOp::kUpsert) {
    bool respelled = false;
    p.hash = RowHash(validated.values, hashed_fields_, decimal_fields_, &respelled);
    if (respelled) p.hash_as_written = RowHash(validated.values, hashed_fields_);
    p.values = std::move(validated.values);
    for (const auto& v : row.values) p.bytes += v ? v->size() : 0;
  }
  work->rows.push_back(std::move(p));
}

Status BatchRun::Consume(ValidatedChunk& work, std::vector<PendingRow>* chunk, ChunkKeySet* chunk_keys,
                         ChunkApplier& applier) {
  report_.rows_read += work.rows_read;
  report_.rejected += static_cast<int64_t>(work.rejects.size());
  report_.accepted += static_cast<int64_t>(work.rows.size());
  unkeyed_rejects_ += work.unkeyed_rejects;
  bytes_consumed_ = work.bytes_consumed;
  bytes_total_ = work.bytes_total;
  for (auto& k : work.protected_keys) protected_keys_.push_back(std::move(k));
  if (protected_keys_.size() >= kProtectedKeysHeld) {
    // Into the store as they come: a snapshot with millions of rejects must not hold their keys.
    RETURN_IF_ERROR(applier.MarkSeen(protected_keys_));
    protected_keys_.clear();
  }
  for (const auto& r : work.rejects) {
    if (spool_->count() >= options_.max_stored_rejects) break;
    RETURN_IF_ERROR(spool_->Add(r));
  }
  for (PendingRow& p : work.rows) {
    accepted_upserts_ += p.op == RowOp::kUpsert;
    if (!chunk_keys->Insert(p.key)) {
      // The same record twice in a chunk: apply what came before, so the later row sees it.
      RETURN_IF_ERROR(applier.Apply(chunk));
      chunk_keys->Clear();
      chunk_keys->Insert(p.key);
      chunk_bytes_ = 0;
    }
    chunk_bytes_ += p.bytes;
    chunk->push_back(std::move(p));
    // Full by rows, or by bytes (wide rows: row_pipeline.h, kMaxChunkBytes).
    if (chunk->size() >= options_.chunk_rows || chunk_bytes_ >= kMaxChunkBytes) {
      RETURN_IF_ERROR(applier.Apply(chunk));
      chunk_keys->Clear();
      chunk_bytes_ = 0;
    }
  }
  return OkStatus();
}

void BatchRun::ReportProgress(bool done) {
  if (!progress_) return;
  progress_(Progress{report_.rows_read, report_.rejected, bytes_consumed_, bytes_total_, done});
}

Status BatchRun::ReadAndApply(ChunkApplier& applier) {
  const size_t workers = RowPipeline::WorkerCount(options_.validate_threads);
  std::vector<Scratch> scratch(workers);
  RowPipeline pipeline(rows_, options_.chunk_rows, workers, [&](size_t w, InputRow& row, ValidatedChunk* out) {
    HandleRow(scratch[w], row, out);
  });
  std::vector<PendingRow> chunk;
  chunk.reserve(options_.chunk_rows);
  ChunkKeySet chunk_keys(options_.chunk_rows);
  Status status;
  int64_t next_progress = options_.progress_every_rows;
  for (;;) {
    ValidatedChunk work = pipeline.Next();
    status = work.status;
    if (status.ok()) status = Consume(work, &chunk, &chunk_keys, applier);
    if (!status.ok() || work.last) break;
    if (options_.progress_every_rows > 0 && report_.rows_read >= next_progress) {
      ReportProgress(false);
      next_progress = report_.rows_read + options_.progress_every_rows;
    }
  }
  if (!status.ok()) pipeline.Stop();  // the threads stop at their next chunk
  RETURN_IF_ERROR(status);
  RETURN_IF_ERROR(applier.Apply(&chunk));
  ReportProgress(true);
  return OkStatus();
}

Result<BatchReport> BatchRun::RecordUnapplied(BatchStatus status, std::string message) {
  report_.status = status;
  report_.message = std::move(message) + KeptNote();
  report_.inserted = report_.updated = report_.unchanged = report_.deleted = report_.stale = 0;
  report_.first_seq.reset();
  report_.last_seq.reset();
  report_.finished_at = clock_->NowMicros();
  if (report_.idempotency_key.empty()) report_.idempotency_key = request_.idempotency_key;
  ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx, db_->Begin());
  ASSIGN_OR_RETURN(report_.id, InsertBatch(*tx, report_));
  RETURN_IF_ERROR(WriteRejects(*tx, report_.id, *spool_));
  RETURN_IF_ERROR(tx->Commit());
  return report_;
}

Status BatchRun::CheckKeyNamesThisContent(const BatchReport& original) const {
  if (original.content_sha256 == report_.content_sha256 && original.mode == request_.mode) return OkStatus();
  return AlreadyExistsError(fmt::format(
      "idempotency key '{}' already names batch {} ({} of content sha256:{}), applied; this {} of content "
      "sha256:{} is another batch and was not applied: send it with a new key",
      request_.idempotency_key, original.id, BatchModeName(original.mode), original.content_sha256,
      BatchModeName(request_.mode), report_.content_sha256));
}

Result<BatchReport> BatchRun::Execute() {
  RETURN_IF_ERROR(Prepare());
  if (!request_.idempotency_key.empty()) {
    ASSIGN_OR_RETURN(std::optional<BatchReport> original,
                     FindAppliedBatch(*db_, dataset_.schema.id, request_.idempotency_key));
    if (original && request_.key_binds_content) {
      // A client's key names one content: the rest is read for its digest alone — not
      // validated, no dataset turn taken — and decides between the duplicate and a refusal.
      ingest::InputRow row;
      for (;;) {
        ASSIGN_OR_RETURN(bool more, rows_->Next(&row));
        if (!more) break;
      }
      report_.content_sha256 = rows_->content_sha256();
      RETURN_IF_ERROR(CheckKeyNamesThisContent(*original));
    }
    if (original) {  // without reading further where the key alone names the batch (the connector's)
      original->status = BatchStatus::kDuplicate;
      return *original;
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx, db_->Begin());
  // Lock the dataset's ingest_state row: batches on one dataset apply one at a time. The batch's
  // time (every version it writes) is taken in its turn and is later than the previous batch's
  // even when this clock is behind (another node's, a step back, a batch that prepared first but
  // waited): a record's history never runs backwards.
  // (The INSERT waits too when another transaction holds the row: ON CONFLICT must know whether
  // the row stays.)
  Status made = tx->Exec("INSERT INTO ingest_state (dataset_id, last_seq, updated_at) VALUES ($1, 0, 0) "
                         "ON CONFLICT (dataset_id) DO NOTHING",
                         std::vector<store::Value>{dataset_.schema.id})
                    .status();
  Result<store::Row> turn =
      made.ok() ? tx->QueryOne("UPDATE ingest_state SET updated_at = updated_at WHERE dataset_id = $1 "
                               "RETURNING last_seq, updated_at",
                               std::vector<store::Value>{dataset_.schema.id})
                : Result<store::Row>(made);
  if (turn.status().code() == StatusCode::kDeadlineExceeded) {
    // PostgreSQL: another transaction (a batch on this node or another) held the dataset's turn
    // for the whole statement timeout. Nothing was applied; the sender can act on this, where
    // "took too long" said nothing (review of 2026-12-01). SQLite waits at Begin instead.
    return AbortedError(fmt::format(
        "dataset '{}' is busy: another batch of it (from this node, another node or `ndc ingest`) held its turn "
        "for the whole statement timeout, so this batch applied nothing; send it again once that batch is done "
        "(with the same idempotency key it is applied once)",
        dataset_.schema.id));
  }
  ASSIGN_OR_RETURN(store::Row state, std::move(turn));
  // In the turn: the clock is read once the row is held.
  const int64_t clock_now = clock_->NowMicros();
  const int64_t previous = state.Int(1);
  if (previous - clock_now > kMaxClockLag) {
    // Following it would date every later version of the dataset there, silently; refused.
    tx.reset();
    return RecordUnapplied(
        BatchStatus::kRefused,
        fmt::format("refused: the dataset's last batch is dated {}, {} s ahead of this node's clock ({}); a batch "
                    "must come after it, so nothing was applied. Fix this node's clock. If that batch was dated by "
                    "a wrong clock, the versions it wrote carry that date too (docs/design/ingest.md, \"History\")",
                    FormatRfc3339(previous), (previous - clock_now) / 1000000, FormatRfc3339(clock_now)));
  }
  if (tx->backend() == store::Backend::kPostgres) {
    // Several nodes share the database: a node whose clock runs ahead of the server's is refused
    // before it dates a batch there (and every later batch after it).
    ASSIGN_OR_RETURN(store::Row server,
                     tx->QueryOne("SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)"));
    if (clock_now - server.Int(0) > kMaxClockLag) {
      tx.reset();
      return RecordUnapplied(
          BatchStatus::kRefused,
          fmt::format("refused: this node's clock ({}) is {} s ahead of the database server's ({}); nothing was "
                      "applied. Fix this node's clock",
                      FormatRfc3339(clock_now), (clock_now - server.Int(0)) / 1000000, FormatRfc3339(server.Int(0))));
    }
  }
  const int64_t batch_time = std::max(clock_now, previous + 1);
  RETURN_IF_ERROR(tx->Exec("UPDATE ingest_state SET updated_at = $2 WHERE dataset_id = $1",
                           std::vector<store::Value>{dataset_.schema.id, batch_time})
                      .status());
  report_.status = BatchStatus::kFailed;  // until it is applied
  report_.message = "in progress";
  ASSIGN_OR_RETURN(report_.id, InsertBatch(*tx, report_));
  const int64_t now = batch_time;
  ChunkApplier applier(tx.get(), dataset_.schema, report_.id, now, state.Int(0),
                       request_.mode == BatchMode::kSnapshot, options_.first_load_path, &recycler_);
  applier.set_as_of(request_.as_of);
  RETURN_IF_ERROR(applier.Begin());
  Status applied = ReadAndApply(applier);
  Status written = applier.Sync();  // the applier's last write: done before `tx` is used or dropped
  if (applied.ok()) applied = written;
  if (!applied.ok()) {
    tx.reset();  // rolls back
    if (applied.code() == StatusCode::kInvalidArgument || applied.code() == StatusCode::kNotFound ||
        applied.code() == StatusCode::kPermissionDenied || applied.code() == StatusCode::kDataLoss) {
      // The input could not be read to its end: keep the failure on record.
      RecordUnapplied(BatchStatus::kFailed, fmt::format("failed after {} rows: {}", report_.rows_read,
                                                        applied.message()))
          .status()
          .IgnoreError();
    }
    return applied;
  }
  report_.content_sha256 = rows_->content_sha256();
  // The default key is the content's digest, and the mode's name beside it for a snapshot or a
  // delete batch: the same bytes sent in another mode are another batch (an upsert's file sent
  // again as a snapshot must delete the absent records, not be answered "duplicate"). Upserts
  // keep the bare digest, so keys stored before the mode was added still match.
  // A snapshot's as_of is part of it too: the same file resent with a corrected time (or none) is
  // another batch, not the first one's duplicate.
  report_.idempotency_key = !request_.idempotency_key.empty() ? request_.idempotency_key
                            : request_.mode == BatchMode::kUpsert
                                ? report_.content_sha256
                                : report_.content_sha256 + ":" + std::string(BatchModeName(request_.mode)) +
                                      (request_.as_of ? fmt::format(":as_of={}", *request_.as_of) : std::string());
  // A batch applied before is a duplicate whatever this request's limits say: checked before the
  // refusals (a resend with a stricter reject limit was refused, and stored as a refused batch).
  ASSIGN_OR_RETURN(std::optional<BatchReport> original,
                   FindAppliedBatch(*tx, dataset_.schema.id, report_.idempotency_key));
  if (!original && request_.idempotency_key.empty() && request_.mode != BatchMode::kUpsert && !request_.as_of) {
    // A snapshot or delete batch applied before the key held the mode has the bare digest.
    ASSIGN_OR_RETURN(original, FindAppliedBatch(*tx, dataset_.schema.id, report_.content_sha256));
    if (original && original->mode != request_.mode) original.reset();
  }
  if (original && !request_.idempotency_key.empty() && request_.key_binds_content) {
    // Applied since this batch began (another node, the same key): the content decides here too.
    if (Status same = CheckKeyNamesThisContent(*original); !same.ok()) {
      tx.reset();  // nothing is stored: the key stays the original's
      return same;
    }
  }
  if (original) {
    tx.reset();  // the same batch was applied before: change nothing
    original->status = BatchStatus::kDuplicate;
    return *original;
  }

  const double limit = request_.max_reject_share.value_or(options_.max_reject_share);
  const double share = report_.rows_read == 0 ? 0.0 : double(report_.rejected) / double(report_.rows_read);
  if (share > limit) {
    tx.reset();
    return RecordUnapplied(
        BatchStatus::kRefused,
        fmt::format("refused: {} of {} rows ({}) were rejected, above the limit of {}; nothing was applied. Fix "
                    "the rejected rows (see the batch's rejects) and send the batch again",
                    report_.rejected, report_.rows_read, Percent(share), Percent(limit)));
  }
  if (request_.mode == BatchMode::kSnapshot) {
    if (unkeyed_rejects_ > 0) {
      tx.reset();
      return RecordUnapplied(
          BatchStatus::kRefused,
          fmt::format("refused: {} rejected rows of this snapshot have no readable source key — the row could not "
                      "be read whole (a value past a size limit, a malformed line), or its key fields are invalid — "
                      "so NDC cannot tell which records they are and will not delete records absent from the "
                      "snapshot; nothing was applied. The batch's rejects give each line and reason: fix those rows "
                      "and send the snapshot again",
                      unkeyed_rejects_));
    }
    if (accepted_upserts_ == 0) {  // nothing to keep: delete rows alone do not make a snapshot
      // Whether any record is live: the first one found ends the search (a count would read
      // every record of a large dataset for an error message).
      ASSIGN_OR_RETURN(store::ResultSet live,
                       tx->Query(fmt::format("SELECT 1 FROM {} WHERE NOT _deleted LIMIT 1",
                                             store::QuoteIdentifier(dataset_.record_table))));
      if (!live.rows.empty()) {
        tx.reset();
        return RecordUnapplied(BatchStatus::kRefused,
                               "refused: an empty snapshot would delete every record of the dataset; "
                               "send a delete batch if that is what is meant");
      }
    }
    RETURN_IF_ERROR(applier.MarkSeen(protected_keys_));
    RETURN_IF_ERROR(applier.DeleteAbsent());
  }
  RETURN_IF_ERROR(applier.End());
  const ApplyCounts& c = applier.counts();
  report_.inserted = c.inserted;
  report_.updated = c.updated;
  report_.unchanged = c.unchanged;
  report_.deleted = c.deleted;
  report_.stale = c.stale;
  report_.kept_as_newer = c.kept_as_newer;
  if (applier.last_seq() >= applier.first_seq()) {
    report_.first_seq = applier.first_seq();
    report_.last_seq = applier.last_seq();
  }
  report_.status = BatchStatus::kApplied;
  report_.message = fmt::format(
      "applied: {} rows read, {} accepted ({} inserted, {} updated, {} unchanged, {} deleted, {} stale), {} rejected",
      report_.rows_read, report_.accepted, c.inserted, c.updated, c.unchanged, c.deleted, c.stale, report_.rejected);
  report_.message += KeptNote();
  if (c.kept_as_newer > 0) {
    report_.message += fmt::format(
        "; {} live record{} the snapshot does not name {} kept: NDC received {} after its as_of time ({})",
        c.kept_as_newer, c.kept_as_newer == 1 ? "" : "s", c.kept_as_newer == 1 ? "was" : "were",
        c.kept_as_newer == 1 ? "it" : "them", FormatRfc3339(*request_.as_of));
  }
  report_.finished_at = clock_->NowMicros();
  RETURN_IF_ERROR(WriteRejects(*tx, report_.id, *spool_));
  RETURN_IF_ERROR(UpdateBatch(*tx, report_));
  RETURN_IF_ERROR(tx->Exec("UPDATE ingest_state SET last_seq = $2 WHERE dataset_id = $1",
                           std::vector<store::Value>{dataset_.schema.id, applier.last_seq()})
                      .status());
  RETURN_IF_ERROR(tx->Commit());
  return report_;
}

}  // namespace

Ingestor::Ingestor(store::Database* db, catalog::Catalog* catalog, Clock* clock, IngestorOptions options)
    : db_(db), catalog_(catalog), clock_(clock), options_(std::move(options)) {}

Result<BatchReport> Ingestor::Ingest(const BatchRequest& request, std::unique_ptr<ByteSource> input,
                                     const ProgressFn& progress) {
  ASSIGN_OR_RETURN(catalog::DatasetInfo dataset, catalog_->GetDataset(request.dataset_id));
  ReaderOptions ro;
  ro.limits = options_.limits;
  ro.keys_only = request.mode == BatchMode::kDelete;
  ASSIGN_OR_RETURN(std::unique_ptr<RowReader> rows,
                   OpenRowReader(request.format, std::move(input), dataset.schema, ro));
  return Run(request, dataset, rows.get(), progress);
}

Result<BatchReport> Ingestor::IngestRows(const BatchRequest& request, RowReader* rows, const ProgressFn& progress) {
  ASSIGN_OR_RETURN(catalog::DatasetInfo dataset, catalog_->GetDataset(request.dataset_id));
  return Run(request, dataset, rows, progress);
}

Result<BatchReport> Ingestor::Run(const BatchRequest& request, const catalog::DatasetInfo& dataset, RowReader* rows,
                                  const ProgressFn& progress) {
  // Record hashes cover the first schema version's fields, and later ones only with a value
  // (RowHash): a schema only appends fields (catalog::IncompatibleChanges).
  size_t hashed_fields = dataset.schema.fields.size();
  if (dataset.version > 1) {
    ASSIGN_OR_RETURN(catalog::DatasetInfo first, catalog_->GetDataset(dataset.schema.id, 1));
    hashed_fields = first.schema.fields.size();
  }
  BatchRun run(db_, clock_, options_, request, dataset, hashed_fields, rows, progress);
  return run.Execute();
}

}  // namespace ndc::ingest
