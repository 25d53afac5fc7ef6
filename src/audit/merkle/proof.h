// Proof generation over any node store: inclusion proofs (RFC 6962 §2.1.1 PATH) and consistency
// proofs (§2.1.2 PROOF/SUBPROOF), computed from the roots of perfect subtrees, which a log can
// persist once and never change. A subtree on the right edge of a tree that is not perfect is
// folded from the perfect subtrees it decomposes into. Each proof reads O(log n) distinct nodes
// (repeated reads within one call are served from a small cache). docs/design/audit-log.md,
// "Proofs".
//
// Thread-safe if the reader is.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "audit/merkle/compact_range.h"
#include "audit/merkle/hash.h"
#include "common/result.h"

namespace ndc::merkle {

// Returns the root of the perfect subtree `id`, which lies entirely inside the tree being proved.
// Its errors are passed through unchanged.
using NodeReader = std::function<Result<Hash>(NodeId id)>;

// MTH(D[begin:end]) for a range that is a node of the RFC 6962 tree (begin a multiple of the
// smallest power of two >= end - begin). kInvalidArgument for an empty or unaligned range.
Result<Hash> RangeRoot(uint64_t begin, uint64_t end, const NodeReader& read);

// The audit path of leaf `index` in the tree of `size` leaves, nearest sibling first.
// kInvalidArgument if index >= size.
Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size, const NodeReader& read);

// The consistency proof from the tree of `size1` leaves to the one of `size2` leaves; empty when
// size1 is 0 or equals size2. kInvalidArgument if size1 > size2.
Result<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2, const NodeReader& read);

}  // namespace ndc::merkle
