// The social insurance number (mã số bảo hiểm xã hội, mã số BHXH): 10 digits assigned once per person by
// Vietnam Social Security; since 2021 it is also the number on the health insurance card
// (ident/health_insurance_card.h). No check digit is published, so only the shape can be checked.
// See docs/design/identifiers.md#social-insurance-number.
//
// Errors are kInvalidArgument and never repeat the number. Pure function; thread-safe.
#pragma once

#include <string_view>

#include "common/status.h"

namespace ndc::ident {

inline constexpr size_t kSocialInsuranceNumberLength = 10;

// OK for exactly 10 ASCII digits. Errors:
//   "social insurance number is empty"
//   "social insurance number has a non-digit 'O' at position 2"
//   "social insurance number must be 10 digits, got 9"
Status ValidateSocialInsuranceNumber(std::string_view text);

}  // namespace ndc::ident
