#include "datagen/random.h"

#include <algorithm>
#include <cmath>

namespace ndc::datagen {
namespace {

__extension__ typedef unsigned __int128 Uint128;  // GCC/Clang; the product is exact

inline uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t DeriveSeed(uint64_t seed, std::string_view label) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64
  for (unsigned char c : label) h = (h ^ c) * 0x100000001b3ULL;
  uint64_t state = seed ^ h;
  return SplitMix64(&state);
}

Rng::Rng(uint64_t seed) {
  uint64_t state = seed;
  for (auto& s : s_) s = SplitMix64(&state);
}

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t Rng::Below(uint64_t n) {
  return static_cast<uint64_t>((static_cast<Uint128>(Next()) * n) >> 64);
}

int64_t Rng::Between(int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
}

double Rng::Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

bool Rng::Chance(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  // Compare 53-bit integers: exact, and the same on every platform for a given p.
  return (Next() >> 11) < static_cast<uint64_t>(p * 0x1.0p53);
}

WeightedChoice::WeightedChoice(std::span<const double> weights) {
  double sum = 0;
  for (double w : weights) sum += w;
  cumulative_.reserve(weights.size());
  uint64_t acc = 0;
  for (double w : weights) {
    acc += static_cast<uint64_t>(std::llround(w / sum * 4294967296.0));
    cumulative_.push_back(acc);
  }
}

size_t WeightedChoice::Draw(Rng* rng) const {
  const uint64_t total = cumulative_.back();
  const uint64_t r = rng->Below(total);
  return static_cast<size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), r) - cumulative_.begin());
}

}  // namespace ndc::datagen
