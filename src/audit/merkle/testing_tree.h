// MemoryTree: every node of a tree kept in a map, for tests of proof generation without a store.
// Not thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "audit/merkle/compact_range.h"
#include "audit/merkle/proof.h"

namespace ndc::merkle::testing {

class MemoryTree {
 public:
  void Append(std::string_view data) {
    range_.Append(HashLeaf(data), [this](NodeId id, const Hash& h) { nodes_[id] = h; });
  }
  const CompactRange& range() const { return range_; }
  uint64_t size() const { return range_.size(); }
  NodeReader Reader(int* reads = nullptr) const {
    return [this, reads](NodeId id) -> Result<Hash> {
      if (reads) ++*reads;
      auto it = nodes_.find(id);
      if (it == nodes_.end()) return NotFoundError("no node " + std::to_string(id.level) + "/" + std::to_string(id.index));
      return it->second;
    };
  }

 private:
  CompactRange range_;
  std::map<NodeId, Hash> nodes_;
};

}  // namespace ndc::merkle::testing
