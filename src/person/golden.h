// person/golden: survivorship — the one value per attribute a person's golden record shows,
// chosen among the person's linked records, with its provenance. Pure functions; thread-safe.
// Design: docs/design/person-repository.md ("Golden record").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "person/attributes.h"

namespace ndc::person {

// A linked record as survivorship sees it.
struct SourceRecord {
  std::string dataset_id;
  std::string record_key;
  int64_t updated_at = 0;  // the record version's time (µs UTC)
  Attributes attributes;
};

struct GoldenValue {
  std::string attribute;
  std::string value;
  std::string dataset_id;  // provenance: where the value came from
  std::string record_key;
  int64_t source_updated_at = 0;
  friend bool operator==(const GoldenValue&, const GoldenValue&) = default;
};

// For every attribute any record has, the surviving value: from the record whose dataset comes
// first in `priority` (datasets not listed rank after every listed one, equal among
// themselves); among those, the most recently updated; ties broken by dataset id, then record
// key, so the result does not depend on the order of `records`. Sorted by attribute.
std::vector<GoldenValue> Survive(const std::vector<SourceRecord>& records, const std::vector<std::string>& priority);

}  // namespace ndc::person
