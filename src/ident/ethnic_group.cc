#include "ident/ethnic_group.h"

#include <fmt/format.h>

#include "ident/internal/chars.h"
#include "ident/internal/tables.h"

namespace ndc::ident {
namespace {

constexpr int kUnknownCode = 0;
constexpr int kForeignCode = 55;

}  // namespace

std::span<const EthnicGroup> EthnicGroups() { return {internal::kEthnicGroups, internal::kEthnicGroupCount}; }

const EthnicGroup* FindEthnicGroup(std::string_view code) {
  if (code.size() != 2 || internal::FindNonDigit(code) != std::string_view::npos) return nullptr;
  const int value = internal::DigitsValue(code, 0, 2);
  if (value >= 1 && value <= static_cast<int>(internal::kEthnicGroupCount)) {
    return &internal::kEthnicGroups[value - 1];
  }
  // The extras follow the 54 groups, ordered 00 then 55.
  for (size_t i = internal::kEthnicGroupCount; i < internal::kEthnicGroupCountWithExtras; ++i) {
    if (internal::kEthnicGroups[i].code == code) return &internal::kEthnicGroups[i];
  }
  return nullptr;
}

Status ValidateEthnicGroupCode(std::string_view code, const EthnicCodeOptions& options) {
  RETURN_IF_ERROR(internal::CheckDigits("ethnic group code", code, 2));
  const int value = internal::DigitsValue(code, 0, 2);
  if (value >= 1 && value <= static_cast<int>(internal::kEthnicGroupCount)) return OkStatus();
  if (value == kUnknownCode) {
    if (options.allow_unknown) return OkStatus();
    return InvalidArgumentError("ethnic group code '00' means unknown and is not accepted here");
  }
  if (value == kForeignCode) {
    if (options.allow_foreign) return OkStatus();
    return InvalidArgumentError("ethnic group code '55' means foreign national and is not accepted here");
  }
  return InvalidArgumentError(fmt::format("ethnic group code '{}' is not in the GSO list (01-54)", code));
}

}  // namespace ndc::ident
