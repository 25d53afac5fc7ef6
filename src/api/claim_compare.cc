#include "api/claim_compare.h"

#include "ident/date_parse.h"
#include "text/fold.h"
#include "text/unicode.h"

namespace ndc::api {

std::string ComparableClaim(catalog::FieldType type, std::string_view value) {
  std::string_view trimmed = text::TrimWhitespace(value);
  if (type == catalog::FieldType::kDate) {
    if (auto d = ident::ParsePartialDate(trimmed); d.ok()) return d->ToString();
  }
  Result<std::string> nfc = text::NormalizeNfc(text::CollapseWhitespace(trimmed));
  if (!nfc.ok()) return std::string(value);
  Result<std::string> lower = text::ToLower(text::NormalizeTonePlacement(*nfc));
  return lower.ok() ? *lower : *nfc;
}

}  // namespace ndc::api
