#include "audit/merkle/reference.h"

namespace ndc::merkle::reference {
namespace {

// The largest power of two smaller than n (n > 1), as RFC 6962 defines k.
uint64_t K(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

std::vector<Hash> SubProof(uint64_t m, std::span<const std::string> d, bool b) {
  uint64_t n = d.size();
  if (m == n) {
    if (b) return {};
    return {Root(d)};
  }
  uint64_t k = K(n);
  std::vector<Hash> out;
  if (m <= k) {
    out = SubProof(m, d.subspan(0, k), b);
    out.push_back(Root(d.subspan(k)));
  } else {
    out = SubProof(m - k, d.subspan(k), false);
    out.push_back(Root(d.subspan(0, k)));
  }
  return out;
}

}  // namespace

Hash Root(std::span<const std::string> d) {
  if (d.empty()) return EmptyRoot();
  if (d.size() == 1) return HashLeaf(d[0]);
  uint64_t k = K(d.size());
  return HashChildren(Root(d.subspan(0, k)), Root(d.subspan(k)));
}

std::vector<Hash> Inclusion(uint64_t m, std::span<const std::string> d) {
  uint64_t n = d.size();
  if (n <= 1) return {};
  uint64_t k = K(n);
  std::vector<Hash> out;
  if (m < k) {
    out = Inclusion(m, d.subspan(0, k));
    out.push_back(Root(d.subspan(k)));
  } else {
    out = Inclusion(m - k, d.subspan(k));
    out.push_back(Root(d.subspan(0, k)));
  }
  return out;
}

std::vector<Hash> Consistency(uint64_t m, std::span<const std::string> d) {
  if (m == 0 || m >= d.size()) return {};
  return SubProof(m, d, true);
}

}  // namespace ndc::merkle::reference
