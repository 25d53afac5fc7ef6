// An open-addressing hash set of non-zero 64-bit numbers, for drawing unique identifiers (personal
// IDs, insurance numbers, source keys) at millions of draws per second without a node per entry.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace ndc::datagen::internal {

class UniqueSet {
 public:
  explicit UniqueSet(size_t expected = 1024) {
    size_t cap = 1024;
    while (cap < expected * 2) cap <<= 1;
    slots_.assign(cap, 0);
  }
  // Inserts `v` (must be non-zero); false if it was already present.
  bool Insert(uint64_t v) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    return InsertNoGrow(v);
  }
  bool Contains(uint64_t v) const {
    for (size_t i = Hash(v) & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i] == v) return true;
      if (slots_[i] == 0) return false;
    }
  }
  size_t size() const { return size_; }

 private:
  static uint64_t Hash(uint64_t v) {
    v ^= v >> 33;
    v *= 0xff51afd7ed558ccdULL;
    v ^= v >> 33;
    return v;
  }
  bool InsertNoGrow(uint64_t v) {
    for (size_t i = Hash(v) & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i] == v) return false;
      if (slots_[i] == 0) {
        slots_[i] = v;
        ++size_;
        return true;
      }
    }
  }
  void Grow() {
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(old.size() * 2, 0);
    size_ = 0;
    for (uint64_t v : old) {
      if (v != 0) InsertNoGrow(v);
    }
  }
  std::vector<uint64_t> slots_;
  size_t size_ = 0;
};

}  // namespace ndc::datagen::internal
