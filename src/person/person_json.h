// person/person_json: the JSON (and CSV) shapes of the person repository that the CLI and the
// HTTP API share (docs/api/openapi.yaml: Person, ReviewItem, Discrepancy, LinkReport).
// Times are RFC 3339 UTC. Thread-safe; PersonJson reads the store (store errors as mapped).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "common/result.h"
#include "person/discrepancy_store.h"
#include "person/linker.h"
#include "person/review_store.h"
#include "store/store.h"

namespace ndc::person {

nlohmann::json LinkReportJson(const DatasetLinkReport& r);
nlohmann::json ReviewItemJson(const ReviewItem& i);
nlohmann::json DiscrepancyJson(const DiscrepancyRow& d);
// {"key", "kind", "status", "golden": [{attribute, value, dataset, record, updated_at}],
//  "links": [{dataset, record, method, weight, linked_at}], "events": [...]} of an existing
// person (kNotFound otherwise); at most the last 1,000 events.
Result<nlohmann::json> PersonJson(store::Executor& db, const std::string& person_key);

inline constexpr char kDiscrepancyCsvHeader[] =
    "record_key,attribute,source_value,authoritative_value,person_key,detected_at,resolved_at";
// One CSV line (RFC 4180 quoting), without the newline.
std::string DiscrepancyCsvLine(const DiscrepancyRow& d);

}  // namespace ndc::person
