// datagen/random: the generator's pseudo-random numbers. xoshiro256** (Blackman and Vigna, 2018)
// seeded through splitmix64, with every derived quantity (bounded integers, probabilities, weighted
// choices) computed by integer arithmetic we define here, never by <random> distributions, whose
// algorithms differ between standard libraries. So a seed gives the same stream, and the same
// files, on every platform and compiler. Design: docs/design/datagen.md#prng-and-determinism.
//
// Not cryptographic: synthetic data only. A Rng is a value type; not thread-safe (use one per
// thread or per stream; DeriveSeed gives independent streams).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ndc::datagen {

// One step of splitmix64: the next state is *state + 0x9E3779B97F4A7C15, the output its mix.
uint64_t SplitMix64(uint64_t* state);

// The seed of an independent stream named `label` under `seed` (FNV-1a of the label mixed with
// the seed through splitmix64). Each dataset draws from its own stream, so adding a dataset or
// changing one dataset's rates leaves the others' rows unchanged.
uint64_t DeriveSeed(uint64_t seed, std::string_view label);

class Rng {
 public:
  explicit Rng(uint64_t seed);

  // The next 64 random bits (xoshiro256**).
  uint64_t Next();
  // Uniform in [0, n) for n >= 1 (Lemire's multiply-shift; bias below n / 2^64, irrelevant here).
  uint64_t Below(uint64_t n);
  // Uniform in [lo, hi], lo <= hi.
  int64_t Between(int64_t lo, int64_t hi);
  // Uniform in [0, 1) with 53 bits.
  double Unit();
  // True with probability p (p <= 0: never, p >= 1: always).
  bool Chance(double p);

 private:
  uint64_t s_[4];
};

// A fixed discrete distribution: index i with probability weights[i] / sum. Build once, draw in
// O(log n) by binary search over cumulative integer weights (weights are scaled to 2^32 units,
// so draws are exact integer operations).
class WeightedChoice {
 public:
  WeightedChoice() = default;
  // Weights must be non-negative with a positive sum.
  explicit WeightedChoice(std::span<const double> weights);
  size_t Draw(Rng* rng) const;
  size_t size() const { return cumulative_.size(); }

 private:
  std::vector<uint64_t> cumulative_;
};

}  // namespace ndc::datagen
