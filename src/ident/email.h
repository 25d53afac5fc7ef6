// E-mail addresses: a pragmatic subset of RFC 5321/5322 that real mailboxes use, with the RFC 5321 length
// limits. See docs/design/identifiers.md#email.
//
//   local part  1-64 octets of dot-atom: letters, digits and ! # $ % & ' * + - / = ? ^ _ ` { | } ~,
//               dots only between characters (no quoted strings, no comments)
//   domain      at least two dot-separated labels of 1-63 letters, digits and hyphens, not starting or
//               ending with a hyphen, top-level label not all digits (no IP literals); 254 octets in all
//
// Internationalized addresses (non-ASCII) are rejected; domains must be given in their xn-- form.
// Normalization lower-cases the domain only (the local part is case-sensitive by RFC 5321 §2.4).
//
// An address is personal data: messages name a character, a position or a length, not the address.
// Errors are kInvalidArgument. Pure functions; thread-safe. ValidateEmail does not allocate on success.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"

namespace ndc::ident {

inline constexpr size_t kMaxEmailLength = 254;
inline constexpr size_t kMaxEmailLocalLength = 64;
inline constexpr size_t kMaxDomainLabelLength = 63;

// Errors:
//   "email is empty"
//   "email is 300 bytes long; the limit is 254"
//   "email has a non-ASCII character 'ê' (U+00EA) at position 3; internationalized addresses are not
//   accepted" "email has no '@'"  /  "email has more than one '@' (position 9)" "email local part (before
//   '@') is empty" "email local part is 65 characters long; the limit is 64" "email local part has an invalid
//   character ' ' at position 5" "email local part must not start or end with '.'"  /  "email local part has
//   consecutive dots at position 4" "email domain (after '@') is empty" "email domain has an invalid
//   character '_' at position 9" "email domain has an empty label at position 9" "email domain label at
//   position 9 is 64 characters long; the limit is 63" "email domain label at position 9 starts or ends with
//   '-'" "email domain must have at least two labels (like example.vn)" "email domain's top-level label is
//   all digits (IP addresses are not accepted)"
Status ValidateEmail(std::string_view text);

// ValidateEmail, then the address with its domain lower-cased.
Result<std::string> NormalizeEmail(std::string_view text);

}  // namespace ndc::ident
