#include "ingest/internal/key_filter.h"

#include <functional>

namespace ndc::ingest {
namespace {

constexpr size_t kWords = size_t{1} << 21;  // 128 Mbit
constexpr size_t kBlockWords = 8;           // 512 bits
constexpr int kBitsPerKey = 8;

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

// The first word of the block of a key whose hash is `h1`.
size_t BlockOffset(uint64_t h1) { return (h1 % (kWords / kBlockWords)) * kBlockWords; }

}  // namespace

KeyFilter::KeyFilter() : words_(kWords, 0) {}

void KeyFilter::Prefetch(std::string_view key) const {
  __builtin_prefetch(words_.data() + BlockOffset(std::hash<std::string_view>{}(key)), 1);
}

bool KeyFilter::TestAndAdd(std::string_view key) {
  const uint64_t h1 = std::hash<std::string_view>{}(key), h2 = Mix(h1), h3 = Mix(h2 ^ 0x9e3779b97f4a7c15ULL);
  uint64_t* block = words_.data() + BlockOffset(h1);
  bool all_set = true;
  for (int i = 0; i < kBitsPerKey; ++i) {
    // Eight independent 9-bit positions. Not double hashing (first + i * step): inside one
    // block that allows only 512 x 256 patterns, and two keys sharing a block and a pattern
    // made false positives from a few hundred thousand keys on (KeyFilterTest).
    const uint64_t bit = (i < 7 ? h2 >> (9 * i) : h3) & 511;
    const uint64_t mask = uint64_t{1} << (bit % 64);
    all_set = all_set && (block[bit / 64] & mask) != 0;
    block[bit / 64] |= mask;
  }
  return all_set;
}

}  // namespace ndc::ingest
