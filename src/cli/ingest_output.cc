#include "cli/ingest_output.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/clock.h"
#include "common/instant.h"
#include "common/crypto.h"

namespace ndc::cli {

std::string Thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string ShortTime(int64_t unix_micros) { return FormatRfc3339(unix_micros).substr(0, 19) + "Z"; }

std::string ValueText(const catalog::FieldSpec& field, const store::Value& v) {
  if (store::IsNull(v)) return "";
  if (const auto* i = std::get_if<int64_t>(&v)) {
    if (field.type == catalog::FieldType::kBoolean) return *i != 0 ? "true" : "false";
    return std::to_string(*i);
  }
  if (const auto* d = std::get_if<double>(&v)) return fmt::format("{}", *d);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* b = std::get_if<store::Blob>(&v)) return "base64:" + Base64Encode(b->bytes);
  return "";
}


}  // namespace ndc::cli
