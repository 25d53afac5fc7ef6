// GroupCommitter with a fake commit function: batching under load, retries of kAborted,
// failures reaching every caller of the batch, draining at shutdown.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "audit/group_committer.h"

namespace ndc::audit {
namespace {

EncodedEntry E() { return EncodedEntry{"t", ""}; }

// Numbers the entries of each batch from *next on, and echoes each entry's bytes as its id.
GroupCommitter::CommitFn Numbering(uint64_t* next) {
  return [next](std::vector<EncodedEntry>& batch, const GroupCommitter::SideWork*) -> Result<std::vector<Appended>> {
    std::vector<Appended> out;
    for (const auto& e : batch) out.push_back(Appended{(*next)++, e.bytes, {}});
    return out;
  };
}

TEST(GroupCommitter, EveryCallerGetsItsOwnIndex) {
  uint64_t next = 0;
  GroupCommitter c(Numbering(&next), {});
  std::vector<std::future<Result<Appended>>> futures;
  for (int i = 0; i < 1000; ++i) futures.push_back(c.Submit(E()));
  std::vector<bool> seen(1000);
  for (auto& f : futures) {
    auto r = f.get();
    ASSERT_TRUE(r.ok());
    seen[r->index] = true;
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), 1000);
  EXPECT_LT(c.stats().batches, 1000u);  // batched
}

// Under load (the previous batch held linger_after or more) the committer waits `linger` for a
// batch to fill; after a small batch it commits at once.
TEST(GroupCommitter, LingersForMoreEntriesOnlyAfterALargeBatch) {
  std::mutex mu;
  std::vector<size_t> sizes;
  std::promise<void> gate;
  std::shared_future<void> open = gate.get_future().share();
  auto commit = [&](std::vector<EncodedEntry>& batch, const GroupCommitter::SideWork*) -> Result<std::vector<Appended>> {
    {
      std::lock_guard lock(mu);
      sizes.push_back(batch.size());
    }
    open.wait();  // the first batch stays open until the test has queued the next entries
    std::vector<Appended> out(batch.size());
    return out;
  };
  GroupCommitOptions options;
  options.linger = std::chrono::milliseconds(500);
  options.linger_after = 2;
  GroupCommitter c(commit, options);
  auto first = c.Submit(E());
  for (bool inside = false; !inside; std::this_thread::yield()) {  // until batch 1 ([e1]) is committing
    std::lock_guard lock(mu);
    inside = !sizes.empty();
  }
  auto second = c.Submit(E());
  auto third = c.Submit(E());
  gate.set_value();
  ASSERT_TRUE(first.get().ok());
  ASSERT_TRUE(second.get().ok());  // batch 2: [e2, e3], taken at once (batch 1 was small)
  ASSERT_TRUE(third.get().ok());
  auto fourth = c.Submit(E());  // after a batch of 2 the committer lingers...
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto fifth = c.Submit(E());  // ...so this one joins the same batch
  ASSERT_TRUE(fourth.get().ok());
  ASSERT_TRUE(fifth.get().ok());
  std::lock_guard lock(mu);
  EXPECT_EQ(sizes, (std::vector<size_t>{1, 2, 2}));
}

TEST(GroupCommitter, EachFutureHoldsItsOwnEntrysOutcomeAcrossBatches) {
  uint64_t next = 0;
  GroupCommitOptions options;
  options.max_batch = 7;
  GroupCommitter c(Numbering(&next), options);
  std::vector<std::future<Result<Appended>>> futures;
  for (int i = 0; i < 100; ++i) futures.push_back(c.Submit(EncodedEntry{"e" + std::to_string(i), ""}));
  // Collected newest first: a later batch's outcome must not be handed to an earlier entry.
  for (int i = 99; i >= 0; --i) {
    auto r = futures[i].get();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->index, static_cast<uint64_t>(i));
    EXPECT_EQ(r->id, "e" + std::to_string(i));
  }
}

TEST(GroupCommitter, SubmitAndWaitReturnsTheOutcomeOfItsEntry) {
  uint64_t next = 5;
  GroupCommitter c(Numbering(&next), {});
  auto r = c.SubmitAndWait(EncodedEntry{"abc", "p1"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->index, 5u);
  EXPECT_EQ(r->id, "abc");
}

TEST(GroupCommitter, AbortedBatchIsRetried) {
  int calls = 0;
  GroupCommitter c(
      [&](std::vector<EncodedEntry>& batch, const GroupCommitter::SideWork*) -> Result<std::vector<Appended>> {
        if (++calls < 3) return AbortedError("conflict");
        return std::vector<Appended>(batch.size());
      },
      {});
  EXPECT_TRUE(c.Submit(E()).get().ok());
  EXPECT_EQ(c.stats().retries, 2u);
}

TEST(GroupCommitter, FailureReachesEveryCallerOfTheBatch) {
  GroupCommitter c([](std::vector<EncodedEntry>&, const GroupCommitter::SideWork*) -> Result<std::vector<Appended>> {
    return UnavailableError("down");
  }, {});
  auto a = c.Submit(E()), b = c.Submit(E());
  EXPECT_EQ(a.get().status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(b.get().status().code(), StatusCode::kUnavailable);
}

// Health: a commit under way shows when it began; a failed batch marks the log failing until a
// batch commits again. Failures are counted.
TEST(GroupCommitter, HealthShowsACommitUnderWayAndAFailureUntilTheNextSuccess) {
  std::atomic<bool> fail{true};
  std::promise<void> entered, gate;
  std::shared_future<void> open = gate.get_future().share();
  std::atomic<bool> hold{false};
  GroupCommitter c(
      [&](std::vector<EncodedEntry>& batch, const GroupCommitter::SideWork*) -> Result<std::vector<Appended>> {
        if (hold.exchange(false)) {
          entered.set_value();
          open.wait();
        }
        if (fail) return UnavailableError("disk gone");
        return std::vector<Appended>(batch.size());
      },
      {});
  EXPECT_FALSE(c.health().failed_at.has_value());
  EXPECT_FALSE(c.health().committing_since.has_value());
  const auto first = std::chrono::steady_clock::now();
  EXPECT_EQ(c.Submit(E()).get().status().code(), StatusCode::kUnavailable);
  ASSERT_TRUE(c.health().failed_at.has_value());
  EXPECT_GE(*c.health().failed_at, first);
  EXPECT_FALSE(c.health().committing_since.has_value());  // idle again
  EXPECT_EQ(c.stats().failed_batches, 1u);
  EXPECT_EQ(c.stats().failed_entries, 1u);

  fail = false;
  hold = true;
  const auto before = std::chrono::steady_clock::now();
  auto held = c.Submit(E());
  entered.get_future().wait();
  GroupCommitter::Health during = c.health();
  ASSERT_TRUE(during.committing_since.has_value());
  EXPECT_GE(*during.committing_since, before);
  EXPECT_LE(*during.committing_since, std::chrono::steady_clock::now());
  EXPECT_TRUE(during.failed_at.has_value());  // nothing has committed since the failure yet
  gate.set_value();
  EXPECT_TRUE(held.get().ok());
  EXPECT_FALSE(c.health().failed_at.has_value());
  EXPECT_FALSE(c.health().committing_since.has_value());
  EXPECT_EQ(c.stats().failed_batches, 1u);
  EXPECT_EQ(c.stats().batches, 2u);
}

// SubmitThen's callback runs once per entry, after its batch is committed, with its own outcome.
TEST(GroupCommitter, SubmitThenCallsBackOnceWithEachEntrysOwnOutcome) {
  uint64_t next = 0;
  std::mutex mu;
  std::map<std::string, uint64_t> done;  // id -> index
  int calls = 0;
  {
    GroupCommitter c(Numbering(&next), {});
    for (int i = 0; i < 200; ++i) {
      c.SubmitThen(EncodedEntry{"e" + std::to_string(i), ""}, [&](Result<Appended> r) {
        std::lock_guard lock(mu);
        ++calls;
        if (r.ok()) done[r->id] = r->index;
      });
    }
  }  // the destructor commits what is queued
  EXPECT_EQ(calls, 200);
  ASSERT_EQ(done.size(), 200u);
  EXPECT_EQ(done["e0"], 0u);
  EXPECT_EQ(done["e199"], 199u);
}

TEST(GroupCommitter, SubmitThenPassesABatchFailureToItsCallback) {
  std::promise<Status> outcome;
  {
    GroupCommitter c([](std::vector<EncodedEntry>&, const GroupCommitter::SideWork*) -> Result<std::vector<Appended>> {
      return UnavailableError("down");
    }, {});
    c.SubmitThen(E(), [&](Result<Appended> r) { outcome.set_value(r.status()); });
  }
  EXPECT_EQ(outcome.get_future().get().code(), StatusCode::kUnavailable);
}

TEST(GroupCommitter, DestructorCommitsWhatIsQueued) {
  std::atomic<int> committed{0};
  std::vector<std::future<Result<Appended>>> futures;
  {
    GroupCommitter c(
        [&](std::vector<EncodedEntry>& batch, const GroupCommitter::SideWork*) -> Result<std::vector<Appended>> {
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          committed += static_cast<int>(batch.size());
          return std::vector<Appended>(batch.size());
        },
        {});
    for (int i = 0; i < 100; ++i) futures.push_back(c.Submit(E()));
  }
  EXPECT_EQ(committed.load(), 100);
  for (auto& f : futures) EXPECT_TRUE(f.get().ok());
}

TEST(GroupCommitter, BatchesAreBoundedByMaxBatch) {
  size_t largest = 0;
  GroupCommitOptions options;
  options.max_batch = 10;
  GroupCommitter c(
      [&](std::vector<EncodedEntry>& batch, const GroupCommitter::SideWork*) -> Result<std::vector<Appended>> {
        largest = std::max(largest, batch.size());
        return std::vector<Appended>(batch.size());
      },
      options);
  std::vector<std::future<Result<Appended>>> futures;
  for (int i = 0; i < 200; ++i) futures.push_back(c.Submit(E()));
  for (auto& f : futures) ASSERT_TRUE(f.get().ok());
  EXPECT_LE(largest, 10u);
}

TEST(GroupCommitter, SideWorkRunsInABatchEvenWithNoEntryQueued) {
  int with_side = 0;
  size_t entries_with_side = 1;
  GroupCommitter c(
      [&](std::vector<EncodedEntry>& batch, const GroupCommitter::SideWork* side) -> Result<std::vector<Appended>> {
        if (side) {
          ++with_side;
          entries_with_side = batch.size();
          RETURN_IF_ERROR((*side)(nullptr));
        }
        return std::vector<Appended>(batch.size());
      },
      {});
  bool ran = false;
  EXPECT_TRUE(c.RunInBatch([&](store::Transaction*) {
                 ran = true;
                 return OkStatus();
               }).ok());
  EXPECT_TRUE(ran);
  EXPECT_EQ(with_side, 1);
  EXPECT_EQ(entries_with_side, 0u);
}

TEST(GroupCommitter, FailedSideWorkFailsAloneAndItsBatchIsCommittedWithout) {
  std::atomic<bool> gate{false};
  GroupCommitter c(
      [&](std::vector<EncodedEntry>& batch, const GroupCommitter::SideWork* side) -> Result<std::vector<Appended>> {
        while (!gate) std::this_thread::yield();  // lets entries and side work queue together
        if (side) RETURN_IF_ERROR((*side)(nullptr));
        return std::vector<Appended>(batch.size());
      },
      {});
  auto first = c.Submit(E());  // holds the committer until the gate opens
  std::thread side([&] {
    EXPECT_EQ(c.RunInBatch([](store::Transaction*) { return DataLossError("bad block"); }).code(),
              StatusCode::kDataLoss);
  });
  std::vector<std::future<Result<Appended>>> queued;
  for (int i = 0; i < 10; ++i) queued.push_back(c.Submit(E()));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  gate = true;
  side.join();
  EXPECT_TRUE(first.get().ok());
  for (auto& f : queued) EXPECT_TRUE(f.get().ok());
}

}  // namespace
}  // namespace ndc::audit
