// link/linker: batch linkage of two record tables (or deduplication of one): blocking, then
// deterministic rules, then Fellegi–Sunter scoring of every candidate pair, in parallel over the
// left rows; pairs at or above the review threshold are kept, matches are clustered.
// Design: docs/design/linkage.md ("Linking", "Performance").
//
// Thread safety: Link is thread-safe; it runs `threads` workers and calls `progress` from them
// (serialized).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "common/result.h"
#include "link/cluster.h"
#include "link/model.h"
#include "link/record_table.h"
#include "link/settings.h"

namespace ndc::link {

enum class MatchHow : uint8_t { kProbabilistic, kDeterministic };
std::string_view MatchHowName(MatchHow how);  // "probabilistic" / "deterministic:<rule>" is built by callers

// Level of each comparison for a pair: -1 null (a value missing), 0..n-1 a settings level,
// n the "else" level.
using LevelVector = std::array<int8_t, kMaxComparisons>;

struct ScoredPair {
  uint32_t left = 0, right = 0;  // rows (dedupe: both in the left table, left < right)
  float weight = 0;              // match weight, log2 of the posterior odds
  float probability = 0;
  MatchHow how = MatchHow::kProbabilistic;
  uint8_t rule = 0;  // deterministic rule index when how == kDeterministic
  LevelVector levels{};
};

struct LinkProgress {
  size_t left_done = 0, left_total = 0;
  size_t candidate_pairs = 0;
};

struct LinkOptions {
  size_t threads = 0;  // 0: std::thread::hardware_concurrency()
  std::function<void(const LinkProgress&)> progress;  // may be empty; about every 1% of left rows
};

struct LinkStats {
  size_t left_records = 0, right_records = 0;
  size_t candidate_pairs = 0;      // distinct pairs compared
  size_t deterministic_pairs = 0;  // of them, matched by a deterministic rule
  size_t pairs_kept = 0;           // at or above the review threshold
  size_t matches = 0;              // at or above the match threshold
  double seconds = 0;              // blocking + scoring + clustering
};

struct LinkResult {
  std::vector<ScoredPair> pairs;  // sorted by left row, then weight descending
  Clusters clusters;              // of the matches (records numbered as in cluster.h)
  LinkStats stats;
};

// Errors: kInvalidArgument when settings and model disagree (CheckModel) or a table was built
// from other settings.
Result<LinkResult> Link(const Settings& settings, const Model& model, const RecordTable& left,
                        const RecordTable* right, const LinkOptions& options);

// The all-pairs reference: every pair compared, no blocking. Quadratic; for tests and the
// benchmark's baseline on samples.
Result<LinkResult> LinkAllPairs(const Settings& settings, const Model& model, const RecordTable& left,
                                const RecordTable* right);

// The candidate pairs blocking produces (left row, right row), sorted; for tests of blocking
// recall.
std::vector<std::pair<uint32_t, uint32_t>> CandidatePairs(const Settings& settings, const RecordTable& left,
                                                          const RecordTable* right);

}  // namespace ndc::link
