#include "ident/identity_card.h"

#include "ident/internal/chars.h"

namespace ndc::ident {

Status ValidateIdentityCardNumber(std::string_view text) {
  return internal::CheckDigits("identity card (CMND) number", text, kIdentityCardLength);
}

}  // namespace ndc::ident
