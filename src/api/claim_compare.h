// How POST /v1/verify compares a claimed value with a stored one (docs/design/sharing.md, "Data
// endpoints"): both are brought to one comparable form of the field's type, and a claim matches
// when the forms are equal. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "catalog/schema.h"

namespace ndc::api {

// The comparable form of `value` as a value of a field of type `type`: the value a load would
// store for it, read from NFC text as a load reads it:
// - dates in any accepted spelling, at their precision ("05/03/1987" -> "1987-03-05";
//   "00/00/1987" and "1987" -> "1987"): a partial claim matches only a record holding that
//   partial date, and a full claim never matches a partial record, which cannot confirm the day;
// - phone numbers as their national number, pre-2018 11-digit mobiles as today's number
//   ("+84 168 123 4567" and "0381234567" are one number), as a phone field stores them;
// - e-mail addresses validated and without regard to case;
// - administrative units as their current code; a pre-2025 code only when its unit is exactly
//   one current unit, whole and alone (renumbered): an old commune merged with others cannot
//   confirm a person recorded in the merged one, as a year cannot confirm a full date;
// - integers, decimals and booleans as values ("007" is 7, "+1.50" is 1.5, "có" is 1);
// - other text, and a value that does not parse as its type, after Unicode NFC, tone-mark
//   placement, case and whitespace normalization — never folded to ASCII, so "Nguyễn" does not
//   verify "Nguyen". A value that is not valid UTF-8 stays as it is.
std::string ComparableClaim(catalog::FieldType type, std::string_view value);

}  // namespace ndc::api
