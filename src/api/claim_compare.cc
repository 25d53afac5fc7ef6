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
  return text::MarkedComparable(trimmed);
}

}  // namespace ndc::api
