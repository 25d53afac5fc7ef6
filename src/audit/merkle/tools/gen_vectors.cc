// merkle_gen_vectors: writes src/audit/merkle/testdata/vectors.json from the naive reference
// (reference.h). The file is checked in; vectors_test checks that the reference still produces it
// and that the incremental tree and the proof generator agree with it.
//
//   build/<dir>/src/audit/merkle/merkle_gen_vectors > src/audit/merkle/testdata/vectors.json
//
// Leaf i's data is the ASCII text "leaf <i>" (decimal). Sizes: the edges around powers of two up
// to 2,000 plus random sizes 0..2,000 from a fixed seed; per size, inclusion proofs of the first,
// middle and last leaves and random ones, and consistency proofs from sizes 1, n/2, n-1, n and
// random ones.
#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/merkle/hash.h"
#include "audit/merkle/reference.h"
#include "common/crypto.h"

namespace {

using ndc::merkle::Hash;
using ndc::merkle::HashHex;
namespace reference = ndc::merkle::reference;

nlohmann::json HexList(const std::vector<Hash>& hashes) {
  nlohmann::json out = nlohmann::json::array();
  for (const Hash& h : hashes) out.push_back(HashHex(h));
  return out;
}

}  // namespace

int main() {
  ndc::SeededRandom random(6962);
  std::set<uint64_t> sizes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129,
                              255, 256, 257, 511, 512, 513, 1000, 1023, 1024, 1025, 1999, 2000};
  while (sizes.size() < 47) sizes.insert(random.Uint64() % 2001);

  std::vector<std::string> leaves;
  for (uint64_t i = 0; i < 2000; ++i) leaves.push_back("leaf " + std::to_string(i));

  nlohmann::json trees = nlohmann::json::array();
  for (uint64_t n : sizes) {
    std::span<const std::string> d(leaves.data(), n);
    nlohmann::json tree = {{"size", n}, {"root", HashHex(reference::Root(d))}};
    nlohmann::json inclusion = nlohmann::json::array();
    if (n > 0) {
      std::set<uint64_t> indexes = {0, n / 2, n - 1, random.Uint64() % n, random.Uint64() % n};
      for (uint64_t m : indexes) {
        inclusion.push_back({{"index", m},
                             {"leaf_hash", HashHex(ndc::merkle::HashLeaf(leaves[m]))},
                             {"proof", HexList(reference::Inclusion(m, d))}});
      }
    }
    tree["inclusion"] = inclusion;
    nlohmann::json consistency = nlohmann::json::array();
    if (n > 0) {
      std::set<uint64_t> firsts = {1, std::max<uint64_t>(1, n / 2), std::max<uint64_t>(1, n - 1), n,
                                   1 + random.Uint64() % n, 1 + random.Uint64() % n};
      for (uint64_t m : firsts) {
        consistency.push_back({{"first", m},
                               {"first_root", HashHex(reference::Root(d.subspan(0, m)))},
                               {"proof", HexList(reference::Consistency(m, d))}});
      }
    }
    tree["consistency"] = consistency;
    trees.push_back(tree);
  }
  nlohmann::json doc = {
      {"description", "RFC 6962 Merkle tree vectors from NDC's naive reference (src/audit/merkle/reference.cc). "
                      "Leaf i's data is the ASCII text 'leaf <i>'. Hashes are lower-case hex. An inclusion proof "
                      "lists the audit path nearest sibling first; a consistency proof goes from tree size "
                      "'first' to the tree's size."},
      {"generator", "src/audit/merkle/tools/gen_vectors.cc"},
      {"trees", trees}};
  std::printf("%s\n", doc.dump(1).c_str());
  return 0;
}
