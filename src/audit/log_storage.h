// The audit log's tables (src/store/migrations/0002_audit.sql; the person index's, 0010, are
// PersonIndex's) read and written through the
// portable store interface. Used by AuditLog, Checkpointer and VerifyLog; not a public API.
// docs/design/audit-log.md, "Persistence".
//
// Persisted: every entry with its leaf hash (audit_entries), the root of every perfect subtree of
// height >= kMinStoredLevel (audit_nodes), the frontier (audit_head, one row), and checkpoints
// (audit_checkpoints). Lower subtrees are recomputed from one read of at most 16 leaf hashes.
//
// Thread safety: functions are thread-safe if the executor is; a StoredNodeReader is not.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "audit/checkpoint.h"
#include "audit/entry.h"
#include "audit/merkle/compact_range.h"
#include "audit/merkle/proof.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "store/store.h"

namespace ndc::audit {

inline constexpr int kMinStoredLevel = 4;

// What an append returns once the entry is durable.
struct Appended {
  uint64_t index = 0;
  std::string id;
  merkle::Hash leaf_hash{};
};

// An entry validated and encoded by the appending thread, waiting for its position in the log.
struct EncodedEntry {
  std::string bytes;       // EncodeEntry with index 0 and a placeholder id of kEntryIdSize bytes
  std::string person_key;  // subject.person_key (empty: none), for the person index
};

struct StoredEntry {
  uint64_t index = 0;
  std::string id;
  std::string bytes;  // EncodeEntry output
  merkle::Hash leaf_hash{};
  int64_t appended_at = 0;
  // The person_key column ("" when NULL): the person index's input, outside the tree. The
  // verifier checks it against the entry's subject.
  std::string person_key;
};

struct StoredCheckpoint {
  Checkpoint checkpoint;
  std::string note;  // the signed note text
  int64_t signed_at = 0;
};

// Creates the head row (size 0) if missing; safe to race.
Status EnsureHead(store::Executor* ex, Clock* clock);
// The frontier. kDataLoss if the head row is missing or malformed.
Result<merkle::CompactRange> ReadHead(store::Executor* ex);

// Appends `entries` in one transaction: locks the head row (UPDATE ... RETURNING, so that nodes
// sharing one PostgreSQL database serialize here), assigns consecutive indexes and fresh ids
// (written into each entry's bytes with PatchEntryPosition), writes entries, new stored nodes
// and the new frontier, commits. On success every entry is durable. Errors of the store pass
// through (kAborted: retry the call with the same entries); kInvalidArgument if an entry's bytes
// have no placeholder id. `side`, if given, runs in the same transaction after the entries are
// written (the person index's writes, GroupCommitter::RunInBatch); its error fails the call.
Result<std::vector<Appended>> WriteBatch(store::Database* db, std::vector<EncodedEntry>& entries, Clock* clock,
                                         RandomSource* random,
                                         const std::function<Status(store::Transaction*)>* side = nullptr);

// Entries [begin, end) in index order (rows that exist; gaps are the caller's to detect).
Result<std::vector<StoredEntry>> ReadEntries(store::Executor* ex, uint64_t begin, uint64_t end);
// The entries at `indexes`, highest index first; kDataLoss naming the first one missing.
Result<std::vector<StoredEntry>> ReadEntriesAt(store::Executor* ex, std::span<const uint64_t> indexes);
// kNotFound if no entry has this id.
Result<uint64_t> FindEntryIndex(store::Executor* ex, const std::string& id);

// Inserts rows of `ncols` values each into `table` (`cols` as "a, b, c") as fast as the backend
// allows: SQLite Transaction::BulkInsert; PostgreSQL multi-row INSERTs of 256/64/16/4/1 rows.
Status InsertRows(store::Transaction* tx, std::string_view table, std::string_view cols, int ncols,
                  const std::vector<store::Value>& values);

// Checkpoints of tree size > `after_size` (-1: from the first), at most `limit`, ascending (one is signed a minute: a
// page at a time) / the largest / at one size (nullopt if none). A page's `root_hashes` hold the
// stored root_hash column of each, for the verifier.
struct CheckpointPage {
  std::vector<StoredCheckpoint> checkpoints;
  std::vector<std::string> root_hashes;
};
Result<CheckpointPage> ReadCheckpoints(store::Executor* ex, int64_t after_size, int limit);
Result<std::optional<StoredCheckpoint>> ReadLatestCheckpoint(store::Executor* ex);
Result<std::optional<StoredCheckpoint>> ReadCheckpointAt(store::Executor* ex, uint64_t size);
// Stores a checkpoint unless one for its size exists (then keeps the existing row).
Status InsertCheckpoint(store::Executor* ex, const StoredCheckpoint& c, const merkle::Hash& root);

// Reads roots of perfect subtrees from the store for proof generation. Missing or malformed
// rows are kDataLoss.
class StoredNodeReader {
 public:
  explicit StoredNodeReader(store::Executor* ex) : ex_(ex) {}
  // Reads the stored nodes among `ids` (levels >= kMinStoredLevel) in one statement, so that a
  // proof of ~log2(n) nodes costs one round trip instead of one each; Read() then serves them
  // from memory (and still reads, and reports, any that were missing).
  Status Prefetch(std::span<const merkle::NodeId> ids);
  // The 16-leaf blocks below the stored levels not read yet, in one statement per 256 blocks:
  // a page of proofs over entries spread across the log needs one block each. Prefetch calls it
  // for the leaf-level ids it is given; Read for a block it finds missing.
  Status PrefetchLeafBlocks(std::vector<uint64_t> blocks);
  Result<merkle::Hash> Read(merkle::NodeId id);
  merkle::NodeReader AsReader() {
    return [this](merkle::NodeId id) { return Read(id); };
  }
  // Statements run so far (node rows and leaf blocks read).
  int reads() const { return reads_; }

 private:
  Result<const std::vector<merkle::Hash>*> LeafBlock(uint64_t block);

  store::Executor* ex_;
  int reads_ = 0;
  std::map<uint64_t, std::vector<merkle::Hash>> blocks_;  // 16-leaf blocks read so far
  std::map<merkle::NodeId, merkle::Hash> nodes_;          // prefetched stored nodes
};

// The nodes a proof will ask its reader for: they depend only on the indexes and sizes, so a
// dry run with a reader that records and answers zero hashes finds them.
template <typename ProofFn>
std::vector<merkle::NodeId> NodesOf(ProofFn&& proof) {
  std::vector<merkle::NodeId> ids;
  proof([&ids](merkle::NodeId id) -> Result<merkle::Hash> {
    ids.push_back(id);
    return merkle::Hash{};
  }).status().IgnoreError();
  return ids;
}

}  // namespace ndc::audit
