// link/internal/scorer: comparison levels and Fellegi–Sunter weights of a pair of rows, shared by
// Train, Link, Index and Explain so that all four agree. docs/design/linkage.md ("Comparators",
// "Weights").
// Thread safety: immutable after construction; all methods are const and thread-safe.
#pragma once

#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "link/linker.h"
#include "link/internal/table_data.h"

namespace ndc::link::internal {

class Scorer {
 public:
  // Levels only (no weights): for training.
  explicit Scorer(const Settings& settings);
  Scorer(const Settings& settings, const Model& model);

  // The level of comparison `c`: -1 null, 0..n-1, or n (else).
  int Level(size_t c, const TableData& a, uint32_t ra, const TableData& b, uint32_t rb) const;
  void Levels(const TableData& a, uint32_t ra, const TableData& b, uint32_t rb, LevelVector* out) const;

  // Weight of comparison `c` at `level` (0 for null); *tf_adjustment gets the term-frequency
  // part (already included in the result), computed from `b`'s value.
  double Weight(size_t c, int level, const TableData& b, uint32_t rb, double* tf_adjustment) const;
  // prior weight + the sum of the comparison weights.
  double Score(const TableData& a, uint32_t ra, const TableData& b, uint32_t rb, LevelVector* levels) const;
  // The first deterministic rule the pair satisfies, or -1.
  int Deterministic(const TableData& a, uint32_t ra, const TableData& b, uint32_t rb) const;

  double prior_weight() const { return prior_weight_; }
  static double Probability(double weight) { return 1.0 / (1.0 + std::exp2(-weight)); }
  // A probability as a match weight (log2 odds), for thresholds.
  static double WeightOf(double probability) { return std::log2(probability / (1.0 - probability)); }

 private:
  std::string_view Canonical(size_t c, std::string_view token) const;
  // Folded names equal token by token once variants are mapped to their group's first spelling.
  bool SameVariants(size_t c, std::string_view x, std::string_view y) const;
  const Settings* settings_;
  std::vector<std::vector<double>> weights_;  // [comparison][level], including else
  std::vector<double> u_first_;               // u of level 0, for TF
  std::vector<bool> tf_allowed_;              // TF may adjust level 0 (trained, and weighing > 0)
  std::vector<std::vector<std::pair<std::string, std::string>>> variants_;  // per comparison
  double prior_weight_ = 0;
};

}  // namespace ndc::link::internal
