#include "ident/email.h"

#include <fmt/format.h>

#include <array>

#include "ident/internal/chars.h"

namespace ndc::ident {
namespace {

using internal::IsAlpha;
using internal::IsDigit;

// RFC 5322 atext, as a table: the check runs once per character of every address.
constexpr std::array<bool, 256> kAtext = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = IsAlpha(static_cast<char>(c)) || IsDigit(static_cast<char>(c));
  for (char c : std::string_view("!#$%&'*+-/=?^_`{|}~")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool IsAtext(char c) { return kAtext[static_cast<unsigned char>(c)]; }

bool IsLdh(char c) { return IsAlpha(c) || IsDigit(c) || c == '-'; }

Status InvalidChar(std::string_view part, std::string_view text, size_t pos) {
  return InvalidArgumentError(fmt::format("email {} has an invalid character {} at position {}", part,
                                          internal::DescribeCharAt(text, pos), pos + 1));
}

// `text` is ASCII here, so byte offsets are character positions.
Status CheckLocal(std::string_view text, size_t at) {
  if (at == 0) return InvalidArgumentError("email local part (before '@') is empty");
  if (at > kMaxEmailLocalLength) {
    return InvalidArgumentError(
        fmt::format("email local part is {} characters long; the limit is {}", at, kMaxEmailLocalLength));
  }
  if (text[0] == '.' || text[at - 1] == '.') {
    return InvalidArgumentError("email local part must not start or end with '.'");
  }
  for (size_t i = 0; i < at; ++i) {
    if (text[i] == '.') {
      if (text[i - 1] == '.') {
        return InvalidArgumentError(
            fmt::format("email local part has consecutive dots at position {}", i + 1));
      }
    } else if (!IsAtext(text[i])) {
      return InvalidChar("local part", text, i);
    }
  }
  return OkStatus();
}

Status CheckDomain(std::string_view text, size_t at) {
  const size_t begin = at + 1;
  if (begin == text.size()) return InvalidArgumentError("email domain (after '@') is empty");
  size_t labels = 0;
  size_t label_start = begin;
  bool label_all_digits = true;
  for (size_t i = begin; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '.') {
      if (!IsLdh(text[i])) return InvalidChar("domain", text, i);
      label_all_digits = label_all_digits && IsDigit(text[i]);
      continue;
    }
    const size_t length = i - label_start;
    if (length == 0) {
      return InvalidArgumentError(
          fmt::format("email domain has an empty label at position {}", label_start + 1));
    }
    if (length > kMaxDomainLabelLength) {
      return InvalidArgumentError(
          fmt::format("email domain label at position {} is {} characters long; the limit is {}",
                      label_start + 1, length, kMaxDomainLabelLength));
    }
    if (text[label_start] == '-' || text[i - 1] == '-') {
      return InvalidArgumentError(
          fmt::format("email domain label at position {} starts or ends with '-'", label_start + 1));
    }
    ++labels;
    if (i == text.size() && label_all_digits) {
      return InvalidArgumentError(
          "email domain's top-level label is all digits (IP addresses are not accepted)");
    }
    label_start = i + 1;
    label_all_digits = true;
  }
  if (labels < 2) return InvalidArgumentError("email domain must have at least two labels (like example.vn)");
  return OkStatus();
}

}  // namespace

Status ValidateEmail(std::string_view text) {
  if (text.empty()) return InvalidArgumentError("email is empty");
  if (text.size() > kMaxEmailLength) {
    return InvalidArgumentError(
        fmt::format("email is {} bytes long; the limit is {}", text.size(), kMaxEmailLength));
  }
  size_t at = std::string_view::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      return InvalidArgumentError(fmt::format(
          "email has a non-ASCII character {} at position {}; internationalized addresses are not accepted",
          internal::DescribeCharAt(text, i), internal::CharPosition(text, i)));
    }
    if (c == '@') {
      if (at != std::string_view::npos) {
        return InvalidArgumentError(fmt::format("email has more than one '@' (position {})", i + 1));
      }
      at = i;
    }
  }
  if (at == std::string_view::npos) return InvalidArgumentError("email has no '@'");
  RETURN_IF_ERROR(CheckLocal(text, at));
  return CheckDomain(text, at);
}

Result<std::string> NormalizeEmail(std::string_view text) {
  RETURN_IF_ERROR(ValidateEmail(text));
  std::string out(text);
  for (size_t i = out.find('@') + 1; i < out.size(); ++i) out[i] = internal::ToLower(out[i]);
  return out;
}

}  // namespace ndc::ident
