#include "audit/merkle/verify.h"

#include <string>

namespace ndc::merkle {
namespace {

std::string N(uint64_t v) { return std::to_string(v); }

}  // namespace

Result<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf_hash, std::span<const Hash> proof) {
  if (index >= size) return InvalidArgumentError("leaf index " + N(index) + " is not below tree size " + N(size));
  uint64_t fn = index, sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return DataLossError("inclusion proof has too many hashes (" + N(proof.size()) + ")");
    if ((fn & 1) == 1 || fn == sn) {
      r = HashChildren(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return DataLossError("inclusion proof has too few hashes (" + N(proof.size()) + ")");
  return r;
}

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash, std::span<const Hash> proof,
                       const Hash& root) {
  ASSIGN_OR_RETURN(Hash got, RootFromInclusionProof(index, size, leaf_hash, proof));
  if (got != root) {
    return DataLossError("inclusion proof for leaf " + N(index) + " leads to root " + HashHex(got) +
                         ", not the expected root " + HashHex(root) + " of tree size " + N(size));
  }
  return OkStatus();
}

Status VerifyConsistency(uint64_t size1, uint64_t size2, const Hash& root1, const Hash& root2,
                         std::span<const Hash> proof) {
  if (size1 > size2) return InvalidArgumentError("tree size " + N(size1) + " is larger than " + N(size2));
  if (size1 == size2) {
    if (!proof.empty()) return DataLossError("consistency proof between equal sizes must be empty");
    if (root1 != root2) return DataLossError("two roots for tree size " + N(size1) + " differ");
    return OkStatus();
  }
  if (size1 == 0) {
    if (!proof.empty()) return DataLossError("consistency proof from the empty tree must be empty");
    return OkStatus();
  }
  if (proof.empty()) return DataLossError("consistency proof is empty");
  // When size1 is a power of two, root1 is itself the first node of the proof.
  bool power_of_two = (size1 & (size1 - 1)) == 0;
  size_t start = power_of_two ? 0 : 1;
  uint64_t fn = size1 - 1, sn = size2 - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = power_of_two ? root1 : proof[0];
  Hash sr = fr;
  for (size_t i = start; i < proof.size(); ++i) {
    const Hash& c = proof[i];
    if (sn == 0) return DataLossError("consistency proof has too many hashes (" + N(proof.size()) + ")");
    if ((fn & 1) == 1 || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return DataLossError("consistency proof has too few hashes (" + N(proof.size()) + ")");
  if (fr != root1) {
    return DataLossError("consistency proof does not lead to the root of tree size " + N(size1) + ": the older tree "
                         "is not a prefix of the newer one");
  }
  if (sr != root2) return DataLossError("consistency proof does not lead to the root of tree size " + N(size2));
  return OkStatus();
}

}  // namespace ndc::merkle
