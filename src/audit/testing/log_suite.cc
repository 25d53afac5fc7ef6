// The audit log on each backend: appends, reads, proofs against signed checkpoints, checkpoint
// issuance and its refusal to sign an inconsistent tree, and concurrent appenders on separate
// connection pools making one log.
#include <atomic>
#include <thread>

#include <gmock/gmock.h>

#include "audit/entry_codec.h"
#include "audit/merkle/reference.h"
#include "audit/merkle/verify.h"
#include "audit/proof_json.h"
#include "audit/testing/audit_suite.h"
#include "audit/verifier.h"
#include "common/json.h"

namespace ndc::audit::testing {

using ::testing::HasSubstr;

Entry SampleEntry(int i) {
  Entry e;
  e.actor = {"key" + std::to_string(i % 7), i % 3 ? "vss" : "", i % 3 ? "agency" : "operator"};
  e.action = i % 5 ? "person.read" : "dataset.create";
  e.subject = {"p" + std::to_string(i), "insurance", "r" + std::to_string(i)};
  e.fields = {"name", "dob"};
  e.purpose = "kiểm tra " + std::to_string(i);
  e.legal_basis = "Decree 13/2023";
  e.decision = i % 11 ? Decision::kAllowed : Decision::kDenied;
  if (e.decision == Decision::kDenied) e.reason = "no agreement";
  e.request_id = "req-" + std::to_string(i);
  return e;
}

SigningKey TestKey(uint64_t seed) {
  SeededRandom random(seed);
  auto kp = GenerateEd25519(&random);
  return SigningKey{kp.secret_key, kp.public_key};
}

std::string BackendParamName(const ::testing::TestParamInfo<store::Backend>& info) {
  return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres";
}

void AuditSuite::SetUp() {
  NDC_ASSERT_OK_AND_ASSIGN(db_, store::NewMigratedTestDatabase(GetParam()));
  NDC_ASSERT_OK_AND_ASSIGN(log_, AuditLog::Open(db_.get(), &clock_, &random_));
  checkpointer_ = std::make_unique<Checkpointer>(log_.get(), key_, "ndc.audit/test");
}

void AuditSuite::TearDown() {
  checkpointer_.reset();
  log_.reset();
}

void AuditSuite::AppendMany(int n) {
  std::vector<std::future<Result<Appended>>> futures;
  for (int i = 0; i < n; ++i) futures.push_back(log_->AppendAsync(SampleEntry(i)));
  for (auto& f : futures) NDC_ASSERT_OK(f.get());
}

void AuditSuite::Sql(const std::string& sql, std::vector<store::Value> params) {
  NDC_ASSERT_OK(db_->Exec(sql, params));
}

std::string AuditSuite::EntryBytes(uint64_t index) {
  store::Value p[] = {static_cast<int64_t>(index)};
  auto row = db_->QueryOne("SELECT entry FROM audit_entries WHERE idx = $1", p);
  return row.ok() ? row->Bytes(0) : "";
}

namespace {

TEST_P(LogSuite, AppendAssignsDenseIndexesAndFreshIds) {
  auto a = log_->Append(SampleEntry(1));
  auto b = log_->Append(SampleEntry(2));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->index, 0u);
  EXPECT_EQ(b->index, 1u);
  EXPECT_THAT(a->id, ::testing::MatchesRegex("aud_0000000000000000[0-9a-f]{8}"));
  EXPECT_NE(a->id, b->id);
}

TEST_P(LogSuite, StoredEntryIsTheEncodingWithIndexIdAndClockTime) {
  Entry e = SampleEntry(3);
  NDC_ASSERT_OK_AND_ASSIGN(auto appended, log_->Append(e));
  NDC_ASSERT_OK_AND_ASSIGN(auto rows, log_->Entries(0, 10));
  ASSERT_EQ(rows.size(), 1u);
  e.index = 0;
  e.id = appended.id;
  e.time_micros = clock_.NowMicros();
  EXPECT_EQ(rows[0].bytes, *EncodeEntry(e));
  EXPECT_EQ(rows[0].leaf_hash, merkle::HashLeaf(rows[0].bytes));
  EXPECT_EQ(*log_->IndexOf(appended.id), 0u);
}

TEST_P(LogSuite, InvalidEntryIsRefusedAndNothingIsAppended) {
  Entry e = SampleEntry(1);
  e.action = "Bad Action";
  EXPECT_EQ(log_->Append(e).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->Head()->first, 0u);
}

TEST_P(LogSuite, RootEqualsTheNaiveReferenceOverStoredEntries) {
  AppendMany(300);
  NDC_ASSERT_OK_AND_ASSIGN(auto rows, log_->Entries(0, 300));
  std::vector<std::string> leaves;
  for (const auto& r : rows) leaves.push_back(r.bytes);
  NDC_ASSERT_OK_AND_ASSIGN(auto head, log_->Head());
  EXPECT_EQ(head.first, 300u);
  EXPECT_EQ(head.second, merkle::reference::Root(leaves));
}

TEST_P(LogSuite, InclusionProofsVerifyAgainstSignedCheckpoints) {
  AppendMany(100);
  NDC_ASSERT_OK_AND_ASSIGN(auto cp100, checkpointer_->Issue());
  AppendMany(37);
  NDC_ASSERT_OK_AND_ASSIGN(auto cp137, checkpointer_->Issue());
  for (uint64_t i : {0, 1, 15, 16, 63, 99}) {
    for (const auto& cp : {cp100, cp137}) {
      NDC_ASSERT_OK_AND_ASSIGN(auto p, log_->ProveInclusion(i, cp.checkpoint.size));
      EXPECT_TRUE(merkle::VerifyInclusion(i, cp.checkpoint.size, p.entry.leaf_hash, p.hashes, cp.checkpoint.root).ok())
          << i << " in " << cp.checkpoint.size;
      EXPECT_LE(p.node_reads, 10);
      auto offline = VerifyProofOffline(cp.note, DumpJson(InclusionProofJson(p)), key_.public_key);
      EXPECT_TRUE(offline.ok()) << offline.status().ToString();
    }
  }
}

// A page of a citizen's history proves many entries at once: the same proofs as one by one, with
// the head and the nodes read once for all of them.
TEST_P(LogSuite, ProofsOfManyEntriesAreTheSameAsOneByOneWithFewerReads) {
  AppendMany(137);
  NDC_ASSERT_OK_AND_ASSIGN(auto cp, checkpointer_->Issue());
  const std::vector<uint64_t> indexes = {136, 99, 64, 63, 16, 15, 1, 0};
  std::vector<StoredEntry> entries;
  int one_by_one_reads = 0;
  std::vector<InclusionProofData> singles;
  for (uint64_t i : indexes) {
    NDC_ASSERT_OK_AND_ASSIGN(auto rows, ReadEntries(db_.get(), i, i + 1));
    ASSERT_EQ(rows.size(), 1u);
    entries.push_back(rows[0]);
    NDC_ASSERT_OK_AND_ASSIGN(auto p, log_->ProveInclusion(i, 137));
    one_by_one_reads += p.node_reads + 2;  // and the head and the entry
    singles.push_back(std::move(p));
  }
  NDC_ASSERT_OK_AND_ASSIGN(auto all, log_->ProveInclusions(entries, 137));
  ASSERT_EQ(all.size(), indexes.size());
  for (size_t k = 0; k < all.size(); ++k) {
    EXPECT_EQ(all[k].index, indexes[k]);
    EXPECT_EQ(all[k].hashes, singles[k].hashes) << indexes[k];
    EXPECT_EQ(all[k].entry.bytes, singles[k].entry.bytes);
    EXPECT_TRUE(merkle::VerifyInclusion(indexes[k], 137, all[k].entry.leaf_hash, all[k].hashes, cp.checkpoint.root).ok());
  }
  EXPECT_LT(all[0].node_reads + 1, one_by_one_reads / 2) << "reads for all: " << all[0].node_reads;
  // The head, the stored nodes and the six leaf blocks: three statements in all.
  EXPECT_LE(all[0].node_reads, 3);
  EXPECT_EQ(log_->ProveInclusions(entries, 138).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(log_->ProveInclusions(entries, 100).status().code(), StatusCode::kOutOfRange);  // 136 is not in it
}

TEST_P(LogSuite, ConsistencyProofsLinkCheckpoints) {
  AppendMany(21);
  NDC_ASSERT_OK_AND_ASSIGN(auto old_cp, checkpointer_->Issue());
  AppendMany(50);
  NDC_ASSERT_OK_AND_ASSIGN(auto new_cp, checkpointer_->Issue());
  NDC_ASSERT_OK_AND_ASSIGN(auto proof, log_->ProveConsistency(21, 71));
  EXPECT_TRUE(merkle::VerifyConsistency(21, 71, old_cp.checkpoint.root, new_cp.checkpoint.root, proof).ok());
  auto offline =
      VerifyProofOffline(new_cp.note, DumpJson(ConsistencyProofJson(21, 71, proof)), key_.public_key, old_cp.note);
  EXPECT_TRUE(offline.ok()) << offline.status().ToString();
}

TEST_P(LogSuite, OfflineVerifierRefusesATamperedProof) {
  AppendMany(10);
  NDC_ASSERT_OK_AND_ASSIGN(auto cp, checkpointer_->Issue());
  NDC_ASSERT_OK_AND_ASSIGN(auto p, log_->ProveInclusion(4, 10));
  p.entry.bytes[p.entry.bytes.size() - 2] ^= 1;  // the request id's last character
  EXPECT_EQ(VerifyProofOffline(cp.note, DumpJson(InclusionProofJson(p)), key_.public_key).status().code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(VerifyProofOffline(cp.note, DumpJson(InclusionProofJson(p)), TestKey(9).public_key).status().code(),
            StatusCode::kDataLoss);
}

TEST_P(LogSuite, ProofsBeyondTheLogAreOutOfRangeAndUnknownIdsNotFound) {
  AppendMany(5);
  EXPECT_EQ(log_->ProveInclusion(5).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(log_->ProveInclusion(1, 6).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(log_->ProveConsistency(2, 6).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(log_->IndexOf("aud_nope").status().code(), StatusCode::kNotFound);
}

TEST_P(LogSuite, IndexOfReadsTheIndexFromTheIdAndChecksTheWholeId) {
  AppendMany(40);
  NDC_ASSERT_OK_AND_ASSIGN(auto rows, log_->Entries(37, 38));
  ASSERT_EQ(rows.size(), 1u);
  const std::string id = rows[0].id;  // aud_0000000000000025xxxxxxxx
  EXPECT_EQ(*log_->IndexOf(id), 37u);
  std::string other_random = id;
  other_random.back() = other_random.back() == '0' ? '1' : '0';
  EXPECT_EQ(log_->IndexOf(other_random).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(log_->IndexOf("aud_00000000000000ff" + id.substr(20)).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(log_->IndexOf("aud_zz00000000000025" + id.substr(20)).status().code(), StatusCode::kNotFound);
}

TEST_P(LogSuite, CheckpointAtTheSameSizeIsReusedNotResigned) {
  AppendMany(3);
  NDC_ASSERT_OK_AND_ASSIGN(auto a, checkpointer_->Issue());
  clock_.Advance(1000000);
  NDC_ASSERT_OK_AND_ASSIGN(auto b, checkpointer_->Issue());
  EXPECT_EQ(a.note, b.note);
  EXPECT_EQ(a.signed_at, b.signed_at);
  NDC_ASSERT_OK_AND_ASSIGN(auto latest, log_->LatestCheckpoint());
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->checkpoint.size, 3u);
}

TEST_P(LogSuite, RefusesToSignWhenAnEarlierEntryWasRewritten) {
  AppendMany(40);
  NDC_ASSERT_OK(checkpointer_->Issue());
  // Entry 35 rewritten with a recomputed leaf hash: the subtree over 32..39 is recomputed from
  // leaf hashes, so the stored tree no longer extends the signed one.
  std::string forged = EntryBytes(35);
  forged[forged.size() - 2] ^= 1;
  Sql("UPDATE audit_entries SET entry = $1, leaf_hash = $2 WHERE idx = 35",
      {store::Blob{forged}, store::Blob{merkle::HashBytes(merkle::HashLeaf(forged))}});
  AppendMany(10);
  auto refused = checkpointer_->Issue();
  EXPECT_EQ(refused.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(refused.status().message(), HasSubstr("refusing to sign tree size 50"));
  EXPECT_FALSE(log_->CheckpointAt(50)->has_value());
}

TEST_P(LogSuite, RefusesToSignAForgedFrontier) {
  AppendMany(20);
  NDC_ASSERT_OK(checkpointer_->Issue());
  // The head's frontier replaced by one for 20 other leaves: appends continue from a false tree.
  merkle::CompactRange fake;
  for (int i = 0; i < 20; ++i) fake.Append(merkle::HashLeaf("fake" + std::to_string(i)));
  Sql("UPDATE audit_head SET frontier = $1 WHERE id = 1", {store::Blob{fake.Serialize()}});
  AppendMany(5);
  EXPECT_EQ(checkpointer_->Issue().status().code(), StatusCode::kDataLoss);
  EXPECT_FALSE(log_->CheckpointAt(25)->has_value());
}

TEST_P(LogSuite, RefusesToSignBelowWhatThisProcessSigned) {
  AppendMany(10);
  NDC_ASSERT_OK(checkpointer_->Issue());
  Sql("DELETE FROM audit_checkpoints");
  Sql("DELETE FROM audit_entries WHERE idx >= 5");
  Sql("UPDATE audit_head SET size = 0, frontier = $1 WHERE id = 1", {store::Blob{merkle::CompactRange().Serialize()}});
  EXPECT_EQ(checkpointer_->Issue().status().code(), StatusCode::kDataLoss);
}

TEST_P(LogSuite, TwoPoolsAppendingConcurrentlyMakeOneLogThatVerifies) {
  NDC_ASSERT_OK_AND_ASSIGN(auto other_db, store::Open(db_->url()));
  SeededRandom other_random(7);
  NDC_ASSERT_OK_AND_ASSIGN(auto other_log, AuditLog::Open(other_db.get(), &clock_, &other_random));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      AuditLog* log = t % 2 ? other_log.get() : log_.get();
      for (int i = 0; i < 100; ++i) {
        if (!log->Append(SampleEntry(t * 1000 + i)).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  NDC_ASSERT_OK(checkpointer_->Issue());
  NDC_ASSERT_OK_AND_ASSIGN(auto report, VerifyLog(db_.get(), key_.public_key, "ndc.audit/test"));
  EXPECT_EQ(report.entries, 600u);
  EXPECT_EQ(report.checkpoints, 1u);
}

// Two nodes signing while both append: a node whose head read is overtaken by the other's newer
// checkpoint signs (or reuses) a checkpoint of the newer head, instead of reporting entries as
// removed (a false tamper alarm).
TEST_P(LogSuite, TwoNodesSigningWhileAppendingNeverSeeEntriesRemoved) {
  NDC_ASSERT_OK_AND_ASSIGN(auto other_db, store::Open(db_->url()));
  SeededRandom other_random(9);
  NDC_ASSERT_OK_AND_ASSIGN(auto other_log, AuditLog::Open(other_db.get(), &clock_, &other_random));
  Checkpointer other(other_log.get(), key_, "ndc.audit/test");
  std::atomic<bool> appending{true};
  std::vector<Status> signed_(2);
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    for (int i = 0; i < 300; ++i) {
      Status s = (i % 2 ? other_log.get() : log_.get())->Append(SampleEntry(i)).status();
      if (!s.ok()) signed_[0] = s;
    }
    appending = false;
  });
  for (int n = 0; n < 2; ++n) {
    threads.emplace_back([&, n] {
      Checkpointer* c = n == 0 ? checkpointer_.get() : &other;
      while (appending.load() && signed_[n].ok()) {
        Status s = c->Issue().status();
        if (!s.ok()) signed_[n] = s;
      }
    });
  }
  for (auto& th : threads) th.join();
  NDC_EXPECT_OK(signed_[0]);
  NDC_EXPECT_OK(signed_[1]);
  NDC_ASSERT_OK(checkpointer_->Issue());
  NDC_ASSERT_OK_AND_ASSIGN(auto report, VerifyLog(db_.get(), key_.public_key, "ndc.audit/test"));
  EXPECT_EQ(report.entries, 300u);
}

}  // namespace
}  // namespace ndc::audit::testing
