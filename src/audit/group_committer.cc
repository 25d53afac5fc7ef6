#include "audit/group_committer.h"

#include <algorithm>

#include "common/thread_name.h"

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

Result<std::shared_ptr<GroupCommitter::Slot>> GroupCommitter::Enqueue(EncodedEntry entry, Done* done) {
  auto slot = std::make_shared<Slot>();
  std::unique_lock lock(mu_);
  space_.wait(lock, [this] { return stopping_ || queue_.size() < options_.max_pending; });
  if (stopping_) return UnavailableError("the audit log is shutting down");
  if (done != nullptr) slot->done = std::move(*done);
  slot->seq = submitted_++;
  // The committer waits only on an empty queue: wake it only then (a futex call per append
  // would cost more than the append).
  bool was_empty = queue_.empty();
  queue_.emplace_back(std::move(entry), slot);
  lock.unlock();
  if (was_empty) work_.notify_one();
  return slot;
}

std::future<Result<Appended>> GroupCommitter::Submit(EncodedEntry entry) {
  auto slot = Enqueue(std::move(entry));
  if (!slot.ok()) {
    std::promise<Result<Appended>> refused;
    refused.set_value(slot.status());
    return refused.get_future();
  }
  // Deferred: the wait and the copy of the result run in the caller's thread when it asks.
  return std::async(std::launch::deferred,
                    [published = published_, slot = std::move(*slot)] { return Await(*published, *slot); });
}

Result<Appended> GroupCommitter::SubmitAndWait(EncodedEntry entry) {
  ASSIGN_OR_RETURN(auto slot, Enqueue(std::move(entry)));
  return Await(*published_, *slot);
}

void GroupCommitter::SubmitThen(EncodedEntry entry, Done done) {
  auto slot = Enqueue(std::move(entry), &done);  // a refused entry keeps `done` to tell
  if (!slot.ok()) done(slot.status());
}

Status GroupCommitter::RunInBatch(SideWork work) {
  auto side = std::make_unique<Side>();
  side->work = std::move(work);
  std::future<Status> done = side->done.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return UnavailableError("the audit log is shutting down");
    side_.push_back(std::move(side));
  }
  work_.notify_one();
  return done.get();
}

Result<Appended> GroupCommitter::Await(Published& published, const Slot& slot) {
  if (published.count.load(std::memory_order_acquire) <= slot.seq) {
    std::unique_lock lock(published.mu);
    published.cv.wait(lock, [&] { return published.count.load(std::memory_order_relaxed) > slot.seq; });
  }
  // The slot was filled before `count` passed it (a release store): visible now.
  const auto& result = slot.outcome->result;
  if (!result.ok()) return result.status();
  return (*result)[slot.position];
}

GroupCommitter::Stats GroupCommitter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// A time as a non-zero tick count (0 marks "none"; the clock's epoch is long past).
int64_t Ticks(SteadyTime t) { return std::max<int64_t>(1, t.time_since_epoch().count()); }

std::optional<SteadyTime> FromTicks(int64_t ticks) {
  if (ticks == 0) return std::nullopt;
  return SteadyTime(std::chrono::steady_clock::duration(ticks));
}

}  // namespace

GroupCommitter::Health GroupCommitter::health() const {
  return Health{FromTicks(failed_at_.load(std::memory_order_relaxed)),
                FromTicks(committing_since_.load(std::memory_order_relaxed))};
}

void GroupCommitter::Run() {
  SetThreadName("ndc-audit-write");
  std::vector<EncodedEntry> entries;
  std::vector<std::shared_ptr<Slot>> slots;
  while (true) {
    std::unique_ptr<Side> side;
    {
      std::unique_lock lock(mu_);
      work_.wait(lock, [this] { return stopping_ || !queue_.empty() || !side_.empty(); });
      if (options_.linger.count() > 0 && last_batch_ >= options_.linger_after && !queue_.empty() &&
          queue_.size() < last_batch_ && side_.empty() && !stopping_) {
        // Appenders enqueue without waking us while the queue is not empty: the sleep costs
        // them nothing.
        lock.unlock();
        std::this_thread::sleep_for(options_.linger);
        lock.lock();
      }
      if (!side_.empty()) {
        side = std::move(side_.front());
        side_.pop_front();
      }
      if (queue_.empty() && !side) return;  // stopping, and everything queued is committed
      size_t n = std::min(queue_.size(), options_.max_batch);
      entries.clear();
      slots.clear();
      entries.reserve(n);
      slots.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        entries.push_back(std::move(queue_.front().first));
        slots.push_back(std::move(queue_.front().second));
        queue_.pop_front();
      }
    }
    space_.notify_all();
    last_batch_ = entries.size();
    CommitBatch(entries, slots, std::move(side));
  }
}

Result<std::vector<Appended>> GroupCommitter::CommitWithRetries(std::vector<EncodedEntry>& entries,
                                                                const SideWork* side, uint64_t* retries) {
  Result<std::vector<Appended>> result = InternalError("audit batch was never attempted");
  for (int attempt = 0; attempt < std::max(1, options_.max_attempts); ++attempt) {
    // A retry reuses the entries: the commit function assigns indexes and ids afresh each time.
    if (attempt > 0) {
      ++*retries;
      std::this_thread::sleep_for(std::chrono::milliseconds(1 << std::min(attempt, 6)));
    }
    result = commit_(entries, side);
    // kAborted: lock conflict or deadlock; kAlreadyExists: a key collided (indexes are
    // assigned under the head lock, so only a store that lost the lock could). Both rolled back,
    // so trying again is safe.
    const Status& status = result.status();
    if (status.ok() ||
        (status.code() != StatusCode::kAborted && status.code() != StatusCode::kAlreadyExists)) {
      break;
    }
  }
  return result;
}

void GroupCommitter::CommitBatch(std::vector<EncodedEntry>& entries,
                                 std::vector<std::shared_ptr<Slot>>& slots, std::unique_ptr<Side> side) {
  auto outcome = std::make_shared<Outcome>();
  uint64_t retries = 0;
  committing_since_.store(Ticks(std::chrono::steady_clock::now()), std::memory_order_relaxed);
  if (side) {
    // One attempt with the side work; its failure must not fail the entries: they are committed
    // again without it (the side work's owner retries in its own time).
    outcome->result = commit_(entries, &side->work);
    side->done.set_value(outcome->result.status());
    if (!outcome->result.ok() && !entries.empty())
      outcome->result = CommitWithRetries(entries, nullptr, &retries);
  } else {
    outcome->result = CommitWithRetries(entries, nullptr, &retries);
  }
  if (outcome->result.ok() && outcome->result->size() != entries.size()) {
    outcome->result = InternalError("audit commit returned a different number of entries than it was given");
  }
  {
    // Before the callers wake, so that stats() after an append returns counts it.
    std::lock_guard lock(mu_);
    ++stats_.batches;
    stats_.entries += entries.size();
    stats_.retries += retries;
    if (!entries.empty() && !outcome->result.ok()) {
      ++stats_.failed_batches;
      stats_.failed_entries += entries.size();
    }
  }
  if (!entries.empty()) {
    failed_at_.store(outcome->result.ok() ? 0 : Ticks(std::chrono::steady_clock::now()), std::memory_order_relaxed);
  }
  committing_since_.store(0, std::memory_order_relaxed);
  if (slots.empty()) return;  // side work alone
  outcome->entries = std::move(entries);
  entries = {};
  for (size_t i = 0; i < slots.size(); ++i) {
    slots[i]->outcome = outcome;
    slots[i]->position = i;
  }
  {
    std::lock_guard lock(published_->mu);
    // Batches are taken, and published, in order.
    published_->count.store(slots.back()->seq + 1, std::memory_order_release);
  }
  published_->cv.notify_all();
  for (const auto& slot : slots) {
    if (!slot->done) continue;
    const auto& result = slot->outcome->result;
    slot->done(result.ok() ? Result<Appended>((*result)[slot->position]) : Result<Appended>(result.status()));
    slot->done = nullptr;  // what it captured goes now, not with the last holder of the batch
  }
}

}  // namespace ndc::audit
