// ChunkApplier: applies validated rows to a dataset's tables inside the batch transaction, a
// chunk at a time — one query for the chunk's current versions, then set-wise writes (new
// versions, each carrying its change-event number, by BulkInsert on a writer thread;
// superseded versions moved to history by INSERT ... SELECT). The decision per row (insert /
// update / unchanged / stale / delete) is docs/design/ingest.md, "Applying a row".
// Thread-compatible (one calling thread; the writer thread is internal, see Sync()); lives for
// one batch.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "catalog/schema.h"
#include "common/status.h"
#include "ingest/internal/key_filter.h"
#include "ingest/internal/key_index.h"
#include "ingest/internal/row_recycler.h"
#include "store/store.h"

namespace ndc::ingest {

enum class RowOp { kUpsert, kDelete };

struct PendingRow {
  int64_t line = 0;
  RowOp op = RowOp::kUpsert;
  std::string key;
  std::vector<store::Value> values;  // all schema fields for an upsert; empty for a delete
  std::optional<std::string> source_version;
  int64_t hash = 0;  // RowHash with decimals compared by value
  // The digest of the values as written, when a decimal was respelled for `hash` (RowHash): a
  // record stored before 2026-12-03 carries that one, and is unchanged if it matches.
  std::optional<int64_t> hash_as_written;
  size_t bytes = 0;  // the text it holds (key and values, as read): chunks are bounded by it
};

struct ApplyCounts {
  int64_t inserted = 0, updated = 0, unchanged = 0, deleted = 0, stale = 0;
  int64_t kept_as_newer = 0;  // absent from a snapshot, but received after its as_of: not deleted
};

class ChunkApplier {
 public:
  // `last_seq`: the dataset's last change-event number before this batch. `track_seen`: record
  // every key applied (snapshot mode) for DeleteAbsent(). `first_load_path`: whether an empty
  // dataset is loaded without its key index (Begin()). `recycler`, if not null, gets the value
  // vectors of written rows back (it must outlive the applier).
  ChunkApplier(store::Transaction* tx, const catalog::DatasetSchema& schema, int64_t batch_id, int64_t now,
               int64_t last_seq, bool track_seen, bool first_load_path, RowRecycler* recycler = nullptr);

  // Notes whether the dataset holds no record yet — a first load: then only keys this batch may
  // already have written are looked up, and the unique key index is dropped until the first such
  // lookup or End() (key_index.h) — and creates the temporary table of seen keys (snapshot
  // mode only).
  Status Begin();
  ~ChunkApplier();
  // Applies rows whose keys are distinct. The vector is consumed. New records may be written
  // later, on a writer thread that keeps one bulk insert open on the transaction until Sync():
  // the caller must call Sync() before using the transaction itself.
  Status Apply(std::vector<PendingRow>* rows);
  // Waits until every row handed to the writer is written and its bulk insert finished; returns
  // the first write error, if any.
  Status Sync();
  // Marks keys as present in the snapshot without applying anything (rejected rows whose key
  // was readable: they must not be deleted as absent). May be called any number of times.
  Status MarkSeen(const std::vector<std::string>& keys);
  // A snapshot's as_of (BatchRequest::as_of), before the first Apply: a row whose record another
  // batch wrote after it is stale, and DeleteAbsent spares such records.
  void set_as_of(std::optional<int64_t> as_of) { as_of_ = as_of; }
  // Snapshot: deletes every live record whose key was not seen — with as_of, only those whose
  // current version was written at or before it (the others count as kept_as_newer).
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
  RowRecycler* const recycler_;
  const catalog::DatasetSchema& schema_;
  const int64_t batch_id_, now_;
  std::optional<int64_t> as_of_;
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
  bool empty_at_start_ = false;  // the dataset held no record when the batch began
  std::unique_ptr<KeyFilter> filter_;
  // Set while a first load runs without the unique key index.
  std::optional<DroppedKeyIndex> dropped_key_index_;
  // Rows not written yet: each row's leading (internal) values in `heads`, `head` per row, and
  // its field values in the vector the validator made (moved, not copied).
  struct Rows {
    std::vector<store::Value> heads;
    size_t head = 0;
    std::vector<std::vector<store::Value>> tails;
    store::BulkRows rows() const { return store::BulkRows(heads, head, tails); }
    bool empty() const { return tails.empty(); }
    // Keeps the capacity of `heads` (a fresh multi-megabyte buffer per chunk costs page faults).
    void clear() {
      heads.clear();
      tails.clear();
    }
  };
  // Hands `rows` (when not empty) to the writer thread, starting it if needed; waits while it
  // has kMaxQueued blocks to write.
  Status Hand(Rows& rows, bool versions);
  void WriterLoop();

  size_t insert_head_ = 0;  // internal columns in insert_columns_
  // New records, insert_columns_ (the heads insert_head_ values each).
  Rows new_records_;
  // Versions after the first (updates, records back after a delete), record_columns_ (the heads
  // its internal columns).
  Rows new_versions_;
  // new_records_ goes to the writer once it holds this many rows, or before any other statement.
  size_t defer_rows_ = 0;
  // The text of the new records held for the writer: they go once it reaches kMaxDeferredBytes
  // too, so wide rows are not held by the thousand.
  size_t deferred_bytes_ = 0;
  static constexpr size_t kMaxDeferredBytes = 16 << 20;

  // The writer thread (docs/design/ingest.md, "Writing"): it writes the blocks handed to it in
  // order, through one bulk insert kept open while the blocks are of one kind (on PostgreSQL one
  // COPY for a whole first load, so the server never waits between blocks), and finishes it
  // when Sync() asks. Started at the first block; the state below is guarded by mu_.
  struct Block {
    Rows rows;
    bool versions = false;  // record_columns_, else insert_columns_
  };
  static constexpr size_t kMaxQueued = 2;
  std::thread writer_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Block> queue_;
  std::vector<Rows> spare_;  // written blocks, emptied, their buffers kept for the next ones
  uint64_t syncs_asked_ = 0, syncs_done_ = 0;
  bool stop_ = false;
  Status write_status_;  // the first failure; later blocks are dropped
};

}  // namespace ndc::ingest
