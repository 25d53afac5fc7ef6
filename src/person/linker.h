// person/linker: hub-mode linkage. Reads each dataset's change events after its cursor and links
// the changed records to persons: the authoritative dataset's records create and update persons
// keyed by personal ID (merging surrogates that turn out to be them); other records link by
// personal ID or old ID number with consistent birth date and sex, else through the
// probabilistic engine (link::Index over the persons' golden records): above the match
// threshold they link, between the thresholds they wait in the review queue, below they found a
// new surrogate person. Operators' decisions are respected; deleted records are unlinked.
// Design: docs/design/person-repository.md ("Linking a record", "Partitioning").
//
// Idempotent: a run with no new change events changes nothing. A crash loses nothing: each chunk
// of records and the cursor move commit together.
//
// Thread safety: one Run at a time per Linker; several processes may run at once on a
// PostgreSQL hub with disjoint partitions (see the design note for what that guarantees).
// Errors: kNotFound for an unknown dataset, kInvalidArgument for a bad partition, store errors
// as mapped (kAborted after three conflicting attempts of one chunk).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/result.h"
#include "link/model.h"
#include "link/settings.h"
#include "person/attributes.h"
#include "store/store.h"

namespace ndc::person {

// Partition i of n: a record belongs to it when hash(personal ID, or the record key when it has
// none) mod n == i, so a registry record and every record carrying the same ID meet in one
// partition. {0, 1} is everything.
struct Partition {
  int index = 0;
  int count = 1;
  std::string Name() const;  // "i/n"
  bool Contains(const RecordState& record) const;
};
// "i/n" with 0 <= i < n <= 1024; kInvalidArgument otherwise.
Result<Partition> ParsePartition(const std::string& text);

// Person setting names (person_settings); documented in docs/design/person-repository.md.
inline constexpr char kAuthoritySetting[] = "authority_dataset";
// person_settings "tf_present:<dataset>": the JSON object a link run of the dataset stores of the
// person table it scored against — for each term-frequency comparison, how many persons had a
// value, and "_surrogates_only" — from which a review explanation weighs a value as the run did.
inline constexpr char kTermFrequencySetting[] = "tf_present:";
inline constexpr char kPrioritySetting[] = "source_priority";
inline constexpr char kDefaultAuthority[] = "population_registry";

struct LinkerOptions {
  link::Settings settings = link::DefaultPersonSettings();
  // A fixed model for every dataset (an operator's file, tests). Unset: each dataset's model is
  // trained on its first run against the persons and kept in person_settings ("model:<id>").
  std::optional<link::Model> model;
  Partition partition;
  int chunk_records = 500;          // records linked per transaction
  size_t max_candidates = 4;
  size_t training_records = 200000;  // records of a dataset a model is trained on, at most
  size_t threads = 0;                // training threads; 0: one per core
};

struct DatasetLinkReport {
  std::string dataset_id;
  int64_t from_seq = 0, to_seq = 0;  // cursor before and after
  int64_t records = 0;               // changed records read (in this partition)
  int64_t authority = 0;             // authoritative records applied
  int64_t by_id = 0, by_rule = 0, probabilistic = 0, by_decision = 0;
  int64_t new_persons = 0;           // surrogates created
  int64_t queued = 0;                // sent to review
  int64_t unlinked = 0;              // deleted records
  int64_t merged = 0;                // surrogates merged into a registry person
  std::string model;                 // "trained", "stored", "given" or "none (<why>)"
  // Another run of the same partition moved the cursor while this one ran: this one stopped at
  // to_seq and left the rest to it. Run then links none of the datasets after it: their reports
  // say overtaken too, with nothing linked (model "not linked (left after an overtaken dataset)").
  bool overtaken = false;
  // The dataset's records stayed locked (a long batch on it) past the store's wait: Run linked
  // what it could before, left the rest for a later run, and went on with the datasets after it
  // (but not after the authority: records of other datasets must meet the persons it defines).
  bool busy = false;
  // The dataset's linking failed after it had committed some chunks (from_seq..to_seq and the
  // counts are theirs): the error. Run hands such a report to `each`, so that what was committed
  // is audited, and then returns the error. Empty otherwise.
  std::string failed;
};

// The model of a dataset's report when Run left it after an overtaken dataset.
inline constexpr char kLeftAfterOvertaken[] = "not linked (left after an overtaken dataset)";

struct LinkProgressInfo {
  std::string dataset_id;
  int64_t records = 0;  // so far in this dataset
  int64_t pending = 0;  // change events left when the dataset started (an upper bound)
  std::string stage;    // "index", "train", "link"
};
using LinkProgressFn = std::function<void(const LinkProgressInfo&)>;

class Linker {
 public:
  // Not owned; all must outlive the Linker.
  Linker(store::Database* db, catalog::Catalog* catalog, Clock* clock, RandomSource* random, LinkerOptions options);

  // Links the change events of `datasets` (empty: every dataset); the authoritative dataset is
  // always processed first. `each`, when given, sees every dataset's report as soon as that
  // dataset is done, before the next one starts — also when a later dataset then fails the run
  // (`ndc serve` and `ndc link run` audit each dataset's linking there, so a crash or an error in
  // a later dataset does not leave the earlier datasets' links unaudited). A dataset that fails
  // after committing some chunks is handed to `each` too, with those chunks' counts and the
  // error (DatasetLinkReport::failed), before Run returns the error; one left busy keeps the
  // counts of the chunks it linked before.
  Result<std::vector<DatasetLinkReport>> Run(const std::vector<std::string>& datasets,
                                             const LinkProgressFn& progress = nullptr,
                                             const std::function<void(const DatasetLinkReport&)>& each = nullptr);

 private:
  class Run_;
  store::Database* db_;
  catalog::Catalog* catalog_;
  Clock* clock_;
  RandomSource* random_;
  LinkerOptions options_;
};

// The authoritative dataset (person setting, else population_registry when it exists, else "")
// and the survivorship priority (the authority first, then the source_priority setting).
struct LinkPolicy {
  std::string authority;
  std::vector<std::string> priority;
};
Result<LinkPolicy> LoadLinkPolicy(store::Executor& db);

}  // namespace ndc::person
