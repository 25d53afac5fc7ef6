// link/model: the Fellegi–Sunter model of a settings file — for each comparison level the
// probability m of that level among matches and u among non-matches, and the prior probability
// that two records match — estimated without labels: u from random pairs, then m and the prior by
// expectation–maximisation over the candidate pairs of the blocking rules.
// Term frequencies are not stored here: they are read from the reference table at link time.
// Design: docs/design/linkage.md ("Model and EM").
//
// Thread safety: Model is a value; Train is thread-safe (it uses `threads` worker threads).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "link/record_table.h"
#include "link/settings.h"

namespace ndc::link {

struct LevelParams {
  double m = 0.5;
  double u = 0.5;
};

struct ComparisonParams {
  std::string name;                 // the comparison's name in the settings
  std::vector<LevelParams> levels;  // one per settings level, then the "else" level
  // Training saw no pair where both records held a value (e.g. a dataset's first load without
  // ID numbers): every level weighs 0 (m = u), neither for nor against, instead of the
  // starting guesses EM never moved. Retrain once the data holds the attribute.
  bool untrained = false;
};

struct Model {
  // P(match) for a random pair (left x right, or distinct pairs when deduplicating): the prior
  // consistent with u estimated from random pairs, used for scoring.
  double prior = 1e-6;
  // P(match) for a candidate pair of the blocking rules, as EM found it (for reports).
  double candidate_prior = 0;
  std::vector<ComparisonParams> comparisons;  // in settings order
  size_t em_iterations = 0;
  bool converged = false;
  size_t training_pairs = 0;  // candidate pairs EM saw
  size_t u_pairs = 0;         // random pairs u was estimated from
  // For the hub's kept models (person/linker.cc): a comparison the dataset can state had no value
  // to learn from, so the model is trained again once the dataset's linked change events reach
  // this sequence number (0: never).
  int64_t retrain_at_seq = 0;
};

struct TrainOptions {
  size_t threads = 0;  // 0: std::thread::hardware_concurrency()
  std::function<void(std::string_view message)> progress;  // may be empty
};

// Trains on `left` linked to `right` (nullptr: `left` deduplicated). The weights it returns keep
// three bounds (ApplyWeightBounds; docs/design/linkage.md, "Bounds on the trained weights"): a
// level no true match showed in training never counts for a match (weight <= 0); no level weighs
// more than its comparison's first (strictest) level; an untrained comparison weighs 0 at every
// level (and a value's frequency adjusts none of these upwards: link/internal/scorer.cc).
// Errors: kInvalidArgument when
// the settings are invalid or a table was built from other settings; kFailedPrecondition when
// there are fewer than 2 records or no candidate pair to learn from.
Result<Model> Train(const Settings& settings, const RecordTable& left, const RecordTable* right,
                    const TrainOptions& options);

// The log2 Bayes factor log2(m/u) of a level (with floors so it is finite).
double LevelWeight(const LevelParams& p);

// The bounds Train keeps (above), on any model: a level at the floor of m (1e-4: no true match
// showed it) weighs at most 0, no level more than its comparison's first, an untrained
// comparison 0 everywhere. For models kept before the bounds existed (person/linker.cc).
void ApplyWeightBounds(Model* model);

// JSON: {"format": "ndc-link-model/1", "prior": ..., "comparisons": [{"name": ..., "levels":
// [{"m": ..., "u": ...}, ...]}], ...}. ModelFromJson errors: kInvalidArgument with the path
// ("comparisons[1].levels[0].m: expected a number in (0, 1]").
std::string ModelToJson(const Model& model);
Result<Model> ModelFromJson(std::string_view json);

// OK when the model has the settings' comparisons with the right number of levels, else
// kInvalidArgument "model comparison 2 is 'dob' but settings say 'birth_date'; retrain".
Status CheckModel(const Settings& settings, const Model& model);

}  // namespace ndc::link
