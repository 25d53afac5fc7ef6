// VerifyLog: the full audit of a stored log — recomputes the tree from the stored entries and
// checks everything stored against it and against the signed checkpoints. `ndc audit verify`
// runs it. docs/design/audit-log.md, "Verification".
//
// Checks, in index order (the first failure is returned, as kDataLoss naming the index):
//  - every checkpoint's signature (by `public_key`, origin `origin` if given) and stored root;
//  - indexes dense from 0 (a missing row: "entry N is missing"), each entry decodes and records
//    its own index (a reordered or inserted row: "entry at index N records index M");
//  - each stored leaf hash is SHA-256(0x00 || entry) (a changed entry);
//  - each persisted tree node equals the recomputed one;
//  - at each checkpoint's size, the recomputed root equals the signed root (a rewrite that also
//    recomputed hashes: the first bad index is after the previous good checkpoint);
//  - the head (size and frontier) equals the recomputed tree; no checkpoint is beyond the last
//    entry (a truncated tail); no stored node lies beyond the tree;
//  - the person index (citizens' access histories): its live runs tile a prefix of the log, and
//    each lists exactly the (person, index) postings of the entries it covers (a multiset hash
//    per run; a run merged away while this runs is checked in the run that replaced it).
// Reads the log in pages; memory is O(page + checkpoints).
//
// Thread-safe if the executor is.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/merkle/hash.h"
#include "common/result.h"
#include "store/store.h"

namespace ndc::audit {

struct VerifyReport {
  uint64_t entries = 0;
  uint64_t checkpoints = 0;
  uint64_t nodes = 0;
  merkle::Hash root{};
  uint64_t trusted = 0;     // checkpoints held by the auditor that the log extends
  uint64_t person_runs = 0;  // live runs of the person index checked against the entries they cover
  // Entries the person index covered when the run began, and of those, the ones whose runs were
  // checked: a run merged (by a live hub's indexer) into one reaching past them is left for the
  // next verification, and the difference says how many.
  uint64_t person_entries_indexed = 0;
  uint64_t person_entries_checked = 0;
  std::string latest_note;  // the signed note of the largest stored checkpoint checked ("" if none)
};

// `trusted`: signed checkpoints the auditor kept from earlier runs (notes, as
// GET /v1/audit/checkpoint or `ndc audit verify --save` give them). The stored checkpoints are
// the hub's own; an operator who can write the database can truncate the log and delete them,
// and the hub then signs the shorter log again. A checkpoint held outside cannot be deleted:
// the log must reach its size with its root, or the run fails with kDataLoss ("rolled back");
// and it must still be among the stored checkpoints (the hub keeps every one it signs), or the
// run fails with kDataLoss ("no longer stored") — so `latest_note` is never older than a held
// checkpoint. A trusted note that does not verify with `public_key` (or names another origin) is
// kInvalidArgument: the auditor's input, not the log, is wrong.
//
// `progress`, if set, is called after each page of entries (4,096) with the entries checked so
// far and the number the head recorded when the run began (what it will check), on the calling
// thread: a national log holds billions of entries, and its verification takes hours.
using VerifyProgress = std::function<void(uint64_t checked, uint64_t total)>;
Result<VerifyReport> VerifyLog(store::Executor* ex, const std::string& public_key,
                               const std::optional<std::string>& origin = std::nullopt,
                               const std::vector<std::string>& trusted = {},
                               const VerifyProgress& progress = nullptr);

}  // namespace ndc::audit
