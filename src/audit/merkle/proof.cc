#include "audit/merkle/proof.h"

#include <bit>
#include <map>
#include <string>

namespace ndc::merkle {
namespace {

// Largest power of two strictly below n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// Caches node reads for one proof: the right-edge fold may ask for a node twice.
class CachedReader {
 public:
  explicit CachedReader(const NodeReader& read) : read_(read) {}
  Result<Hash> Read(NodeId id) {
    if (auto it = cache_.find(id); it != cache_.end()) return it->second;
    ASSIGN_OR_RETURN(Hash h, read_(id));
    cache_.emplace(id, h);
    return h;
  }
  NodeReader AsReader() {
    return [this](NodeId id) { return Read(id); };
  }

 private:
  const NodeReader& read_;
  std::map<NodeId, Hash> cache_;
};

Status Path(uint64_t m, uint64_t begin, uint64_t end, const NodeReader& read, std::vector<Hash>* out) {
  if (end - begin <= 1) return OkStatus();
  uint64_t k = SplitPoint(end - begin);
  if (m < begin + k) {
    RETURN_IF_ERROR(Path(m, begin, begin + k, read, out));
    ASSIGN_OR_RETURN(Hash sibling, RangeRoot(begin + k, end, read));
    out->push_back(sibling);
  } else {
    RETURN_IF_ERROR(Path(m, begin + k, end, read, out));
    ASSIGN_OR_RETURN(Hash sibling, RangeRoot(begin, begin + k, read));
    out->push_back(sibling);
  }
  return OkStatus();
}

// SUBPROOF(m, D[begin:end], complete) with m counted from `begin`.
Status SubProof(uint64_t m, uint64_t begin, uint64_t end, bool complete, const NodeReader& read,
                std::vector<Hash>* out) {
  uint64_t n = end - begin;
  if (m == n) {
    if (complete) return OkStatus();
    ASSIGN_OR_RETURN(Hash h, RangeRoot(begin, end, read));
    out->push_back(h);
    return OkStatus();
  }
  uint64_t k = SplitPoint(n);
  if (m <= k) {
    RETURN_IF_ERROR(SubProof(m, begin, begin + k, complete, read, out));
    ASSIGN_OR_RETURN(Hash h, RangeRoot(begin + k, end, read));
    out->push_back(h);
  } else {
    RETURN_IF_ERROR(SubProof(m - k, begin + k, end, false, read, out));
    ASSIGN_OR_RETURN(Hash h, RangeRoot(begin, begin + k, read));
    out->push_back(h);
  }
  return OkStatus();
}

}  // namespace

Result<Hash> RangeRoot(uint64_t begin, uint64_t end, const NodeReader& read) {
  if (end <= begin) return InvalidArgumentError("empty range [" + std::to_string(begin) + ", " + std::to_string(end) + ")");
  if (begin != 0 && (begin & (std::bit_ceil(end - begin) - 1)) != 0) {
    return InvalidArgumentError("range [" + std::to_string(begin) + ", " + std::to_string(end) +
                                ") is not a node of the tree");
  }
  // Perfect subtrees left to right, largest first; then fold from the right (RFC 6962 MTH).
  std::vector<Hash> parts;
  uint64_t at = begin;
  while (at < end) {
    int level = at == 0 ? 63 : std::countr_zero(at);
    while (level > 0 && at + (uint64_t{1} << level) > end) --level;
    ASSIGN_OR_RETURN(Hash h, read(NodeId{level, at >> level}));
    parts.push_back(h);
    at += uint64_t{1} << level;
  }
  Hash root = parts.back();
  for (size_t i = parts.size() - 1; i-- > 0;) root = HashChildren(parts[i], root);
  return root;
}

Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size, const NodeReader& read) {
  if (index >= size) {
    return InvalidArgumentError("leaf index " + std::to_string(index) + " is not below tree size " + std::to_string(size));
  }
  CachedReader cached(read);
  std::vector<Hash> out;
  RETURN_IF_ERROR(Path(index, 0, size, cached.AsReader(), &out));
  return out;
}

Result<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2, const NodeReader& read) {
  if (size1 > size2) {
    return InvalidArgumentError("consistency proof from size " + std::to_string(size1) + " to the smaller size " +
                                std::to_string(size2));
  }
  std::vector<Hash> out;
  if (size1 == 0 || size1 == size2) return out;
  CachedReader cached(read);
  RETURN_IF_ERROR(SubProof(size1, 0, size2, true, cached.AsReader(), &out));
  return out;
}

}  // namespace ndc::merkle
