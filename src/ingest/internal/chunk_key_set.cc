#include "ingest/internal/chunk_key_set.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <string_view>

namespace ndc::ingest {

ChunkKeySet::ChunkKeySet(size_t expected) : slots_(std::bit_ceil(std::max<size_t>(16, 2 * expected)), 0) {}

bool ChunkKeySet::Insert(std::string_view key) {
  const uint64_t h = std::hash<std::string_view>()(key);
  return InsertHash(h == 0 ? 1 : h);
}

bool ChunkKeySet::InsertHash(uint64_t h) {
  if (2 * (size_ + 1) > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  // The hash's high bits pick the slot: std::hash of a string is well mixed in all of them.
  for (size_t i = static_cast<size_t>(h >> 20) & mask;; i = (i + 1) & mask) {
    if (slots_[i] == h) return false;
    if (slots_[i] == 0) {
      slots_[i] = h;
      ++size_;
      return true;
    }
  }
}

void ChunkKeySet::Grow() {
  std::vector<uint64_t> old(slots_.size() * 2, 0);
  old.swap(slots_);
  size_ = 0;
  for (uint64_t h : old) {
    if (h != 0) InsertHash(h);
  }
}

void ChunkKeySet::Clear() {
  if (size_ == 0) return;
  std::fill(slots_.begin(), slots_.end(), 0);
  size_ = 0;
}

}  // namespace ndc::ingest
