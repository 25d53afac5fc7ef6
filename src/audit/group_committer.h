// GroupCommitter: many callers' appends, one transaction. A committer thread takes every entry
// queued (up to max_batch), hands them to the commit function in one call (one transaction, one
// fsync on SQLite), and then completes the whole batch at once. While one batch commits, the next
// one gathers, so the batch size grows with the load and the cost of a commit is shared.
// docs/design/audit-log.md, "Group commit".
//
// The committer thread is the log's serial section, so it does only what must be serial: the
// callers validate and encode their entries before Submit, and collect their own result after
// the batch is published (one lock and one wake-up per batch, not a promise per entry).
//
// Submit blocks while max_pending entries are queued (back-pressure instead of unbounded memory).
// A failed commit fails every entry of its batch with that status; kAborted batches are retried
// (max_attempts in all) with fresh indexes.
//
// Side work (RunInBatch): another writer of the same store (the person index) can have a short
// write run inside the next batch's transaction instead of its own. On SQLite, where a
// transaction takes the database's one write lock, a second writer polling for that lock starves
// while the committer commits back to back; in the batch it waits at most one commit, and shares
// its fsync. If a batch with side work fails, its entries are committed again without it.
//
// Thread-safe. The destructor commits what is queued, then joins the thread; submits after that
// begins fail with kUnavailable. Futures stay valid after the committer is destroyed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "audit/log_storage.h"
#include "common/result.h"

namespace ndc::audit {

struct GroupCommitOptions {
  size_t max_batch = 8192;     // entries per transaction
  size_t max_pending = 65536;  // queued entries before Submit waits
  int max_attempts = 8;        // tries of a batch whose commit returned kAborted
  // Under load, the committer lingers before taking a batch so that more entries join it: when
  // the previous batch held at least `linger_after` entries (many appenders are active), fewer
  // than it are queued now and no side work waits, it sleeps `linger` first (not cut short, also
  // not by shutdown). A commit's fixed cost (its fsync, the log pages every commit rewrites) is
  // then shared by more entries. Only the first batch after a large one can wait; a lone
  // appender's batches are small, so it never does. Zero turns it off.
  std::chrono::microseconds linger{0};
  size_t linger_after = 16;
};

class GroupCommitter {
 public:
  // Writes run inside a batch's transaction (RunInBatch).
  using SideWork = std::function<Status(store::Transaction* tx)>;
  // Commits the batch atomically or not at all, returning one Appended per entry in order; it
  // must (re)assign every entry's index and id on each call, since a batch whose commit returned
  // kAborted is passed again. `side`, when not null, must run in the same transaction. The batch
  // may be empty when there is side work.
  using CommitFn =
      std::function<Result<std::vector<Appended>>(std::vector<EncodedEntry>& batch, const SideWork* side)>;

  GroupCommitter(CommitFn commit, GroupCommitOptions options);
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues one entry. The future is deferred (std::launch::deferred): get() and wait() block,
  // in the caller's thread, until the entry's batch has committed (or failed); wait_for and
  // wait_until return std::future_status::deferred without waiting.
  std::future<Result<Appended>> Submit(EncodedEntry entry);
  // Queues one entry and waits for its batch: Submit(entry).get() without the future.
  Result<Appended> SubmitAndWait(EncodedEntry entry);
  // Called once with an entry's outcome (SubmitThen).
  using Done = std::function<void(Result<Appended>)>;
  // Queues one entry without waiting: `done` is called exactly once, on the committer thread
  // right after the entry's batch committed (or failed), or at once on the caller's thread if the
  // entry is refused (kUnavailable once the destructor began). No thread waits for it in
  // between. `done` runs in the log's serial section: it must be quick and must not submit.
  void SubmitThen(EncodedEntry entry, Done done);
  // Runs `work` inside the next batch's transaction (an empty batch if no entry is queued) and
  // returns once that transaction committed (OK), or the error that failed it (the entries of
  // the batch are then committed without the side work). kUnavailable once the destructor began.
  Status RunInBatch(SideWork work);

  struct Stats {
    uint64_t batches = 0;  // committed or failed
    uint64_t entries = 0;
    uint64_t retries = 0;
    uint64_t failed_batches = 0;  // whose entries all failed (after the retries)
    uint64_t failed_entries = 0;
  };
  Stats stats() const;

  // Whether appends are going through now, for health checks: read without the queue's lock.
  struct Health {
    // When the last batch that held entries failed; nullopt once a batch committed since (or
    // none failed). A health check should count it only for a while: a node that refuses traffic
    // while failing would otherwise never see the batch that shows it recovered.
    std::optional<std::chrono::steady_clock::time_point> failed_at;
    // When the commit under way began; nullopt while the committer is idle. A commit that has
    // run for long is a log that cannot write (a lock held elsewhere, a stalled disk).
    std::optional<std::chrono::steady_clock::time_point> committing_since;
  };
  Health health() const;

 private:
  // One committed (or failed) batch; shared by the futures of its entries.
  struct Outcome {
    Result<std::vector<Appended>> result = InternalError("audit batch was never attempted");
    // The batch's entries, kept so that the last caller to collect its result frees them, not
    // the committer thread.
    std::vector<EncodedEntry> entries;
  };
  // Where a submitted entry's outcome appears; written by the committer before it publishes.
  struct Slot {
    uint64_t seq = 0;  // submission order
    std::shared_ptr<const Outcome> outcome;
    size_t position = 0;  // in outcome->result
    Done done;            // SubmitThen's; called by the committer after it publishes
  };
  // Entries [0, published) in submission order have their outcome; shared with the futures so
  // that they outlive the committer.
  struct Published {
    std::mutex mu;
    std::condition_variable cv;
    // Written under `mu` (so a waiter cannot miss the wake-up), read without it first: an entry
    // collected after its batch was published costs one atomic load, not a lock.
    std::atomic<uint64_t> count{0};
  };
  // The slot of the queued entry; kUnavailable once the destructor has begun.
  // `done`, if given, is moved into the slot only when the entry is queued.
  Result<std::shared_ptr<Slot>> Enqueue(EncodedEntry entry, Done* done = nullptr);
  static Result<Appended> Await(Published& published, const Slot& slot);
  void Run();
  struct Side {
    SideWork work;
    std::promise<Status> done;
  };
  Result<std::vector<Appended>> CommitWithRetries(std::vector<EncodedEntry>& entries, const SideWork* side,
                                                  uint64_t* retries);
  void CommitBatch(std::vector<EncodedEntry>& entries, std::vector<std::shared_ptr<Slot>>& slots,
                   std::unique_ptr<Side> side);

  const CommitFn commit_;
  const GroupCommitOptions options_;
  size_t last_batch_ = 0;  // entries in the previous batch (committer thread only)
  const std::shared_ptr<Published> published_ = std::make_shared<Published>();
  mutable std::mutex mu_;
  std::condition_variable work_;   // the committer waits for entries
  std::condition_variable space_;  // submitters wait for room
  std::deque<std::pair<EncodedEntry, std::shared_ptr<Slot>>> queue_;
  std::deque<std::unique_ptr<Side>> side_;
  uint64_t submitted_ = 0;
  bool stopping_ = false;
  Stats stats_;
  // steady_clock ticks since its epoch when the last batch failed (0: none since the last that
  // committed), and when the commit under way began (0 while idle).
  std::atomic<int64_t> failed_at_{0};
  std::atomic<int64_t> committing_since_{0};
  std::thread thread_;
};

}  // namespace ndc::audit
