// link/testing/quality: precision, recall and F1 of linkage against known truth, for the quality
// test and bench/link_bench: `ndc datagen` output (truth/<dataset>.truth.csv) and FEBRL 4
// (rec-N-org <-> rec-N-dup-0). Not part of the engine.
// Thread safety: functions are thread-compatible.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "link/linker.h"
#include "link/model.h"
#include "link/record_table.h"
#include "link/settings.h"

namespace ndc::link::testing {

struct PairQuality {
  size_t true_pairs = 0;  // pairs in the truth
  size_t found = 0;       // matches reported
  size_t correct = 0;     // of them, in the truth
  double precision = 0, recall = 0, f1 = 0;
  LinkStats stats;
  double train_seconds = 0;
  double load_seconds = 0;
};

void Finish(PairQuality* q);

// A dataset of `ndc datagen` output in `dir` as a table; columns from its schema's person attributes.
// Read on `threads` threads (RecordTable::FromCsv).
Result<RecordTable> LoadDatagenDataset(const Settings& settings, const std::string& dir, std::string_view dataset,
                                       size_t threads = 1);

// Trains on `dataset` linked to `registry` (population_registry), links, and scores the matches
// against truth/<dataset>.truth.csv: a match is correct when the registry record's id is the
// record's true personal_id; records absent from the registry count as true pairs of none.
Result<PairQuality> EvaluateDatagen(const Settings& settings, const std::string& dir, std::string_view dataset,
                                    const RecordTable& registry, size_t threads);

// Scores a finished link of `left` (the dataset's table) against `registry` the same way, without
// training or linking: for benchmarks that time the link themselves.
Result<PairQuality> ScoreDatagen(const Settings& settings, const std::string& dir, std::string_view dataset,
                                 const RecordTable& left, const RecordTable& registry, const LinkResult& result);

// FEBRL 4: dataset4a.csv linked to dataset4b.csv in `febrl_dir`, with the settings' inputs
// "left" and "right".
Result<PairQuality> EvaluateFebrl4(const Settings& settings, const std::string& febrl_dir, size_t threads);

}  // namespace ndc::link::testing
