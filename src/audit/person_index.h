// PersonIndex: which audit entries are about a person, without a random index write per append.
// docs/design/audit-log.md, "Person index".
//
// An LSM tree in SQL (0010_audit_person_runs.sql). Appends write only audit_entries (with the
// person_key column). Every `block_entries` entries, the block's postings are sorted into a new
// level-0 run (written in key order); `fanout` adjacent runs of one level are merged into one
// run of the next level in chunks of `merge_chunk_blocks` blocks (about 3 MB), each in its own
// short write (a merge never holds SQLite's write lock for long), and made live — the sources
// retired — atomically at the end; retired runs' blocks are then deleted in chunks. A Step() does
// one write of each kind that is due, in one transaction (the lowest-level merge first). Live
// runs partition a prefix of the log; History() probes each (O(fanout · log n) runs, one
// statement) and scans the rest of the log by index.
//
// Crash safety: every transaction leaves the index exact. A merge interrupted by a crash is
// resumed from its last written block by whoever claims it next: its owner, or any instance once
// the claim is older than `lease_micros` (the clock's time). Several instances (threads,
// processes, `ndc` nodes on one PostgreSQL) may call Step() on one log: they collide on
// audit_person_runs' unique slot, and the loser does nothing.
//
// Errors: Step and History return the store's errors; kDataLoss for a malformed block. History
// returns kAborted if the runs changed under it eight times in a row (retry).
//
// Thread-safe (Step calls on one instance are serialized). The database and clock must outlive
// the index.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "audit/log_storage.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "store/store.h"

namespace ndc::audit {

struct PersonIndexOptions {
  uint64_t block_entries = 4096;      // entries per level-0 run: the longest tail a history reads
  int fanout = 8;                     // runs of one level merged into one of the next
  size_t block_bytes = 3000;          // target size of a stored block (fits a 4 KiB SQLite page)
  int merge_chunk_blocks = 1024;      // blocks written (or deleted) per merge write
  int64_t lease_micros = 60'000'000;  // a merge claim older than this may be taken over
  bool background = true;             // AuditLog runs Step() in a thread of its own
};

class PersonIndex {
 public:
  // One write of the index, run inside a transaction it does not commit.
  using WriteFn = std::function<Status(store::Transaction* tx)>;
  // Runs a WriteFn in a transaction and commits it. Default: a transaction of the index's own;
  // AuditLog passes one that runs it inside its next group-commit batch on SQLite
  // (GroupCommitter::RunInBatch), where a second writer would starve for the write lock.
  using Writer = std::function<Status(const WriteFn& write)>;

  // `random` names this instance's claims; it is read only here. With options.background, a
  // thread steps whenever Notify() is called and once a second (other nodes' appends, expired
  // claims); it logs and retries a failed step. The destructor stops it.
  PersonIndex(store::Database* db, Clock* clock, RandomSource* random, PersonIndexOptions options,
              Writer writer = {});
  ~PersonIndex();
  // Stops the background thread (waiting for its step to end); Step() may still be called.
  void StopBackground();
  PersonIndex(const PersonIndex&) = delete;
  PersonIndex& operator=(const PersonIndex&) = delete;

  // Wakes the background thread (the log has grown by a block); cheap, callable from any thread.
  void Notify();

  // Does one unit of work — a level-0 run, a merge chunk (with its final switch), a merge claim,
  // or a chunk of a retired run's blocks — and returns whether it did (false: nothing to do now).
  Result<bool> Step();
  // Steps until there is nothing to do, logging progress every 5 s of the clock's monotonic time.
  Status CatchUp();

  // The entries about `person_key` with index < `before`, newest first, at most `limit`: every
  // such entry with a person_key, exactly once, whatever the runs are doing meanwhile.
  Result<std::vector<StoredEntry>> History(const std::string& person_key, uint64_t before, int limit);

  // The end of the indexed prefix (entries at or after it are read from the log).
  Result<uint64_t> IndexedEnd();

  const PersonIndexOptions& options() const { return options_; }

 private:
  struct Run {
    int64_t run = 0;
    int level = 0;
    uint64_t first = 0, end = 0;
    std::string state, owner;
    int64_t claimed_at = 0;
  };
  Result<std::vector<Run>> ReadRuns();
  // Each reads what it needs now and returns the write to make, which re-checks under the write
  // lock that the index is still as read (else it writes nothing).
  Result<WriteFn> PrepareLevelZero(uint64_t first, uint64_t count);   // `count` level-0 runs from `first`
  std::optional<WriteFn> PrepareClaim(const std::vector<Run>& runs);  // nullopt: no merge due
  Result<WriteFn> PrepareMergeChunk(const Run& target, const std::vector<Run>& runs);
  WriteFn PrepareDeadChunk(const Run& dead);
  Result<int64_t> NextRunId(store::Transaction* tx);
  Status Write(const WriteFn& write);
  void Loop();

  store::Database* db_;
  Clock* clock_;
  const PersonIndexOptions options_;
  const std::string owner_;
  const Writer writer_;
  std::mutex step_mu_;

  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool woken_ = false, stopping_ = false;
  std::thread thread_;  // last: started after everything above
};

}  // namespace ndc::audit
