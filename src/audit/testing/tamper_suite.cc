// Tampering as a database administrator could, on each backend: one changed byte, a deleted row,
// two swapped rows, an inserted row, a truncated tail, a forged checkpoint, a changed tree node,
// a rewritten head. `VerifyLog` must report each as kDataLoss naming the first bad index.
#include <fmt/format.h>
#include <gmock/gmock.h>

#include <functional>

#include "audit/entry_codec.h"
#include "audit/testing/audit_suite.h"
#include "audit/verifier.h"
#include "store/testing/test_util.h"

namespace ndc::audit::testing {

void Tamper::SetUp() {
  AuditSuite::SetUp();
  if (HasFatalFailure()) return;
  AppendMany(20);
  NDC_ASSERT_OK(checkpointer_->Issue());
  AppendMany(20);
  NDC_ASSERT_OK(checkpointer_->Issue());
}

Status Tamper::Verify() { return VerifyLog(db_.get(), key_.public_key, "ndc.audit/test").status(); }

void Tamper::ExpectBadIndex(uint64_t index) {
  Status s = Verify();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
  EXPECT_THAT(s.message() + "$", ::testing::HasSubstr("first bad index " + std::to_string(index) + "$"));
}

std::string Tamper::LeafHash(uint64_t index) {
  store::Value p[] = {static_cast<int64_t>(index)};
  auto row = db_->QueryOne("SELECT leaf_hash FROM audit_entries WHERE idx = $1", p);
  return row.ok() ? row->Bytes(0) : "";
}

namespace {

using ::testing::HasSubstr;
using store::Blob;

TEST_P(Tamper, UntouchedLogVerifies) {
  auto report = VerifyLog(db_.get(), key_.public_key, "ndc.audit/test");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries, 40u);
  EXPECT_EQ(report->checkpoints, 2u);
  EXPECT_EQ(report->nodes, 3u);  // (4, 0), (4, 1) and (5, 0)
}

// The progress a long verification reports: entries checked of the head's count, after each page.
TEST_P(Tamper, VerificationReportsItsProgress) {
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  auto report = VerifyLog(db_.get(), key_.public_key, "ndc.audit/test", {},
                          [&](uint64_t checked, uint64_t total) { calls.emplace_back(checked, total); });
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(calls.size(), 1u);  // 40 entries: one page
  EXPECT_EQ(calls[0], std::make_pair(uint64_t{40}, uint64_t{40}));
}

TEST_P(Tamper, OneChangedByteOfAnEntry) {
  std::string bytes = EntryBytes(13);
  bytes[bytes.find("kiểm tra")] = 'K';
  Sql("UPDATE audit_entries SET entry = $1 WHERE idx = 13", {Blob{bytes}});
  ExpectBadIndex(13);
}

// The person_key column feeds the person index (citizens' histories) from outside the tree.
TEST_P(Tamper, AChangedPersonKeyColumn) {
  Sql("UPDATE audit_entries SET person_key = 'someone else' WHERE idx = 13");
  ExpectBadIndex(13);
}

TEST_P(Tamper, DeletedRow) {
  Sql("DELETE FROM audit_entries WHERE idx = 13");
  ExpectBadIndex(13);
}

TEST_P(Tamper, SwappedRows) {
  std::string a = EntryBytes(13), b = EntryBytes(17), ha = LeafHash(13), hb = LeafHash(17);
  auto id = [&](int i) {
    store::Value p[] = {int64_t{i}};
    return db_->QueryOne("SELECT entry_id FROM audit_entries WHERE idx = $1", p)->Str(0);
  };
  std::string ida = id(13), idb = id(17);
  Sql("UPDATE audit_entries SET entry_id = 'tmp' WHERE idx = 13");
  Sql("UPDATE audit_entries SET entry = $1, leaf_hash = $2, entry_id = $3 WHERE idx = 17", {Blob{a}, Blob{ha}, ida});
  Sql("UPDATE audit_entries SET entry = $1, leaf_hash = $2, entry_id = $3 WHERE idx = 13", {Blob{b}, Blob{hb}, idb});
  ExpectBadIndex(13);
}

TEST_P(Tamper, InsertedRow) {
  // Shift entries 25.. up by one (from the top, so the primary key never collides), then put a
  // well-formed forged entry at 25 that claims index 25.
  for (int i = 39; i >= 25; --i) {
    Sql("UPDATE audit_entries SET idx = idx + 1 WHERE idx = $1", {int64_t{i}});
  }
  Entry forged = SampleEntry(99);
  forged.index = 25;
  forged.id = "aud_forged";
  forged.time_micros = 1;
  std::string bytes = *EncodeEntry(forged);
  Sql("INSERT INTO audit_entries (idx, entry_id, entry, leaf_hash, appended_at) VALUES (25, 'aud_forged', $1, $2, 0)",
      {Blob{bytes}, Blob{merkle::HashBytes(merkle::HashLeaf(bytes))}});
  ExpectBadIndex(25);
}

TEST_P(Tamper, TruncatedTailWithAConsistentHead) {
  Sql("DELETE FROM audit_entries WHERE idx >= 35");
  // Also make the head agree with the 35 entries left, as a careful administrator would.
  merkle::CompactRange head;
  for (uint64_t i = 0; i < 35; ++i) head.Append(*merkle::HashFromBytes(LeafHash(i)));
  Sql("UPDATE audit_head SET size = 35, frontier = $1 WHERE id = 1", {Blob{head.Serialize()}});
  ExpectBadIndex(35);
}

TEST_P(Tamper, ForgedCheckpoint) {
  // A checkpoint for a larger tree, well-formed, signed by another key.
  Checkpoint c{"ndc.audit/test", 40, merkle::HashLeaf("forged root")};
  std::string note = *SignCheckpoint(c, TestKey(666));
  Sql("UPDATE audit_checkpoints SET checkpoint = $1, root_hash = $2 WHERE tree_size = 40",
      {note, Blob{merkle::HashBytes(c.root)}});
  Status s = Verify();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("checkpoint for tree size 40 was forged or altered"));
}

TEST_P(Tamper, CheckpointRootColumnChanged) {
  Sql("UPDATE audit_checkpoints SET root_hash = $1 WHERE tree_size = 20", {Blob{std::string(32, 'x')}});
  EXPECT_EQ(Verify().code(), StatusCode::kDataLoss);
}

TEST_P(Tamper, RewriteWithRecomputedLeafHashIsCaughtByTheCheckpoint) {
  // Entry 30 rewritten with a matching leaf hash: only the signed root of size 40 can tell, so
  // the first bad index is where the last matching checkpoint ends (20).
  std::string bytes = EntryBytes(30);
  bytes[bytes.find("kiểm tra")] = 'K';
  Sql("UPDATE audit_entries SET entry = $1, leaf_hash = $2 WHERE idx = 30",
      {Blob{bytes}, Blob{merkle::HashBytes(merkle::HashLeaf(bytes))}});
  // The persisted node over 16..31 gives it away first.
  ExpectBadIndex(16);
  Sql("DELETE FROM audit_nodes");
  ExpectBadIndex(0);  // node (4, 0) is now missing
}

TEST_P(Tamper, ChangedTreeNode) {
  Sql("UPDATE audit_nodes SET hash = $1 WHERE level = 4 AND idx = 1", {Blob{std::string(32, 'n')}});
  ExpectBadIndex(16);
}

// A node row the entries do not imply, at each place one could be put: below the stored levels,
// past the last node of a level, past the tree's height.
TEST_P(Tamper, ANodeBeyondTheLogIsFound) {
  for (const auto& [level, idx] : std::vector<std::pair<int64_t, int64_t>>{{2, 0}, {4, 2}, {4, 999}, {5, 1}, {9, 0}, {64, 0}}) {
    Sql("INSERT INTO audit_nodes (level, idx, hash) VALUES ($1, $2, $3)", {level, idx, Blob{std::string(32, 'e')}});
    Status s = Verify();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << level << " " << idx;
    EXPECT_THAT(s.message(), HasSubstr(fmt::format("tree node (level {}, index {}) is stored but the tree of 40 entries "
                                                   "has no such node",
                                                   level, idx)));
    Sql("DELETE FROM audit_nodes WHERE level = $1 AND idx = $2", {level, idx});
  }
  NDC_EXPECT_OK(Verify());  // the log as it was
}

// A long-running log has a checkpoint a minute: the verifier reads them a page (1,000) at a
// time, and still checks each against the entries and names a bad one in a later page.
TEST_P(Tamper, CheckpointsAreCheckedAPageAtATime) {
  AppendMany(2100);  // entries 40 .. 2139; a checkpoint at every size from 41 on
  merkle::CompactRange tree;
  for (uint64_t i = 0; i < 2140; ++i) {
    tree.Append(*merkle::HashFromBytes(LeafHash(i)));
    if (tree.size() <= 40) continue;
    Checkpoint c{"ndc.audit/test", tree.size(), tree.Root()};
    Sql("INSERT INTO audit_checkpoints (tree_size, root_hash, checkpoint, signed_at) VALUES ($1, $2, $3, 0)",
        {static_cast<int64_t>(c.size), Blob{merkle::HashBytes(c.root)}, *SignCheckpoint(c, key_)});
  }
  Result<VerifyReport> report = VerifyLog(db_.get(), key_.public_key, "ndc.audit/test");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries, 2140u);
  EXPECT_EQ(report->checkpoints, 2102u);  // 20, 40 and 41 .. 2140
  // A bad root column in the second page of checkpoints is named.
  Sql("UPDATE audit_checkpoints SET root_hash = $1 WHERE tree_size = 1500", {Blob{std::string(32, 'x')}});
  Status s = Verify();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("checkpoint for tree size 1500: stored root_hash differs"));
}

// A live hub signs a checkpoint a minute, so one may appear while the log is verified — after the
// signatures were checked, for a tree larger than the entries read. It is not an alarm: the run
// checks the entries against the checkpoints it checked, and leaves the new one for the next run.
TEST_P(Tamper, ACheckpointSignedDuringVerificationIsLeftForTheNextRun) {
  // Runs the verifier's statements on the test store; just before its second read of the
  // checkpoints (the first pass is done), signs one for 41 entries, as the hub's checkpointer would.
  class SigningMeanwhile : public store::Executor {
   public:
    SigningMeanwhile(store::Executor* db, std::function<void()> sign) : db_(db), sign_(std::move(sign)) {}
    Result<store::ResultSet> Query(std::string_view sql, std::span<const store::Value> params) override {
      if (sql.find("FROM audit_checkpoints") != std::string_view::npos && ++checkpoint_reads_ == 2) sign_();
      return db_->Query(sql, params);
    }
    Result<int64_t> Exec(std::string_view sql, std::span<const store::Value> params) override {
      return db_->Exec(sql, params);
    }
    Status ExecScript(std::string_view sql) override { return db_->ExecScript(sql); }
    store::Backend backend() const override { return db_->backend(); }
    int checkpoint_reads_ = 0;

   private:
    store::Executor* db_;
    std::function<void()> sign_;
  };
  SigningMeanwhile ex(db_.get(), [this] {
    Checkpoint c{"ndc.audit/test", 41, merkle::HashLeaf("entry 40, not stored yet")};
    Sql("INSERT INTO audit_checkpoints (tree_size, root_hash, checkpoint, signed_at) VALUES ($1, $2, $3, 0)",
        {int64_t{41}, Blob{merkle::HashBytes(c.root)}, *SignCheckpoint(c, key_)});
  });
  Result<VerifyReport> report = VerifyLog(&ex, key_.public_key, "ndc.audit/test");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_GE(ex.checkpoint_reads_, 2);
  EXPECT_EQ(report->entries, 40u);
  EXPECT_EQ(report->checkpoints, 2u);  // 20 and 40; 41 was not checked by this run
  // The next run checks it — and finds the log shorter than it claims.
  EXPECT_THAT(Verify().message(), HasSubstr("a checkpoint covers 41 entries but only 40 are stored"));
}

// A live hub appends while the log is verified. Appends made after the run read the head are
// left for the next run, wherever they fall: before 2026-11-30 the head was read after the
// entries, and an append in between was reported as "the log head records 60 entries but 40 are
// stored" (and its new node as one "beyond the log").
TEST_P(Tamper, AnAppendDuringVerificationIsLeftForTheNextRun) {
  // Runs the verifier's statements on the test store; once the entries have been read, before
  // the next statement about the head or the highest nodes, appends 20 entries (a level-4 node).
  class AppendingMeanwhile : public store::Executor {
   public:
    AppendingMeanwhile(store::Executor* db, std::function<void()> append) : db_(db), append_(std::move(append)) {}
    Result<store::ResultSet> Query(std::string_view sql, std::span<const store::Value> params) override {
      if (sql.find("FROM audit_entries") != std::string_view::npos) read_entries_ = true;
      const bool later = sql.find("FROM audit_head") != std::string_view::npos ||
                         sql.find("MAX(idx) FROM audit_nodes") != std::string_view::npos;
      if (read_entries_ && later && !appended_) {
        appended_ = true;
        append_();
      }
      return db_->Query(sql, params);
    }
    Result<int64_t> Exec(std::string_view sql, std::span<const store::Value> params) override {
      return db_->Exec(sql, params);
    }
    Status ExecScript(std::string_view sql) override { return db_->ExecScript(sql); }
    store::Backend backend() const override { return db_->backend(); }
    bool appended_ = false;

   private:
    store::Executor* db_;
    std::function<void()> append_;
    bool read_entries_ = false;
  };
  AppendingMeanwhile ex(db_.get(), [this] { AppendMany(20); });
  Result<VerifyReport> report = VerifyLog(&ex, key_.public_key, "ndc.audit/test");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(ex.appended_);
  EXPECT_EQ(report->entries, 40u);
  Result<VerifyReport> next = VerifyLog(db_.get(), key_.public_key, "ndc.audit/test");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->entries, 60u);
}

TEST_P(Tamper, AnEntryBeyondTheHeadIsFound) {
  Sql("INSERT INTO audit_entries (idx, entry_id, entry, leaf_hash, appended_at) "
      "SELECT 40, 'extra', entry, leaf_hash, appended_at FROM audit_entries WHERE idx = 39");
  Status s = Verify();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("audit entry 40 is stored but the log head records 40 entries"));
}

// An operator who can write the database can truncate the log with its head, nodes and stored
// checkpoints, and the hub then signs the shorter log again: the stored checkpoints cannot tell.
// A checkpoint the auditor kept from an earlier run can.
TEST_P(Tamper, ARollbackIsCaughtByACheckpointTheAuditorHolds) {
  Result<VerifyReport> before = VerifyLog(db_.get(), key_.public_key, "ndc.audit/test");
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  const std::string held = before->latest_note;  // what `ndc audit verify --save` keeps
  ASSERT_NE(held.find("\n40\n"), std::string::npos) << held;
  Result<VerifyReport> again = VerifyLog(db_.get(), key_.public_key, "ndc.audit/test", {held});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->trusted, 1u);
  merkle::CompactRange full;  // the tree of 40, for putting its checkpoint back below
  for (uint64_t i = 0; i < 40; ++i) full.Append(*merkle::HashFromBytes(LeafHash(i)));
  // Rolled back to 20 entries, everything stored made to agree.
  Sql("DELETE FROM audit_entries WHERE idx >= 20");
  Sql("DELETE FROM audit_nodes WHERE NOT (level = 4 AND idx = 0)");
  Sql("DELETE FROM audit_checkpoints WHERE tree_size > 20");
  merkle::CompactRange head;
  for (uint64_t i = 0; i < 20; ++i) head.Append(*merkle::HashFromBytes(LeafHash(i)));
  Sql("UPDATE audit_head SET size = 20, frontier = $1 WHERE id = 1", {Blob{head.Serialize()}});
  NDC_EXPECT_OK(Verify());  // the hub's own checkpoints cannot tell
  Status s = VerifyLog(db_.get(), key_.public_key, "ndc.audit/test", {held}).status();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("the checkpoint you hold for tree size 40 is no longer stored"));
  // Had the checkpoint been left in place, the short log itself is named.
  Sql("INSERT INTO audit_checkpoints (tree_size, root_hash, checkpoint, signed_at) VALUES (40, $1, $2, 0)",
      {Blob{merkle::HashBytes(full.Root())}, held});
  s = VerifyLog(db_.get(), key_.public_key, "ndc.audit/test", {held}).status();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("you hold a checkpoint it signed for 40"));
  Sql("DELETE FROM audit_checkpoints WHERE tree_size = 40");
  // A held checkpoint of another history at a size the log has (signed, so once the hub's): its
  // stored copy is gone or was replaced.
  Checkpoint other{"ndc.audit/test", 15, merkle::HashLeaf("another history")};
  s = VerifyLog(db_.get(), key_.public_key, "ndc.audit/test", {*SignCheckpoint(other, key_)}).status();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("the checkpoint you hold for tree size 15 is no longer stored"));
  // A note this log's key did not sign is the auditor's mistake, not the log's.
  Checkpoint foreign{"ndc.audit/test", 10, merkle::HashLeaf("x")};
  EXPECT_EQ(VerifyLog(db_.get(), key_.public_key, "ndc.audit/test", {*SignCheckpoint(foreign, TestKey(9))})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

// A rewrite with every stored hash recomputed (leaf, nodes) still meets the checkpoint the
// auditor holds: the log no longer extends it.
TEST_P(Tamper, ARewriteWithEveryHashRecomputedDoesNotExtendAHeldCheckpoint) {
  Result<VerifyReport> before = VerifyLog(db_.get(), key_.public_key, "ndc.audit/test");
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  const std::string held = before->latest_note;  // size 40
  std::string bytes = EntryBytes(30);
  bytes[bytes.find("kiểm tra")] = 'K';
  Sql("UPDATE audit_entries SET entry = $1, leaf_hash = $2 WHERE idx = 30",
      {Blob{bytes}, Blob{merkle::HashBytes(merkle::HashLeaf(bytes))}});
  merkle::CompactRange tree;
  for (uint64_t i = 0; i < 40; ++i) {
    tree.Append(*merkle::HashFromBytes(LeafHash(i)), [this](merkle::NodeId id, const merkle::Hash& h) {
      if (id.level < kMinStoredLevel) return;
      Sql("UPDATE audit_nodes SET hash = $1 WHERE level = $2 AND idx = $3",
          {Blob{merkle::HashBytes(h)}, static_cast<int64_t>(id.level), static_cast<int64_t>(id.index)});
    });
  }
  Status s = VerifyLog(db_.get(), key_.public_key, "ndc.audit/test", {held}).status();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("does not extend the checkpoint you hold for tree size 40"));
}

TEST_P(Tamper, HeadThatDisagreesWithTheEntries) {
  // A well-formed head for 41 entries: the 40 real ones and one that is not stored.
  merkle::CompactRange head;
  for (uint64_t i = 0; i < 40; ++i) head.Append(*merkle::HashFromBytes(LeafHash(i)));
  head.Append(merkle::HashLeaf("ghost"));
  Sql("UPDATE audit_head SET size = 41, frontier = $1 WHERE id = 1", {Blob{head.Serialize()}});
  Status s = Verify();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("first bad index 40"));
}

}  // namespace
}  // namespace ndc::audit::testing
