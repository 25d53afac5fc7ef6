// The incremental tree and the proof generator against the naive reference, on random sizes
// 0..2,000; verification against every kind of corrupted proof.
#include <gtest/gtest.h>

#include "audit/merkle/compact_range.h"
#include "audit/merkle/proof.h"
#include "audit/merkle/reference.h"
#include "audit/merkle/testing_tree.h"
#include "audit/merkle/verify.h"
#include "common/crypto.h"

namespace ndc::merkle {
namespace {

using testing::MemoryTree;

std::vector<std::string> Leaves(uint64_t n) {
  std::vector<std::string> out;
  for (uint64_t i = 0; i < n; ++i) out.push_back("leaf " + std::to_string(i));
  return out;
}

TEST(Hash, EmptyRootIsSha256OfNothing) {
  EXPECT_EQ(HashHex(EmptyRoot()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Hash, FromBytesRefusesWrongLength) {
  EXPECT_EQ(HashFromBytes("short").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(HashFromBytes(std::string(32, 'x')).ok());
}

TEST(CompactRange, MatchesReferenceOnRandomSizes) {
  SeededRandom random(1);
  auto leaves = Leaves(2000);
  CompactRange range;
  std::vector<uint64_t> checks = {0, 1, 2, 3, 4, 5, 7, 8, 9, 1023, 1024, 1025, 2000};
  for (int i = 0; i < 25; ++i) checks.push_back(random.Uint64() % 2001);
  std::sort(checks.begin(), checks.end());
  size_t next = 0;
  for (uint64_t n = 0; n <= 2000; ++n) {
    while (next < checks.size() && checks[next] == n) {
      ASSERT_EQ(range.Root(), reference::Root(std::span(leaves).subspan(0, n))) << "size " << n;
      ++next;
    }
    if (n < 2000) range.Append(HashLeaf(leaves[n]));
  }
}

TEST(CompactRange, VisitsEveryCompletedNode) {
  CompactRange range;
  std::vector<NodeId> seen;
  for (int i = 0; i < 4; ++i) range.Append(HashLeaf("x"), [&](NodeId id, const Hash&) { seen.push_back(id); });
  std::vector<NodeId> want = {{0, 0}, {0, 1}, {1, 0}, {0, 2}, {0, 3}, {1, 1}, {2, 0}};
  EXPECT_EQ(seen, want);
}

TEST(CompactRange, SerializeParseRoundTrip) {
  CompactRange range;
  for (int i = 0; i < 13; ++i) range.Append(HashLeaf(std::to_string(i)));
  auto parsed = CompactRange::Parse(range.Serialize());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, range);
  EXPECT_EQ(range.hashes().size(), 3u);  // 13 = 8 + 4 + 1
}

TEST(CompactRange, ParseRefusesWrongHashCount) {
  CompactRange range;
  for (int i = 0; i < 3; ++i) range.Append(HashLeaf(std::to_string(i)));
  std::string bytes = range.Serialize();
  EXPECT_EQ(CompactRange::Parse(bytes.substr(0, bytes.size() - 32)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CompactRange::Parse(bytes.substr(0, 7)).status().code(), StatusCode::kInvalidArgument);
}

TEST(Proof, InclusionAndConsistencyMatchReferenceOnRandomSizes) {
  SeededRandom random(2);
  auto leaves = Leaves(2000);
  MemoryTree tree;
  for (const auto& l : leaves) tree.Append(l);
  for (int round = 0; round < 40; ++round) {
    uint64_t n = 1 + random.Uint64() % 2000;
    auto d = std::span(leaves).subspan(0, n);
    Hash root = reference::Root(d);
    uint64_t m = random.Uint64() % n;
    auto inc = InclusionProof(m, n, tree.Reader());
    ASSERT_TRUE(inc.ok()) << inc.status().ToString();
    EXPECT_EQ(*inc, reference::Inclusion(m, d)) << "inclusion " << m << " in " << n;
    EXPECT_TRUE(VerifyInclusion(m, n, HashLeaf(leaves[m]), *inc, root).ok());
    uint64_t first = 1 + random.Uint64() % n;
    auto con = ConsistencyProof(first, n, tree.Reader());
    ASSERT_TRUE(con.ok()) << con.status().ToString();
    EXPECT_EQ(*con, reference::Consistency(first, d)) << "consistency " << first << " to " << n;
    EXPECT_TRUE(VerifyConsistency(first, n, reference::Root(d.subspan(0, first)), root, *con).ok());
  }
}

TEST(Proof, InclusionReadsLogarithmicallyManyNodes) {
  MemoryTree tree;
  for (int i = 0; i < 1000; ++i) tree.Append(std::to_string(i));
  int reads = 0;
  ASSERT_TRUE(InclusionProof(3, 1000, tree.Reader(&reads)).ok());
  EXPECT_LE(reads, 2 * 10);
}

TEST(Proof, OutOfRangeIsInvalidArgument) {
  MemoryTree tree;
  tree.Append("a");
  EXPECT_EQ(InclusionProof(1, 1, tree.Reader()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(2, 1, tree.Reader()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RangeRoot(1, 3, tree.Reader()).status().code(), StatusCode::kInvalidArgument);
}

TEST(Proof, ReaderErrorsPassThrough) {
  NodeReader failing = [](NodeId) -> Result<Hash> { return UnavailableError("store down"); };
  EXPECT_EQ(InclusionProof(0, 4, failing).status().code(), StatusCode::kUnavailable);
}

class VerifyCorruption : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& l : Leaves(21)) tree_.Append(l);
  }
  MemoryTree tree_;
};

TEST_F(VerifyCorruption, EveryAlteredInclusionProofIsDataLossOrInvalid) {
  const uint64_t n = 21, m = 6;
  Hash root = tree_.range().Root();
  Hash leaf = HashLeaf("leaf 6");
  auto proof = *InclusionProof(m, n, tree_.Reader());
  ASSERT_TRUE(VerifyInclusion(m, n, leaf, proof, root).ok());
  EXPECT_EQ(VerifyInclusion(m + 1, n, leaf, proof, root).code(), StatusCode::kDataLoss);
  EXPECT_EQ(VerifyInclusion(m - 1, n, leaf, proof, root).code(), StatusCode::kDataLoss);
  EXPECT_EQ(VerifyInclusion(m, n * 2, leaf, proof, root).code(), StatusCode::kDataLoss);
  EXPECT_EQ(VerifyInclusion(m, n, HashLeaf("other"), proof, root).code(), StatusCode::kDataLoss);
  EXPECT_EQ(VerifyInclusion(n, n, leaf, proof, root).code(), StatusCode::kInvalidArgument);
  for (size_t i = 0; i < proof.size(); ++i) {
    auto bad = proof;
    bad[i][0] ^= 8;
    EXPECT_EQ(VerifyInclusion(m, n, leaf, bad, root).code(), StatusCode::kDataLoss) << i;
  }
  auto longer = proof;
  longer.push_back(root);
  EXPECT_EQ(VerifyInclusion(m, n, leaf, longer, root).code(), StatusCode::kDataLoss);
  auto shorter = proof;
  shorter.pop_back();
  EXPECT_EQ(VerifyInclusion(m, n, leaf, shorter, root).code(), StatusCode::kDataLoss);
}

TEST_F(VerifyCorruption, EveryAlteredConsistencyProofIsDataLoss) {
  const uint64_t m = 7, n = 21;
  auto leaves = Leaves(21);
  Hash root1 = reference::Root(std::span(leaves).subspan(0, m)), root2 = tree_.range().Root();
  auto proof = *ConsistencyProof(m, n, tree_.Reader());
  ASSERT_TRUE(VerifyConsistency(m, n, root1, root2, proof).ok());
  EXPECT_EQ(VerifyConsistency(m, n, root2, root1, proof).code(), StatusCode::kDataLoss);
  EXPECT_EQ(VerifyConsistency(m + 1, n, root1, root2, proof).code(), StatusCode::kDataLoss);
  EXPECT_EQ(VerifyConsistency(m, n * 2, root1, root2, proof).code(), StatusCode::kDataLoss);
  EXPECT_EQ(VerifyConsistency(m, n / 2, root1, root2, proof).code(), StatusCode::kDataLoss);
  EXPECT_EQ(VerifyConsistency(m, n, root1, root2, {}).code(), StatusCode::kDataLoss);
  EXPECT_EQ(VerifyConsistency(n, m, root1, root2, proof).code(), StatusCode::kInvalidArgument);
  for (size_t i = 0; i < proof.size(); ++i) {
    auto bad = proof;
    bad[i][0] ^= 16;
    EXPECT_EQ(VerifyConsistency(m, n, root1, root2, bad).code(), StatusCode::kDataLoss) << i;
  }
  auto truncated = proof;
  truncated.pop_back();
  EXPECT_EQ(VerifyConsistency(m, n, root1, root2, truncated).code(), StatusCode::kDataLoss);
}

TEST_F(VerifyCorruption, EqualSizesNeedEqualRootsAndNoProof) {
  Hash root = tree_.range().Root();
  EXPECT_TRUE(VerifyConsistency(21, 21, root, root, {}).ok());
  EXPECT_EQ(VerifyConsistency(21, 21, root, EmptyRoot(), {}).code(), StatusCode::kDataLoss);
  std::vector<Hash> one = {root};
  EXPECT_EQ(VerifyConsistency(21, 21, root, root, one).code(), StatusCode::kDataLoss);
  EXPECT_TRUE(VerifyConsistency(0, 21, EmptyRoot(), root, {}).ok());
}

}  // namespace
}  // namespace ndc::merkle
