// link/cluster: connected components of matched pairs. Records are numbered left rows first,
// then right rows (offset by the left table's size) when two tables are linked.
// Design: docs/design/linkage.md ("Clustering").
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ndc::link {

struct Clusters {
  // Cluster number of each record (left rows, then right rows); numbers are 0..count-1 in order
  // of each cluster's first record. Records without a match are clusters of one.
  std::vector<uint32_t> cluster_of;
  size_t count = 0;
};

struct Edge {
  uint32_t a = 0, b = 0;  // record numbers as above
};

// Union-find with path halving and union by size; O(n + e α(n)).
Clusters ConnectedComponents(size_t records, std::span<const Edge> edges);

}  // namespace ndc::link
