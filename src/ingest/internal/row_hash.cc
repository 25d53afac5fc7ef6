#include "ingest/internal/row_hash.h"

#include <cstring>
#include <optional>
#include <string>

#include "catalog/record_validator.h"
#include "common/crypto.h"

namespace ndc::ingest {
namespace {

void AppendTagged(char tag, std::string_view bytes, std::string* out) {
  out->push_back(tag);
  const uint64_t n = bytes.size();
  out->append(reinterpret_cast<const char*>(&n), sizeof n);
  out->append(bytes);
}

}  // namespace

int64_t RowHash(std::span<const store::Value> values, size_t hashed_fields, std::span<const size_t> decimals,
                bool* respelled) {
  if (respelled != nullptr) *respelled = false;
  // Trailing NULLs past the first version's fields are not hashed: up to the larger of that
  // count and the last field holding a value (a record stored under v2 with a value in v2's
  // field hashes alike when sent again under v3, whose new field it leaves empty).
  size_t hashed = values.size();
  while (hashed > hashed_fields && store::IsNull(values[hashed - 1])) --hashed;
  values = values.first(hashed);
  thread_local std::string buf;
  buf.clear();
  size_t next_decimal = 0;  // into `decimals`
  for (size_t at = 0; at < values.size(); ++at) {
    const store::Value& v = values[at];
    while (next_decimal < decimals.size() && decimals[next_decimal] < at) ++next_decimal;
    if (next_decimal < decimals.size() && decimals[next_decimal] == at) {
      if (const auto* s = std::get_if<std::string>(&v)) {
        if (std::optional<std::string> canonical = catalog::CanonicalDecimalIfRespelled(*s)) {
          AppendTagged('s', *canonical, &buf);
          if (respelled != nullptr) *respelled = true;
          continue;
        }
      }
    }
    if (store::IsNull(v)) {
      buf.push_back('n');
    } else if (const auto* i = std::get_if<int64_t>(&v)) {
      AppendTagged('i', std::string_view(reinterpret_cast<const char*>(i), sizeof *i), &buf);
    } else if (const auto* d = std::get_if<double>(&v)) {
      AppendTagged('d', std::string_view(reinterpret_cast<const char*>(d), sizeof *d), &buf);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      AppendTagged('s', *s, &buf);
    } else {
      AppendTagged('b', std::get<store::Blob>(v).bytes, &buf);
    }
  }
  // A first load hashes every row: common/crypto.h's Sha256Of costs no lookup or allocation.
  uint8_t digest[32];
  Sha256Of({buf}, digest);
  int64_t h = 0;
  std::memcpy(&h, digest, sizeof h);
  return h;
}

}  // namespace ndc::ingest
