// link/explain: why a pair scores what it does — each comparison's two values, the level reached,
// its weight log2(m/u) with the term-frequency adjustment, and the total (prior weight + the sum
// of the parts) with its probability. Design: docs/design/linkage.md ("Explain").
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "link/model.h"
#include "link/record_table.h"
#include "link/settings.h"

namespace ndc::link {

struct ComparisonExplanation {
  std::string comparison;
  std::string left_value, right_value;  // prepared values ("" when missing)
  int level = -1;                       // -1 null, 0..n-1 settings level, n "else"
  std::string level_label;              // "null", the level's label, or "else"
  double m = 0, u = 0;                  // of the level (0 for null)
  double weight = 0;                    // log2(m/u), 0 for null
  double tf_adjustment = 0;             // added to weight when term frequencies apply
};

struct Explanation {
  std::string left_id, right_id;
  double prior_weight = 0;  // log2(prior / (1 - prior))
  std::vector<ComparisonExplanation> comparisons;
  double total_weight = 0;  // prior_weight + sum of (weight + tf_adjustment)
  double probability = 0;   // of total_weight; 1 when a deterministic rule matched
  std::string deterministic_rule;  // the rule that matched, or ""
};

// `b` may be the same table as `a` (deduplication). Rows must exist.
Explanation Explain(const Settings& settings, const Model& model, const RecordTable& a, uint32_t ra,
                    const RecordTable& b, uint32_t rb);

std::string ExplanationToText(const Explanation& e);
std::string ExplanationToJson(const Explanation& e);

}  // namespace ndc::link
