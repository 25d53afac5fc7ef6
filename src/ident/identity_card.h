// The old 9-digit identity card number (số chứng minh nhân dân, CMND), issued before the 12-digit
// personal ID. Agency data still carries it; NDC accepts it as a secondary identifier only, never as
// the person key (see docs/design/identifiers.md#cmnd). CMNDs issued 2012-2016 with 12 digits share the
// personal ID format: validate those with ident/personal_id.h.
//
// Errors are kInvalidArgument and never repeat the number. Pure function; thread-safe.
#pragma once

#include <string_view>

#include "common/status.h"

namespace ndc::ident {

inline constexpr size_t kIdentityCardLength = 9;

// OK for exactly 9 ASCII digits. Errors:
//   "identity card (CMND) number is empty"
//   "identity card (CMND) number has a non-digit 'A' at position 3"
//   "identity card (CMND) number must be 9 digits, got 8"
Status ValidateIdentityCardNumber(std::string_view text);

}  // namespace ndc::ident
