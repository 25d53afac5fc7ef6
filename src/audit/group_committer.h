// GroupCommitter: many callers' appends, one transaction. A committer thread takes every entry
// queued (up to max_batch), hands them to the commit function in one call (one transaction, one
// fsync on SQLite), and then completes each caller's future with its own outcome. While one batch
// commits, the next one gathers, so the batch size grows with the load and the cost of a commit
// is shared. docs/design/audit-log.md, "Group commit".
//
// Submit blocks while max_pending entries are queued (back-pressure instead of unbounded memory).
// A failed commit fails every entry of its batch with that status; kAborted batches are retried
// (max_attempts in all) with fresh indexes.
//
// Thread-safe. The destructor commits what is queued, then joins the thread; submits after that
// begins fail with kUnavailable.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "audit/entry.h"
#include "audit/log_storage.h"
#include "common/result.h"

namespace ndc::audit {

struct GroupCommitOptions {
  size_t max_batch = 8192;     // entries per transaction
  size_t max_pending = 65536;  // queued entries before Submit waits
  int max_attempts = 8;        // tries of a batch whose commit returned kAborted
};

class GroupCommitter {
 public:
  // Commits the batch atomically or not at all; it must (re)assign every entry's index and id on
  // each call, since a batch whose commit returned kAborted is passed again.
  using CommitFn = std::function<Result<std::vector<Appended>>(std::vector<Entry>& batch)>;

  GroupCommitter(CommitFn commit, GroupCommitOptions options);
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues one entry; the future completes when its batch has committed (or failed).
  std::future<Result<Appended>> Submit(Entry entry);

  struct Stats {
    uint64_t batches = 0;
    uint64_t entries = 0;
    uint64_t retries = 0;
  };
  Stats stats() const;

 private:
  struct Pending {
    Entry entry;
    std::promise<Result<Appended>> done;
  };
  void Run();
  void CommitBatch(std::vector<Pending>& batch);

  const CommitFn commit_;
  const GroupCommitOptions options_;
  mutable std::mutex mu_;
  std::condition_variable work_;   // the committer waits for entries
  std::condition_variable space_;  // submitters wait for room
  std::deque<Pending> queue_;
  bool stopping_ = false;
  Stats stats_;
  std::thread thread_;
};

}  // namespace ndc::audit
