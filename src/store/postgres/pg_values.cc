#include "store/postgres/pg_values.h"

#include <fmt/format.h>

#include "common/crypto.h"
#include "store/internal/value_text.h"

namespace ndc::store {
namespace {

Status Bad(unsigned oid, std::string_view text) {
  return InternalError(
      fmt::format("postgresql: cannot decode '{}' as a value of type oid {}", text.substr(0, 64), oid));
}

}  // namespace

PgParam EncodePgParam(const Value& v) {
  if (IsNull(v)) return {};
  if (const auto* i = std::get_if<int64_t>(&v)) return {std::to_string(*i), 0};
  if (const auto* d = std::get_if<double>(&v)) return {FormatDouble(*d), 0};
  if (const auto* s = std::get_if<std::string>(&v)) return {*s, 0};
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string& bytes = std::get<Blob>(v).bytes;
  std::string out = "\\x";
  out.reserve(2 + 2 * bytes.size());
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return {std::move(out), kPgBytea};
}

Result<Value> DecodePgCell(unsigned oid, std::string_view text) {
  switch (oid) {
    case kPgInt2:
    case kPgInt4:
    case kPgInt8: {
      std::optional<int64_t> n = ParseInt64(text);
      if (!n) return Bad(oid, text);
      return Value(*n);
    }
    case kPgFloat4:
    case kPgFloat8: {
      std::optional<double> d = ParseDouble(text);
      if (!d) return Bad(oid, text);
      return Value(*d);
    }
    case kPgBool:
      if (text == "t") return Value(int64_t{1});
      if (text == "f") return Value(int64_t{0});
      return Bad(oid, text);
    case kPgBytea: {
      // The connection sets bytea_output = hex.
      if (!text.starts_with("\\x") || text.size() % 2 != 0) return Bad(oid, text);
      std::string bytes;
      bytes.reserve(text.size() / 2 - 1);
      for (size_t i = 2; i < text.size(); i += 2) {
        int hi = HexDigitValue(text[i]), lo = HexDigitValue(text[i + 1]);
        if (hi < 0 || lo < 0) return Bad(oid, text);
        bytes += static_cast<char>(hi << 4 | lo);
      }
      return Value(Blob{std::move(bytes)});
    }
    default:  // text, varchar, numeric, date, timestamptz, json, ...: the server's text form
      return Value(std::string(text));
  }
}

}  // namespace ndc::store
