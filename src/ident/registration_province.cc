#include "ident/registration_province.h"

#include "ident/internal/chars.h"
#include "ident/internal/tables.h"

namespace ndc::ident {

std::span<const RegistrationProvince> RegistrationProvinces() {
  return {internal::kRegistrationProvinces, internal::kRegistrationProvinceCount};
}

const RegistrationProvince* FindRegistrationProvince(std::string_view prefix) {
  if (prefix.size() != 3 || internal::FindNonDigit(prefix) != std::string_view::npos) return nullptr;
  const int index = internal::kRegistrationIndexByPrefix[internal::DigitsValue(prefix, 0, 3)];
  return index < 0 ? nullptr : &internal::kRegistrationProvinces[index];
}

}  // namespace ndc::ident
