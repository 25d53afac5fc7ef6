// CompactRange: the frontier of a Merkle tree over leaves [0, size) — one root of a perfect
// subtree per set bit of `size`, largest (leftmost) first. It is all a log needs to append a leaf
// and to know its root without reading earlier leaves: Append is O(log n) amortized O(1) hashes,
// Root O(log n). docs/design/audit-log.md, "Incremental tree".
//
// Value type; thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/merkle/hash.h"
#include "common/result.h"

namespace ndc::merkle {

// A perfect subtree: leaves [index * 2^level, (index + 1) * 2^level). Level 0 is a leaf.
struct NodeId {
  int level = 0;
  uint64_t index = 0;
  friend bool operator==(const NodeId&, const NodeId&) = default;
  friend auto operator<=>(const NodeId&, const NodeId&) = default;
};

// Called for every perfect subtree an append completes (the leaf itself first, then each new
// interior node, lowest first).
using NodeVisitor = std::function<void(NodeId id, const Hash& hash)>;

class CompactRange {
 public:
  CompactRange() = default;
  // From a stored frontier: kInvalidArgument unless hashes.size() is the number of set bits of size.
  static Result<CompactRange> Create(uint64_t size, std::vector<Hash> hashes);

  uint64_t size() const { return size_; }
  const std::vector<Hash>& hashes() const { return hashes_; }

  void Append(const Hash& leaf_hash, const NodeVisitor& visit = nullptr);
  // MTH of the leaves so far (EmptyRoot() for none).
  Hash Root() const;

  // 8-byte big-endian size followed by the hashes: the stored form.
  std::string Serialize() const;
  // kInvalidArgument for a malformed encoding.
  static Result<CompactRange> Parse(std::string_view bytes);

  friend bool operator==(const CompactRange&, const CompactRange&) = default;

 private:
  uint64_t size_ = 0;
  std::vector<Hash> hashes_;
};

}  // namespace ndc::merkle
