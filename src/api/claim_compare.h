// How POST /v1/verify compares a claimed value with a stored one (docs/design/sharing.md, "Data
// endpoints"): both are brought to one comparable form, and a claim matches when the forms are
// equal. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "catalog/schema.h"

namespace ndc::api {

// Dates as dates in any accepted spelling, at their precision ("05/03/1987" -> "1987-03-05";
// "00/00/1987" and "1987" -> "1987"): a partial claim matches only a record holding that partial
// date, and a full claim never matches a partial record, which cannot confirm the day. Other text
// after Unicode NFC, tone-mark placement, case and whitespace normalization — never folded to
// ASCII, so "Nguyễn" does not verify "Nguyen". A value that is not valid UTF-8 stays as it is.
std::string ComparableClaim(catalog::FieldType type, std::string_view value);

}  // namespace ndc::api
