#include "ident/phone.h"

#include <fmt/format.h>

#include <array>

#include "ident/internal/chars.h"

namespace ndc::ident {
namespace {

// The 2018 renumbering of 11-digit mobile numbers: the 4-digit prefix became a 3-digit one, the
// remaining 7 digits stayed.
struct Renumbering {
  std::string_view old_prefix;
  std::string_view new_prefix;
};
constexpr std::array<Renumbering, 21> kPre2018Mobile = {{
    {"0120", "070"}, {"0121", "079"}, {"0122", "077"}, {"0123", "083"}, {"0124", "084"}, {"0125", "085"},
    {"0126", "076"}, {"0127", "081"}, {"0128", "078"}, {"0129", "082"}, {"0162", "032"}, {"0163", "033"},
    {"0164", "034"}, {"0165", "035"}, {"0166", "036"}, {"0167", "037"}, {"0168", "038"}, {"0169", "039"},
    {"0186", "056"}, {"0188", "058"}, {"0199", "059"},
}};

constexpr size_t kMaxDigits = 15;  // ITU-T E.164

bool IsSeparator(char c) { return c == ' ' || c == '.' || c == '-' || c == '(' || c == ')'; }

Status PrefixError(char second_digit) {
  return InvalidArgumentError(fmt::format(
      "phone number prefix 0{} is not a Vietnamese mobile (03, 05, 07, 08, 09) or landline (02) prefix",
      second_digit));
}

}  // namespace

std::string PhoneNumber::E164() const { return "+84" + national.substr(1); }

Result<PhoneNumber> ParsePhoneNumber(std::string_view text, const PhoneOptions& options) {
  if (text.empty()) return InvalidArgumentError("phone number is empty");
  std::array<char, kMaxDigits> buf;
  size_t n = 0;
  const bool plus = text.front() == '+';
  for (size_t i = plus ? 1 : 0; i < text.size(); ++i) {
    const char c = text[i];
    if (internal::IsDigit(c)) {
      if (n < buf.size()) buf[n] = c;
      ++n;
    } else if (!IsSeparator(c)) {
      return InvalidArgumentError(fmt::format(
          "phone number has an invalid character {} at position {} (expected digits, spaces, dots, dashes, "
          "parentheses and a leading '+')",
          internal::DescribeCharAt(text, i), internal::CharPosition(text, i)));
    }
  }
  if (n == 0) return InvalidArgumentError("phone number has no digits");
  if (n > kMaxDigits) {
    return InvalidArgumentError(
        fmt::format("phone number has {} digits, more than any Vietnamese number", n));
  }
  std::string_view digits(buf.data(), n);
  // Reduce to the national significant number (no leading 0).
  bool country_code = true;
  if (plus) {
    if (!digits.starts_with("84")) {
      return InvalidArgumentError("phone number is not Vietnamese: after '+' it must start with 84");
    }
    digits.remove_prefix(2);
  } else if (digits.starts_with("0084")) {
    digits.remove_prefix(4);
  } else if (digits.starts_with("84") && (n == 11 || n == 12)) {
    digits.remove_prefix(2);
  } else if (digits.starts_with('0')) {
    digits.remove_prefix(1);
    country_code = false;
  } else {
    return InvalidArgumentError("phone number must start with 0, 84 or +84");
  }
  if (country_code && digits.starts_with('0')) digits.remove_prefix(1);  // "+84 (0) 912 ..."
  const size_t national_length = digits.size() + 1;
  if (digits.empty()) {
    return InvalidArgumentError("phone number must have 10 digits (mobile) or 11 (landline), got 1");
  }

  PhoneNumber phone;
  switch (digits[0]) {
    case '3':
    case '5':
    case '7':
    case '8':
    case '9':
      if (national_length != 10) {
        return InvalidArgumentError(fmt::format(
            "phone number with mobile prefix 0{} must have 10 digits, got {}", digits[0], national_length));
      }
      phone.kind = PhoneKind::kMobile;
      break;
    case '2':
      if (national_length != 11) {
        return InvalidArgumentError(
            fmt::format("phone number with landline prefix 02 must have 11 digits, got {}", national_length));
      }
      phone.kind = PhoneKind::kLandline;
      break;
    case '1':
      for (const Renumbering& r : kPre2018Mobile) {
        if (national_length != 11 || digits.substr(0, 3) != r.old_prefix.substr(1)) continue;
        if (!options.convert_pre2018_mobile) {
          return InvalidArgumentError(
              fmt::format("phone number uses the pre-2018 mobile prefix {}, renumbered to {} in 2018",
                          r.old_prefix, r.new_prefix));
        }
        phone.national.reserve(10);
        phone.national.append(r.new_prefix).append(digits.substr(3));
        phone.kind = PhoneKind::kMobile;
        return phone;
      }
      return PrefixError(digits[0]);
    default:
      return PrefixError(digits[0]);
  }
  phone.national.reserve(national_length);
  phone.national.push_back('0');
  phone.national.append(digits);
  return phone;
}

}  // namespace ndc::ident
