#include "ingest/internal/chunk_applier.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "catalog/catalog.h"
#include "common/thread_name.h"
#include "ingest/internal/key_index.h"

namespace ndc::ingest {

struct ChunkApplier::Existing {
  int64_t version = 0;
  std::optional<std::string> source_version;
  std::optional<int64_t> hash;
  bool deleted = false;
  std::optional<std::string> person_key;
  int64_t updated_at = 0;  // when its current version (or tombstone) was written
  int64_t batch_id = 0;    // by which batch (0: none recorded)
};

namespace {

const std::vector<std::string> kSeenColumns = {"k"};

// "$1, $2, ..., $n" starting at `first`.
std::string Placeholders(size_t n, size_t first = 1) {
  std::string out;
  out.reserve(n * 6);
  for (size_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    out += '$';
    out += std::to_string(first + i);
  }
  return out;
}

const char* OpName(bool deleted, bool existed_before) {
  return deleted ? "delete" : existed_before ? "update" : "insert";
}

}  // namespace

ChunkApplier::ChunkApplier(store::Transaction* tx, const catalog::DatasetSchema& schema, int64_t batch_id,
                           int64_t now, int64_t last_seq, bool track_seen, bool first_load_path,
                           RowRecycler* recycler)
    : tx_(tx),
      recycler_(recycler),
      schema_(schema),
      batch_id_(batch_id),
      now_(now),
      first_seq_(last_seq + 1),
      seq_(last_seq),
      track_seen_(track_seen),
      first_load_path_(first_load_path),
      record_table_(catalog::RecordTableName(schema.id)),
      history_table_(catalog::HistoryTableName(schema.id)),
      seen_table_(fmt::format("ingest_seen_{}", batch_id)) {
  record_columns_ = {"_key", "_person_key", "_version", "_seq", "_op", "_source_version",
                     "_batch_id", "_deleted", "_updated_at", "_hash"};
  for (const auto& f : schema.fields) {
    record_columns_.push_back(f.name);
    field_list_ += (field_list_.empty() ? "" : ", ") + store::QuoteIdentifier(f.name);
  }
  if (const catalog::FieldSpec* v = schema.Field(schema.source_version)) {
    version_type_ = v->type;
    has_source_version_ = true;
  }
  // A new record leaves _person_key, _op and _deleted to the table's defaults (NULL, 'insert',
  // false), and _source_version too when the dataset has none (NULL): fewer values to move, bind
  // or encode and parse per row of a first load. (The batch's constants as column defaults for
  // the load, three columns fewer still, took the server more CPU, not less: ingest_bench
  // --bound, docs/benchmarks.md, 2026-11-29 19:05.)
  insert_columns_ = {"_key", "_seq", "_hash", "_version", "_batch_id", "_updated_at"};
  if (has_source_version_) insert_columns_.push_back("_source_version");
  for (const auto& f : schema.fields) insert_columns_.push_back(f.name);
  insert_head_ = insert_columns_.size() - schema.fields.size();
  new_records_.head = insert_head_;
  new_versions_.head = record_columns_.size() - schema.fields.size();
  // PostgreSQL: new records go to the writer once 4,096 rows or more are held (whole chunks),
  // and it streams them into an open COPY: the server stores a block while the next ones are
  // decided, and a larger block would only make it wait longer for the first. SQLite inserts
  // row by row anyway: each chunk's rows go to the writer as they are decided.
  if (tx_->backend() == store::Backend::kPostgres) defer_rows_ = 4096;
}

Status ChunkApplier::Begin() {
  ASSIGN_OR_RETURN(store::ResultSet any,
                   tx_->Query(fmt::format("SELECT _key FROM {} LIMIT 1", store::QuoteIdentifier(record_table_))));
  empty_at_start_ = any.rows.empty();
  fresh_ = first_load_path_ && empty_at_start_;
  if (fresh_) {
    filter_ = std::make_unique<KeyFilter>();
    // First load: no key index until a key may repeat (docs/design/ingest.md, "First load").
    ASSIGN_OR_RETURN(dropped_key_index_, DropKeyIndex(*tx_, record_table_));
  }
  if (tx_->backend() == store::Backend::kPostgres) {
    // The per-chunk key lookups must probe the key index: a table growing inside this very
    // transaction has no statistics yet, and a sequential scan per chunk would make a load
    // quadratic. Scoped to the batch's transaction.
    RETURN_IF_ERROR(tx_->ExecScript("SET LOCAL enable_seqscan = off"));
  }
  if (!track_seen_) return OkStatus();
  // Not unique: a key may come twice in a snapshot (in two chunks, or once accepted and once
  // rejected); a duplicate here is harmless, and plain appends keep BulkInsert usable.
  RETURN_IF_ERROR(tx_->ExecScript(fmt::format("CREATE TEMP TABLE {} (k TEXT)", seen_table_)));
  return tx_->ExecScript(fmt::format("CREATE INDEX {0}_k ON {0} (k)", seen_table_));
}

Status ChunkApplier::RestoreKeyIndex() {
  if (!dropped_key_index_) return OkStatus();
  const DroppedKeyIndex dropped = *std::exchange(dropped_key_index_, std::nullopt);
  return RebuildKeyIndex(*tx_, dropped);
}

ChunkApplier::~ChunkApplier() {
  if (!writer_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;  // an aborted batch: what is queued is dropped, an open insert abandoned
  }
  cv_.notify_all();
  writer_.join();  // the transaction must outlive the writer's use of it
}

Status ChunkApplier::Sync() {
  std::unique_lock lock(mu_);
  if (!writer_.joinable()) return write_status_;
  const uint64_t ticket = ++syncs_asked_;
  cv_.notify_all();
  cv_.wait(lock, [&] { return syncs_done_ >= ticket; });
  return write_status_;
}

Status ChunkApplier::Hand(Rows& rows, bool versions) {
  if (rows.empty()) return OkStatus();
  std::unique_lock lock(mu_);
  if (!writer_.joinable()) writer_ = std::thread([this] {
    SetThreadName("ndc-ingest-load");
    WriterLoop();
  });
  cv_.wait(lock, [&] { return queue_.size() < kMaxQueued || !write_status_.ok(); });
  if (!write_status_.ok()) return write_status_;
  const size_t head = rows.head;
  queue_.push_back(Block{std::move(rows), versions});
  if (!spare_.empty()) {
    rows = std::move(spare_.back());
    spare_.pop_back();
  } else {
    rows = Rows();
  }
  rows.head = head;
  lock.unlock();
  cv_.notify_all();
  return OkStatus();
}

void ChunkApplier::WriterLoop() {
  std::unique_ptr<store::BulkInserter> open;
  bool open_versions = false;
  // Ends the open insert; its status.
  auto finish = [&]() -> Status {
    if (!open) return OkStatus();
    Status s = open->Finish().status();
    open.reset();
    return s;
  };
  // A COPY is one statement: the server's statement_timeout counts all its time, the waits for
  // the next rows included. So an insert ends once it has been open kMaxOpen, or when no block
  // came for kIdle (a slow upload, a validator waiting for input); the next block opens another.
  constexpr auto kMaxOpen = std::chrono::seconds(5);
  constexpr auto kIdle = std::chrono::milliseconds(100);
  std::chrono::steady_clock::time_point opened;
  std::unique_lock lock(mu_);
  for (;;) {
    auto ready = [&] { return stop_ || !queue_.empty() || syncs_done_ < syncs_asked_; };
    if (open) {
      if (!cv_.wait_for(lock, kIdle, ready)) {
        lock.unlock();
        Status s = finish();
        lock.lock();
        if (!s.ok() && write_status_.ok()) write_status_ = s;
        continue;
      }
    } else {
      cv_.wait(lock, ready);
    }
    if (stop_) return;  // `open`, if any, is abandoned: the batch is being rolled back
    if (!queue_.empty()) {
      Block block = std::move(queue_.front());
      queue_.pop_front();
      const bool failed = !write_status_.ok();
      lock.unlock();
      cv_.notify_all();  // room in the queue
      Status s;
      if (!failed) {
        const bool stale = open && std::chrono::steady_clock::now() - opened >= kMaxOpen;
        if (open && (open_versions != block.versions || stale)) s = finish();
        if (s.ok() && !open) {
          auto inserter = tx_->BeginBulkInsert(record_table_, block.versions ? record_columns_ : insert_columns_);
          if (inserter.ok()) {
            open = std::move(*inserter);
            open_versions = block.versions;
            opened = std::chrono::steady_clock::now();
          } else {
            s = inserter.status();
          }
        }
        if (s.ok()) s = open->Write(block.rows.rows());
        if (!s.ok()) open.reset();
      }
      // The written rows' value vectors go back to the validating threads, the rest is kept.
      if (recycler_ != nullptr) recycler_->Return(&block.rows.tails);
      block.rows.clear();
      lock.lock();
      if (!s.ok() && write_status_.ok()) write_status_ = s;
      spare_.push_back(std::move(block.rows));
      continue;
    }
    // Everything handed over is written: a Sync() waits for the insert to end.
    lock.unlock();
    Status s = finish();
    lock.lock();
    if (!s.ok() && write_status_.ok()) write_status_ = s;
    syncs_done_ = syncs_asked_;
    cv_.notify_all();
  }
}

Status ChunkApplier::FlushNewRecords() {
  deferred_bytes_ = 0;
  RETURN_IF_ERROR(Hand(new_records_, /*versions=*/false));
  return Hand(new_versions_, /*versions=*/true);
}

Status ChunkApplier::FlushAndSync() {
  RETURN_IF_ERROR(FlushNewRecords());
  return Sync();
}

Status ChunkApplier::End() {
  RETURN_IF_ERROR(FlushAndSync());
  RETURN_IF_ERROR(RestoreKeyIndex());
  if (!track_seen_) return OkStatus();
  return tx_->ExecScript(fmt::format("DROP TABLE {}", seen_table_));
}

bool ChunkApplier::IsOlder(const std::string& incoming, const std::string& stored) const {
  switch (version_type_) {
    case catalog::FieldType::kInteger: {
      int64_t a = 0, b = 0;
      std::from_chars(incoming.data(), incoming.data() + incoming.size(), a);
      std::from_chars(stored.data(), stored.data() + stored.size(), b);
      return a < b;
    }
    case catalog::FieldType::kDecimal:
      return std::strtold(incoming.c_str(), nullptr) < std::strtold(stored.c_str(), nullptr);
    default:  // dates are ISO text; strings compare bytewise
      return incoming < stored;
  }
}

Status ChunkApplier::MarkSeen(const std::vector<std::string>& keys) {
  if (!track_seen_ || keys.empty()) return OkStatus();
  RETURN_IF_ERROR(FlushAndSync());
  // In bounded statements: each one is timed.
  constexpr size_t kPiece = 10000;
  for (size_t at = 0; at < keys.size(); at += kPiece) {
    std::vector<store::Value> values(keys.begin() + static_cast<ptrdiff_t>(at),
                                     keys.begin() + static_cast<ptrdiff_t>(std::min(keys.size(), at + kPiece)));
    RETURN_IF_ERROR(tx_->BulkInsert(seen_table_, kSeenColumns, values).status());
  }
  return OkStatus();
}

Status ChunkApplier::Apply(std::vector<PendingRow>* rows) {
  if (rows->empty()) return OkStatus();
  // 1. The current version of every key in the chunk.
  std::vector<store::Value> keys;
  keys.reserve(rows->size());
  if (fresh_) {
    // The filter is far larger than the caches: start every block's load first, so the misses
    // overlap instead of stalling one row at a time.
    for (const auto& r : *rows) filter_->Prefetch(r.key);
  }
  for (const auto& r : *rows) {
    if (!fresh_) {
      keys.emplace_back(r.key);
      continue;
    }
    if (filter_->TestAndAdd(r.key)) keys.emplace_back(r.key);
  }
  store::ResultSet found;
  if (!keys.empty()) {
    // A key may repeat (or the filter erred): the lookup must see every row written so far and
    // needs the index, so deferred rows are written and the unindexed phase of a first load ends.
    RETURN_IF_ERROR(FlushAndSync());
    RETURN_IF_ERROR(RestoreKeyIndex());
    ASSIGN_OR_RETURN(found, tx_->Query(fmt::format("SELECT _key, _version, _source_version, _hash, _deleted, "
                                                   "_person_key, _updated_at, _batch_id FROM {} WHERE _key IN ({})",
                                                   store::QuoteIdentifier(record_table_), Placeholders(keys.size())),
                                       keys));
  }
  std::unordered_map<std::string, Existing> existing;
  existing.reserve(found.rows.size());
  for (const auto& row : found.rows) {
    existing.emplace(row.Str(0), Existing{row.Int(1), row.OptStr(2), row.OptInt(3), row.Int(4) != 0, row.OptStr(5),
                                          row.Int(6), row.OptInt(7).value_or(0)});
  }

  // 2. Decide each row.
  // Rows for the writer (new and replaced versions), after those held from earlier chunks.
  std::vector<store::Value>& new_records = new_records_.heads;    // new records, insert_columns_
  std::vector<store::Value>& new_versions = new_versions_.heads;  // later versions, record_columns_
  std::vector<store::Value> superseded;      // keys whose current version moves to history
  std::vector<std::pair<std::string, const PendingRow*>> tombstones;  // key -> row
  std::vector<int64_t> tombstone_versions, tombstone_seqs;
  // Tombstones a newer delete row names: the record stays deleted, but its tombstone takes the
  // newer source version, so an upsert older than that delete arriving late is stale.
  std::vector<std::pair<std::string, std::string>> raised;  // key, source version
  std::vector<store::Value> seen;
  const size_t needed = new_records.size() + rows->size() * insert_head_;
  if (new_records.capacity() < needed) new_records.reserve(2 * needed);
  if (new_records_.tails.capacity() < new_records_.tails.size() + rows->size()) {
    new_records_.tails.reserve(2 * (new_records_.tails.size() + rows->size()));
  }
  for (PendingRow& r : *rows) {
    if (track_seen_) seen.emplace_back(r.key);
    auto it = existing.find(r.key);
    const Existing* ex = it == existing.end() ? nullptr : &it->second;
    // Against a tombstone too (which keeps the version it deleted): an older version is stale; the
    // same version brings the record back — a snapshot that names again a record it left out, or a
    // re-creation on the same day with a date version, cannot be told from a late copy.
    // With a snapshot's as_of, what another batch wrote after it is newer than the row, whatever
    // the source versions say (or when there are none): the snapshot cannot have seen it.
    const bool stale = ex != nullptr && ((r.source_version && ex->source_version &&
                                          IsOlder(*r.source_version, *ex->source_version)) ||
                                         (as_of_ && ex->updated_at > *as_of_ && ex->batch_id != batch_id_));
    if (r.op == RowOp::kDelete) {
      if (ex == nullptr || ex->deleted) {
        if (ex != nullptr && r.source_version && !stale &&
            (!ex->source_version || IsOlder(*ex->source_version, *r.source_version))) {
          raised.emplace_back(r.key, *r.source_version);
        }
        ++counts_.unchanged;
      } else if (stale) {
        ++counts_.stale;
      } else {
        superseded.emplace_back(r.key);
        tombstones.emplace_back(r.key, &r);
        tombstone_versions.push_back(ex->version + 1);
        tombstone_seqs.push_back(++seq_);
        ++counts_.deleted;
      }
      continue;
    }
    if (ex != nullptr && stale) {
      ++counts_.stale;
      continue;
    }
    if (ex != nullptr && !ex->deleted && ex->hash && (*ex->hash == r.hash || ex->hash == r.hash_as_written)) {
      ++counts_.unchanged;
      continue;
    }
    const bool live_before = ex != nullptr && !ex->deleted;
    // emplace_back, not insert({...}): an initializer list would copy every value. The row's
    // key and source version are not needed after this (superseded/seen took their copies);
    // its field values are written from its own vector (BulkRows), not moved one by one.
    // A row without a source version keeps the stored one, as a delete row does (below): a late
    // file carrying an older version is then still stale (review of 2026-12-03: the versionless
    // update wiped it, and the older row that followed won).
    store::Value source_version = r.source_version                     ? store::Value(std::move(*r.source_version))
                                  : ex != nullptr && ex->source_version ? store::Value(*ex->source_version)
                                                                        : store::Value();
    if (ex == nullptr) {
      // In the order of insert_columns_ (the constructor).
      new_records.emplace_back(std::move(r.key));
      new_records.emplace_back(++seq_);
      new_records.emplace_back(r.hash);
      new_records.emplace_back(int64_t{1});
      new_records.emplace_back(batch_id_);
      new_records.emplace_back(now_);
      if (has_source_version_) new_records.emplace_back(std::move(source_version));
      new_records_.tails.push_back(std::move(r.values));
      deferred_bytes_ += r.bytes;
      ++counts_.inserted;
      continue;
    }
    superseded.emplace_back(r.key);
    new_versions.emplace_back(std::move(r.key));
    new_versions.emplace_back(ex->person_key ? store::Value(*ex->person_key) : store::Value());
    new_versions.emplace_back(ex->version + 1);
    new_versions.emplace_back(++seq_);
    new_versions.emplace_back(std::string(OpName(false, live_before)));
    new_versions.emplace_back(std::move(source_version));
    new_versions.emplace_back(batch_id_);
    new_versions.emplace_back(int64_t{0});
    new_versions.emplace_back(now_);
    new_versions.emplace_back(r.hash);
    new_versions_.tails.push_back(std::move(r.values));
    ++(live_before ? counts_.updated : counts_.inserted);
  }

  // 3. Write: superseded versions to history, then the new versions. Only new records (a
  // first load): they go to the writer thread, which writes them while the next chunks are
  // decided, once defer_rows_ are held (see the constructor). Anything else is written in
  // order, with no write in flight.
  const bool only_new = superseded.empty() && tombstones.empty() && seen.empty() && raised.empty();
  if (only_new) {
    rows->clear();
    return new_records_.tails.size() >= defer_rows_ || deferred_bytes_ >= kMaxDeferredBytes ? FlushNewRecords()
                                                                                            : OkStatus();
  }
  RETURN_IF_ERROR(Sync());
  const std::string rec = store::QuoteIdentifier(record_table_);
  if (!superseded.empty()) {
    std::vector<store::Value> params;
    params.reserve(superseded.size() + 1);
    params.emplace_back(now_);
    params.insert(params.end(), superseded.begin(), superseded.end());
    RETURN_IF_ERROR(
        tx_->Exec(fmt::format("INSERT INTO {hist} (_key, _version, _seq, _op, _source_version, _batch_id, _valid_from, "
                              "_valid_to, {fields}) SELECT _key, _version, _seq, _op, _source_version, _batch_id, "
                              "_updated_at, $1, {fields} FROM {rec} WHERE _key IN ({keys})",
                              fmt::arg("hist", store::QuoteIdentifier(history_table_)), fmt::arg("rec", rec),
                              fmt::arg("fields", field_list_), fmt::arg("keys", Placeholders(superseded.size(), 2))),
                  params)
            .status());
  }
  // Replaced versions: delete the old rows (their values are in history now), insert the new.
  if (superseded.size() > tombstones.size()) {
    std::unordered_set<std::string_view> tombstoned;
    for (const auto& t : tombstones) tombstoned.insert(t.first);
    std::vector<store::Value> replaced;
    for (const auto& k : superseded) {
      if (!tombstoned.contains(std::get<std::string>(k))) replaced.push_back(k);
    }
    RETURN_IF_ERROR(
        tx_->Exec(fmt::format("DELETE FROM {} WHERE _key IN ({})", rec, Placeholders(replaced.size())), replaced)
            .status());
  }
  RETURN_IF_ERROR(FlushAndSync());
  for (size_t i = 0; i < tombstones.size(); ++i) {
    const PendingRow& r = *tombstones[i].second;
    // A delete row without a source version (a snapshot's, or one the source sent without it)
    // leaves the deleted version's: an older upsert arriving late is then stale, not a resurrection.
    RETURN_IF_ERROR(tx_->Exec(fmt::format("UPDATE {} SET _version = $1, _op = 'delete', "
                                          "_source_version = COALESCE($2, _source_version), "
                                          "_batch_id = $3, _deleted = CAST(1 AS BOOLEAN), _updated_at = $4, "
                                          "_hash = NULL, _seq = $6 WHERE _key = $5",
                                          rec),
                              std::vector<store::Value>{tombstone_versions[i],
                                                        r.source_version ? store::Value(*r.source_version)
                                                                         : store::Value(),
                                                        batch_id_, now_, r.key, tombstone_seqs[i]})
                        .status());
  }
  for (const auto& [key, version] : raised) {
    // No version, no event: nothing the dataset's readers see changed.
    RETURN_IF_ERROR(tx_->Exec(fmt::format("UPDATE {} SET _source_version = $1 WHERE _key = $2", rec),
                              std::vector<store::Value>{version, key})
                        .status());
  }
  if (!seen.empty()) {
    RETURN_IF_ERROR(tx_->BulkInsert(seen_table_, kSeenColumns, seen).status());
  }
  rows->clear();
  return OkStatus();
}

Status ChunkApplier::DeleteAbsent() {
  RETURN_IF_ERROR(FlushAndSync());
  RETURN_IF_ERROR(RestoreKeyIndex());
  // A snapshot into an empty dataset: every live record is one this batch wrote, so seen.
  if (empty_at_start_) return OkStatus();
  const std::string rec = store::QuoteIdentifier(record_table_);
  const std::string absent = seen_table_ + "_absent";
  // The live keys the snapshot did not name, found by one statement and numbered in key order.
  // Untimed: it reads every live key of the dataset (minutes for 100 M records), where paging
  // that search itself would make one page scan almost the whole table to find a few absent keys.
  RETURN_IF_ERROR(tx_->ExecScript(fmt::format(
      "CREATE TEMP TABLE {} (n {} PRIMARY KEY, k TEXT NOT NULL)", absent,
      tx_->backend() == store::Backend::kSqlite ? "INTEGER" : "BIGINT GENERATED BY DEFAULT AS IDENTITY")));
  std::string search =
      fmt::format("INSERT INTO {absent} (k) SELECT _key FROM {rec} WHERE NOT _deleted AND NOT EXISTS "
                  "(SELECT 1 FROM {seen} WHERE {seen}.k = {rec}._key) ORDER BY _key",
                  fmt::arg("absent", absent), fmt::arg("rec", rec), fmt::arg("seen", seen_table_));
  if (tx_->backend() == store::Backend::kPostgres) {
    // A whole-table anti-join: let the planner scan and hash (Begin() turned sequential scans off).
    search = "SET LOCAL enable_seqscan = on;\n" + search + ";\nSET LOCAL enable_seqscan = off";
  }
  RETURN_IF_ERROR(tx_->ExecScriptUntimed(search));
  int64_t after = 0;
  // With as_of, each absent key's current version time comes along (a seek per key, page by page).
  const std::string page_sql =
      as_of_ ? fmt::format("SELECT a.n, a.k, r._updated_at FROM {} a JOIN {} r ON r._key = a.k WHERE a.n > $1 "
                          "ORDER BY a.n LIMIT 1000",
                          absent, rec)
            : fmt::format("SELECT n, k FROM {} WHERE n > $1 ORDER BY n LIMIT 1000", absent);
  for (;;) {
    ASSIGN_OR_RETURN(store::ResultSet page, tx_->Query(page_sql, std::vector<store::Value>{after}));
    if (page.rows.empty()) break;
    std::vector<PendingRow> deletes;
    deletes.reserve(page.rows.size());
    for (const auto& row : page.rows) {
      if (as_of_ && row.Int(2) > *as_of_) {
        ++counts_.kept_as_newer;
        continue;
      }
      PendingRow d;
      d.op = RowOp::kDelete;
      d.key = row.Str(1);
      deletes.push_back(std::move(d));
    }
    after = page.rows.back().Int(0);
    // Apply() would add them to the seen table; they are no longer live, which is all that matters.
    RETURN_IF_ERROR(Apply(&deletes));
  }
  RETURN_IF_ERROR(FlushAndSync());
  return tx_->ExecScript(fmt::format("DROP TABLE {}", absent));
}

}  // namespace ndc::ingest
