#include "link/cluster.h"

#include <numeric>

namespace ndc::link {

Clusters ConnectedComponents(size_t records, std::span<const Edge> edges) {
  std::vector<uint32_t> parent(records), size(records, 1);
  std::iota(parent.begin(), parent.end(), 0u);
  auto find = [&](uint32_t x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];  // path halving
      x = parent[x];
    }
    return x;
  };
  for (const Edge& e : edges) {
    uint32_t x = find(e.a), y = find(e.b);
    if (x == y) continue;
    if (size[x] < size[y]) std::swap(x, y);
    parent[y] = x;
    size[x] += size[y];
  }
  Clusters out;
  out.cluster_of.assign(records, 0);
  std::vector<uint32_t> number(records, UINT32_MAX);
  for (size_t r = 0; r < records; ++r) {
    uint32_t root = find(static_cast<uint32_t>(r));
    if (number[root] == UINT32_MAX) number[root] = static_cast<uint32_t>(out.count++);
    out.cluster_of[r] = number[root];
  }
  return out;
}

}  // namespace ndc::link
