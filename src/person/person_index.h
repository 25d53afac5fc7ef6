// person/person_index: the probabilistic side of hub linking — a link::Index over the golden
// attributes of the active persons, queried with records of an agency dataset. Persons created
// during a run are added as they appear; golden values that change during a run are seen by
// the next run (the index is rebuilt at the start of each). Design:
// docs/design/person-repository.md ("Linking a record").
//
// Thread safety: as link::Index (Query concurrent with Add); Load is a function of the store.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "link/index.h"
#include "link/model.h"
#include "link/record_table.h"
#include "link/settings.h"
#include "person/attributes.h"
#include "store/store.h"

namespace ndc::person {

struct PersonCandidate {
  std::string person_key;  // as indexed; may since have been merged (resolve it)
  double weight = 0;
  double probability = 0;
  bool deterministic = false;
  // Deterministic by a rule on the old ID number (its `equal` names old_id_number): the linker's
  // own CMND rule decides those (RecordLinker::ByOldIdNumber), not the engine's.
  bool by_old_id_number = false;
};

// The persons' golden records as a link::RecordTable (record id = person key), read from the
// store in key order. `progress` (may be empty) is told the number of persons read so far.
// `stop` (may be null), when it turns true, ends the read after the current page: kCancelled.
// `surrogates_only`: only persons no authoritative record defines (kind 'surrogate') — what the
// authority's own records are scored and trained against: its registry persons are those very
// records, and pairs of a record with itself would teach the model that persons never differ.
Result<link::RecordTable> LoadPersonTable(store::Executor& db, const link::Settings& settings,
                                          const std::function<void(size_t)>& progress = {},
                                          const std::atomic<bool>* stop = nullptr, bool surrogates_only = false);

class PersonIndex {
 public:
  // Indexes `persons` (from LoadPersonTable) under `model`. kInvalidArgument when the model does
  // not fit the settings (link::CheckModel).
  static Result<std::unique_ptr<PersonIndex>> Build(const link::Settings& settings, const link::Model& model,
                                                    link::RecordTable persons);

  void AddPerson(const std::string& person_key, const Attributes& golden);
  // The records to query, prepared once (row i is records[i]).
  link::RecordTable MakeProbe(const std::vector<const Attributes*>& records) const;
  // Candidates for row `row` of `probe`, best first, at most `max_candidates`, only those at or
  // above the settings' review threshold. Sees every person added before the call.
  std::vector<PersonCandidate> Query(const link::RecordTable& probe, uint32_t row, size_t max_candidates) const;
  const link::Index& index() const { return *index_; }

 private:
  explicit PersonIndex(std::unique_ptr<link::Index> index) : index_(std::move(index)) {}
  std::unique_ptr<link::Index> index_;
};

// The attribute values the engine reads, from a person or record's attributes.
link::AttributeValues ToEngineValues(const Attributes& a);

}  // namespace ndc::person
