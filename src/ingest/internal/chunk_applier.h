// ChunkApplier: applies validated rows to a dataset's tables inside the batch transaction, a
// chunk at a time — one query for the chunk's current versions, then set-wise writes (new
// versions, each carrying its change-event number, by BulkInsert on a writer thread;
// superseded versions moved to history by INSERT ... SELECT). The decision per row (insert /
// update / unchanged / stale / delete) is docs/design/ingest.md, "Applying a row".
// Thread-compatible (one calling thread; the writer thread is internal, see Sync()); lives for
// one batch.
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/schema.h"
#include "common/status.h"
#include "ingest/internal/key_filter.h"
#include "ingest/internal/key_index.h"
#include "store/store.h"

namespace ndc::ingest {

enum class RowOp { kUpsert, kDelete };

struct PendingRow {
  int64_t line = 0;
  RowOp op = RowOp::kUpsert;
  std::string key;
  std::vector<store::Value> values;  // all schema fields for an upsert; empty for a delete
  std::optional<std::string> source_version;
  int64_t hash = 0;
};

struct ApplyCounts {
  int64_t inserted = 0, updated = 0, unchanged = 0, deleted = 0, stale = 0;
};

class ChunkApplier {
 public:
  // `last_seq`: the dataset's last change-event number before this batch. `track_seen`: record
  // every key applied (snapshot mode) for DeleteAbsent(). `first_load_path`: whether an empty
  // dataset is loaded without its key index (Begin()).
  ChunkApplier(store::Transaction* tx, const catalog::DatasetSchema& schema, int64_t batch_id, int64_t now,
               int64_t last_seq, bool track_seen, bool first_load_path);

  // Notes whether the dataset holds no record yet — a first load: then only keys this batch may
  // already have written are looked up, and the unique key index is dropped until the first such
  // lookup or End() (key_index.h) — and creates the temporary table of seen keys (snapshot
  // mode only).
  Status Begin();
  ~ChunkApplier();
  // Applies rows whose keys are distinct. The vector is consumed. New records may be written
  // later, on a writer thread that uses the transaction until Sync() or the next call: the
  // caller must call Sync() before using the transaction itself.
  Status Apply(std::vector<PendingRow>* rows);
  // Waits for the write in flight, if any, and returns its status.
  Status Sync();
  // Marks keys as present in the snapshot without applying anything (rejected rows whose key
  // was readable: they must not be deleted as absent).
  Status MarkSeen(const std::vector<std::string>& keys);
  // Snapshot: deletes every live record whose key was not seen.
  Status DeleteAbsent();
  // Rebuilds the key index if a first load dropped it, and drops the temporary table. Must
  // run before the transaction commits.
  Status End();

  const ApplyCounts& counts() const { return counts_; }
  int64_t last_seq() const { return seq_; }
  int64_t first_seq() const { return first_seq_; }

 private:
  struct Existing;
  // True if `incoming` is older than `stored` in the order of the source_version field's type.
  bool IsOlder(const std::string& incoming, const std::string& stored) const;
  // Ends the unindexed phase of a first load, if on.
  Status RestoreKeyIndex();
  // Starts writing the new records held in new_records_ on the writer thread (after waiting for
  // the previous write).
  Status FlushNewRecords();
  // FlushNewRecords(), then Sync(): before any other statement on the transaction (a lookup,
  // history, snapshot bookkeeping, the index rebuild, the end).
  Status FlushAndSync();

  store::Transaction* tx_;
  const catalog::DatasetSchema& schema_;
  const int64_t batch_id_, now_;
  const int64_t first_seq_;
  int64_t seq_;
  const bool track_seen_, first_load_path_;
  bool has_source_version_ = false;  // the schema names a source_version field
  std::string record_table_, history_table_, seen_table_;
  std::vector<std::string> record_columns_;  // internal columns, then the fields
  std::vector<std::string> insert_columns_;  // the same without those a new record leaves to defaults
  std::string field_list_;                   // "f1", "f2", ... quoted
  catalog::FieldType version_type_ = catalog::FieldType::kString;
  ApplyCounts counts_;
  // First load: the keys written so far by this batch (bounded memory; a false positive only
  // costs a lookup).
  bool fresh_ = false;
  std::unique_ptr<KeyFilter> filter_;
  // Set while a first load runs without the unique key index.
  std::optional<DroppedKeyIndex> dropped_key_index_;
  // New record rows not written yet, insert_columns_ values each. Reused from chunk to chunk
  // (a fresh multi-megabyte buffer per chunk costs page faults).
  std::vector<store::Value> new_records_;
  // Versions after the first (updates, records back after a delete) not written yet,
  // record_columns_ values each.
  std::vector<store::Value> new_versions_;
  // new_records_ is written once it holds this many values, or before any other statement.
  size_t defer_values_ = 0;
  // The write in flight on the writer thread (valid() while one is) and the rows it writes.
  std::future<Status> write_;
  std::vector<store::Value> writing_, writing_versions_;
};

}  // namespace ndc::ingest
