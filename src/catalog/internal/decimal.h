// Decimal numbers as text, handled exactly: the comparison RecordValidator applies to decimal
// bounds (values have up to 38 digits, beyond what any floating-point type holds), and the plain
// form schema parsing stores a bound in (docs/design/dataset-schema.md, "Fields"). Pure
// functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ndc::catalog::internal {

// The most digits a decimal value (and a bound written out from an exponent) may have: what
// PostgreSQL's NUMERIC and common agency systems hold exactly.
inline constexpr size_t kMaxDecimalDigits = 38;

// Compares the decimals `a` and `b` by value: negative if a < b, 0 if equal, positive if a > b.
// Each must be decimal text as the validator accepts it: an optional sign, digits, and optionally
// '.' and digits, with at least one digit (what RecordValidator and ParseSchemaJson let through;
// anything else is a caller bug and compares as garbage, never crashes). Any length; leading
// zeros, trailing fraction zeros and the sign of zero do not matter: "-0" == "0.00",
// "007.50" == "7.5".
int CompareDecimals(std::string_view a, std::string_view b);

// The canonical spelling of the decimal `s` (text as CompareDecimals takes it), or nullopt when
// `s` is already spelled so: no '+', no leading zeros but the one of "0.x", no trailing fraction
// zeros and no point without a fraction after them, no negative zero ("007.50" -> "7.5",
// ".5" -> "0.5", "-0.00" -> "0", "2.0" -> "2"). Two decimals are equal exactly when their
// canonical spellings are.
std::optional<std::string> RespelledDecimal(std::string_view s);

// The number of significant digits of a decimal or JSON number ("1.50e-07" has 2: leading and
// trailing zeros do not count; zero has 0). Only the digits before any exponent are looked at.
size_t SignificantDigits(std::string_view number);

// `number`, a JSON number (-?digits(.digits)?, then optionally e or E, a sign and digits), as plain
// decimal text -?digits(.digits)? of exactly the same value. Without an exponent it is returned
// as written. With one, it is written out without leading zeros, trailing fraction zeros or a
// negative zero ("1e-05" -> "0.00001", "2.50E+3" -> "2500", "-0e1" -> "0"); nullopt if that would
// take more than `max_digits` digits. Nullopt too if `number` is not such a number.
std::optional<std::string> PlainDecimal(std::string_view number, size_t max_digits);

}  // namespace ndc::catalog::internal
