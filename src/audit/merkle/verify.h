// Proof verification (RFC 9162 §2.1.3.2 and §2.1.4.2): needs only the proof, the sizes and the
// roots — no access to the log. Used by the standalone verifier (`ndc audit verify-proof`) and
// by the log itself before it signs a checkpoint. Pure functions; thread-safe.
//
// Errors: kInvalidArgument for impossible coordinates (index >= size, size1 > size2); kDataLoss
// when the proof does not prove the claim (wrong hashes, wrong number of hashes, root mismatch).
#pragma once

#include <cstdint>
#include <span>

#include "audit/merkle/hash.h"
#include "common/result.h"

namespace ndc::merkle {

// The root implied by an inclusion proof of `leaf_hash` at `index` in a tree of `size` leaves.
Result<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf_hash, std::span<const Hash> proof);
Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash, std::span<const Hash> proof,
                       const Hash& root);
// Proves that the tree of size1 leaves with root1 is a prefix of the tree of size2 with root2.
Status VerifyConsistency(uint64_t size1, uint64_t size2, const Hash& root1, const Hash& root2,
                         std::span<const Hash> proof);

}  // namespace ndc::merkle
