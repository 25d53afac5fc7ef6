// link/internal/hash_slots: an open-addressing hash index from 64-bit key hashes to 32-bit ids,
// for interning the values of a record table. It stores no keys: the caller keeps them (a value
// id leads to its text) and confirms a hash match with a predicate, so a lookup allocates nothing
// and touches one cache line in the common case. Linear probing, load factor at most 1/2.
// Also the string hash of record tables (HashText), so both agree, and RawCache, which
// recognizes raw spellings by hash alone.
// Thread safety: Find is const and may run concurrently; Insert needs exclusive access.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace ndc::link::internal {

inline uint64_t MixHash(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb93fe5ad3c53ULL;
  h ^= h >> 33;
  return h;
}

// A 64-bit hash of `s`, eight bytes at a time.
inline uint64_t HashText(std::string_view s, uint64_t seed = 0x9e3779b97f4a7c15ULL) {
  uint64_t h = seed ^ (s.size() * 0x100000001b3ULL);
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = MixHash(h ^ w) + 0x9e3779b97f4a7c15ULL;
  }
  uint64_t w = 0;
  if (i < s.size()) std::memcpy(&w, s.data() + i, s.size() - i);
  return MixHash(h ^ w ^ (static_cast<uint64_t>(s.size() - i) << 59));
}

// The power-of-two slot count (at least 64) that holds `n` entries at load factor 1/2.
inline size_t SlotsFor(size_t n) {
  size_t slots = 64;
  while (slots < n * 2) slots *= 2;
  return slots;
}

class HashSlots {
 public:
  static constexpr uint32_t kNone = 0xffffffffu;

  // The id inserted with hash `h` for which is_key(id) holds, or kNone.
  template <typename IsKey>
  uint32_t Find(uint64_t h, IsKey&& is_key) const {
    if (slots_.empty()) return kNone;
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.id == kNone) return kNone;
      if (s.hash == h && is_key(s.id)) return s.id;
    }
  }
  // Starts loading the slot Find(h) probes first (a hint; no effect on results).
  void Prefetch(uint64_t h) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[h & mask_]);
  }
  // Adds `id` (not kNone) under hash `h`; the key must not be present already.
  void Insert(uint64_t h, uint32_t id) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    Place(h, id);
    ++size_;
  }
  size_t size() const { return size_; }
  // Room for `n` entries without growing (growing rehashes every entry: a cache miss each).
  void Reserve(size_t n) {
    if (slots_.size() < n * 2) Rehash(SlotsFor(n));
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t id = kNone;
  };
  void Place(uint64_t h, uint32_t id) {
    size_t i = h & mask_;
    while (slots_[i].id != kNone) i = (i + 1) & mask_;
    slots_[i] = {h, id};
  }
  void Grow() { Rehash(slots_.empty() ? 64 : slots_.size() * 2); }
  void Rehash(size_t slots) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(slots, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.id != kNone) Place(s.hash, s.id);
    }
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

// Raw text -> a 32-bit value, for recognizing a spelling already prepared. The text is not kept:
// a spelling is known by two independent 64-bit hashes (HashText with two seeds), so a lookup is
// one cache miss. Two different spellings would have to collide on both, 128 bits: with n
// spellings the chance is about n^2 / 2^129 (10^-27 for 10^6), far below that of a memory error.
class RawCache {
 public:
  struct Key {
    uint64_t h1, h2;
  };
  static Key KeyOf(std::string_view text) {
    return {HashText(text, 0x2545f4914f6cdd1dULL), HashText(text, 0x9fb21c651e98df25ULL)};
  }
  // The value of `k`, or false.
  bool Find(const Key& k, uint32_t* value) const {
    if (slots_.empty()) return false;
    for (size_t i = k.h1 & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (!s.used) return false;
      if (s.h1 == k.h1 && s.h2 == k.h2) {
        *value = s.value;
        return true;
      }
    }
  }
  // Starts loading the slot Find(k) probes first (a hint; no effect on results).
  void Prefetch(const Key& k) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[k.h1 & mask_]);
  }
  // Adds `k` (not present) with `value`.
  void Insert(const Key& k, uint32_t value) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    Place({k.h1, k.h2, value, true});
    ++size_;
  }
  size_t size() const { return size_; }
  // Room for `n` entries without growing.
  void Reserve(size_t n) {
    if (slots_.size() < n * 2) Rehash(SlotsFor(n));
  }
  // Calls fn(key, value) for every entry, in slot order.
  template <typename F>
  void ForEach(F&& fn) const {
    for (const Slot& s : slots_) {
      if (s.used) fn(Key{s.h1, s.h2}, s.value);
    }
  }

 private:
  struct Slot {
    uint64_t h1 = 0, h2 = 0;
    uint32_t value = 0;
    bool used = false;
  };
  void Place(const Slot& s) {
    size_t i = s.h1 & mask_;
    while (slots_[i].used) i = (i + 1) & mask_;
    slots_[i] = s;
  }
  void Grow() { Rehash(slots_.empty() ? 64 : slots_.size() * 2); }
  void Rehash(size_t slots) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(slots, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.used) Place(s);
    }
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace ndc::link::internal
