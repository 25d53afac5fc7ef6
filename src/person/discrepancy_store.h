// person/discrepancy_store: the person_discrepancies table — kept in step with the linked
// records and listed for the owning agency. Design: docs/design/person-repository.md
// ("Discrepancies"). Thread-safe as the store is; store errors as mapped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "person/discrepancy.h"
#include "store/store.h"

namespace ndc::person {

struct DiscrepancyRow {
  std::string dataset_id;
  std::string record_key;
  std::string attribute;
  std::string person_key;
  std::string source_value;
  std::string authoritative_value;
  int64_t detected_at = 0;
  std::optional<int64_t> resolved_at;
};

// Makes the record's open discrepancies exactly `current`: new ones are inserted (or reopened
// if resolved before), changed values updated, and open ones no longer in `current` resolved
// at `now`. Returns the number of rows changed.
Result<int64_t> SyncDiscrepancies(store::Executor& db, const std::string& dataset_id, const std::string& record_key,
                                  const std::string& person_key, const std::vector<Disagreement>& current,
                                  int64_t now);

struct DiscrepancyPage {
  std::string after_record;     // keyset: rows after (after_record, after_attribute)
  std::string after_attribute;
  int limit = 1000;
  bool include_resolved = false;
};
// The dataset's discrepancies in (record key, attribute) order.
Result<std::vector<DiscrepancyRow>> ListDiscrepancies(store::Executor& db, const std::string& dataset_id,
                                                      const DiscrepancyPage& page);

}  // namespace ndc::person
