#include "api/claim_compare.h"

#include <cstdint>
#include <map>
#include <optional>

#include "catalog/record_validator.h"
#include "ident/admin_units.h"
#include "ident/date_parse.h"
#include "ident/email.h"
#include "ident/phone.h"
#include "text/fold.h"
#include "text/unicode.h"

namespace ndc::api {
namespace {

std::optional<std::string> Integer(std::string_view s) {
  int64_t n = 0;
  if (!catalog::ParseInt64(s, &n)) return std::nullopt;
  return std::to_string(n);
}

// A decimal ("-0012.3400") as its shortest spelling ("-12.34"); zero is "0" whatever its sign.
std::optional<std::string> Decimal(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  size_t point = s.find('.');
  std::string_view whole = s.substr(0, point);
  std::string_view fraction = point == std::string_view::npos ? std::string_view() : s.substr(point + 1);
  if (whole.empty() && fraction.empty()) return std::nullopt;
  if (point != std::string_view::npos && fraction.empty()) return std::nullopt;  // "1."
  for (std::string_view part : {whole, fraction}) {
    for (char c : part)
      if (c < '0' || c > '9') return std::nullopt;
  }
  while (!whole.empty() && whole.front() == '0') whole.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (whole.empty() && fraction.empty()) return std::string("0");
  std::string out = negative ? "-" : "";
  out += whole.empty() ? "0" : whole;
  if (!fraction.empty()) {
    out += '.';
    out += fraction;
  }
  return out;
}

// How many pre-2025 units went (whole or in part) into each current unit, by its code.
const std::map<std::string_view, int>& PredecessorCounts() {
  static const std::map<std::string_view, int> counts = [] {
    std::map<std::string_view, int> out;
    for (const ident::LegacyAdminUnit& old : ident::LegacyUnits()) {
      auto mapped = ident::MapLegacyCode(old.code);
      if (!mapped.ok()) continue;
      for (const ident::LegacyMapping& m : *mapped) ++out[m.unit->code];
    }
    return out;
  }();
  return counts;
}

// A current code as it is; a pre-2025 code only when its unit is exactly one current unit, whole
// and alone (renumbered, not merged): a commune merged with others cannot confirm which of the
// old ones a person lived in, as a full date cannot be confirmed by a year.
std::optional<std::string> AdminUnit(std::string_view s) {
  if (const ident::AdminUnit* unit = ident::FindCurrentUnit(s)) return std::string(unit->code);
  auto mapped = ident::MapLegacyCode(s);
  if (!mapped.ok() || mapped->size() != 1 || !(*mapped)[0].full) return std::nullopt;
  const std::string_view code = (*mapped)[0].unit->code;
  auto it = PredecessorCounts().find(code);
  if (it == PredecessorCounts().end() || it->second != 1) return std::nullopt;
  return std::string(code);
}

std::optional<std::string> Typed(catalog::FieldType type, std::string_view s) {
  switch (type) {
    case catalog::FieldType::kDate:
      if (auto d = ident::ParsePartialDate(s); d.ok()) return d->ToString();
      return std::nullopt;
    case catalog::FieldType::kPhone:
      if (auto p = ident::ParsePhoneNumber(s, {.convert_pre2018_mobile = true}); p.ok()) return p->national;
      return std::nullopt;
    case catalog::FieldType::kEmail: {
      // The whole address without regard to case, as people write theirs (an address is ASCII).
      auto e = ident::NormalizeEmail(s);
      if (!e.ok()) return std::nullopt;
      for (char& c : *e) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      return std::move(*e);
    }
    case catalog::FieldType::kAdminUnit:
      return AdminUnit(s);
    case catalog::FieldType::kInteger:
      return Integer(s);
    case catalog::FieldType::kDecimal:
      return Decimal(s);
    case catalog::FieldType::kBoolean:
      if (auto b = catalog::ParseBooleanText(s)) return std::string(*b ? "1" : "0");
      return std::nullopt;
    case catalog::FieldType::kString:
    case catalog::FieldType::kEnum:
    case catalog::FieldType::kPersonalId:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::string ComparableClaim(catalog::FieldType type, std::string_view value) {
  std::string_view trimmed = text::TrimWhitespace(value);
  // As a load, which reads NFC text: "có" decomposed is the boolean too.
  Result<std::string> nfc = text::NormalizeNfc(trimmed);
  if (std::optional<std::string> typed = Typed(type, nfc.ok() ? std::string_view(*nfc) : trimmed)) {
    return std::move(*typed);
  }
  return text::MarkedComparable(trimmed);
}

}  // namespace ndc::api
