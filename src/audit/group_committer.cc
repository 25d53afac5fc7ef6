#include "audit/group_committer.h"

namespace ndc::audit {

GroupCommitter::GroupCommitter(CommitFn commit, GroupCommitOptions options)
    : commit_(std::move(commit)), options_(options), thread_([this] { Run(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  space_.notify_all();
  thread_.join();
}

std::future<Result<Appended>> GroupCommitter::Submit(Entry entry) {
  std::unique_lock lock(mu_);
  space_.wait(lock, [this] { return stopping_ || queue_.size() < options_.max_pending; });
  std::promise<Result<Appended>> done;
  auto future = done.get_future();
  if (stopping_) {
    done.set_value(UnavailableError("the audit log is shutting down"));
    return future;
  }
  // The committer waits only on an empty queue: wake it only then (a futex call per append
  // would cost more than the append).
  bool was_empty = queue_.empty();
  queue_.push_back(Pending{std::move(entry), std::move(done)});
  lock.unlock();
  if (was_empty) work_.notify_one();
  return future;
}

GroupCommitter::Stats GroupCommitter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void GroupCommitter::Run() {
  std::vector<Pending> batch;
  while (true) {
    {
      std::unique_lock lock(mu_);
      work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is committed
      size_t n = std::min(queue_.size(), options_.max_batch);
      batch.clear();
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    space_.notify_all();
    CommitBatch(batch);
  }
}

void GroupCommitter::CommitBatch(std::vector<Pending>& batch) {
  std::vector<Entry> entries;
  entries.reserve(batch.size());
  for (auto& p : batch) entries.push_back(std::move(p.entry));
  Result<std::vector<Appended>> result = InternalError("audit batch was never attempted");
  uint64_t retries = 0;
  for (int attempt = 0; attempt < std::max(1, options_.max_attempts); ++attempt) {
    // A retry reuses the entries: the commit function assigns indexes and ids afresh each time.
    if (attempt > 0) {
      ++retries;
      std::this_thread::sleep_for(std::chrono::milliseconds(1 << std::min(attempt, 6)));
    }
    result = commit_(entries);
    // kAborted: lock conflict or deadlock; kAlreadyExists: a random entry id collided. Both
    // rolled back, so trying again is safe.
    if (result.ok() || (result.status().code() != StatusCode::kAborted &&
                        result.status().code() != StatusCode::kAlreadyExists)) {
      break;
    }
  }
  if (result.ok() && result->size() != batch.size()) {
    result = InternalError("audit commit returned a different number of entries than it was given");
  }
  {
    // Before the callers wake, so that stats() after an append returns counts it.
    std::lock_guard lock(mu_);
    ++stats_.batches;
    stats_.entries += batch.size();
    stats_.retries += retries;
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (result.ok()) {
      batch[i].done.set_value((*result)[i]);
    } else {
      batch[i].done.set_value(result.status());
    }
  }
}

}  // namespace ndc::audit
