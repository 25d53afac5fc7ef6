// person/person_ops: the changes the person repository is made of — attach a record to a
// person, detach it, merge a surrogate into another person, split a record off — each keeping
// links, record tables' _person_key, person events, golden records and discrepancies in step.
// Used inside one store transaction by the linker and by review decisions. Design:
// docs/design/person-repository.md ("Events", "Golden record", "Discrepancies").
//
// Not thread-safe (one per transaction). Errors: store errors as mapped; kDataLoss for a corrupt row.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/result.h"
#include "person/attributes.h"
#include "person/person_store.h"
#include "store/store.h"

namespace ndc::person {

struct OpsContext {
  int64_t now = 0;
  std::string authority;              // the authoritative dataset id; "" when none is configured
  std::vector<std::string> priority;  // survivorship: dataset ids, best first
  RandomSource* random = nullptr;     // surrogate keys
};

class PersonOps {
 public:
  PersonOps(store::Executor* tx, const OpsContext* ctx) : tx_(tx), ctx_(ctx) {}

  // Creates a surrogate person ('S' + 16 hex digits) with a `created` event; returns its key.
  Result<std::string> NewSurrogate(const std::string& detail);
  // Creates the registry person `personal_id` if new (with a `created` event); true if created.
  Result<bool> EnsureRegistryPerson(const std::string& personal_id);
  // Links the record to `person_key` (which must exist and be active). A link to another person
  // is moved (an `unlinked` event there, a `linked` event here); a link to the same person is
  // refreshed with the record's new attributes. Golden records and discrepancies follow.
  Status Attach(const std::string& dataset_id, const RecordState& record, const std::string& person_key,
                const std::string& method, std::optional<double> weight);
  // Removes the record's link, if any (an `unlinked` event), clears its _person_key and resolves
  // its discrepancies.
  Status Detach(const std::string& dataset_id, const std::string& record_key, const std::string& detail);
  // Moves every link of `from` to `into`, marks `from` merged into `into`, and records a
  // `merged` event on both.
  Status Merge(const std::string& from, const std::string& into, const std::string& detail);
  // Moves the record from its person to a new surrogate — or, when it came with a merge, back to
  // the person it came with, made active again (MergedHolderOf), unless that is (or holds)
  // `not_person`, the person the operator declared it is not — and records a `split` event on
  // both; returns the key it went to. kFailedPrecondition if the record is not linked.
  Result<std::string> Split(const std::string& dataset_id, const std::string& record_key, const std::string& detail,
                            const std::string& not_person = "");
  // Recomputes a person's golden record and the discrepancies of its linked records.
  Status Refresh(const std::string& person_key);

  // Persons created by this object, with their golden records (for the linker's index).
  struct Created {
    std::string person_key;
    Attributes golden;
  };
  std::vector<Created> TakeCreated();

 private:
  Status Event(const std::string& person, const std::string& kind, const std::optional<std::string>& other,
               const std::optional<std::string>& dataset, const std::optional<std::string>& record,
               const std::string& detail);

  store::Executor* tx_;
  const OpsContext* ctx_;
  std::vector<std::string> created_;
};

}  // namespace ndc::person
