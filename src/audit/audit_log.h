// AuditLog: the verifiable audit log over the store — append entries (group-committed, durable
// when Append returns), read them, and prove inclusion and consistency against any tree size.
// Checkpoints are signed by Checkpointer; the whole log is checked by VerifyLog.
// docs/design/audit-log.md.
//
// Several AuditLogs (threads, processes, `ndc` nodes) may append to one database: each batch
// locks the log's head row, so indexes stay dense and there is one tree.
//
// Errors: Append: kInvalidArgument for an invalid entry (ValidateEntry), the store's error if
// the batch failed (kUnavailable, kResourceExhausted, ...; nothing was appended), kDataLoss if
// the stored head is corrupt. Proofs: kOutOfRange for an index or size beyond the log, kNotFound
// for an unknown entry id, kDataLoss if stored rows are missing.
//
// Thread-safe. The store, clock and randomness must outlive the log; the destructor waits for
// queued appends to commit.
#pragma once

#include <future>
#include <memory>
#include <optional>
#include <vector>

#include "audit/entry.h"
#include "audit/group_committer.h"
#include "audit/log_storage.h"
#include "audit/merkle/hash.h"
#include "audit/person_index.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "store/store.h"

namespace ndc::audit {

struct InclusionProofData {
  uint64_t index = 0;
  uint64_t tree_size = 0;
  StoredEntry entry;
  std::vector<merkle::Hash> hashes;
  int node_reads = 0;  // store statements run to build the proof
};

class AuditLog {
 public:
  // Creates the head row if needed; the schema must be migrated (0010_audit_person_runs). If the
  // person index lags the log by more than 16 of its blocks (the first open after migration
  // 0010 on an existing log), builds it before returning, logging progress.
  static Result<std::unique_ptr<AuditLog>> Open(store::Database* db, Clock* clock, RandomSource* random,
                                                GroupCommitOptions options = {},
                                                PersonIndexOptions person_index = {});

  // Appends and returns once the entry is durable. `index` and `id` of `entry` are ignored
  // (the log assigns them); a zero time becomes the log's clock time when Append is called.
  Result<Appended> Append(Entry entry);
  // The same without waiting: the entry is validated and encoded now (an invalid one gives a
  // ready future holding kInvalidArgument) and queued. The future is deferred: get() and wait()
  // block until the entry is durable (or its batch failed); wait_for / wait_until return
  // std::future_status::deferred. The entry is committed whether or not get() is called.
  std::future<Result<Appended>> AppendAsync(Entry entry);
  // The same with a callback instead of a future (GroupCommitter::SubmitThen): `done` is called
  // exactly once — on the log's committer thread once the entry is durable or its batch failed,
  // or at once on this thread for an invalid entry (kInvalidArgument) or a closing log. It must be
  // quick and must not append.
  void AppendThen(Entry entry, GroupCommitter::Done done);

  // The current size and root (from the stored frontier).
  Result<std::pair<uint64_t, merkle::Hash>> Head();
  // Entries [begin, end) clipped to the log's size; kDataLoss if a row inside is missing.
  Result<std::vector<StoredEntry>> Entries(uint64_t begin, uint64_t end);
  Result<uint64_t> IndexOf(const std::string& entry_id);
  // Entries about one person (subject.person_key), index < before (default: all), newest first,
  // at most `limit`, including entries appended a moment ago. Served by the person index
  // (PersonIndex::History); entries appended before migration 0007 are not in it.
  Result<std::vector<StoredEntry>> EntriesForPerson(const std::string& person_key,
                                                    uint64_t before = UINT64_MAX, int limit = 100) {
    return persons_->History(person_key, before, limit);
  }
  // The person index, kept up to date by a thread of its own unless options.background is off
  // (then the owner calls its Step or CatchUp).
  PersonIndex* person_index() const { return persons_.get(); }

  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Proof that entry `index` is in the tree of `tree_size` entries (default: the current size).
  Result<InclusionProofData> ProveInclusion(uint64_t index, std::optional<uint64_t> tree_size = std::nullopt);
  // Proofs for `entries` (already read: they are not read again) in a tree of `tree_size`, in
  // their order: one head read and one read of all the stored nodes they need, plus a leaf block
  // per 16-entry block, instead of about five statements each (a citizen's history page).
  // OutOfRange as ProveInclusion for a size beyond the log or an entry outside it.
  Result<std::vector<InclusionProofData>> ProveInclusions(std::vector<StoredEntry> entries, uint64_t tree_size);
  // Proof that the tree of size1 entries is a prefix of the one of size2.
  Result<std::vector<merkle::Hash>> ProveConsistency(uint64_t size1, uint64_t size2);

  Result<std::optional<StoredCheckpoint>> LatestCheckpoint() { return ReadLatestCheckpoint(db_); }
  Result<std::optional<StoredCheckpoint>> CheckpointAt(uint64_t size) { return ReadCheckpointAt(db_, size); }

  store::Database* db() const { return db_; }
  Clock* clock() const { return clock_; }
  GroupCommitter::Stats commit_stats() const { return committer_->stats(); }
  GroupCommitter::Health commit_health() const { return committer_->health(); }

 private:
  AuditLog(store::Database* db, Clock* clock, RandomSource* random, GroupCommitOptions options,
           PersonIndexOptions person_index);

  store::Database* db_;
  Clock* clock_;
  RandomSource* random_;
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<PersonIndex> persons_;  // set before any append; its writes may use committer_
};

}  // namespace ndc::audit
