// Vietnamese telephone numbers as found in agency data, normalized to the national form 0xxxxxxxxx.
// See docs/design/identifiers.md#phone-numbers.
//
//   mobile    10 digits: 03x, 05x, 07x, 08x, 09x (numbering plan of the Ministry of Information and
//             Communications, after the 2018 move of 11-digit 01xx mobile numbers to 10 digits)
//   landline  11 digits: 02x area codes (since the 2017 area-code change)
//
// Accepted spellings: a country code "+84", "84" or "0084" instead of the leading 0 (a stray 0 after the
// country code is dropped), and spaces, dots, dashes and parentheses between digits. Pre-2018 11-digit
// mobile numbers (0168..., 0123...) are rejected with their new prefix in the message, or converted when
// PhoneOptions::convert_pre2018_mobile is set.
//
// A phone number is personal data: messages name the prefix, a character or a count, never the number.
// Errors are kInvalidArgument. Pure functions; thread-safe. No heap allocation on success (the result
// fits the small-string buffer).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ndc::ident {

enum class PhoneKind : uint8_t { kMobile, kLandline };

struct PhoneNumber {
  std::string national;  // "0912345678" (mobile) or "02438251234" (landline)
  PhoneKind kind = PhoneKind::kMobile;

  // "+84912345678"
  std::string E164() const;

  friend bool operator==(const PhoneNumber&, const PhoneNumber&) = default;
};

struct PhoneOptions {
  // Rewrite 0168xxxxxxx to 038xxxxxxx etc. (Decision 798/QĐ-BTTTT, 2018) instead of rejecting it.
  bool convert_pre2018_mobile = false;
};

// Errors:
//   "phone number is empty"
//   "phone number has an invalid character 'x' at position 4 (expected digits, spaces, dots, dashes,
//    parentheses and a leading '+')"
//   "phone number has no digits"
//   "phone number has 16 digits, more than any Vietnamese number"
//   "phone number is not Vietnamese: after '+' it must start with 84"
//   "phone number must start with 0, 84 or +84"
//   "phone number must have 10 digits (mobile) or 11 (landline), got 1"
//   "phone number with mobile prefix 09 must have 10 digits, got 9"
//   "phone number with landline prefix 02 must have 11 digits, got 10"
//   "phone number prefix 06 is not a Vietnamese mobile (03, 05, 07, 08, 09) or landline (02) prefix"
//   "phone number uses the pre-2018 mobile prefix 0168, renumbered to 038 in 2018"
Result<PhoneNumber> ParsePhoneNumber(std::string_view text, const PhoneOptions& options = {});

}  // namespace ndc::ident
