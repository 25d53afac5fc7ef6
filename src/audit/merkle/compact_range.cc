#include "audit/merkle/compact_range.h"

#include <bit>
#include <cstring>

namespace ndc::merkle {

Result<CompactRange> CompactRange::Create(uint64_t size, std::vector<Hash> hashes) {
  if (hashes.size() != static_cast<size_t>(std::popcount(size))) {
    return InvalidArgumentError("a compact range of size " + std::to_string(size) + " has " +
                                std::to_string(std::popcount(size)) + " hashes, got " + std::to_string(hashes.size()));
  }
  CompactRange r;
  r.size_ = size;
  r.hashes_ = std::move(hashes);
  return r;
}

void CompactRange::Append(const Hash& leaf_hash, const NodeVisitor& visit) {
  uint64_t index = size_;
  int level = 0;
  if (visit) visit(NodeId{0, index}, leaf_hash);
  hashes_.push_back(leaf_hash);
  // Each set low bit of the old size is a perfect subtree of the same height as the one just
  // completed, to its left: merge them, like carrying in binary addition.
  while ((size_ >> level) & 1) {
    Hash merged = HashChildren(hashes_[hashes_.size() - 2], hashes_.back());
    hashes_.pop_back();
    hashes_.back() = merged;
    ++level;
    index >>= 1;
    if (visit) visit(NodeId{level, index}, merged);
  }
  ++size_;
}

Hash CompactRange::Root() const {
  if (hashes_.empty()) return EmptyRoot();
  Hash root = hashes_.back();
  for (size_t i = hashes_.size() - 1; i-- > 0;) root = HashChildren(hashes_[i], root);
  return root;
}

std::string CompactRange::Serialize() const {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((size_ >> (56 - 8 * i)) & 0xff);
  for (const Hash& h : hashes_) out.append(reinterpret_cast<const char*>(h.data()), h.size());
  return out;
}

Result<CompactRange> CompactRange::Parse(std::string_view bytes) {
  if (bytes.size() < 8 || (bytes.size() - 8) % kHashSize != 0) {
    return InvalidArgumentError("compact range encoding has a bad length " + std::to_string(bytes.size()));
  }
  uint64_t size = 0;
  for (int i = 0; i < 8; ++i) size = (size << 8) | static_cast<uint8_t>(bytes[i]);
  std::vector<Hash> hashes((bytes.size() - 8) / kHashSize);
  for (size_t i = 0; i < hashes.size(); ++i) std::memcpy(hashes[i].data(), bytes.data() + 8 + i * kHashSize, kHashSize);
  return Create(size, std::move(hashes));
}

}  // namespace ndc::merkle
