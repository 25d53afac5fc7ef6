// person/discrepancy: where a linked record disagrees with its person's authoritative record
// on identity — personal ID, birth date, sex, name — so the owning agency can correct its data.
// Pure functions; thread-safe. Design: docs/design/person-repository.md ("Discrepancies").
#pragma once

#include <string>
#include <vector>

#include "person/attributes.h"

namespace ndc::person {

struct Disagreement {
  std::string attribute;            // personal_id | birth_date | birth_year | sex | full_name
  std::string source_value;         // the linked record's value
  std::string authoritative_value;  // the authoritative record's value
  friend bool operator==(const Disagreement&, const Disagreement&) = default;
};

// The attributes on which `record` disagrees with `authority`, in the order above. An attribute
// is compared only when both sides have it. Names are compared Vietnamese-folded (tones, case,
// đ and spacing do not count); a record without full_name is compared by its surname, middle
// and given names joined. birth_year is compared only when the record has no birth_date.
std::vector<Disagreement> FindDisagreements(const Attributes& record, const Attributes& authority);

}  // namespace ndc::person
