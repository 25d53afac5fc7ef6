#include "ident/social_insurance.h"

#include "ident/internal/chars.h"

namespace ndc::ident {

Status ValidateSocialInsuranceNumber(std::string_view text) {
  return internal::CheckDigits("social insurance number", text, kSocialInsuranceNumberLength);
}

}  // namespace ndc::ident
