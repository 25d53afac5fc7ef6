// person/record_linker: how ONE changed record is linked (docs/design/person-repository.md,
// "Linking a record"): decisions first, then deterministic rules, then the probabilistic engine,
// else a new surrogate; authoritative records create persons and absorb surrogates. Works inside
// the caller's transaction through PersonOps. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "common/result.h"
#include "link/settings.h"
#include "person/linker.h"
#include "person/person_index.h"
#include "person/person_ops.h"

namespace ndc::person {

class RecordLinker {
 public:
  // `index` and `probe` may be null (no model: deterministic linking only). Not owned.
  RecordLinker(store::Executor* tx, PersonOps* ops, const OpsContext* ctx, PersonIndex* index,
               const link::RecordTable* probe, const link::Thresholds& thresholds, size_t max_candidates,
               DatasetLinkReport* counts)
      : tx_(tx), ops_(ops), ctx_(ctx), index_(index), probe_(probe), thresholds_(thresholds),
        max_candidates_(max_candidates), counts_(counts) {}

  // Links `record` of `dataset_id`; `probe_row` is its row in `probe`.
  Status Link(const std::string& dataset_id, const RecordState& record, uint32_t probe_row);

 private:
  Status LinkAuthority(const std::string& dataset_id, const RecordState& record, uint32_t probe_row);
  Status LinkOther(const std::string& dataset_id, const RecordState& record, uint32_t probe_row);
  // A person whose golden `attribute` equals the record's and whose birth date and sex do not
  // contradict it, skipping `rejected` (and, when set, keeping only surrogates).
  Result<std::optional<std::string>> Deterministic(const RecordState& record, const std::string& attribute,
                                                   const std::set<std::string>& rejected, bool surrogates_only,
                                                   const std::string& except);
  // The index's candidates for the probe row, best first, at most max_candidates_: those the
  // engine's own rule on the old ID number (CMND) made deterministic are scored like any other
  // (kept at or above the review threshold, in weight order) — the CMND decides only through
  // ByOldIdNumber.
  std::vector<PersonCandidate> Candidates(uint32_t probe_row) const;
  // The old 9-digit ID number (CMND) rule: the one person whose golden old ID number equals the
  // record's and whose birth date (or year) the record's agrees with — both must state one — and
  // whose sex does not contradict it. A CMND alone, or one two such persons share, decides nothing.
  Result<std::optional<std::string>> ByOldIdNumber(const RecordState& record, const std::set<std::string>& rejected);
  // The surviving persons of the record's non-match decisions, and its match decision if any.
  // Reads the record's decisions (ReadDecisions) and, when one says whose it is, attaches it
  // there: true. The persons declared not its own are left in `rejected` either way.
  Result<bool> AttachByDecision(const std::string& dataset_id, const RecordState& record,
                                std::set<std::string>* rejected);
  Status ReadDecisions(const std::string& dataset_id, const std::string& record_key, std::set<std::string>* rejected,
                       std::optional<std::string>* matched);
  // Attaches the record to `person`; a surrogate the record alone makes up is first merged into
  // `person` (unless an operator declared the two apart), so what refers to it follows and a
  // later split gives the record back to it.
  Status MoveTo(const std::string& dataset_id, const RecordState& record, const std::string& person,
                const std::string& method, std::optional<double> weight);
  // True when an operator said a record of `surrogate` is not `person`.
  Result<bool> RejectedBetween(const std::string& surrogate, const std::string& person);
  Status NewPerson(const std::string& dataset_id, const RecordState& record);

  store::Executor* tx_;
  PersonOps* ops_;
  const OpsContext* ctx_;
  PersonIndex* index_;
  const link::RecordTable* probe_;
  link::Thresholds thresholds_;
  size_t max_candidates_;
  DatasetLinkReport* counts_;
};

}  // namespace ndc::person
